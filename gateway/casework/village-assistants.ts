import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { dateOfDayNumber, dayNumberOf } from '../calendar/working-days.js';
import { ProblemError, type FieldError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import {
  assignmentsOn, endAssignments, findAssistant, insertAssignments, insertAssistant, listAssistants, openAssignments, type AssistantRow,
} from '../store/repositories/home-visits.js';
import { findRegions } from '../store/repositories/regions.js';
import type { VillageAssistant, VillageAssistantCreate, VillageAssignment } from '../../schemas/types/index.js';
import { requireCaseworkReader, requireCaseworkWriter } from './casework-access.js';

/**
 * Village social-assistance assistants (社会救助协理员): at least one per village (seed 004 §一(二)), managed by the
 * township, which is why an assistant belongs to one township and covers villages of that township only. The
 * assignment is dated, so the due list for a past day names who covered the village then.
 */
export async function createAssistant(knex: Knex, actor: Actor, input: VillageAssistantCreate, today: string): Promise<number> {
  requireCaseworkWriter(actor);
  await checkTownshipAndVillages(knex, actor, input.townshipCode, input.villages);
  const since = input.since ?? today;
  return knex.transaction(async (trx) => {
    const id = await insertAssistant(trx, { name: input.name, townshipCode: input.townshipCode, unit: input.unit ?? null });
    await insertAssignments(trx, id, input.villages, since);
    await recordAudit(trx, actor, {
      action: 'visit-assistant.create', outcome: 'ok', resourceType: 'visit-assistant', resourceId: String(id), regionCode: input.townshipCode,
      detail: `villages ${input.villages.join(', ') || '(none)'} from ${since}`,
    });
    return id;
  });
}

/** Replaces the villages an assistant covers from `since`: villages dropped end the day before, new ones start then. */
export async function assignVillages(knex: Knex, actor: Actor, assistantId: number, input: VillageAssignment, today: string): Promise<void> {
  requireCaseworkWriter(actor);
  const assistant = await assistantInScope(knex, actor, assistantId);
  await checkTownshipAndVillages(knex, actor, assistant.townshipCode, input.villages, '/villages');
  const since = input.since ?? today;
  const dayBefore = dateOfDayNumber(dayNumberOf(since) - 1);
  await knex.transaction(async (trx) => {
    const open = (await openAssignments(trx, assistantId, since)).map((a) => a.villageCode);
    const dropped = open.filter((code) => !input.villages.includes(code));
    const added = input.villages.filter((code) => !open.includes(code));
    await endAssignments(trx, assistantId, dropped, since, dayBefore);
    await insertAssignments(trx, assistantId, added, since);
    await recordAudit(trx, actor, {
      action: 'visit-assistant.assign', outcome: 'ok', resourceType: 'visit-assistant', resourceId: String(assistantId),
      regionCode: assistant.townshipCode, detail: `from ${since}: added ${added.join(', ') || '-'}; ended ${dropped.join(', ') || '-'}`,
    });
  });
}

export async function viewAssistants(knex: Knex, actor: Actor, query: { townshipCode?: string; on: string }): Promise<VillageAssistant[]> {
  requireCaseworkReader(actor);
  const rows = await listAssistants(knex, { scopeRegionCode: actor.regionCode, townshipCode: query.townshipCode });
  const assignments = await assignmentsOn(knex, query.on, { assistantIds: rows.map((r) => r.id) });
  return rows.map((row) => presentAssistant(row, assignments.filter((a) => a.assistantId === row.id).map((a) => ({ code: a.villageCode, since: a.startDate }))));
}

export async function viewAssistant(knex: Knex, actor: Actor, id: number, on: string): Promise<VillageAssistant> {
  requireCaseworkReader(actor);
  const row = await assistantInScope(knex, actor, id);
  const assignments = await assignmentsOn(knex, on, { assistantIds: [id] });
  return presentAssistant(row, assignments.map((a) => ({ code: a.villageCode, since: a.startDate })));
}

function presentAssistant(row: AssistantRow, villages: { code: string; since: string }[]): VillageAssistant {
  return { id: row.id, name: row.name, townshipCode: row.townshipCode, unit: row.unit, retiredOn: row.retiredOn, villages };
}

async function assistantInScope(knex: Knex, actor: Actor, id: number): Promise<AssistantRow> {
  const assistant = await findAssistant(knex, id);
  if (!assistant || !isWithinScope(actor.regionCode, assistant.townshipCode)) {
    throw new ProblemError('not-found', `no village assistant ${id} within ${actor.regionCode}`);
  }
  return assistant;
}

async function checkTownshipAndVillages(knex: Knex, actor: Actor, townshipCode: string, villages: readonly string[], pointer = '/villages'): Promise<void> {
  if (!isWithinScope(actor.regionCode, townshipCode)) {
    throw new ProblemError('out-of-scope', `township ${townshipCode} is outside ${actor.regionCode}`);
  }
  const regions = await findRegions(knex, [townshipCode, ...villages]);
  if (regions.get(townshipCode)?.level !== 'township') {
    throw new ProblemError('unknown-region', `${townshipCode} is not a known township`, [{ in: 'body', pointer: '/townshipCode', detail: 'not a known township' }]);
  }
  const errors: FieldError[] = [];
  villages.forEach((code, index) => {
    if (regions.get(code)?.level !== 'village' || !code.startsWith(townshipCode)) {
      errors.push({ in: 'body', pointer: `${pointer}/${index}`, detail: `${code} is not a village of township ${townshipCode}` });
    }
  });
  if (errors.length > 0) throw new ProblemError('unknown-region', 'an assistant covers villages of their own township', errors);
}
