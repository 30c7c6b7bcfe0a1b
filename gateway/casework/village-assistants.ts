import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { requireCapability } from '../access/role-policy.js';
import { isWithinScope } from '../access/region-scope.js';
import { addDays } from '../calendar/working-days.js';
import { ProblemError, type FieldError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import {
  assignmentBounds, assignmentsOn, endAssignments, findAssistant, insertAssignments, insertAssistant, listAssistants, openAssignments, type AssistantRow,
} from '../store/repositories/home-visits.js';
import { findRegions } from '../store/repositories/regions.js';
import type { VillageAssistant, VillageAssistantCreate, VillageAssignment } from '../../schemas/types/index.js';

/**
 * Village social-assistance assistants (社会救助协理员): at least one per village (seed 004 §一(二)), managed by the
 * township, which is why an assistant belongs to one township and covers villages of that township only. The
 * assignment is dated, so the due list for a past day names who covered the village then.
 */
export async function createAssistant(knex: Knex, actor: Actor, input: VillageAssistantCreate, today: string): Promise<number> {
  requireCapability(actor, 'writeRegister', 'record casework');
  await checkTownshipAndVillages(knex, actor, input.townshipCode, input.villages);
  const since = input.since ?? today;
  checkSince(since, null, today);
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

/**
 * Replaces the villages an assistant covers from `since`: villages dropped end the day before, new ones start then.
 * `since` lies between the assistant's last recorded change and today: an earlier day would rewrite the dated
 * history the due lists of past days are read from (and could end an assignment before it began); a later one
 * would record as fact a change that has not happened yet.
 */
export async function assignVillages(knex: Knex, actor: Actor, assistantId: number, input: VillageAssignment, today: string): Promise<void> {
  requireCapability(actor, 'writeRegister', 'record casework');
  const assistant = await assistantInScope(knex, actor, assistantId);
  await checkTownshipAndVillages(knex, actor, assistant.townshipCode, input.villages, '/villages');
  const since = input.since ?? today;
  const dayBefore = addDays(since, -1);
  await knex.transaction(async (trx) => {
    const { lastStart, lastEnd } = await assignmentBounds(trx, assistantId);
    const lastChange = [lastStart, lastEnd === null ? null : addDays(lastEnd, 1)].reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
    checkSince(since, lastChange, today);
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
  requireCapability(actor, 'readPersonalData', 'see casework');
  const rows = await listAssistants(knex, { scopeRegionCode: actor.regionCode, townshipCode: query.townshipCode });
  const assignments = await assignmentsOn(knex, query.on, { assistantIds: rows.map((r) => r.id) });
  return rows.map((row) => presentAssistant(row, assignments.filter((a) => a.assistantId === row.id).map((a) => ({ code: a.villageCode, since: a.startDate }))));
}

export async function viewAssistant(knex: Knex, actor: Actor, id: number, on: string): Promise<VillageAssistant> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  const row = await assistantInScope(knex, actor, id);
  const assignments = await assignmentsOn(knex, on, { assistantIds: [id] });
  return presentAssistant(row, assignments.map((a) => ({ code: a.villageCode, since: a.startDate })));
}

function checkSince(since: string, notBefore: string | null, today: string): void {
  if (since > today) {
    throw new ProblemError('validation-failed', `since ${since} is after today (${today}): record a change of villages once it takes effect`,
      [{ in: 'body', pointer: '/since', detail: `after today (${today})` }]);
  }
  if (notBefore !== null && since < notBefore) {
    throw new ProblemError('validation-failed', `since ${since} is before the assistant's last recorded change of villages (${notBefore})`,
      [{ in: 'body', pointer: '/since', detail: `before ${notBefore}, the last recorded change` }]);
  }
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
