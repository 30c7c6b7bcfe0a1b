import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import { keyringOf, subjectAtRest } from '../personal-data.js';

/**
 * First-responder cases, their referrals and escalations. The only module that reads or writes a case's subject ID
 * number, stored encrypted beside its blind index (subject_cipher, subject_key: personal-data.ts).
 */
export interface ReferralCaseRow {
  id: number;
  originType: 'warning' | 'discovery' | 'visit' | 'walk-in';
  originId: number | null;
  subjectIdNumber: string;
  subjectName: string;
  personId: number | null;
  householdId: number | null;
  regionCode: string;
  ownerUnit: string;
  summary: string;
  openedOn: string;
  status: 'open' | 'closed';
  closedOn: string | null;
  closeReason: string | null;
}

export type NewReferralCase = Omit<ReferralCaseRow, 'id' | 'status' | 'closedOn' | 'closeReason'>;

const caseColumns = [
  'id', 'origin_type as originType', 'origin_id as originId', 'subject_cipher as subjectIdNumber', 'subject_name as subjectName',
  'person_id as personId', 'household_id as householdId', 'region_code as regionCode', 'owner_unit as ownerUnit', 'summary',
  'opened_on as openedOn', 'status', 'closed_on as closedOn', 'close_reason as closeReason',
];

export async function insertReferralCase(trx: Knex.Transaction, row: NewReferralCase, actorLabel: string): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('referral_cases').insert({
    origin_type: row.originType, origin_id: row.originId, ...subjectAtRest(keyringOf(trx), row.subjectIdNumber), subject_name: row.subjectName,
    person_id: row.personId, household_id: row.householdId, region_code: row.regionCode, owner_unit: row.ownerUnit, summary: row.summary,
    opened_on: row.openedOn, status: 'open', actor_label: actorLabel, created_at: now, updated_at: now,
  }).returning('id');
  return (inserted as { id: number }).id;
}

/** A case as callers read it: its subject's ID number (selected from subject_cipher) decrypted. */
async function inClear(db: Knex | Knex.Transaction, row: ReferralCaseRow | undefined): Promise<ReferralCaseRow | undefined> {
  return row && { ...row, subjectIdNumber: await keyringOf(db).decrypt(row.subjectIdNumber) };
}

export async function findReferralCase(db: Knex | Knex.Transaction, id: number): Promise<ReferralCaseRow | undefined> {
  return inClear(db, await db('referral_cases').select(caseColumns).where('id', id).first());
}

/**
 * Reads a case inside a transaction that is about to change it or add to it, with its row locked on PostgreSQL
 * (SELECT … FOR UPDATE) until the transaction ends: closing, referring and escalating all take this lock first, so
 * they run one after another on a case and each sees what the one before committed. SQLite needs no lock: its one
 * pooled connection (connect.ts) already runs transactions one at a time.
 */
export async function lockReferralCase(trx: Knex.Transaction, id: number): Promise<ReferralCaseRow | undefined> {
  const query = trx('referral_cases').select(caseColumns).where('id', id).first();
  if (trx.client.config.client === 'pg') query.forUpdate();
  return inClear(trx, await query);
}

/**
 * Closes the case only if it is still open, no referral of it is still with a department (sent or accepted) and
 * no escalation awaits the meeting — one conditional statement, so nothing added meanwhile can be closed over;
 * answers whether it closed.
 */
export async function closeReferralCaseIfClear(trx: Knex.Transaction, id: number, closedOn: string, reason: string): Promise<boolean> {
  const count = await trx('referral_cases')
    .where({ id, status: 'open' })
    .whereNotExists((q) => q.select(trx.raw('1')).from('referrals').whereRaw('referrals.case_id = referral_cases.id').whereIn('referrals.status', ['sent', 'accepted']))
    .whereNotExists((q) => q.select(trx.raw('1')).from('case_escalations').whereRaw('case_escalations.case_id = referral_cases.id').where('case_escalations.status', 'pending'))
    .update({ status: 'closed', closed_on: closedOn, close_reason: reason, updated_at: new Date().toISOString() });
  return Number(count) === 1;
}

export interface ReferralRow {
  id: number;
  caseId: number;
  department: string;
  need: string;
  urgent: boolean;
  sentOn: string;
  dueOn: string;
  /** dueOn counted weekdays of a year the holiday calendar did not cover yet. */
  dueProvisional: boolean;
  status: 'sent' | 'accepted' | 'done' | 'declined';
  acceptedOn: string | null;
  finishedOn: string | null;
  declineReason: string | null;
  outcome: string | null;
  /** Of the case: the owning unit's division and the person concerned. */
  regionCode: string;
  subjectName: string;
  personId: number | null;
}

const referralColumns = [
  'referrals.id as id', 'referrals.case_id as caseId', 'referrals.department as department', 'referrals.need as need',
  'referrals.urgent as urgent', 'referrals.sent_on as sentOn', 'referrals.due_on as dueOn', 'referrals.due_provisional as dueProvisional', 'referrals.status as status',
  'referrals.accepted_on as acceptedOn', 'referrals.finished_on as finishedOn', 'referrals.decline_reason as declineReason',
  'referrals.outcome as outcome', 'referral_cases.region_code as regionCode', 'referral_cases.subject_name as subjectName',
  'referral_cases.person_id as personId',
];

function referralsQuery(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('referrals').join('referral_cases', 'referral_cases.id', 'referrals.case_id').select(referralColumns);
}

/** SQLite answers booleans as 0/1. */
function fromDatabase(row: ReferralRow): ReferralRow {
  return { ...row, urgent: Boolean(row.urgent), dueProvisional: Boolean(row.dueProvisional) };
}

export interface NewReferral {
  caseId: number;
  department: string;
  need: string;
  urgent: boolean;
  sentOn: string;
  dueOn: string;
  dueProvisional: boolean;
}

export interface TransitionActor {
  label: string;
  keyId: number | null;
}

/** Inserts a referral as sent, with its first transition. */
export async function insertReferral(trx: Knex.Transaction, referral: NewReferral, actor: TransitionActor): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('referrals').insert({
    case_id: referral.caseId, department: referral.department, need: referral.need, urgent: referral.urgent, sent_on: referral.sentOn,
    due_on: referral.dueOn, due_provisional: referral.dueProvisional, status: 'sent', created_at: now, updated_at: now,
  }).returning('id');
  const id = (inserted as { id: number }).id;
  await insertReferralTransition(trx, { referralId: id, from: null, to: 'sent', on: referral.sentOn, reason: null }, actor);
  return id;
}

export async function findReferral(db: Knex | Knex.Transaction, id: number): Promise<ReferralRow | undefined> {
  const row = await referralsQuery(db).where('referrals.id', id).first();
  return row ? fromDatabase(row) : undefined;
}

export async function referralsOfCase(db: Knex | Knex.Transaction, caseId: number): Promise<ReferralRow[]> {
  return (await referralsQuery(db).where('referrals.case_id', caseId).orderBy('referrals.id')).map(fromDatabase);
}

/** Referrals still with their department whose due date was counted provisionally. */
export async function provisionalOpenReferrals(db: Knex | Knex.Transaction): Promise<ReferralRow[]> {
  return (await referralsQuery(db).whereIn('referrals.status', ['sent', 'accepted']).andWhere('referrals.due_provisional', true).orderBy('referrals.id')).map(fromDatabase);
}

/** Moves a referral's due date to its recount unless it was answered or redated meanwhile; answers whether it applied. */
export async function redateReferral(trx: Knex.Transaction, seen: Pick<ReferralRow, 'id' | 'dueOn'>, due: { dueOn: string; dueProvisional: boolean }): Promise<boolean> {
  const count = await trx('referrals')
    .where({ id: seen.id, due_on: seen.dueOn, due_provisional: true })
    .whereIn('status', ['sent', 'accepted'])
    .update({ due_on: due.dueOn, due_provisional: due.dueProvisional, updated_at: new Date().toISOString() });
  return Number(count) === 1;
}

export type ReferralChanges = Partial<Pick<ReferralRow, 'status' | 'acceptedOn' | 'finishedOn' | 'declineReason' | 'outcome'>>;

/** Applies a transition only if the referral is still in the status it was read in; answers whether it applied. */
export async function updateReferralIfStatus(trx: Knex.Transaction, id: number, expected: ReferralRow['status'], changes: ReferralChanges): Promise<boolean> {
  const count = await trx('referrals').where({ id, status: expected }).update({
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.acceptedOn !== undefined ? { accepted_on: changes.acceptedOn } : {}),
    ...(changes.finishedOn !== undefined ? { finished_on: changes.finishedOn } : {}),
    ...(changes.declineReason !== undefined ? { decline_reason: changes.declineReason } : {}),
    ...(changes.outcome !== undefined ? { outcome: changes.outcome } : {}),
    updated_at: new Date().toISOString(),
  });
  return Number(count) === 1;
}

export interface ReferralTransitionRow {
  referralId: number;
  from: string | null;
  to: string;
  on: string;
  reason: string | null;
  actor: string | null;
  at: string;
}

export async function insertReferralTransition(
  trx: Knex.Transaction,
  transition: Omit<ReferralTransitionRow, 'actor' | 'at'>,
  actor: TransitionActor,
): Promise<void> {
  await trx('referral_transitions').insert({
    referral_id: transition.referralId, from_status: transition.from, to_status: transition.to, effective_on: transition.on,
    reason: transition.reason, actor_label: actor.label, actor_key_id: actor.keyId, at: new Date().toISOString(),
  });
}

export async function transitionsOfReferrals(db: Knex | Knex.Transaction, referralIds: readonly number[]): Promise<ReferralTransitionRow[]> {
  if (referralIds.length === 0) return [];
  const rows = await db('referral_transitions')
    .select('referral_id as referralId', 'from_status as from', 'to_status as to', 'effective_on as on', 'reason', 'actor_label as actor', 'at')
    .whereIn('referral_id', referralIds)
    .orderBy('id');
  return rows.map((r: ReferralTransitionRow & { at: string | Date }) => ({ ...r, at: new Date(r.at).toISOString() }));
}

export interface ReferralListQuery {
  /** The key's region: only referrals of cases owned inside it. */
  scopeRegionCode: string;
  regionCode?: string;
  department?: string;
  status?: ReferralRow['status'];
  /** Only referrals still sent or accepted after their deadline, on this day. */
  overdueOn?: string;
  afterId?: number;
  limit?: number;
}

function whereCaseWithin(query: Knex.QueryBuilder, regionCode: string): Knex.QueryBuilder {
  const prefix = scopePrefix(regionCode);
  if (prefix === '') return query;
  const { low, high } = prefixRange(prefix);
  return query.where('referral_cases.region_code', '>=', low).andWhere('referral_cases.region_code', '<', high);
}

export async function listReferrals(db: Knex | Knex.Transaction, query: ReferralListQuery): Promise<ReferralRow[]> {
  let q = whereCaseWithin(referralsQuery(db), query.scopeRegionCode);
  if (query.regionCode) q = whereCaseWithin(q, query.regionCode);
  if (query.department) q = q.where('referrals.department', query.department);
  if (query.status) q = q.where('referrals.status', query.status);
  if (query.overdueOn) q = q.whereIn('referrals.status', ['sent', 'accepted']).andWhere('referrals.due_on', '<', query.overdueOn);
  if (query.afterId !== undefined) q = q.where('referrals.id', '>', query.afterId);
  q = q.orderBy('referrals.id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  return (await q).map(fromDatabase);
}

export interface EscalationRow {
  id: number;
  caseId: number;
  escalatedOn: string;
  reason: string;
  status: 'pending' | 'decided';
  meetingOn: string | null;
  decision: string | null;
  escalatedBy: string | null;
  decidedBy: string | null;
}

const escalationColumns = [
  'id', 'case_id as caseId', 'escalated_on as escalatedOn', 'reason', 'status', 'meeting_on as meetingOn', 'decision',
  'escalated_by as escalatedBy', 'decided_by as decidedBy',
];

export async function insertEscalation(trx: Knex.Transaction, caseId: number, escalatedOn: string, reason: string, actorLabel: string): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('case_escalations').insert({
    case_id: caseId, escalated_on: escalatedOn, reason, status: 'pending', escalated_by: actorLabel, created_at: now, updated_at: now,
  }).returning('id');
  return (inserted as { id: number }).id;
}

export async function escalationsOfCase(db: Knex | Knex.Transaction, caseId: number): Promise<EscalationRow[]> {
  return db('case_escalations').select(escalationColumns).where('case_id', caseId).orderBy('id');
}

/** Records the meeting's decision unless one was recorded meanwhile; answers whether it did. */
export async function decideEscalationIfPending(trx: Knex.Transaction, id: number, meetingOn: string, decision: string, actorLabel: string): Promise<boolean> {
  const count = await trx('case_escalations').where({ id, status: 'pending' }).update({
    status: 'decided', meeting_on: meetingOn, decision, decided_by: actorLabel, updated_at: new Date().toISOString(),
  });
  return Number(count) === 1;
}
