import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';

/** An application for assistance as stored; the state its steps left behind is kept on the row. */
export interface ApplicationRow {
  id: number;
  procedure: string;
  category: string | null;
  householdId: number;
  applicantPersonId: number;
  acceptingRegion: string;
  registrationRegion: string;
  /** The township that starts the 核对 and the investigation and forwards the materials (一城通办: the residence township). */
  investigatingRegion: string;
  acceptedOn: string;
  dueOn: string;
  /** dueOn counted weekdays of a year the holiday calendar did not cover yet. */
  dueProvisional: boolean;
  extended: boolean;
  reason: string | null;
  status: 'open' | 'approved' | 'rejected' | 'withdrawn';
  lastStep: string;
  lastStepOn: string;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  noticeEndsProvisional: boolean;
  proposedMonthlyAmountFen: number | null;
  decidedOn: string | null;
  /** The day an objection to the notice was recorded (对公示结果有异议): 民主评议 comes before the decision. */
  objectedOn: string | null;
}

export type NewApplication = Omit<ApplicationRow, 'id'>;

const columns: Record<keyof ApplicationRow, string> = {
  id: 'id',
  procedure: 'procedure',
  category: 'category',
  householdId: 'household_id',
  applicantPersonId: 'applicant_person_id',
  acceptingRegion: 'accepting_region',
  registrationRegion: 'registration_region',
  investigatingRegion: 'investigating_region',
  acceptedOn: 'accepted_on',
  dueOn: 'due_on',
  dueProvisional: 'due_provisional',
  extended: 'extended',
  reason: 'reason',
  status: 'status',
  lastStep: 'last_step',
  lastStepOn: 'last_step_on',
  noticeStartsOn: 'notice_starts_on',
  noticeEndsOn: 'notice_ends_on',
  noticeEndsProvisional: 'notice_ends_provisional',
  proposedMonthlyAmountFen: 'proposed_monthly_amount_fen',
  decidedOn: 'decided_on',
  objectedOn: 'objected_on',
};

const selectList = Object.entries(columns).map(([key, column]) => `applications.${column} as ${key}`);

/** SQLite answers booleans as 0/1. */
function fromDatabase(row: ApplicationRow): ApplicationRow {
  return { ...row, extended: Boolean(row.extended), dueProvisional: Boolean(row.dueProvisional), noticeEndsProvisional: Boolean(row.noticeEndsProvisional) };
}

function toColumns(values: Partial<ApplicationRow>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [columns[key as keyof ApplicationRow], value]));
}

export async function insertApplication(trx: Knex.Transaction, application: NewApplication): Promise<number> {
  const now = new Date().toISOString();
  const [row] = await trx('applications').insert({ ...toColumns(application), created_at: now, updated_at: now }).returning('id');
  return (row as { id: number }).id;
}

export async function findApplication(db: Knex | Knex.Transaction, id: number): Promise<ApplicationRow | undefined> {
  const row = await db('applications').select(selectList).where('id', id).first();
  return row ? fromDatabase(row) : undefined;
}

/**
 * Applies a step's changes only if the application is still as the step found it (same last step, same status,
 * same extension, same objection), so two people recording steps at once cannot both succeed; answers whether it applied.
 */
export async function updateApplicationIfUnchanged(
  trx: Knex.Transaction,
  seen: Pick<ApplicationRow, 'id' | 'lastStep' | 'extended' | 'status' | 'objectedOn'>,
  changes: Partial<NewApplication>,
): Promise<boolean> {
  const count = await trx('applications')
    .where({ id: seen.id, last_step: seen.lastStep, extended: seen.extended, status: seen.status })
    .andWhere((q) => (seen.objectedOn === null ? q.whereNull('objected_on') : q.where('objected_on', seen.objectedOn)))
    .update({ ...toColumns(changes), updated_at: new Date().toISOString() });
  return Number(count) === 1;
}

/** Open applications whose deadline or notice end was counted provisionally: those to count again once the calendar covers their year. */
export async function provisionalOpenApplications(db: Knex | Knex.Transaction): Promise<ApplicationRow[]> {
  const rows = await db('applications')
    .select(selectList)
    .where('status', 'open')
    .andWhere((q) => q.where('due_provisional', true).orWhere('notice_ends_provisional', true))
    .orderBy('id');
  return rows.map(fromDatabase);
}

/**
 * Moves an open application's deadline and notice end to their recount, unless the application changed meanwhile
 * (a step, an extension, a parallel recount); answers whether it applied.
 */
export async function redateApplication(
  trx: Knex.Transaction,
  seen: Pick<ApplicationRow, 'id' | 'dueOn' | 'noticeEndsOn' | 'lastStep' | 'extended'>,
  dates: Pick<ApplicationRow, 'dueOn' | 'dueProvisional' | 'noticeEndsOn' | 'noticeEndsProvisional'>,
): Promise<boolean> {
  const count = await trx('applications')
    .where({ id: seen.id, status: 'open', due_on: seen.dueOn, last_step: seen.lastStep, extended: seen.extended })
    .andWhere((q) => (seen.noticeEndsOn === null ? q.whereNull('notice_ends_on') : q.where('notice_ends_on', seen.noticeEndsOn)))
    .update({ ...toColumns(dates), updated_at: new Date().toISOString() });
  return Number(count) === 1;
}

/** Applications accepted in or routed to a division: a range scan on either township column. */
function whereAnyTownshipWithin(query: Knex.QueryBuilder, regionCode: string): Knex.QueryBuilder {
  const prefix = scopePrefix(regionCode);
  if (prefix === '') return query;
  const { low, high } = prefixRange(prefix);
  return query.where((q) =>
    q
      .where((r) => r.where('applications.accepting_region', '>=', low).andWhere('applications.accepting_region', '<', high))
      .orWhere((r) => r.where('applications.registration_region', '>=', low).andWhere('applications.registration_region', '<', high))
      .orWhere((r) => r.where('applications.investigating_region', '>=', low).andWhere('applications.investigating_region', '<', high)),
  );
}

export interface ApplicationListQuery {
  /** The key's region: only applications either township of which lies inside it. */
  scopeRegionCode: string;
  /** Narrow to one township or village, on either side. */
  regionCode?: string;
  status?: ApplicationRow['status'];
  afterId?: number;
  limit?: number;
}

export interface ApplicationListRow extends ApplicationRow {
  applicantName: string;
}

export async function listApplications(db: Knex | Knex.Transaction, query: ApplicationListQuery): Promise<ApplicationListRow[]> {
  let q = db('applications').join('persons', 'persons.id', 'applications.applicant_person_id').select([...selectList, 'persons.name as applicantName']);
  q = whereAnyTownshipWithin(q, query.scopeRegionCode);
  if (query.regionCode) q = whereAnyTownshipWithin(q, query.regionCode);
  if (query.status) q = q.where('applications.status', query.status);
  if (query.afterId !== undefined) q = q.where('applications.id', '>', query.afterId);
  q = q.orderBy('applications.id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  const rows = (await q) as ApplicationListRow[];
  return rows.map((row) => ({ ...fromDatabase(row), applicantName: row.applicantName }));
}

export interface ApplicationStepRow {
  step: string;
  on: string;
  dueOn: string | null;
  dueProvisional: boolean;
  reason: string | null;
  detail: string | null;
  actorLabel: string | null;
  at: string;
}

export interface NewApplicationStep {
  applicationId: number;
  step: string;
  on: string;
  dueOn: string | null;
  dueProvisional: boolean;
  reason: string | null;
  detail: Record<string, unknown> | null;
  actor: { label: string; keyId: number | null; role: string };
}

export async function insertApplicationStep(trx: Knex.Transaction, step: NewApplicationStep): Promise<void> {
  await trx('application_steps').insert({
    application_id: step.applicationId,
    step: step.step,
    effective_on: step.on,
    due_on: step.dueOn,
    due_provisional: step.dueProvisional,
    reason: step.reason,
    detail: step.detail === null ? null : JSON.stringify(step.detail),
    actor_label: step.actor.label,
    actor_key_id: step.actor.keyId,
    actor_role: step.actor.role,
    at: new Date().toISOString(),
  });
}

export async function stepsOfApplication(db: Knex | Knex.Transaction, applicationId: number): Promise<ApplicationStepRow[]> {
  const rows = await db('application_steps')
    .select('step', 'effective_on as on', 'due_on as dueOn', 'due_provisional as dueProvisional', 'reason', 'detail', 'actor_label as actorLabel', 'at')
    .where('application_id', applicationId)
    .orderBy('id');
  // PostgreSQL answers timestamptz as a Date, SQLite as the text written.
  return rows.map((r: ApplicationStepRow & { at: string | Date }) => ({ ...r, dueProvisional: Boolean(r.dueProvisional), at: new Date(r.at).toISOString() }));
}

export async function linkEnrolments(trx: Knex.Transaction, applicationId: number, enrolmentIds: readonly number[]): Promise<void> {
  if (enrolmentIds.length === 0) return;
  await trx('application_enrolments').insert(enrolmentIds.map((enrolmentId) => ({ application_id: applicationId, enrolment_id: enrolmentId })));
}

export async function enrolmentIdsOfApplication(db: Knex | Knex.Transaction, applicationId: number): Promise<number[]> {
  const rows = await db('application_enrolments').select('enrolment_id').where('application_id', applicationId).orderBy('enrolment_id');
  return rows.map((r: { enrolment_id: number }) => Number(r.enrolment_id));
}

/** What a public notice may show of an application, and nothing else: no ID number, phone, account or health column is read. */
export interface NoticeRow {
  id: number;
  applicantPersonId: number;
  category: string | null;
  acceptingRegion: string;
  registrationRegion: string;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  proposedMonthlyAmountFen: number | null;
  decidedOn: string | null;
  status: ApplicationRow['status'];
  applicantName: string;
  registeredVillage: string;
  residenceVillage: string;
  householdSize: number;
  approvedMonthlyAmountFen: number | null;
}

/**
 * Applications of a township whose notice started, or which were approved, between `from` and `to` (inclusive),
 * with the household's size and the approved enrolments' total.
 */
export async function noticeRows(db: Knex, township: string, from: string, to: string): Promise<NoticeRow[]> {
  const memberCounts = db('persons').select('household_id').count({ n: '*' }).groupBy('household_id').as('members');
  const approvedAmounts = db('application_enrolments')
    .join('enrolments', 'enrolments.id', 'application_enrolments.enrolment_id')
    .select('application_enrolments.application_id')
    .sum({ total: 'enrolments.monthly_amount_fen' })
    .groupBy('application_enrolments.application_id')
    .as('approved');
  let q = db('applications')
    .join('persons', 'persons.id', 'applications.applicant_person_id')
    .join('households', 'households.id', 'applications.household_id')
    .join(memberCounts, 'members.household_id', 'applications.household_id')
    .leftJoin(approvedAmounts, 'approved.application_id', 'applications.id')
    .select(
      'applications.id as id', 'applications.applicant_person_id as applicantPersonId', 'applications.category as category', 'applications.accepting_region as acceptingRegion',
      'applications.registration_region as registrationRegion', 'applications.notice_starts_on as noticeStartsOn',
      'applications.notice_ends_on as noticeEndsOn', 'applications.proposed_monthly_amount_fen as proposedMonthlyAmountFen',
      'applications.decided_on as decidedOn', 'applications.status as status', 'persons.name as applicantName',
      'households.registered_region as registeredVillage', 'households.residence_region as residenceVillage',
      'members.n as householdSize', 'approved.total as approvedMonthlyAmountFen',
    )
    .where((w) =>
      w
        .whereBetween('applications.notice_starts_on', [from, to])
        .orWhere((a) => a.where('applications.status', 'approved').whereBetween('applications.decided_on', [from, to])),
    );
  q = whereAnyTownshipWithin(q, township);
  const rows = (await q.orderBy('applications.id')) as NoticeRow[];
  return rows.map((r) => ({
    ...r,
    householdSize: Number(r.householdSize),
    approvedMonthlyAmountFen: r.approvedMonthlyAmountFen === null ? null : Number(r.approvedMonthlyAmountFen),
  }));
}
