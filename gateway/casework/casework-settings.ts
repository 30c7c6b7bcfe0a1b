import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { loadTimeLimits, type TimeLimits } from './time-limits.js';

/** What casework deadlines are counted with: the time limits and the holiday calendar, injected so tests and cities can swap them. */
export interface CaseworkSettings {
  limits: TimeLimits;
  calendar: WorkingCalendar;
}

/** The bundled time limits and the national holiday calendar. */
export function defaultCaseworkSettings(): CaseworkSettings {
  return { limits: loadTimeLimits(), calendar: loadWorkingCalendar() };
}
