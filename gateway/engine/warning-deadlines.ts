import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { addWorkingDaysProvisionally, workingDaysBetweenProvisionally, type WorkingCalendar } from '../calendar/working-days.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { openStatuses, provisionalOpenWarnings, redateWarning, type WarningRow } from '../store/repositories/warnings.js';

/**
 * How many working days an open warning is past its deadline on `today`, or null when it is not past it (or is
 * resolved). Counted as workingDaysBetween counts: dueOn left out, today in — so the rest days right after a
 * Friday deadline are 0 days overdue, and the next Monday is 1.
 *
 * Years the calendar does not cover yet count Monday to Friday, as provisional deadlines do: a list of overdue
 * warnings must not fail on 2 January because that year's notice is not transcribed yet.
 */
export function overdueWorkingDays(calendar: WorkingCalendar, warning: Pick<WarningRow, 'status' | 'dueOn'>, today: string): number | null {
  if (!openStatuses.includes(warning.status) || warning.dueOn >= today) return null;
  return workingDaysBetweenProvisionally(calendar, warning.dueOn, today).days;
}

export interface DeadlineChange {
  warningId: number;
  from: string;
  to: string;
  /** Still provisional: the due date runs into a year the calendar does not cover yet. */
  provisional: boolean;
}

export interface DeadlineRecomputation {
  /** Open warnings with a provisional due date that were looked at. */
  examined: number;
  changed: DeadlineChange[];
}

/**
 * Works out again the due dates counted provisionally (addWorkingDaysProvisionally) now that the calendar may cover
 * their years: run after adding a year's State Council notice to config/holidays. Only open warnings move — a
 * resolved one keeps the deadline it was judged by. Each change is one audit line, all in one transaction, and a
 * warning changed meanwhile (resolved, or redated by a parallel run) is left alone.
 */
export async function recomputeProvisionalDeadlines(
  knex: Knex,
  actor: Actor,
  options: { calendar: WorkingCalendar; now?: () => Date },
): Promise<DeadlineRecomputation> {
  const now = options.now ?? (() => new Date());
  return knex.transaction(async (trx) => {
    const warnings = await provisionalOpenWarnings(trx);
    const changed: DeadlineChange[] = [];
    for (const warning of warnings) {
      const due = addWorkingDaysProvisionally(options.calendar, warning.raisedOn, warning.deadlineWorkingDays!);
      if (due.date === warning.dueOn && due.provisional) continue;
      const moved = await redateWarning(trx, warning.id, warning.dueOn, { dueOn: due.date, dueProvisional: due.provisional, at: now().toISOString() });
      if (!moved) continue;
      await recordAudit(trx, actor, {
        action: 'warning.deadline-recomputed',
        outcome: 'ok',
        resourceType: 'warning',
        resourceId: String(warning.id),
        regionCode: warning.regionCode ?? undefined,
        subjectPersonIds: warning.personId === null ? [] : [warning.personId],
        detail: `due ${warning.dueOn} (provisional) → ${due.date}${due.provisional ? ' (still provisional)' : ''}: ` +
          `${warning.deadlineWorkingDays} working days after ${warning.raisedOn} on the calendar "${options.calendar.name}"`,
      });
      changed.push({ warningId: warning.id, from: warning.dueOn, to: due.date, provisional: due.provisional });
    }
    return { examined: warnings.length, changed };
  });
}
