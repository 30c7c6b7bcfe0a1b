import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';

/**
 * The returns of the filing round (migration 016): monthly progress entries, the lead unit's decision on each sheet,
 * and quarterly summaries. Plain rows; who may write what, and when, is decided in gateway/filing/.
 */

/** Who filed or decided, as the rows keep it. */
export interface FiledBy {
  label: string;
  keyId: number | null;
}

export function filedByOf(actor: Actor): FiledBy {
  return { label: actor.label, keyId: actor.keyId };
}

export interface ProgressEntryRow {
  period: string;
  unitCode: string;
  taskNumber: number;
  progress: string;
  note: string | null;
  /** When the task was first filed for the month: timeliness is read from it. */
  firstFiledAt: string;
  /** When its text last changed. */
  filedAt: string;
  filedBy: string;
}

export interface SheetStateRow {
  period: string;
  unitCode: string;
  approvedAt: string | null;
  approvedBy: string | null;
  reopenCount: number;
  reopenedAt: string | null;
  reopenedBy: string | null;
  reopenReason: string | null;
}

export interface QuarterlySummaryRow {
  quarter: string;
  unitCode: string;
  summary: string;
  firstFiledAt: string;
  filedAt: string;
  filedBy: string;
}

const instant = (value: unknown): string => new Date(value as string | Date).toISOString();
const instantOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : instant(value));

const entrySelect = ['period', 'unit_code', 'task_number', 'progress', 'note', 'first_filed_at', 'filed_at', 'filed_by'];

/** The sheet a row belongs to: its month and unit. */
function sheetKeyOf(row: Record<string, unknown>): { period: string; unitCode: string } {
  return { period: row.period as string, unitCode: row.unit_code as string };
}

function entryFromRow(row: Record<string, unknown>): ProgressEntryRow {
  return {
    ...sheetKeyOf(row),
    taskNumber: Number(row.task_number),
    progress: row.progress as string,
    note: (row.note as string | null) ?? null,
    firstFiledAt: instant(row.first_filed_at),
    filedAt: instant(row.filed_at),
    filedBy: row.filed_by as string,
  };
}

/** A programme's entries for some periods, optionally of some units only, in unit and task order. */
export async function listProgressEntries(
  db: Knex | Knex.Transaction,
  programme: string,
  query: { periods: readonly string[]; unitCodes?: readonly string[] },
): Promise<ProgressEntryRow[]> {
  const select = db('progress_entries').select(entrySelect).where('programme', programme).whereIn('period', query.periods);
  if (query.unitCodes) select.whereIn('unit_code', query.unitCodes);
  return (await select.orderBy(['period', 'unit_code', 'task_number'])).map(entryFromRow);
}

export interface ProgressEntryWrite {
  period: string;
  unitCode: string;
  taskNumber: number;
  progress: string;
  note: string | null;
}

/**
 * Writes one entry: a new one with its first filing time, or a changed text over the old one (first_filed_at kept).
 * Call it only when something changed. The sheet row is locked first (lockSheet), so two writers of one sheet queue.
 */
export async function writeProgressEntry(trx: Knex.Transaction, programme: string, entry: ProgressEntryWrite, by: FiledBy, at: string): Promise<void> {
  await trx('progress_entries')
    .insert({
      programme, period: entry.period, unit_code: entry.unitCode, task_number: entry.taskNumber, progress: entry.progress, note: entry.note,
      first_filed_at: at, filed_at: at, filed_by: by.label, filed_by_key_id: by.keyId,
    })
    .onConflict(['programme', 'period', 'unit_code', 'task_number'])
    .merge(['progress', 'note', 'filed_at', 'filed_by', 'filed_by_key_id']);
}

const sheetSelect = ['period', 'unit_code', 'approved_at', 'approved_by', 'reopen_count', 'reopened_at', 'reopened_by', 'reopen_reason'];

function sheetFromRow(row: Record<string, unknown>): SheetStateRow {
  return {
    ...sheetKeyOf(row),
    approvedAt: instantOrNull(row.approved_at),
    approvedBy: (row.approved_by as string | null) ?? null,
    reopenCount: Number(row.reopen_count),
    reopenedAt: instantOrNull(row.reopened_at),
    reopenedBy: (row.reopened_by as string | null) ?? null,
    reopenReason: (row.reopen_reason as string | null) ?? null,
  };
}

/** The lead unit's decisions on a programme's sheets of some periods (a sheet nobody decided on has no row). */
export async function listSheetStates(db: Knex | Knex.Transaction, programme: string, periods: readonly string[], unitCodes?: readonly string[]): Promise<SheetStateRow[]> {
  const select = db('progress_sheets').select(sheetSelect).where('programme', programme).whereIn('period', periods);
  if (unitCodes) select.whereIn('unit_code', unitCodes);
  return (await select.orderBy(['period', 'unit_code'])).map(sheetFromRow);
}

/**
 * One sheet's state, its row created when missing and locked for the rest of the transaction (a row lock on
 * PostgreSQL; SQLite's one writer at a time does the same): filing, approving and reopening a sheet all begin here,
 * so an entry can never slip in beside an approval.
 */
export async function lockSheet(trx: Knex.Transaction, programme: string, period: string, unitCode: string): Promise<SheetStateRow> {
  await trx('progress_sheets').insert({ programme, period, unit_code: unitCode, reopen_count: 0 }).onConflict(['programme', 'period', 'unit_code']).ignore();
  const select = trx('progress_sheets').select(sheetSelect).where({ programme, period, unit_code: unitCode });
  if (trx.client.config.client === 'pg') select.forUpdate();
  return sheetFromRow(await select.first());
}

export async function markSheetApproved(trx: Knex.Transaction, programme: string, sheet: { period: string; unitCode: string }, by: FiledBy, at: string): Promise<void> {
  await trx('progress_sheets').where({ programme, period: sheet.period, unit_code: sheet.unitCode })
    .update({ approved_at: at, approved_by: by.label, approved_by_key_id: by.keyId });
}

export async function markSheetReopened(trx: Knex.Transaction, programme: string, sheet: { period: string; unitCode: string }, by: FiledBy, at: string, reason: string): Promise<void> {
  await trx('progress_sheets').where({ programme, period: sheet.period, unit_code: sheet.unitCode }).update({
    approved_at: null, approved_by: null, approved_by_key_id: null, reopened_at: at, reopened_by: by.label, reopen_reason: reason,
    reopen_count: trx.raw('reopen_count + 1'),
  });
}

function summaryFromRow(row: Record<string, unknown>): QuarterlySummaryRow {
  return {
    quarter: row.quarter as string,
    unitCode: row.unit_code as string,
    summary: row.summary as string,
    firstFiledAt: instant(row.first_filed_at),
    filedAt: instant(row.filed_at),
    filedBy: row.filed_by as string,
  };
}

export async function listQuarterlySummaries(db: Knex | Knex.Transaction, programme: string, quarter: string, unitCodes?: readonly string[]): Promise<QuarterlySummaryRow[]> {
  const select = db('quarterly_summaries').select('quarter', 'unit_code', 'summary', 'first_filed_at', 'filed_at', 'filed_by').where({ programme, quarter });
  if (unitCodes) select.whereIn('unit_code', unitCodes);
  return (await select.orderBy('unit_code')).map(summaryFromRow);
}

export async function writeQuarterlySummary(trx: Knex.Transaction, programme: string, summary: { quarter: string; unitCode: string; summary: string }, by: FiledBy, at: string): Promise<void> {
  await trx('quarterly_summaries')
    .insert({ programme, quarter: summary.quarter, unit_code: summary.unitCode, summary: summary.summary, first_filed_at: at, filed_at: at, filed_by: by.label, filed_by_key_id: by.keyId })
    .onConflict(['programme', 'quarter', 'unit_code'])
    .merge(['summary', 'filed_at', 'filed_by', 'filed_by_key_id']);
}
