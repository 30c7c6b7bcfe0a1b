/**
 * The official public-holiday calendar as schema-checked data (config/holidays/<id>.json), so that when the State
 * Council publishes next year's 部分节假日安排 each November or December, adding it is a data change, not a code
 * change. The file is checked against schemas/holiday-calendar.schema.json, then for what a schema cannot say, and
 * turned into the WorkingCalendar that working-days.ts counts over.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Holiday, HolidayCalendar, HolidayYear } from '../../schemas/types/index.js';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import { dateOfDayNumber, dayNumberOf, isWeekend, type WorkingCalendar } from './working-days.js';

export type { Holiday, HolidayCalendar, HolidayYear };

/** The national calendar: every 国务院办公厅 notice transcribed so far. */
export const NATIONAL_HOLIDAY_CALENDAR_FILE = projectPath('config/holidays/cn.json');

/** Names the file and the JSON pointer that failed, so a bad edit to the calendar is found at once. */
export class HolidayCalendarError extends Error {
  readonly file: string;
  readonly pointer: string;

  constructor(file: string, pointer: string, detail: string, options?: { cause?: unknown }) {
    super(`[holiday-calendar] ${file} ${pointer}: ${detail}`, options);
    this.name = 'HolidayCalendarError';
    this.file = file;
    this.pointer = pointer;
  }
}

let nationalCalendar: WorkingCalendar | undefined;

/** The national working calendar, read and checked on first use and shared (it is immutable) after that. */
export function loadWorkingCalendar(): WorkingCalendar {
  nationalCalendar ??= readWorkingCalendar(NATIONAL_HOLIDAY_CALENDAR_FILE);
  return nationalCalendar;
}

/** Reads and checks a calendar file — a city's own, or the national one — without caching it. */
export function readWorkingCalendar(file: string): WorkingCalendar {
  return toWorkingCalendar(readHolidayCalendar(file));
}

export function readHolidayCalendar(file: string): HolidayCalendar {
  const name = basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HolidayCalendarError(name, '/', 'cannot be read as JSON', { cause: error });
  }
  const calendar = checkHolidayCalendar(parsed, name);
  const expectedId = name.replace(/\.json$/, '');
  if (calendar.id !== expectedId) {
    throw new HolidayCalendarError(name, '/id', `is "${calendar.id}" but must equal the file name "${expectedId}"`);
  }
  return calendar;
}

/**
 * Checks parsed calendar data against the schema, then what the schema cannot say: each year once; every date
 * inside its own year; a holiday's from…to as long as its stated days; make-up working days only on Saturdays and
 * Sundays; and no date listed twice, whether as two holidays, two make-up days, or a holiday that is also a
 * make-up day. `file` only names the source in errors.
 */
export function checkHolidayCalendar(data: unknown, file: string): HolidayCalendar {
  const validate = schemaValidator<HolidayCalendar>('holiday-calendar');
  if (!validate(data)) {
    const [first] = validate.errors ?? [];
    throw new HolidayCalendarError(file, first ? schemaErrorPointer(first) : '/', first ? describeSchemaError(first) : 'is invalid');
  }
  const seenYears = new Set<number>();
  data.years.forEach((entry, index) => {
    if (seenYears.has(entry.year)) {
      throw new HolidayCalendarError(file, `/years/${index}/year`, `repeats the year ${entry.year}`);
    }
    seenYears.add(entry.year);
    checkYear(entry, `/years/${index}`, file);
  });
  return data;
}

/** The sets working-days.ts counts over, read-only because the national one is shared by every caller. */
export function toWorkingCalendar(calendar: HolidayCalendar): WorkingCalendar {
  const holidays = new Set<string>();
  const makeUpWorkdays = new Set<string>();
  for (const entry of calendar.years) {
    for (const holiday of entry.holidays) {
      for (const date of datesOf(holiday)) holidays.add(date);
      for (const date of holiday.makeUpWorkdays ?? []) makeUpWorkdays.add(date);
    }
  }
  return Object.freeze({
    name: calendar.id,
    years: new Set(calendar.years.map((entry) => entry.year)),
    holidays,
    makeUpWorkdays,
  });
}

/** Every date from `holiday.from` to `holiday.to`, inclusive. */
export function datesOf(holiday: Holiday): string[] {
  const dates: string[] = [];
  for (let day = dayNumberOf(holiday.from); day <= dayNumberOf(holiday.to); day += 1) dates.push(dateOfDayNumber(day));
  return dates;
}

function checkYear(entry: HolidayYear, pointer: string, file: string): void {
  /** Where each date of the year is already listed, to name both places when one is listed twice. */
  const listed = new Map<string, string>();
  const claim = (date: string, at: string): void => {
    const earlier = listed.get(date);
    if (earlier !== undefined) throw new HolidayCalendarError(file, at, `lists ${date}, which ${earlier} already lists`);
    listed.set(date, at);
  };
  const requireInYear = (date: string, at: string): void => {
    if (!date.startsWith(`${entry.year}-`)) throw new HolidayCalendarError(file, at, `${date} is not in ${entry.year}`);
  };

  entry.holidays.forEach((holiday, index) => {
    const at = `${pointer}/holidays/${index}`;
    requireInYear(holiday.from, `${at}/from`);
    requireInYear(holiday.to, `${at}/to`);
    if (holiday.to < holiday.from) {
      throw new HolidayCalendarError(file, `${at}/to`, `${holiday.to} is before from (${holiday.from})`);
    }
    const dates = datesOf(holiday);
    if (dates.length !== holiday.days) {
      const detail = `says ${holiday.days} days but ${holiday.from} to ${holiday.to} is ${dates.length}`;
      throw new HolidayCalendarError(file, `${at}/days`, detail);
    }
    for (const date of dates) claim(date, `${at} (${holiday.name})`);
  });

  entry.holidays.forEach((holiday, index) => {
    (holiday.makeUpWorkdays ?? []).forEach((date, dateIndex) => {
      const at = `${pointer}/holidays/${index}/makeUpWorkdays/${dateIndex}`;
      requireInYear(date, at);
      // 调休上班 moves work onto a rest day; a weekday listed here is a transcription slip, not a rule.
      if (!isWeekend(dayNumberOf(date))) throw new HolidayCalendarError(file, at, `${date} is not a Saturday or Sunday`);
      claim(date, at);
    });
  });
}

