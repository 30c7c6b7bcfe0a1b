/**
 * 附件1 《分层分类社会救助工作各部门(单位)联络人》 (seed 002 §三(二)): each unit's 分管领导 and 工作人员. A one-off return
 * due on the programme's date (6月5日前 for Yongning), kept current afterwards: a unit updates its row whenever its
 * people change, and whether it was on time stays as its first filing made it.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { canonicalPhone } from '../store/personal-data.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { filedByOf } from '../store/repositories/filing-returns.js';
import { listLiaisonContacts, writeLiaisonContacts, type LiaisonContact } from '../store/repositories/liaison-contacts.js';
import type { LiaisonEntryInput, LiaisonRosterRow } from '../../schemas/types/index.js';
import { rosterDeadline, timelinessOf } from './filing-calendar.js';
import { requireFilingFor } from './filing-access.js';
import { unitRegion, unitsOf, type FilingProgramme, type ProgrammeUnit } from './filing-programme.js';
import { unitRef } from './progress-sheets.js';

/** Files or updates a unit's row; `changed` is false when it already said exactly this (nothing is written then). */
export async function fileLiaisonContacts(knex: Knex, actor: Actor, target: ProgrammeUnit, input: LiaisonEntryInput, options: { now: Date }): Promise<{ created: boolean; changed: boolean }> {
  requireFilingFor(actor, target);
  const { programme, unit } = target;
  const contacts = { leader: canonicalContact(input.leader), staff: canonicalContact(input.staff) };
  return knex.transaction(async (trx) => {
    const [before] = await listLiaisonContacts(trx, programme.id, [unit.code]);
    const changes = before ? changedFields(before, contacts) : ['leader', 'staff'];
    if (changes.length === 0) return { created: false, changed: false };
    await writeLiaisonContacts(trx, programme.id, { unitCode: unit.code, ...contacts }, filedByOf(actor), options.now.toISOString());
    await recordAudit(trx, actor, {
      action: 'liaison.file', outcome: 'ok', resourceType: 'liaison-contacts', resourceId: `${programme.id}/${unit.code}`, regionCode: unitRegion(programme, unit),
      detail: before ? `changed: ${changes.join(', ')}` : 'first filed',
    });
    return { created: !before, changed: true };
  });
}

function canonicalContact(contact: LiaisonContact): LiaisonContact {
  return { name: contact.name.trim(), post: contact.post.trim(), phone: canonicalPhone(contact.phone) };
}

/** Which of the six fields differ, named without their values (the audit line carries no phone number). */
function changedFields(before: { leader: LiaisonContact; staff: LiaisonContact }, after: { leader: LiaisonContact; staff: LiaisonContact }): string[] {
  return (['leader', 'staff'] as const).flatMap((who) =>
    (['name', 'post', 'phone'] as const).filter((field) => before[who][field] !== after[who][field]).map((field) => `${who} ${field}`));
}

/**
 * The roster of the programme's units (or those in `unitCodes`), in the programme's order, each with its contacts in
 * full or null where none is filed, and whether its first filing was on time. Masking is the caller's.
 */
export async function liaisonRoster(knex: Knex, programme: FilingProgramme, unitCodes?: readonly string[]): Promise<LiaisonRosterRow[]> {
  const units = unitsOf(programme, unitCodes);
  const rows = await listLiaisonContacts(knex, programme.id, units.map((u) => u.code));
  const { onTimeThrough } = rosterDeadline(programme);
  return units.map((unit) => {
    const row = rows.find((r) => r.unitCode === unit.code);
    const contact = (c: LiaisonContact) => ({ ...c, phoneMasked: false });
    return {
      unit: unitRef(unit),
      leader: row ? contact(row.leader) : null,
      staff: row ? contact(row.staff) : null,
      filing: row ? timelinessOf(row.firstFiledAt, onTimeThrough) : 'missing',
      firstFiledAt: row?.firstFiledAt ?? null,
      filedAt: row?.filedAt ?? null,
      filedBy: row?.filedBy ?? null,
    };
  });
}
