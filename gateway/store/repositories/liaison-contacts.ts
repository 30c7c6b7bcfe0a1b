import type { Knex } from 'knex';
import { keyringOf } from '../personal-data.js';
import type { FiledBy } from './filing-returns.js';

/**
 * 附件1: each filing unit's 分管领导 and 工作人员 (migration 016). The only module that reads or writes their phones,
 * which are stored as field ciphertexts like persons' phones (personal-data.ts).
 */
export interface LiaisonContact {
  name: string;
  post: string;
  phone: string;
}

export interface LiaisonContactsRow {
  unitCode: string;
  leader: LiaisonContact;
  staff: LiaisonContact;
  firstFiledAt: string;
  filedAt: string;
  filedBy: string;
}

export async function listLiaisonContacts(db: Knex | Knex.Transaction, programme: string, unitCodes?: readonly string[]): Promise<LiaisonContactsRow[]> {
  const select = db('liaison_contacts').where('programme', programme);
  if (unitCodes) select.whereIn('unit_code', unitCodes);
  const rows: Record<string, unknown>[] = await select.orderBy('unit_code');
  const keyring = keyringOf(db);
  const phones = await keyring.decryptMany(rows.flatMap((r) => [r.leader_phone_cipher as string, r.staff_phone_cipher as string]));
  return rows.map((row, index) => ({
    unitCode: row.unit_code as string,
    leader: { name: row.leader_name as string, post: row.leader_post as string, phone: phones[2 * index]! },
    staff: { name: row.staff_name as string, post: row.staff_post as string, phone: phones[2 * index + 1]! },
    firstFiledAt: new Date(row.first_filed_at as string).toISOString(),
    filedAt: new Date(row.filed_at as string).toISOString(),
    filedBy: row.filed_by as string,
  }));
}

/** Writes a unit's row: a new one with its first filing time, or new contacts over the old (first_filed_at kept). */
export async function writeLiaisonContacts(
  trx: Knex.Transaction,
  programme: string,
  contacts: { unitCode: string; leader: LiaisonContact; staff: LiaisonContact },
  by: FiledBy,
  at: string,
): Promise<void> {
  const [leaderPhone, staffPhone] = keyringOf(trx).encryptMany([contacts.leader.phone, contacts.staff.phone]);
  await trx('liaison_contacts')
    .insert({
      programme, unit_code: contacts.unitCode,
      leader_name: contacts.leader.name, leader_post: contacts.leader.post, leader_phone_cipher: leaderPhone,
      staff_name: contacts.staff.name, staff_post: contacts.staff.post, staff_phone_cipher: staffPhone,
      first_filed_at: at, filed_at: at, filed_by: by.label, filed_by_key_id: by.keyId,
    })
    .onConflict(['programme', 'unit_code'])
    .merge(['leader_name', 'leader_post', 'leader_phone_cipher', 'staff_name', 'staff_post', 'staff_phone_cipher', 'filed_at', 'filed_by', 'filed_by_key_id']);
}
