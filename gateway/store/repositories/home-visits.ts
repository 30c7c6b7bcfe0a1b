import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import { seriouslyIllMemberSql } from '../serious-illness.js';
import type { VisitKind } from '../../../schemas/types/index.js';

/** Home visits (走访), the village assistants who make them, and what the due list needs from the register. */
export interface HomeVisitRow {
  id: number;
  clientVisitId: string;
  bodySm3: string;
  householdId: number;
  householdNo: string;
  regionCode: string;
  visitorKind: 'village-assistant' | 'township-staff';
  assistantId: number | null;
  visitorName: string;
  visitorUnit: string | null;
  visitedOn: string;
  kind: VisitKind;
  personSeen: boolean;
  findings: string;
  needsFound: string[];
  needsNote: string | null;
  hardshipFound: boolean;
  recordedAt: string;
}

export type NewHomeVisit = Omit<HomeVisitRow, 'id' | 'householdNo' | 'recordedAt'>;

const visitSelect = [
  'home_visits.id as id', 'home_visits.client_visit_id as clientVisitId', 'home_visits.body_sm3 as bodySm3',
  'home_visits.household_id as householdId', 'households.household_no as householdNo', 'home_visits.region_code as regionCode',
  'home_visits.visitor_kind as visitorKind', 'home_visits.assistant_id as assistantId', 'home_visits.visitor_name as visitorName',
  'home_visits.visitor_unit as visitorUnit', 'home_visits.visited_on as visitedOn', 'home_visits.kind as kind',
  'home_visits.person_seen as personSeen', 'home_visits.findings as findings', 'home_visits.needs_found as needsFound',
  'home_visits.needs_note as needsNote', 'home_visits.hardship_found as hardshipFound', 'home_visits.recorded_at as recordedAt',
];

function visitFromRow(row: Record<string, unknown>): HomeVisitRow {
  const needs = row.needsFound as string;
  return {
    ...(row as unknown as HomeVisitRow),
    // SQLite has no boolean: 0/1 come back.
    personSeen: Boolean(row.personSeen),
    hardshipFound: Boolean(row.hardshipFound),
    needsFound: needs === '' ? [] : needs.split(','),
    recordedAt: new Date(row.recordedAt as string | Date).toISOString(),
  };
}

export async function insertHomeVisit(trx: Knex.Transaction, visit: NewHomeVisit, actor: { label: string; keyId: number | null }): Promise<number> {
  const [inserted] = await trx('home_visits')
    .insert({
      client_visit_id: visit.clientVisitId,
      body_sm3: visit.bodySm3,
      household_id: visit.householdId,
      region_code: visit.regionCode,
      visitor_kind: visit.visitorKind,
      assistant_id: visit.assistantId,
      visitor_name: visit.visitorName,
      visitor_unit: visit.visitorUnit,
      visited_on: visit.visitedOn,
      kind: visit.kind,
      person_seen: visit.personSeen,
      findings: visit.findings,
      needs_found: visit.needsFound.join(','),
      needs_note: visit.needsNote,
      hardship_found: visit.hardshipFound,
      recorded_at: new Date().toISOString(),
      actor_label: actor.label,
      actor_key_id: actor.keyId,
    })
    .returning('id');
  return (inserted as { id: number }).id;
}

export async function findHomeVisit(db: Knex | Knex.Transaction, id: number): Promise<HomeVisitRow | undefined> {
  const row = await db('home_visits').join('households', 'households.id', 'home_visits.household_id').select(visitSelect).where('home_visits.id', id).first();
  return row ? visitFromRow(row) : undefined;
}

export async function findHomeVisitByClientId(db: Knex | Knex.Transaction, clientVisitId: string): Promise<HomeVisitRow | undefined> {
  const row = await db('home_visits').join('households', 'households.id', 'home_visits.household_id').select(visitSelect)
    .where('home_visits.client_visit_id', clientVisitId).first();
  return row ? visitFromRow(row) : undefined;
}

/** A household's visits, latest first. */
export async function visitsOfHousehold(db: Knex, householdId: number, range: { from?: string; to?: string } = {}): Promise<HomeVisitRow[]> {
  const rows = await db('home_visits').join('households', 'households.id', 'home_visits.household_id').select(visitSelect)
    .where('home_visits.household_id', householdId)
    .modify((q) => {
      if (range.from) q.where('home_visits.visited_on', '>=', range.from);
      if (range.to) q.where('home_visits.visited_on', '<=', range.to);
    })
    .orderBy([{ column: 'home_visits.visited_on', order: 'desc' }, { column: 'home_visits.id', order: 'desc' }]);
  return rows.map(visitFromRow);
}

// ---- village assistants (村级社会救助协理员) and the villages they cover ----

export interface AssistantRow {
  id: number;
  name: string;
  townshipCode: string;
  unit: string | null;
  retiredOn: string | null;
}

export interface AssignmentRow {
  assistantId: number;
  villageCode: string;
  startDate: string;
  endDate: string | null;
}

const assistantSelect = ['id', 'name', 'township_code as townshipCode', 'unit', 'retired_on as retiredOn'];

export async function insertAssistant(trx: Knex.Transaction, assistant: Omit<AssistantRow, 'id' | 'retiredOn'>): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('village_assistants')
    .insert({ name: assistant.name, township_code: assistant.townshipCode, unit: assistant.unit, created_at: now, updated_at: now })
    .returning('id');
  return (inserted as { id: number }).id;
}

export async function findAssistant(db: Knex | Knex.Transaction, id: number): Promise<AssistantRow | undefined> {
  return db('village_assistants').first(assistantSelect).where('id', id);
}

export async function listAssistants(db: Knex, query: { scopeRegionCode: string; townshipCode?: string }): Promise<AssistantRow[]> {
  return db('village_assistants')
    .select(assistantSelect)
    .modify((q) => {
      const prefix = scopePrefix(query.scopeRegionCode);
      if (prefix !== '') {
        const { low, high } = prefixRange(prefix);
        q.where('township_code', '>=', low).andWhere('township_code', '<', high);
      }
      if (query.townshipCode) q.where('township_code', query.townshipCode);
    })
    .orderBy('id');
}

/** Assignments in force on `on` (start ≤ on ≤ end), for these assistants. */
export async function assignmentsOn(db: Knex | Knex.Transaction, on: string, filter: { assistantIds?: readonly number[]; villageCodes?: readonly string[] }): Promise<AssignmentRow[]> {
  if (filter.assistantIds?.length === 0 || filter.villageCodes?.length === 0) return [];
  return db('assistant_villages')
    .select('assistant_id as assistantId', 'village_code as villageCode', 'start_date as startDate', 'end_date as endDate')
    .where('start_date', '<=', on)
    .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', on))
    .modify((q) => {
      if (filter.assistantIds) q.whereIn('assistant_id', filter.assistantIds);
      if (filter.villageCodes) q.whereIn('village_code', filter.villageCodes);
    })
    .orderBy(['assistant_id', 'village_code']);
}

/** Open assignments of an assistant (no end date, or ending after `on`). */
export async function openAssignments(trx: Knex.Transaction, assistantId: number, on: string): Promise<AssignmentRow[]> {
  return trx('assistant_villages')
    .select('assistant_id as assistantId', 'village_code as villageCode', 'start_date as startDate', 'end_date as endDate')
    .where('assistant_id', assistantId)
    .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', on));
}

export async function insertAssignments(trx: Knex.Transaction, assistantId: number, villageCodes: readonly string[], startDate: string): Promise<void> {
  if (villageCodes.length === 0) return;
  await trx('assistant_villages').insert(villageCodes.map((villageCode) => ({ assistant_id: assistantId, village_code: villageCode, start_date: startDate })));
}

/** The latest start date and the latest end date among an assistant's assignments, each null when there is none. */
export async function assignmentBounds(db: Knex | Knex.Transaction, assistantId: number): Promise<{ lastStart: string | null; lastEnd: string | null }> {
  const row = await db('assistant_villages').where('assistant_id', assistantId)
    .max({ lastStart: 'start_date' }).max({ lastEnd: 'end_date' }).first();
  const text = (value: unknown) => (value === null || value === undefined ? null : dateText(value));
  return { lastStart: text(row?.lastStart), lastEnd: text(row?.lastEnd) };
}

/**
 * Ends the assistant's open assignments of these villages the day before `since`; an assignment that had not
 * started by then is removed instead, since it never took effect.
 */
export async function endAssignments(trx: Knex.Transaction, assistantId: number, villageCodes: readonly string[], since: string, dayBefore: string): Promise<void> {
  if (villageCodes.length === 0) return;
  const open = () => trx('assistant_villages').where('assistant_id', assistantId).whereIn('village_code', villageCodes)
    .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', since));
  await open().clone().where('start_date', '>=', since).delete();
  await open().clone().update({ end_date: dayBefore });
}

// ---- what the due list reads ----

export interface DueCandidate {
  id: number;
  householdNo: string;
  residenceRegion: string;
}

export interface DueCandidateQuery {
  /** Households living (居住地) within this prefix scope. */
  scopeRegionCode: string;
  townshipCode?: string;
  /** Only households living in these villages. */
  villageCodes?: readonly string[];
  asOf: string;
  enrolmentCategories: readonly string[];
  warningRules: readonly string[];
  /** Households that need visiting whatever their enrolments: those on the 重点人群花名册. */
  householdIds?: readonly number[];
  afterId: number;
  limit: number;
}

/**
 * A page of households that may need visiting: living within the scope, with a current enrolment in one of the
 * categories or a warning of one of the trigger rules. Visits happen where people live, so the residence decides.
 */
export async function dueCandidates(db: Knex, query: DueCandidateQuery): Promise<DueCandidate[]> {
  if (query.villageCodes?.length === 0) return [];
  return db('households')
    .select('households.id as id', 'households.household_no as householdNo', 'households.residence_region as residenceRegion')
    .modify((q) => {
      const prefix = scopePrefix(query.scopeRegionCode);
      if (prefix !== '') {
        const { low, high } = prefixRange(prefix);
        q.where('households.residence_region', '>=', low).andWhere('households.residence_region', '<', high);
      }
      if (query.townshipCode) {
        const { low, high } = prefixRange(query.townshipCode);
        q.where('households.residence_region', '>=', low).andWhere('households.residence_region', '<', high);
      }
      if (query.villageCodes) q.whereIn('households.residence_region', query.villageCodes);
      q.andWhere((either) => {
        either.whereExists(
          db('enrolments').select(db.raw('1')).whereRaw('enrolments.household_id = households.id')
            .whereIn('enrolments.category', query.enrolmentCategories)
            .where('enrolments.start_date', '<=', query.asOf)
            .andWhere((open) => open.whereNull('enrolments.end_date').orWhere('enrolments.end_date', '>=', query.asOf)),
        );
        if (query.householdIds && query.householdIds.length > 0) either.orWhereIn('households.id', query.householdIds);
        if (query.warningRules.length > 0) {
          either.orWhereExists(
            db('warnings').select(db.raw('1')).whereRaw('warnings.household_id = households.id')
              .whereIn('warnings.rule_id', query.warningRules).where('warnings.raised_on', '<=', query.asOf),
          );
        }
      });
      q.where('households.id', '>', query.afterId);
    })
    .orderBy('households.id')
    .limit(query.limit);
}

export interface DueMember {
  personId: number;
  householdId: number;
  name: string;
  relation: string;
  birthDate: string;
  health: string | null;
  disabilityGrade: string | null;
  labourAbility: string | null;
  /** 重病 on the day asked about (serious-illness.ts). */
  seriouslyIll: boolean;
}

/** Members without their ID numbers: the due list needs ages and conditions, not identities. */
export async function dueMembers(db: Knex, householdIds: readonly number[], asOf: string): Promise<DueMember[]> {
  if (householdIds.length === 0) return [];
  const ill = seriouslyIllMemberSql('persons', asOf);
  const rows = await db('persons')
    .select('id as personId', 'household_id as householdId', 'name', 'relation', 'birth_date as birthDate', 'health', 'disability_grade as disabilityGrade', 'labour_ability as labourAbility',
      db.raw(`CASE WHEN ${ill.text} THEN 1 ELSE 0 END AS seriously_ill`, ill.bindings))
    .whereIn('household_id', householdIds)
    .orderBy(['household_id', 'relation', 'id']) as (Omit<DueMember, 'seriouslyIll'> & { seriously_ill: number | string })[];
  return rows.map(({ seriously_ill: ill, ...member }) => ({ ...member, seriouslyIll: Number(ill) === 1 }));
}

export async function currentEnrolmentsOf(db: Knex, householdIds: readonly number[], asOf: string): Promise<{ householdId: number; category: string; startDate: string }[]> {
  if (householdIds.length === 0) return [];
  return db('enrolments')
    .select('household_id as householdId', 'category', 'start_date as startDate')
    .whereIn('household_id', householdIds)
    .where('start_date', '<=', asOf)
    .andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>=', asOf));
}

export async function triggerWarningsOf(db: Knex, householdIds: readonly number[], rules: readonly string[], asOf: string): Promise<{ householdId: number; ruleId: string; raisedOn: string }[]> {
  if (householdIds.length === 0 || rules.length === 0) return [];
  return db('warnings')
    .select('household_id as householdId', 'rule_id as ruleId', 'raised_on as raisedOn')
    .whereIn('household_id', householdIds)
    .whereIn('rule_id', rules)
    .where('raised_on', '<=', asOf);
}

/** Each household's latest visit of a counted kind on or before `asOf`. */
export async function lastVisitsOf(db: Knex, householdIds: readonly number[], kinds: readonly string[], asOf: string): Promise<Map<number, string>> {
  if (householdIds.length === 0) return new Map();
  const rows: { householdId: number; last: unknown }[] = await db('home_visits')
    .select('household_id as householdId', db.raw('MAX(visited_on) as last'))
    .whereIn('household_id', householdIds)
    .whereIn('kind', kinds)
    .where('visited_on', '<=', asOf)
    .groupBy('household_id');
  return new Map(rows.map((r) => [Number(r.householdId), dateText(r.last)]));
}

/** MAX() over a DATE column: PostgreSQL's date parser gives a string; keep to the calendar date either way. */
function dateText(value: unknown): string {
  return String(value).slice(0, 10);
}
