/**
 * Working days (工作日) for deadlines such as "verify a warning within N working days": pure functions over a
 * WorkingCalendar and calendar dates 'YYYY-MM-DD' in Asia/Shanghai.
 *
 * A date is a day number (days since 1970-01-01) computed with Date.UTC, never a Date instant in local time, so
 * the answers are the same on a server in UTC, in Shanghai or anywhere else.
 *
 * A working day is a Monday to Friday that is not a holiday, or a Saturday or Sunday the State Council made a
 * working day (调休上班). Only years whose notice is in the calendar are known: any other date throws an
 * UncoveredYearError rather than being guessed from weekends alone, because a deadline that silently skips next
 * year's Spring Festival would be wrong by a week.
 */

/** The holidays and make-up working days of the years one calendar covers (holiday-calendar.ts builds it). */
export interface WorkingCalendar {
  /** Names the calendar in errors (cn for the national one). */
  readonly name: string;
  /** The years whose official arrangement is in the calendar; every other year is unknown. */
  readonly years: ReadonlySet<number>;
  /** Days off (放假), whatever the day of the week. */
  readonly holidays: ReadonlySet<string>;
  /** Saturdays and Sundays that are working days (调休上班). */
  readonly makeUpWorkdays: ReadonlySet<string>;
}

/** A date in a year the calendar has no arrangement for: add that year's notice to the calendar. */
export class UncoveredYearError extends Error {
  readonly date: string;
  readonly year: number;

  constructor(calendar: WorkingCalendar, date: string, year: number) {
    const covered = [...calendar.years].sort((a, b) => a - b).join(', ');
    super(
      `[working-days] ${date} is in ${year}, which the holiday calendar "${calendar.name}" does not cover ` +
        `(it covers ${covered}); add ${year} from the State Council's notice before counting working days in it.`,
    );
    this.name = 'UncoveredYearError';
    this.date = date;
    this.year = year;
  }
}

const MS_PER_DAY = 86_400_000;
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date; throws a RangeError on anything but a real YYYY-MM-DD date. */
export function dayNumberOf(date: string): number {
  const match = CALENDAR_DATE.exec(date);
  if (match) {
    const [, year, month, day] = match.map(Number) as [number, number, number, number];
    // setUTCFullYear, not Date.UTC, which reads years 0–99 as 1900–1999 (0000-01-31 became 1900-01-31, which then
    // failed the check below: a RangeError, and a 500 for ?period=0000-01).
    const ms = new Date(0).setUTCFullYear(year, month - 1, day);
    // 2025-02-30 rolls over to March; a date that does not come back unchanged does not exist.
    if (dateOfDayNumber(ms / MS_PER_DAY) === date) return ms / MS_PER_DAY;
  }
  throw new RangeError(`[working-days] "${date}" is not a calendar date YYYY-MM-DD`);
}

export function dateOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The calendar date n days after (or, with n < 0, before) a date. */
export function addDays(date: string, n: number): string {
  return dateOfDayNumber(dayNumberOf(date) + n);
}

/** Calendar days from one date to another: 0 for the same day, negative when `to` comes first. */
export function daysBetween(from: string, to: string): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 (day 0) was a Thursday. */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function isWeekend(dayNumber: number): boolean {
  const weekday = weekdayOf(dayNumber);
  return weekday === 0 || weekday === 6;
}

/** Whether `date` is a working day: a make-up working day, or a Monday to Friday that is not a holiday. */
export function isWorkingDay(calendar: WorkingCalendar, date: string): boolean {
  return isWorkingDayNumber(calendar, dayNumberOf(date));
}

/**
 * The deadline n working days after `start`: the n-th working day strictly after it. `start` itself never counts,
 * working day or not — as the Civil Code counts periods (民法典 第二百零一条: 开始的当日不计入). So for a warning
 * raised on a holiday or at the weekend, the first working day after it is day 1; one raised on a Friday with n = 1
 * is due the next Monday, or the Saturday if that is a make-up working day. n = 0 gives `start` unchanged.
 */
export function addWorkingDays(calendar: WorkingCalendar, start: string, n: number): string {
  requireWorkingDayCount(n);
  let day = coveredDayNumberOf(calendar, start);
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (isWorkingDayNumber(calendar, day)) counted += 1;
  }
  return dateOfDayNumber(day);
}

/**
 * addWorkingDays for a deadline that may run into a year whose notice is not out yet (the State Council publishes
 * next year's in November or December, while December's warnings are already due in January). Days in such a year
 * count Monday to Friday, and the answer says it is provisional: a deadline in a year the calendar does not cover is
 * provisional by that fact, and is worked out again once the year is added. `start` must be in a covered year.
 */
export function addWorkingDaysProvisionally(calendar: WorkingCalendar, start: string, n: number): { date: string; provisional: boolean } {
  requireWorkingDayCount(n);
  coveredDayNumberOf(calendar, start);
  return addWorkingDaysFromAnyDay(calendar, start, n);
}

/**
 * addWorkingDaysProvisionally that also takes a start in a year whose notice is not out yet — casework goes on on
 * 2 January whether or not that year's notice has been transcribed — and is then provisional by that fact. A year
 * before the calendar's first is not "not out yet" but missing, and is refused.
 */
export function addWorkingDaysFromAnyDay(calendar: WorkingCalendar, start: string, n: number): { date: string; provisional: boolean } {
  requireWorkingDayCount(n);
  let day = dayNumberOf(start);
  if (Number(start.slice(0, 4)) < Math.min(...calendar.years)) requireCoveredYear(calendar, start);
  let provisional = !isCoveredDayNumber(calendar, day);
  for (let counted = 0; counted < n; ) {
    day += 1;
    if (!isCoveredDayNumber(calendar, day)) provisional = true;
    if (isWorkingDayNumberProvisionally(calendar, day)) counted += 1;
  }
  return { date: dateOfDayNumber(day), provisional };
}

/** The first working day strictly after `date`: addWorkingDays(date, 1). */
export function nextWorkingDay(calendar: WorkingCalendar, date: string): string {
  return addWorkingDays(calendar, date, 1);
}

/**
 * How many working days `to` is after `from`: the working days in (from, to] — `from` left out, `to` counted — so
 * that workingDaysBetween(d, addWorkingDays(d, n)) === n. When `to` is before `from` the answer is negative: minus
 * the working days in (to, from]. For "overdue by N working days" ask
 * workingDaysBetween(deadline, today): above 0 it is overdue by that many; 0 on the deadline itself (or on rest
 * days right after it); below 0 that many working days are left, today not counted.
 */
export function workingDaysBetween(calendar: WorkingCalendar, from: string, to: string): number {
  const fromDay = coveredDayNumberOf(calendar, from);
  const toDay = coveredDayNumberOf(calendar, to);
  const [first, last] = fromDay <= toDay ? [fromDay, toDay] : [toDay, fromDay];
  let count = 0;
  for (let day = first + 1; day <= last; day += 1) {
    if (isWorkingDayNumber(calendar, day)) count += 1;
  }
  // 0 − count rather than −count, which is −0 when no working day lies between (and −0 !== 0 to Object.is).
  return fromDay <= toDay ? count : 0 - count;
}

/**
 * isWorkingDay for a date whose year the calendar may not cover yet: the calendar's answer in the years it covers,
 * Monday to Friday in the others — how addWorkingDaysProvisionally counts, for deadlines and lists that must not fail
 * on 2 January because that year's notice is not transcribed yet.
 */
export function isWorkingDayProvisionally(calendar: WorkingCalendar, date: string): boolean {
  return isWorkingDayNumberProvisionally(calendar, dayNumberOf(date));
}

/**
 * workingDaysBetween for dates that may lie in years the calendar does not cover yet: days of such years count
 * Monday to Friday, and the answer says so (`provisional`) whenever one of them was counted or an endpoint lies in
 * one. The same conventions otherwise: the working days in (from, to], negative when `to` comes first.
 */
export function workingDaysBetweenProvisionally(calendar: WorkingCalendar, from: string, to: string): { days: number; provisional: boolean } {
  const fromDay = dayNumberOf(from);
  const toDay = dayNumberOf(to);
  const [first, last] = fromDay <= toDay ? [fromDay, toDay] : [toDay, fromDay];
  let provisional = !isCoveredDayNumber(calendar, fromDay) || !isCoveredDayNumber(calendar, toDay);
  let count = 0;
  for (let day = first + 1; day <= last; day += 1) {
    if (!isCoveredDayNumber(calendar, day)) provisional = true;
    if (isWorkingDayNumberProvisionally(calendar, day)) count += 1;
  }
  return { days: fromDay <= toDay ? count : 0 - count, provisional };
}

function isCoveredDayNumber(calendar: WorkingCalendar, day: number): boolean {
  return calendar.years.has(Number(dateOfDayNumber(day).slice(0, 4)));
}

function isWorkingDayNumberProvisionally(calendar: WorkingCalendar, day: number): boolean {
  return isCoveredDayNumber(calendar, day) ? isWorkingDayNumber(calendar, day) : !isWeekend(day);
}

function isWorkingDayNumber(calendar: WorkingCalendar, day: number): boolean {
  const date = dateOfDayNumber(day);
  requireCoveredYear(calendar, date);
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return !isWeekend(day);
}

/** Endpoints are checked too, even where they are not counted, so a start in an unknown year fails as loudly. */
function coveredDayNumberOf(calendar: WorkingCalendar, date: string): number {
  const day = dayNumberOf(date);
  requireCoveredYear(calendar, date);
  return day;
}

function requireWorkingDayCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`[working-days] the number of working days must be a whole number ≥ 0, not ${n}`);
  }
}

function requireCoveredYear(calendar: WorkingCalendar, date: string): void {
  const year = Number(date.slice(0, 4));
  if (!calendar.years.has(year)) throw new UncoveredYearError(calendar, date, year);
}
