import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import type { WorkingCalendar } from '../../gateway/calendar/working-days.js';

/**
 * The national calendar as it will be once the State Council's notice for 2027 is added — here only New Year's Day
 * (Friday 1 January 2027) — for tests of provisional deadlines and their recomputation.
 */
export function calendarWith2027(calendar: WorkingCalendar = loadWorkingCalendar()): WorkingCalendar {
  return { ...calendar, name: 'cn with 2027', years: new Set([...calendar.years, 2027]), holidays: new Set([...calendar.holidays, '2027-01-01']) };
}
