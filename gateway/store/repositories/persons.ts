import type { Knex } from 'knex';
import { linkFactsToPerson } from '../fact-persons.js';
import { idNumberKey, keyringOf } from '../personal-data.js';

/**
 * The only module that reads or writes persons' ID numbers and phones. They are stored encrypted (id_cipher,
 * phone_cipher) and the ID number is found by its blind index (id_key): see personal-data.ts. Everything else refers
 * to persons by their internal id.
 */
export interface PersonRow {
  id: number;
  householdId: number;
  idNumber: string;
  name: string;
  gender: string;
  birthDate: string;
  relation: string;
  ethnicity: string | null;
  maritalStatus: string | null;
  health: string | null;
  disabilityCategory: string | null;
  disabilityGrade: string | null;
  labourAbility: string | null;
  selfCareAbility: string | null;
  monthlyIncomeFen: number | null;
  /** 联系电话, digits only (and a leading + for a foreign number), or null. */
  phone: string | null;
}

export type NewPerson = Omit<PersonRow, 'id'>;

/** Columns stored as they are; the ID number and phone go through the keyring. */
const clearColumns = {
  id: 'id',
  householdId: 'household_id',
  name: 'name',
  gender: 'gender',
  birthDate: 'birth_date',
  relation: 'relation',
  ethnicity: 'ethnicity',
  maritalStatus: 'marital_status',
  health: 'health',
  disabilityCategory: 'disability_category',
  disabilityGrade: 'disability_grade',
  labourAbility: 'labour_ability',
  selfCareAbility: 'self_care_ability',
  monthlyIncomeFen: 'monthly_income_fen',
} as const satisfies Partial<Record<keyof PersonRow, string>>;

const selectList = [...Object.entries(clearColumns).map(([key, column]) => `${column} as ${key}`), 'id_cipher as idCipher', 'phone_cipher as phoneCipher'];

type StoredPersonRow = Omit<PersonRow, 'idNumber' | 'phone'> & { idCipher: string; phoneCipher: string | null };

async function inClear(db: Knex | Knex.Transaction, rows: StoredPersonRow[]): Promise<PersonRow[]> {
  const keyring = keyringOf(db);
  const [idNumbers, phones] = await Promise.all([keyring.decryptMany(rows.map((r) => r.idCipher)), keyring.decryptMany(rows.map((r) => r.phoneCipher))]);
  return rows.map(({ idCipher: _id, phoneCipher: _phone, ...row }, index) => ({ ...row, idNumber: idNumbers[index]!, phone: phones[index] ?? null }));
}

/** `idNumber` must already be canonical (gateway/identity/id-number.ts). */
export async function findPersonByIdNumber(db: Knex | Knex.Transaction, idNumber: string): Promise<PersonRow | undefined> {
  const row = await db('persons').select(selectList).where('id_key', idNumberKey(keyringOf(db), idNumber)).first();
  return row ? (await inClear(db, [row]))[0] : undefined;
}

export async function personsOfHouseholds(db: Knex | Knex.Transaction, householdIds: readonly number[]): Promise<PersonRow[]> {
  if (householdIds.length === 0) return [];
  return inClear(db, await db('persons').select(selectList).whereIn('household_id', householdIds).orderBy(['household_id', 'relation', 'id']));
}

/** Of the given canonical ID numbers, those already in the register. */
export async function registeredIdNumbers(db: Knex | Knex.Transaction, idNumbers: readonly string[]): Promise<Set<string>> {
  if (idNumbers.length === 0) return new Set();
  const keyring = keyringOf(db);
  const byKey = new Map(idNumbers.map((idNumber) => [idNumberKey(keyring, idNumber), idNumber]));
  const rows: { id_key: string }[] = await db('persons').select('id_key').whereIn('id_key', [...byKey.keys()]);
  return new Set(rows.map((r) => byKey.get(r.id_key)!));
}

export async function insertPerson(trx: Knex.Transaction, person: NewPerson): Promise<number> {
  const keyring = keyringOf(trx);
  const now = new Date().toISOString();
  const row: Record<string, unknown> = { created_at: now, updated_at: now, ...personColumnsAtRest(keyring, person) };
  for (const [key, column] of Object.entries(clearColumns)) {
    if (key !== 'id') row[column] = person[key as keyof NewPerson];
  }
  const [inserted] = await trx('persons').insert(row).returning('id');
  const id = (inserted as { id: number }).id;
  await linkFactsToPerson(trx, id, String(row.id_key));
  return id;
}

/** The protected columns of a person as stored (the demo loader writes them through the same function). */
export function personColumnsAtRest(keyring: ReturnType<typeof keyringOf>, person: Pick<NewPerson, 'idNumber' | 'phone'>): Record<string, string | null> {
  const [idCipher, phoneCipher] = keyring.encryptMany([person.idNumber, person.phone]);
  return { id_key: idNumberKey(keyring, person.idNumber), id_cipher: idCipher!, phone_cipher: phoneCipher ?? null };
}

/** Register persons' ID numbers in clear, by person id: for exports that show or mask them (the payment roll, the bank file). */
export async function idNumbersOfPersons(db: Knex | Knex.Transaction, personIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(personIds)];
  for (let at = 0; at < unique.length; at += 5000) {
    const rows: { id: number; id_cipher: string }[] = await db('persons').whereIn('id', unique.slice(at, at + 5000)).select('id', 'id_cipher');
    const clear = await keyringOf(db).decryptMany(rows.map((r) => r.id_cipher));
    rows.forEach((row, index) => out.set(Number(row.id), clear[index]!));
  }
  return out;
}
