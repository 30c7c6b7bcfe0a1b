/**
 * When each return of a filing programme is due, until when it counts as on time, and until when entries are taken.
 * Every answer is a calendar date in Asia/Shanghai; a return's timeliness compares the Shanghai date of the instant it
 * was first filed with the last on-time day, so a sheet filed at 23:30 on the 5th in Yinchuan is on the 5th.
 */
import { addMonths, lastDayOfPeriod, periodsOfQuarter } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { addDays } from '../calendar/working-days.js';
import type { FilingProgramme } from './filing-programme.js';

export type Timeliness = 'on-time' | 'late';

export interface ReturnDeadline {
  /** The first day entries are taken: the first day of the month (or quarter) reported on. */
  opensOn: string;
  /** The due date as the document states it ("每月5日前": the 5th of the next month). */
  dueOn: string;
  /** The last day a return counts as on time: the due date, or the day before where the due day is not included. */
  onTimeThrough: string;
  /** The last day entries are taken, unless the lead unit reopens the return. */
  entryClosesAfter: string;
}

/** The monthly progress sheet of `period` (the month reported on): due on the configured day of the next month. */
export function progressDeadline(programme: FilingProgramme, period: string): ReturnDeadline {
  const monthly = programme.returns.monthlyProgress;
  const dueOn = `${addMonths(period, 1)}-${String(monthly.dueDayOfNextMonth).padStart(2, '0')}`;
  return {
    opensOn: `${period}-01`,
    dueOn,
    onTimeThrough: programme.returns.dueDayInclusive.value ? dueOn : addDays(dueOn, -1),
    entryClosesAfter: addDays(dueOn, monthly.entryLocksAfterDays.days),
  };
}

/** The quarterly summary: "每季度末报" — due on the quarter's last day, which is itself on time. */
export function summaryDeadline(programme: FilingProgramme, quarter: string): ReturnDeadline {
  const [first, , last] = periodsOfQuarter(quarter);
  const dueOn = lastDayOfPeriod(last);
  return { opensOn: `${first}-01`, dueOn, onTimeThrough: dueOn, entryClosesAfter: addDays(dueOn, programme.returns.quarterlySummary.entryLocksAfterDays.days) };
}

/** The one-off liaison roster: its due date; it is kept current after it, so it never closes. */
export function rosterDeadline(programme: FilingProgramme): Pick<ReturnDeadline, 'dueOn' | 'onTimeThrough'> {
  const { dueOn } = programme.returns.liaisonRoster;
  return { dueOn, onTimeThrough: programme.returns.dueDayInclusive.value ? dueOn : addDays(dueOn, -1) };
}

/** On time when the instant first filed falls, in Shanghai, on or before the last on-time day. */
export function timelinessOf(filedAt: string, onTimeThrough: string): Timeliness {
  return todayInShanghai(new Date(filedAt)) <= onTimeThrough ? 'on-time' : 'late';
}
