import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import type { DiscoveryFiling, DiscoveryMethod, DiscoveryResult, DiscoveryStatus } from '../../../schemas/types/index.js';
import { keyringOf, subjectAtRest } from '../personal-data.js';

/**
 * Discovery cases (主动发现) and their events. The only module that reads or writes a case's subject ID number, stored
 * encrypted beside its blind index (subject_cipher, subject_key: personal-data.ts); the warning a case is opened from
 * is read through repositories/warnings.ts, like every warning.
 */
export interface DiscoveryCaseRow {
  id: number;
  method: DiscoveryMethod;
  discovererName: string;
  discovererUnit: string | null;
  townshipCode: string;
  subjectIdNumber: string | null;
  subjectName: string;
  personId: number | null;
  householdId: number | null;
  familyMemberCount: number | null;
  familySituation: string;
  suspectedAssistance: string[];
  discoveredOn: string;
  warningId: number | null;
  visitId: number | null;
  status: DiscoveryStatus;
  investigatorName: string | null;
  investigatorUnit: string | null;
  investigatedOn: string | null;
  investigationFindings: string | null;
  result: DiscoveryResult | null;
  includedOn: string | null;
  includedAssistance: string[] | null;
  filing: DiscoveryFiling | null;
  filingReason: string | null;
  concludedOn: string | null;
  notes: string | null;
}

export type NewDiscoveryCase = Pick<DiscoveryCaseRow,
  'method' | 'discovererName' | 'discovererUnit' | 'townshipCode' | 'subjectIdNumber' | 'subjectName' | 'personId' | 'householdId'
  | 'familyMemberCount' | 'familySituation' | 'suspectedAssistance' | 'discoveredOn' | 'warningId' | 'visitId' | 'notes'>;

const columns = {
  id: 'id', method: 'method', discovererName: 'discoverer_name', discovererUnit: 'discoverer_unit', townshipCode: 'township_code',
  subjectIdNumber: 'subject_cipher', subjectName: 'subject_name', personId: 'person_id', householdId: 'household_id',
  familyMemberCount: 'family_member_count', familySituation: 'family_situation', suspectedAssistance: 'suspected_assistance',
  discoveredOn: 'discovered_on', warningId: 'warning_id', visitId: 'visit_id', status: 'status', investigatorName: 'investigator_name',
  investigatorUnit: 'investigator_unit', investigatedOn: 'investigated_on', investigationFindings: 'investigation_findings', result: 'result',
  includedOn: 'included_on', includedAssistance: 'included_assistance', filing: 'filing', filingReason: 'filing_reason',
  concludedOn: 'concluded_on', notes: 'notes',
} as const satisfies Record<keyof DiscoveryCaseRow, string>;

const selectList = Object.entries(columns).map(([key, column]) => `discovery_cases.${column} as ${key}`);

/** Code lists are stored as comma-joined codes: short, and readable in a hand-run query. */
function codeList(text: string | null): string[] | null {
  if (text === null) return null;
  return text === '' ? [] : text.split(',');
}

/** Rows as callers read them: the subject's ID number (selected from subject_cipher) decrypted, code lists split. */
async function fromRows(db: Knex | Knex.Transaction, rows: Record<string, unknown>[]): Promise<DiscoveryCaseRow[]> {
  const idNumbers = await keyringOf(db).decryptMany(rows.map((row) => row.subjectIdNumber as string | null));
  return rows.map((row, index) => ({
    ...(row as unknown as DiscoveryCaseRow),
    subjectIdNumber: idNumbers[index] ?? null,
    suspectedAssistance: codeList(row.suspectedAssistance as string) ?? [],
    includedAssistance: codeList((row.includedAssistance as string | null) ?? null),
  }));
}

export async function insertDiscoveryCase(trx: Knex.Transaction, record: NewDiscoveryCase, createdBy: string | null): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('discovery_cases')
    .insert({
      method: record.method,
      discoverer_name: record.discovererName,
      discoverer_unit: record.discovererUnit,
      township_code: record.townshipCode,
      ...subjectAtRest(keyringOf(trx), record.subjectIdNumber),
      subject_name: record.subjectName,
      person_id: record.personId,
      household_id: record.householdId,
      family_member_count: record.familyMemberCount,
      family_situation: record.familySituation,
      suspected_assistance: record.suspectedAssistance.join(','),
      discovered_on: record.discoveredOn,
      warning_id: record.warningId,
      visit_id: record.visitId,
      status: 'open',
      notes: record.notes,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return (inserted as { id: number }).id;
}

export async function findDiscoveryCase(db: Knex | Knex.Transaction, id: number): Promise<DiscoveryCaseRow | undefined> {
  const row = await db('discovery_cases').select(selectList).where('id', id).first();
  return row ? (await fromRows(db, [row]))[0] : undefined;
}

/** The case already opened from this warning or this visit, if any: each opens at most one. */
export async function findDiscoveryCaseBySource(db: Knex | Knex.Transaction, source: { warningId?: number; visitId?: number }): Promise<number | undefined> {
  const query = db('discovery_cases').first('id');
  if (source.warningId !== undefined) query.where('warning_id', source.warningId);
  else if (source.visitId !== undefined) query.where('visit_id', source.visitId);
  else return undefined;
  const row = await query;
  return row ? Number(row.id) : undefined;
}

/** The cases opened from these visits, by visit id. */
export async function discoveryCasesOfVisits(db: Knex | Knex.Transaction, visitIds: readonly number[]): Promise<Map<number, number>> {
  if (visitIds.length === 0) return new Map();
  const rows = await db('discovery_cases').select('id', 'visit_id').whereIn('visit_id', visitIds);
  return new Map(rows.map((r) => [Number(r.visit_id), Number(r.id)]));
}

export interface DiscoveryCaseQuery {
  scopeRegionCode: string;
  townshipCode?: string;
  status?: DiscoveryStatus;
  /** Discovered within these dates, inclusive. */
  discoveredFrom?: string;
  discoveredTo?: string;
  afterId?: number;
  limit: number;
}

/** Cases whose township lies within the scope; keyset pagination on id. */
export async function listDiscoveryCases(db: Knex, query: DiscoveryCaseQuery): Promise<DiscoveryCaseRow[]> {
  const rows = await db('discovery_cases')
    .select(selectList)
    .modify((q) => {
      whereTownshipWithin(q, query.scopeRegionCode);
      if (query.townshipCode) q.where('township_code', query.townshipCode);
      if (query.status) q.where('status', query.status);
      if (query.discoveredFrom) q.where('discovered_on', '>=', query.discoveredFrom);
      if (query.discoveredTo) q.where('discovered_on', '<=', query.discoveredTo);
      if (query.afterId !== undefined) q.where('id', '>', query.afterId);
    })
    .orderBy('id')
    .limit(query.limit);
  return fromRows(db, rows);
}

function whereTownshipWithin(query: Knex.QueryBuilder, scopeRegionCode: string): void {
  const prefix = scopePrefix(scopeRegionCode);
  if (prefix === '') return;
  const { low, high } = prefixRange(prefix);
  query.where('township_code', '>=', low).andWhere('township_code', '<', high);
}

export interface Investigation {
  investigatorName: string;
  investigatorUnit: string | null;
  investigatedOn: string;
  findings: string;
}

/** Records the investigation if the case is still open; false when someone moved it first. */
export async function recordInvestigation(trx: Knex.Transaction, id: number, investigation: Investigation): Promise<boolean> {
  const updated = await trx('discovery_cases').where({ id, status: 'open' }).update({
    status: 'investigating',
    investigator_name: investigation.investigatorName,
    investigator_unit: investigation.investigatorUnit,
    investigated_on: investigation.investigatedOn,
    investigation_findings: investigation.findings,
    updated_at: new Date().toISOString(),
  });
  return Number(updated) === 1;
}

export interface Conclusion {
  result: DiscoveryResult;
  includedOn: string | null;
  includedAssistance: string[];
  filing: DiscoveryFiling;
  reason: string;
  concludedOn: string;
  notes: string | null;
}

/** Records the conclusion if the case is being investigated; false when someone concluded it first. */
export async function recordConclusion(trx: Knex.Transaction, id: number, conclusion: Conclusion): Promise<boolean> {
  const updated = await trx('discovery_cases').where({ id, status: 'investigating' }).update({
    status: 'concluded',
    result: conclusion.result,
    included_on: conclusion.includedOn,
    included_assistance: conclusion.includedAssistance.join(','),
    filing: conclusion.filing,
    filing_reason: conclusion.reason,
    concluded_on: conclusion.concludedOn,
    ...(conclusion.notes !== null ? { notes: conclusion.notes } : {}),
    updated_at: new Date().toISOString(),
  });
  return Number(updated) === 1;
}

export interface DiscoveryEventRow {
  caseId: number;
  from: DiscoveryStatus | null;
  to: DiscoveryStatus;
  by: string | null;
  at: string;
}

export async function insertDiscoveryEvent(
  trx: Knex.Transaction,
  event: { caseId: number; from: DiscoveryStatus | null; to: DiscoveryStatus; actorLabel: string | null; actorKeyId: number | null },
): Promise<void> {
  await trx('discovery_case_events').insert({
    case_id: event.caseId, from_status: event.from, to_status: event.to, actor_label: event.actorLabel, actor_key_id: event.actorKeyId,
    at: new Date().toISOString(),
  });
}

export async function eventsOfDiscoveryCases(db: Knex | Knex.Transaction, caseIds: readonly number[]): Promise<DiscoveryEventRow[]> {
  if (caseIds.length === 0) return [];
  const rows = await db('discovery_case_events')
    .select('case_id as caseId', 'from_status as from', 'to_status as to', 'actor_label as by', 'at')
    .whereIn('case_id', caseIds)
    .orderBy(['case_id', 'id']);
  return rows.map((r) => ({ ...r, caseId: Number(r.caseId), at: new Date(r.at as string | Date).toISOString() }));
}
