/**
 * The monthly progress sheets (落实进度表, seed 002 附件2) as read: one unit's sheet, every unit's completeness, and
 * the combined sheet of the month (every task × every unit reporting on it). Completeness is read from the record —
 * which tasks have an entry, the Shanghai date each was first filed, whether the lead unit approved — never from a
 * box someone ticks. Plain rows for the API and for the reports built on them; no access checks here (the routes and
 * the report engine scope them).
 */
import type { Knex } from 'knex';
import { addMonths } from '../calendar/periods.js';
import { ProblemError } from '../errors.js';
import { listProgressEntries, listSheetStates, type ProgressEntryRow, type SheetStateRow } from '../store/repositories/filing-returns.js';
import type { FilingUnitRef, ProgrammeCompleteness, ProgressSheet, ProgressSheetStatus, ProgressSheetTask } from '../../schemas/types/index.js';
import { progressDeadline, timelinessOf, type ReturnDeadline, type Timeliness } from './filing-calendar.js';
import { tasksFiledBy, unitsOf, type FilingProgramme, type FilingTask, type FilingUnit } from './filing-programme.js';

/** 404 for a month before the programme's first: no sheet of it was ever due. */
export function requireProgressPeriod(programme: FilingProgramme, period: string): void {
  const first = programme.returns.monthlyProgress.firstPeriod.period;
  if (period < first) throw new ProblemError('not-found', `${programme.region.name}'s monthly progress sheets begin with ${first}, not ${period}`);
}

export function unitRef(unit: FilingUnit): FilingUnitRef {
  return { code: unit.code, name: unit.name, kind: unit.kind };
}

function requireUnit(programme: FilingProgramme, unitCode: string): FilingUnit {
  const unit = programme.units.find((u) => u.code === unitCode);
  if (!unit) throw new ProblemError('not-found', `no unit ${unitCode} in the filing programme ${programme.id}`);
  return unit;
}

/**
 * A sheet's status from its entries and the lead unit's decision, as of `today` (Asia/Shanghai). Entries of tasks the
 * unit no longer reports on (the programme file changed) do not count.
 */
export function sheetStatus(
  tasks: readonly FilingTask[],
  entries: readonly ProgressEntryRow[],
  state: SheetStateRow | undefined,
  deadline: ReturnDeadline,
  today: string,
): ProgressSheetStatus {
  const numbers = new Set(tasks.map((t) => t.number));
  const filed = entries.filter((e) => numbers.has(e.taskNumber));
  const complete = tasks.length > 0 && filed.length === tasks.length;
  const completedAt = complete ? filed.map((e) => e.firstFiledAt).reduce((a, b) => (b > a ? b : a)) : null;
  const approved = state?.approvedAt != null;
  return {
    filing: filed.length === 0 ? 'missing' : completedAt === null ? 'incomplete' : timelinessOf(completedAt, deadline.onTimeThrough),
    tasksExpected: tasks.length,
    tasksFiled: filed.length,
    completedAt,
    overdue: !complete && today > deadline.onTimeThrough,
    approved,
    approvedAt: state?.approvedAt ?? null,
    approvedBy: state?.approvedBy ?? null,
    reopenCount: state?.reopenCount ?? 0,
    reopenedAt: state?.reopenedAt ?? null,
    reopenReason: state?.reopenReason ?? null,
    acceptsEntries: acceptsEntries(state, deadline, today),
  };
}

/** Entries are taken once the month has begun, until the entry period ends — or, reopened, until approved again. */
export function acceptsEntries(state: SheetStateRow | undefined, deadline: ReturnDeadline, today: string): boolean {
  if (state?.approvedAt != null || today < deadline.opensOn) return false;
  return today <= deadline.entryClosesAfter || state?.reopenedAt != null;
}

/** One unit's sheet for the month: each of its tasks with what it filed, last month's text beside it. */
export async function unitProgressSheet(knex: Knex, programme: FilingProgramme, period: string, unitCode: string, today: string): Promise<ProgressSheet> {
  requireProgressPeriod(programme, period);
  const unit = requireUnit(programme, unitCode);
  const previousPeriod = addMonths(period, -1);
  const entries = await listProgressEntries(knex, programme.id, { periods: [period, previousPeriod], unitCodes: [unitCode] });
  const [state] = await listSheetStates(knex, programme.id, [period], [unitCode]);
  const current = entries.filter((e) => e.period === period);
  const tasks = tasksFiledBy(programme, unitCode);
  const deadline = progressDeadline(programme, period);
  return {
    programme: programme.id,
    period,
    unit: unitRef(unit),
    deadline,
    status: sheetStatus(tasks, current, state, deadline, today),
    tasks: tasks.map((task) => sheetTask(task, unitCode, current, entries.filter((e) => e.period === previousPeriod), deadline)),
  };
}

function sheetTask(task: FilingTask, unitCode: string, current: readonly ProgressEntryRow[], previous: readonly ProgressEntryRow[], deadline: ReturnDeadline): ProgressSheetTask {
  const entry = current.find((e) => e.taskNumber === task.number);
  return {
    number: task.number,
    group: task.group,
    title: task.title,
    leads: task.leadUnits.includes(unitCode),
    progress: entry?.progress ?? null,
    note: entry?.note ?? null,
    firstFiledAt: entry?.firstFiledAt ?? null,
    filedAt: entry?.filedAt ?? null,
    filedBy: entry?.filedBy ?? null,
    timeliness: entry ? timelinessOf(entry.firstFiledAt, deadline.onTimeThrough) : null,
    previousProgress: previous.find((e) => e.taskNumber === task.number)?.progress ?? null,
  };
}

/**
 * Completeness of the month for every unit of the programme (or those in `unitCodes`), in the programme's unit
 * order: filed on time, late, partly or not at all, and approved or not.
 */
export async function filingCompleteness(
  knex: Knex,
  programme: FilingProgramme,
  period: string,
  today: string,
  unitCodes?: readonly string[],
): Promise<ProgrammeCompleteness> {
  requireProgressPeriod(programme, period);
  const units = unitsOf(programme, unitCodes);
  const codes = units.map((u) => u.code);
  const entries = await listProgressEntries(knex, programme.id, { periods: [period], unitCodes: codes });
  const states = await listSheetStates(knex, programme.id, [period], codes);
  const deadline = progressDeadline(programme, period);
  return {
    programme: programme.id,
    region: programme.region,
    deadline,
    units: units.map((unit) => {
      const tasks = tasksFiledBy(programme, unit.code);
      const own = entries.filter((e) => e.unitCode === unit.code);
      const filed = new Set(own.map((e) => e.taskNumber));
      return {
        unit: unitRef(unit),
        status: sheetStatus(tasks, own, states.find((s) => s.unitCode === unit.code), deadline, today),
        tasksMissing: tasks.filter((t) => !filed.has(t.number)).map((t) => t.number),
      };
    }),
  };
}

/** One cell of the combined sheet: a task, a unit reporting on it, and what that unit filed for the month. */
export interface CombinedProgressRow {
  taskNumber: number;
  group: string;
  groupTitle: string;
  title: string;
  measures: string;
  /** 牵头单位 names, as the programme lists them. */
  leadUnits: string[];
  unit: FilingUnitRef;
  /** The unit is one of the task's 牵头单位 (else a 责任单位). */
  leads: boolean;
  progress: string | null;
  note: string | null;
  firstFiledAt: string | null;
  filedAt: string | null;
  /** null while nothing is filed. */
  timeliness: Timeliness | null;
  /** The lead unit approved the unit's sheet of the month. */
  approved: boolean;
}

/**
 * The month's combined sheet (附件2 as the lead unit files it upward): every task in the document's order, and under
 * it every unit that reports on it in the programme's unit order, with the text filed or nothing.
 */
export async function combinedProgressSheet(knex: Knex, programme: FilingProgramme, period: string): Promise<CombinedProgressRow[]> {
  requireProgressPeriod(programme, period);
  const entries = await listProgressEntries(knex, programme.id, { periods: [period] });
  const approved = new Set((await listSheetStates(knex, programme.id, [period])).filter((s) => s.approvedAt !== null).map((s) => s.unitCode));
  const deadline = progressDeadline(programme, period);
  const unitOrder = programme.units.map((u) => u.code);
  return programme.tasks.flatMap((task) => {
    const reporting = unitOrder.filter((code) => tasksFiledBy(programme, code).some((t) => t.number === task.number));
    return reporting.map((code) => {
      const unit = requireUnit(programme, code);
      const entry = entries.find((e) => e.unitCode === code && e.taskNumber === task.number);
      return {
        taskNumber: task.number,
        group: task.group,
        groupTitle: programme.groups.find((g) => g.number === task.group)!.title,
        title: task.title,
        measures: task.measures,
        leadUnits: task.leadUnits.map((c) => requireUnit(programme, c).name),
        unit: unitRef(unit),
        leads: task.leadUnits.includes(code),
        progress: entry?.progress ?? null,
        note: entry?.note ?? null,
        firstFiledAt: entry?.firstFiledAt ?? null,
        filedAt: entry?.filedAt ?? null,
        timeliness: entry ? timelinessOf(entry.firstFiledAt, deadline.onTimeThrough) : null,
        approved: approved.has(code),
      };
    });
  });
}
