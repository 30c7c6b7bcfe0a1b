import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import type { WarningOutcome, WarningStatus } from '../../../schemas/types/index.js';
import { attributesInClear, type StoredAttributes } from '../fact-attributes.js';
import { keyringOf } from '../personal-data.js';

/**
 * The only module that reads warnings' subjects and the facts behind a warning (migrations 005, 006 and 015): the
 * subject's ID number is stored encrypted (subject_cipher) beside its blind index (subject_key) and issuing region
 * (subject_region), like persons' (personal-data.ts).
 */
export interface WarningRow {
  id: number;
  runId: number;
  ruleId: string;
  period: string;
  subjectIdNumber: string;
  /** The county that issued the subject's ID number (its first 6 digits). */
  subjectRegion: string;
  subjectName: string | null;
  personId: number | null;
  householdId: number | null;
  regionCode: string | null;
  handlingUnit: 'township' | 'county';
  severity: 'high' | 'medium' | 'low';
  suggestedAction: string;
  referTo: string | null;
  measured: number | null;
  threshold: number | null;
  status: WarningStatus;
  outcome: WarningOutcome | null;
  outcomeReason: string | null;
  raisedOn: string;
  dueOn: string;
  dueProvisional: boolean;
  deadlineWorkingDays: number | null;
  resolvedOn: string | null;
}

const columns: Record<keyof WarningRow, string> = {
  id: 'id',
  runId: 'run_id',
  ruleId: 'rule_id',
  period: 'period',
  subjectIdNumber: 'subject_cipher',
  subjectRegion: 'subject_region',
  subjectName: 'subject_name',
  personId: 'person_id',
  householdId: 'household_id',
  regionCode: 'region_code',
  handlingUnit: 'handling_unit',
  severity: 'severity',
  suggestedAction: 'suggested_action',
  referTo: 'refer_to',
  measured: 'measured',
  threshold: 'threshold',
  status: 'status',
  outcome: 'outcome',
  outcomeReason: 'outcome_reason',
  raisedOn: 'raised_on',
  dueOn: 'due_on',
  dueProvisional: 'due_provisional',
  deadlineWorkingDays: 'deadline_working_days',
  resolvedOn: 'resolved_on',
};

/** The register's name for a subject in it (the feed's spelling may differ), else the feed's. */
function selectList(db: Knex | Knex.Transaction): (string | Knex.Raw)[] {
  return Object.entries(columns).map(([key, column]) => (key === 'subjectName'
    ? db.raw('COALESCE((SELECT p.name FROM persons p WHERE p.id = warnings.person_id), warnings.subject_name) as "subjectName"')
    : `warnings.${column} as ${key}`));
}

/** The statuses still waiting for someone: what overdue lists and deadline recomputation look at. */
export const openStatuses: readonly WarningStatus[] = ['pending', 'verifying'];

/**
 * Rows as the callers read them: the subject's ID number decrypted (selected from subject_cipher into
 * subjectIdNumber); SQLite hands booleans back as 0/1, and bigint sums may come back as strings.
 */
async function toRows(db: Knex | Knex.Transaction, raws: Record<string, unknown>[]): Promise<WarningRow[]> {
  const idNumbers = await keyringOf(db).decryptMany(raws.map((raw) => raw.subjectIdNumber as string));
  return raws.map((raw, index) => {
    const row = raw as unknown as WarningRow;
    return {
      ...row,
      subjectIdNumber: idNumbers[index]!,
      measured: row.measured === null ? null : Number(row.measured),
      threshold: row.threshold === null ? null : Number(row.threshold),
      dueProvisional: Boolean(raw.dueProvisional),
    };
  });
}

/**
 * A warning is in a key's scope when it was pushed inside the key's region (a township key: its township's warnings;
 * a county key: every warning of its county, county-handled ones included). A warning still unassigned (region
 * NULL) is shown only to keys of county level or wider whose region issued the subject's ID number, since the
 * issuing county is where such a person is most likely known; a township key never sees it.
 */
export function whereWarningInScope(query: Knex.QueryBuilder, scopeRegionCode: string): Knex.QueryBuilder {
  const prefix = scopePrefix(scopeRegionCode);
  if (prefix === '') return query;
  const { low, high } = prefixRange(prefix);
  return query.where((q) => {
    q.where((r) => r.where('warnings.region_code', '>=', low).andWhere('warnings.region_code', '<', high));
    if (prefix.length <= 6) {
      q.orWhere((r) => r.whereNull('warnings.region_code')
        .andWhere('warnings.subject_region', '>=', low).andWhere('warnings.subject_region', '<', high));
    }
  });
}

/** whereWarningInScope for one warning already read. */
export function isWarningInScope(scopeRegionCode: string, warning: Pick<WarningRow, 'regionCode' | 'subjectRegion'>): boolean {
  const prefix = scopePrefix(scopeRegionCode);
  if (warning.regionCode !== null) return warning.regionCode.startsWith(prefix);
  return prefix.length <= 6 && warning.subjectRegion.startsWith(prefix);
}

export async function findWarning(db: Knex | Knex.Transaction, id: number): Promise<WarningRow | undefined> {
  const row = await db('warnings').select(selectList(db)).where('warnings.id', id).first();
  return row ? (await toRows(db, [row]))[0] : undefined;
}

export interface WarningListQuery {
  scopeRegionCode: string;
  /** Narrows within the scope to a township (or any region code prefix). */
  regionCode?: string;
  status?: WarningStatus;
  ruleId?: string;
  period?: string;
  /** true: open warnings whose due date is before `today`; false: every other warning. */
  overdue?: boolean;
  /** Today in Asia/Shanghai, for `overdue`. */
  today: string;
  afterId?: number;
  limit: number;
}

/** Keyset pagination on id, like the households list, so a late page costs what the first does. */
export async function listWarnings(db: Knex, query: WarningListQuery): Promise<WarningRow[]> {
  const rows = await db('warnings')
    .select(selectList(db))
    .modify((q) => {
      whereWarningInScope(q, query.scopeRegionCode);
      if (query.regionCode) {
        const { low, high } = prefixRange(scopePrefix(query.regionCode));
        q.where('warnings.region_code', '>=', low).andWhere('warnings.region_code', '<', high);
      }
      if (query.status) q.where('warnings.status', query.status);
      if (query.ruleId) q.where('warnings.rule_id', query.ruleId);
      if (query.period) q.where('warnings.period', query.period);
      if (query.overdue === true) q.whereIn('warnings.status', openStatuses).andWhere('warnings.due_on', '<', query.today);
      if (query.overdue === false) {
        q.where((r) => r.whereNotIn('warnings.status', openStatuses).orWhere('warnings.due_on', '>=', query.today));
      }
      if (query.afterId !== undefined) q.where('warnings.id', '>', query.afterId);
    })
    .orderBy('warnings.id')
    .limit(query.limit);
  return toRows(db, rows);
}

export interface WarningEvidenceRow {
  factId: number;
  kind: string;
  source: string;
  occurredOn: string | null;
  period: string | null;
  amountFen: number | null;
  /** The fact's attributes, its ID-number attributes decrypted (fact-attributes.ts). */
  attributes: Record<string, unknown>;
}

export async function evidenceOfWarning(db: Knex | Knex.Transaction, warningId: number): Promise<WarningEvidenceRow[]> {
  const rows: (Omit<WarningEvidenceRow, 'attributes'> & { attributes: StoredAttributes })[] = await db('warning_evidence as e')
    .join('facts as f', 'f.id', 'e.fact_id')
    .select('f.id as factId', 'f.kind as kind', 'f.source as source', 'f.occurred_on as occurredOn', 'f.period as period',
      'f.amount_fen as amountFen', 'f.attributes as attributes')
    .where('e.warning_id', warningId)
    .orderBy('f.id');
  const keyring = keyringOf(db);
  return Promise.all(rows.map(async (r) => ({
    ...r, factId: Number(r.factId), amountFen: r.amountFen === null ? null : Number(r.amountFen), attributes: await attributesInClear(r.attributes, keyring),
  })));
}

export interface WarningTransitionRow {
  id: number;
  warningId: number;
  from: WarningStatus;
  to: WarningStatus;
  outcome: WarningOutcome | null;
  reason: string | null;
  actor: string | null;
  actorKeyId: number | null;
  at: string;
}

export async function transitionsOfWarning(db: Knex | Knex.Transaction, warningId: number): Promise<WarningTransitionRow[]> {
  const rows = await db('warning_transitions')
    .select('id', 'warning_id as warningId', 'from_status as from', 'to_status as to', 'outcome', 'reason', 'actor_label as actor',
      'actor_key_id as actorKeyId', 'at')
    .where('warning_id', warningId)
    .orderBy('id');
  return rows.map((r: WarningTransitionRow) => ({ ...r, at: new Date(r.at).toISOString() }));
}

export interface WarningMove {
  to: WarningStatus;
  outcome: WarningOutcome | null;
  outcomeReason: string | null;
  resolvedOn: string | null;
  /** ISO instant. */
  at: string;
}

/**
 * Moves a warning on only if it is still in the status the caller read: of two people acting on the same warning at
 * once, the second finds nothing to update and learns it lost, instead of overwriting the first's decision.
 */
export async function moveWarning(trx: Knex.Transaction, id: number, expected: WarningStatus, move: WarningMove): Promise<boolean> {
  const updated = await trx('warnings').where({ id, status: expected }).update({
    status: move.to,
    ...(move.to === 'resolved' ? { outcome: move.outcome, outcome_reason: move.outcomeReason, resolved_on: move.resolvedOn } : {}),
    updated_at: move.at,
  });
  return Number(updated) === 1;
}

export async function insertWarningTransition(trx: Knex.Transaction, row: Omit<WarningTransitionRow, 'id'>): Promise<number> {
  const [inserted] = await trx('warning_transitions').insert({
    warning_id: row.warningId,
    from_status: row.from,
    to_status: row.to,
    outcome: row.outcome,
    reason: row.reason,
    actor_label: row.actor,
    actor_key_id: row.actorKeyId,
    at: row.at,
  }).returning('id');
  return (inserted as { id: number }).id;
}

/** Open warnings whose due date was counted provisionally and whose time limit is known, oldest first. */
export async function provisionalOpenWarnings(db: Knex | Knex.Transaction): Promise<WarningRow[]> {
  const rows = await db('warnings').select(selectList(db))
    .whereIn('warnings.status', openStatuses)
    .where('warnings.due_provisional', true)
    .whereNotNull('warnings.deadline_working_days')
    .orderBy('warnings.id');
  return toRows(db, rows);
}

/** Sets a new due date if the warning is still open and still carries the date the caller read. */
export async function redateWarning(
  trx: Knex.Transaction,
  id: number,
  expectedDueOn: string,
  change: { dueOn: string; dueProvisional: boolean; at: string },
): Promise<boolean> {
  const updated = await trx('warnings')
    .where({ id, due_on: expectedDueOn, due_provisional: true })
    .whereIn('status', openStatuses)
    .update({ due_on: change.dueOn, due_provisional: change.dueProvisional, updated_at: change.at });
  return Number(updated) === 1;
}
