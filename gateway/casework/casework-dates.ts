import { addWorkingDaysProvisionally, dateOfDayNumber, dayNumberOf, isWeekend, isWorkingDay, type WorkingCalendar } from '../calendar/working-days.js';
import { ProblemError } from '../errors.js';

/**
 * The date rules casework shares. The field checks for what a request body says: one wording for a bad field (400 with the
 * field's JSON pointer), and one rule for the day something was done — not after today, not before what it follows.
 */
export function fieldProblem(pointer: string, detail: string): ProblemError {
  return new ProblemError('validation-failed', detail, [{ in: 'body', pointer, detail }]);
}

/** A day recorded for something done: not in the future, and not before `notBefore` (what it follows) when given. */
export function checkDoneOn(pointer: string, on: string, today: string, notBefore?: { date: string; what: string }): void {
  if (on > today) throw fieldProblem(pointer, `${on} is after today (${today})`);
  if (notBefore && on < notBefore.date) throw fieldProblem(pointer, `${on} is before ${notBefore.what} (${notBefore.date})`);
}

/**
 * n working days after `start` (the start not counted), counting Monday to Friday in any year the calendar does not
 * cover yet — also when `start` itself lies in such a year, where addWorkingDaysProvisionally refuses: casework
 * goes on on 2 January whether or not that year's State Council notice has been transcribed. Provisional when any
 * day counted lay in an uncovered year; such dates are counted again once the year is added.
 */
export function addWorkingDaysFromAnyDay(calendar: WorkingCalendar, start: string, n: number): { date: string; provisional: boolean } {
  const covered = (day: number) => calendar.years.has(Number(dateOfDayNumber(day).slice(0, 4)));
  const first = dayNumberOf(start);
  // A year before the calendar's first is not "not out yet": it is missing, and addWorkingDaysProvisionally says so.
  if (covered(first) || Number(start.slice(0, 4)) < Math.min(...calendar.years)) return addWorkingDaysProvisionally(calendar, start, n);
  let day = first;
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (covered(day) ? isWorkingDay(calendar, dateOfDayNumber(day)) : !isWeekend(day)) counted += 1;
  }
  return { date: dateOfDayNumber(day), provisional: true };
}
