import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import { basicLivingCategories } from '../enrolment-guard.js';

/**
 * What the oversight rosters read: households enrolled in basic-living assistance, the comparison runs and home
 * visits that checked them, the 重点人群 roster's entries, and the villages of a region. Names only, never ID numbers.
 */

export interface RosterHousehold {
  id: number;
  householdNo: string;
  registeredRegion: string;
  residenceRegion: string;
}

/**
 * A page of the households registered or living within `regionCode` (and the township, when given) with a
 * basic-living enrolment in force on `asOf`, by id after `afterId`.
 */
export async function basicLivingHouseholds(db: Knex, query: { regionCode: string; townshipCode?: string; asOf: string; afterId: number; limit: number }): Promise<RosterHousehold[]> {
  return db('households')
    .select('id', 'household_no as householdNo', 'registered_region as registeredRegion', 'residence_region as residenceRegion')
    .modify((q) => {
      for (const prefix of [scopePrefix(query.regionCode), query.townshipCode ?? '']) {
        if (prefix === '') continue;
        const { low, high } = prefixRange(prefix);
        q.andWhere((either) => either.where((r) => r.where('registered_region', '>=', low).andWhere('registered_region', '<', high))
          .orWhere((r) => r.where('residence_region', '>=', low).andWhere('residence_region', '<', high)));
      }
    })
    .whereExists(db('enrolments').select(db.raw('1')).whereRaw('enrolments.household_id = households.id')
      .whereIn('enrolments.category', basicLivingCategories).where('enrolments.start_date', '<=', query.asOf)
      .andWhere((open) => open.whereNull('enrolments.end_date').orWhere('enrolments.end_date', '>=', query.asOf)))
    .where('id', '>', query.afterId)
    .orderBy('id')
    .limit(query.limit);
}

export interface EnrolmentSpan {
  householdId: number;
  category: string;
  startDate: string;
  endDate: string | null;
}

/** Every basic-living enrolment of the households begun by `asOf`, ended or not: when each household was enrolled. */
export async function basicLivingSpans(db: Knex, householdIds: readonly number[], asOf: string): Promise<EnrolmentSpan[]> {
  if (householdIds.length === 0) return [];
  const rows: { householdId: number; category: string; startDate: unknown; endDate: unknown }[] = await db('enrolments')
    .select('household_id as householdId', 'category', 'start_date as startDate', 'end_date as endDate')
    .whereIn('household_id', householdIds).whereIn('category', basicLivingCategories).where('start_date', '<=', asOf);
  return rows.map((r) => ({ householdId: Number(r.householdId), category: r.category, startDate: dateText(r.startDate), endDate: r.endDate === null ? null : dateText(r.endDate) }));
}

export interface FinishedRun {
  id: number;
  regionCode: string;
  ruleSet: string;
  mode: string;
  period: string;
  finishedAt: string;
}

/** Finished comparison runs up to an instant, oldest first: what the facts were compared against the register by. */
export async function finishedRunsUntil(db: Knex, untilInstant: string): Promise<FinishedRun[]> {
  const rows: { id: number; regionCode: string; ruleSet: string; mode: string; period: string; finishedAt: unknown }[] = await db('comparison_runs')
    .select('id', 'region_code as regionCode', 'rule_set as ruleSet', 'mode', 'period', 'finished_at as finishedAt')
    .where('status', 'finished').whereNotNull('finished_at').where('finished_at', '<', untilInstant).orderBy('finished_at');
  return rows.map((r) => ({ ...r, id: Number(r.id), finishedAt: new Date(r.finishedAt as string).toISOString() }));
}

/** The days each household was visited up to `asOf`, by visit kind. */
export async function visitDaysOf(db: Knex, householdIds: readonly number[], kinds: readonly string[], asOf: string): Promise<{ householdId: number; visitedOn: string }[]> {
  if (householdIds.length === 0 || kinds.length === 0) return [];
  const rows: { householdId: number; visitedOn: unknown }[] = await db('home_visits')
    .select('household_id as householdId', 'visited_on as visitedOn')
    .whereIn('household_id', householdIds).whereIn('kind', kinds).where('visited_on', '<=', asOf).orderBy(['household_id', 'visited_on']);
  return rows.map((r) => ({ householdId: Number(r.householdId), visitedOn: dateText(r.visitedOn) }));
}

export interface HeadOfHousehold {
  householdId: number;
  personId: number;
  name: string;
}

/** The head (relation 01/02) of each household, by name. */
export async function headsOf(db: Knex, householdIds: readonly number[]): Promise<Map<number, HeadOfHousehold>> {
  if (householdIds.length === 0) return new Map();
  const rows: { householdId: number; personId: number; name: string }[] = await db('persons')
    .select('household_id as householdId', 'id as personId', 'name').whereIn('household_id', householdIds).whereIn('relation', ['01', '02'])
    .orderBy(['household_id', 'relation', 'id']);
  const heads = new Map<number, HeadOfHousehold>();
  for (const row of rows) {
    const householdId = Number(row.householdId);
    if (!heads.has(householdId)) heads.set(householdId, { householdId, personId: Number(row.personId), name: row.name });
  }
  return heads;
}

export interface KeyGroupEntryRow {
  id: number;
  householdId: number;
  townshipCode: string;
  addedOn: string;
  reason: string;
  addedBy: string;
  removedOn: string | null;
  removalReason: string | null;
  removedBy: string | null;
}

const entryColumns = ['id', 'household_id as householdId', 'township_code as townshipCode', 'added_on as addedOn', 'reason', 'added_by as addedBy',
  'removed_on as removedOn', 'removal_reason as removalReason', 'removed_by as removedBy'];

function entryOf(row: Record<string, unknown>): KeyGroupEntryRow {
  return {
    id: Number(row.id), householdId: Number(row.householdId), townshipCode: String(row.townshipCode), addedOn: dateText(row.addedOn), reason: String(row.reason),
    addedBy: String(row.addedBy), removedOn: row.removedOn == null ? null : dateText(row.removedOn),
    removalReason: row.removalReason == null ? null : String(row.removalReason), removedBy: row.removedBy == null ? null : String(row.removedBy),
  };
}

export async function insertKeyGroupEntry(trx: Knex.Transaction, entry: Pick<KeyGroupEntryRow, 'householdId' | 'townshipCode' | 'addedOn' | 'reason' | 'addedBy'>): Promise<number> {
  const [row] = await trx('key_group_entries').insert({
    household_id: entry.householdId, township_code: entry.townshipCode, added_on: entry.addedOn, reason: entry.reason, added_by: entry.addedBy,
    created_at: new Date().toISOString(),
  }, ['id']);
  return Number(typeof row === 'object' ? row.id : row);
}

export async function findKeyGroupEntry(db: Knex | Knex.Transaction, id: number): Promise<KeyGroupEntryRow | undefined> {
  const row = await db('key_group_entries').select(entryColumns).where('id', id).first();
  return row ? entryOf(row) : undefined;
}

/** The household's entry on the roster on `on` (added by then, not removed by then), if any. */
export async function openKeyGroupEntryOf(db: Knex | Knex.Transaction, householdId: number, on: string): Promise<KeyGroupEntryRow | undefined> {
  const row = await db('key_group_entries').select(entryColumns).where('household_id', householdId).where('added_on', '<=', on)
    .andWhere((q) => q.whereNull('removed_on').orWhere('removed_on', '>', on)).first();
  return row ? entryOf(row) : undefined;
}

/** The latest day anything was recorded about the household's entries: an addition or removal may not be dated before it. */
export async function lastKeyGroupChangeOf(db: Knex | Knex.Transaction, householdId: number): Promise<string | null> {
  const rows: { addedOn: unknown; removedOn: unknown }[] = await db('key_group_entries').select('added_on as addedOn', 'removed_on as removedOn').where('household_id', householdId);
  let last: string | null = null;
  for (const row of rows) {
    for (const day of [row.addedOn, row.removedOn]) {
      if (day == null) continue;
      const text = dateText(day);
      if (last === null || text > last) last = text;
    }
  }
  return last;
}

/** Whether the household was taken off the roster on a day from `from` to `to`, both included. */
export async function removedBetween(db: Knex | Knex.Transaction, householdId: number, from: string, to: string): Promise<boolean> {
  const row = await db('key_group_entries').where('household_id', householdId).whereNotNull('removed_on').where('removed_on', '>=', from).where('removed_on', '<=', to).first('id');
  return row !== undefined;
}

export async function removeKeyGroupEntry(trx: Knex.Transaction, id: number, removal: { removedOn: string; removalReason: string; removedBy: string }): Promise<void> {
  await trx('key_group_entries').where('id', id).whereNull('removed_on')
    .update({ removed_on: removal.removedOn, removal_reason: removal.removalReason, removed_by: removal.removedBy });
}

/** Rows whose township_code lies under `regionCode` and, when given, the township: two prefix range scans. */
function withinTownships(q: Knex.QueryBuilder, query: { regionCode: string; townshipCode?: string }): void {
  for (const prefix of [scopePrefix(query.regionCode), query.townshipCode ?? '']) {
    if (prefix === '') continue;
    const { low, high } = prefixRange(prefix);
    q.where('township_code', '>=', low).andWhere('township_code', '<', high);
  }
}

/** Entries on the roster on `on` within the townships under `regionCode` (and the township, when given). */
export async function keyGroupEntriesOn(db: Knex, query: { regionCode: string; townshipCode?: string; on: string }): Promise<KeyGroupEntryRow[]> {
  const rows = await db('key_group_entries').select(entryColumns).where('added_on', '<=', query.on)
    .andWhere((q) => q.whereNull('removed_on').orWhere('removed_on', '>', query.on))
    .modify((q) => withinTownships(q, query))
    .orderBy('id');
  return rows.map(entryOf);
}

export interface ObservationFiling {
  caseId: number;
  householdId: number;
  townshipCode: string;
  concludedOn: string;
  reason: string | null;
}

/**
 * Discovery cases concluded by `on` and filed 救助观察群众 (seed 004 §二(四)) whose subject is a registered household,
 * within the townships under `regionCode`. A case about someone not in the register has no household to visit by
 * the register, so the roster cannot carry it; the discovery-case detail report lists those.
 */
export async function observationFilings(db: Knex | Knex.Transaction, query: { regionCode: string; townshipCode?: string; on: string }): Promise<ObservationFiling[]> {
  const rows: { caseId: number; householdId: number; townshipCode: string; concludedOn: unknown; reason: string | null }[] = await db('discovery_cases')
    .select('id as caseId', 'household_id as householdId', 'township_code as townshipCode', 'concluded_on as concludedOn', 'filing_reason as reason')
    .where('filing', 'observation').whereNotNull('household_id').whereNotNull('concluded_on').where('concluded_on', '<=', query.on)
    .modify((q) => withinTownships(q, query))
    .orderBy('id');
  return rows.map((r) => ({ ...r, caseId: Number(r.caseId), householdId: Number(r.householdId), concludedOn: dateText(r.concludedOn) }));
}

export async function householdsByIds(db: Knex | Knex.Transaction, ids: readonly number[]): Promise<Map<number, RosterHousehold>> {
  if (ids.length === 0) return new Map();
  const rows: RosterHousehold[] = await db('households')
    .select('id', 'household_no as householdNo', 'registered_region as registeredRegion', 'residence_region as residenceRegion').whereIn('id', [...new Set(ids)]);
  return new Map(rows.map((r) => [Number(r.id), { ...r, id: Number(r.id) }]));
}

/** The villages (村/社区) under `regionCode`, by code. */
export async function villagesUnder(db: Knex, regionCode: string): Promise<{ code: string; name: string }[]> {
  const { low, high } = prefixRange(scopePrefix(regionCode));
  return db('regions').select('code', 'name').where('level', 'village').where('code', '>=', low).andWhere('code', '<', high).orderBy('code');
}

/** Villages that some assistant not retired by `on` covers on `on`. */
export async function coveredVillagesOn(db: Knex, regionCode: string, on: string): Promise<Set<string>> {
  const { low, high } = prefixRange(scopePrefix(regionCode));
  const rows: { villageCode: string }[] = await db('assistant_villages')
    .join('village_assistants', 'village_assistants.id', 'assistant_villages.assistant_id')
    .select('assistant_villages.village_code as villageCode')
    .where('assistant_villages.village_code', '>=', low).andWhere('assistant_villages.village_code', '<', high)
    .where('assistant_villages.start_date', '<=', on)
    .andWhere((q) => q.whereNull('assistant_villages.end_date').orWhere('assistant_villages.end_date', '>=', on))
    .andWhere((q) => q.whereNull('village_assistants.retired_on').orWhere('village_assistants.retired_on', '>', on));
  return new Set(rows.map((r) => r.villageCode));
}

function dateText(value: unknown): string {
  return String(value).slice(0, 10);
}
