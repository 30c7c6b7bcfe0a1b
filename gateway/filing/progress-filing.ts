/**
 * Filing the monthly progress sheet and the lead unit's decisions on it. Every change is made in one transaction that
 * begins by locking the sheet's row (lockSheet) and ends with its audit line, so an entry never slips in beside an
 * approval and no change is without its trace. Filing what is already there changes nothing and writes nothing: the
 * same workbook uploaded twice, or a demo month run twice, leaves the store as it was.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import {
  filedByOf, listProgressEntries, lockSheet, markSheetApproved, markSheetReopened, writeProgressEntry, type SheetStateRow,
} from '../store/repositories/filing-returns.js';
import { progressDeadline, type ReturnDeadline } from './filing-calendar.js';
import { requireApprover, requireFilingFor } from './filing-access.js';
import { tasksFiledBy, unitRegion, type ProgrammeUnit } from './filing-programme.js';
import { requireProgressPeriod } from './progress-sheets.js';

/** One task's text as a unit files it. */
export interface ProgressFiling {
  taskNumber: number;
  progress: string;
  note: string | null;
}

export interface ProgressFilingResult {
  /** Tasks whose text this filing wrote: first filed, or changed. */
  filed: number[];
  /** Of those, the tasks filed for the first time. */
  firstFiled: number[];
  /** Tasks whose text was already exactly this. */
  unchanged: number[];
}

/**
 * Files a unit's progress on some of its tasks for `period`, all or nothing: refused whole (422) when a task is not
 * one the unit reports on, (409) when the sheet is approved or its entry period has passed and it was not reopened,
 * (422) before the month has begun. `how` says in the audit line where the texts came from.
 */
export async function fileProgress(
  knex: Knex,
  actor: Actor,
  target: ProgrammeUnit,
  period: string,
  filings: readonly ProgressFiling[],
  options: { now: Date; how: string },
): Promise<ProgressFilingResult> {
  requireFilingFor(actor, target);
  const { programme, unit } = target;
  requireProgressPeriod(programme, period);
  const own = new Set(tasksFiledBy(programme, unit.code).map((t) => t.number));
  const foreign = filings.filter((f) => !own.has(f.taskNumber)).map((f) => f.taskNumber);
  if (foreign.length > 0) {
    throw new ProblemError('filing-task-not-assigned', `${unit.name} (${unit.code}) does not report on task ${foreign.join(', ')}; its tasks are ${[...own].join(', ')}`);
  }
  const today = todayInShanghai(options.now);
  const deadline = progressDeadline(programme, period);
  if (today < deadline.opensOn) throw new ProblemError('filing-not-open', `the ${period} sheet takes entries from ${deadline.opensOn}; today is ${today}`);
  const at = options.now.toISOString();
  return knex.transaction(async (trx) => {
    requireOpenSheet(await lockSheet(trx, programme.id, period, unit.code), deadline, today, `${unit.name}'s ${period} sheet`);
    const existing = await listProgressEntries(trx, programme.id, { periods: [period], unitCodes: [unit.code] });
    const result: ProgressFilingResult = { filed: [], firstFiled: [], unchanged: [] };
    for (const filing of filings) {
      const before = existing.find((e) => e.taskNumber === filing.taskNumber);
      if (before && before.progress === filing.progress && before.note === filing.note) {
        result.unchanged.push(filing.taskNumber);
        continue;
      }
      await writeProgressEntry(trx, programme.id, { period, unitCode: unit.code, ...filing }, filedByOf(actor), at);
      result.filed.push(filing.taskNumber);
      if (!before) result.firstFiled.push(filing.taskNumber);
    }
    if (result.filed.length > 0) {
      await recordAudit(trx, actor, {
        action: 'progress.file', outcome: 'ok', resourceType: 'progress-sheet', resourceId: sheetId(target, period), regionCode: unitRegion(programme, unit),
        detail: `${options.how}: task ${result.filed.join(', ')}${result.firstFiled.length > 0 ? ` (first filed: ${result.firstFiled.join(', ')})` : ''}`,
      });
    }
    return result;
  });
}

/** Refuses entries on an approved sheet, and on one whose entry period has passed unless the lead unit reopened it. */
function requireOpenSheet(state: SheetStateRow, deadline: ReturnDeadline, today: string, what: string): void {
  if (state.approvedAt !== null) {
    throw new ProblemError('filing-sheet-approved', `${what} was approved at ${state.approvedAt} by ${state.approvedBy}; ask the lead unit to reopen it`);
  }
  if (today > deadline.entryClosesAfter && state.reopenedAt === null) {
    throw new ProblemError('filing-closed', `${what} took entries until ${deadline.entryClosesAfter} (due ${deadline.dueOn}); today is ${today}: ask the lead unit to reopen it`);
  }
}

/** The audit log's name for a sheet: programme/period/unit. */
export function sheetId(target: ProgrammeUnit, period: string): string {
  return `${target.programme.id}/${period}/${target.unit.code}`;
}

/** The lead unit approves a complete sheet, which locks it: no entry is taken until it is reopened. */
export async function approveProgressSheet(knex: Knex, actor: Actor, target: ProgrammeUnit, period: string, options: { now: Date }): Promise<void> {
  const { programme, unit } = target;
  requireApprover(actor, programme);
  requireProgressPeriod(programme, period);
  const tasks = tasksFiledBy(programme, unit.code).map((t) => t.number);
  await knex.transaction(async (trx) => {
    const state = await lockSheet(trx, programme.id, period, unit.code);
    if (state.approvedAt !== null) throw new ProblemError('filing-sheet-approved', `${unit.name}'s ${period} sheet was already approved at ${state.approvedAt} by ${state.approvedBy}`);
    const filed = new Set((await listProgressEntries(trx, programme.id, { periods: [period], unitCodes: [unit.code] })).map((e) => e.taskNumber));
    const missing = tasks.filter((n) => !filed.has(n));
    if (missing.length > 0) throw new ProblemError('filing-sheet-incomplete', `${unit.name}'s ${period} sheet has no entry yet for task ${missing.join(', ')}`);
    await markSheetApproved(trx, programme.id, { period, unitCode: unit.code }, filedByOf(actor), options.now.toISOString());
    await recordAudit(trx, actor, {
      action: 'progress.approve', outcome: 'ok', resourceType: 'progress-sheet', resourceId: sheetId(target, period), regionCode: unitRegion(programme, unit),
      detail: `approved and locked${state.reopenCount > 0 ? ` after ${state.reopenCount} reopening(s)` : ''}`,
    });
  });
}

/** The lead unit reopens an approved sheet, with a reason: entries are taken again, whatever the date, until it approves it again. */
export async function reopenProgressSheet(knex: Knex, actor: Actor, target: ProgrammeUnit, period: string, reason: string, options: { now: Date }): Promise<void> {
  const { programme, unit } = target;
  requireApprover(actor, programme);
  requireProgressPeriod(programme, period);
  await knex.transaction(async (trx) => {
    const state = await lockSheet(trx, programme.id, period, unit.code);
    if (state.approvedAt === null) throw new ProblemError('filing-sheet-not-approved', `${unit.name}'s ${period} sheet is not approved, so there is nothing to reopen`);
    await markSheetReopened(trx, programme.id, { period, unitCode: unit.code }, filedByOf(actor), options.now.toISOString(), reason);
    await recordAudit(trx, actor, {
      action: 'progress.reopen', outcome: 'ok', resourceType: 'progress-sheet', resourceId: sheetId(target, period), regionCode: unitRegion(programme, unit),
      detail: `reopening ${state.reopenCount + 1}, approved at ${state.approvedAt} by ${state.approvedBy}: ${reason}`,
    });
  });
}
