import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HolidayCalendarError,
  NATIONAL_HOLIDAY_CALENDAR_FILE,
  checkHolidayCalendar,
  datesOf,
  loadWorkingCalendar,
  readHolidayCalendar,
  readWorkingCalendar,
  toWorkingCalendar,
  type Holiday,
  type HolidayCalendar,
  type HolidayYear,
} from '../../gateway/calendar/holiday-calendar.js';
import { dayNumberOf, weekdayOf } from '../../gateway/calendar/working-days.js';

const national = readHolidayCalendar(NATIONAL_HOLIDAY_CALENDAR_FILE);

function yearOf(year: number) {
  const entry = national.years.find((candidate) => candidate.year === year);
  if (!entry) throw new Error(`no ${year} in the national calendar`);
  return entry;
}

/**
 * Each year as its notice states it, section by section: [name, days off, make-up working days]. Transcribed
 * again from the notices (see config/holidays/README.md) rather than read back from the file under test.
 */
const NOTICES: Record<number, [string, number, string[]][]> = {
  2024: [
    ['元旦', 1, []],
    ['春节', 8, ['2024-02-04', '2024-02-18']],
    ['清明节', 3, ['2024-04-07']],
    ['劳动节', 5, ['2024-04-28', '2024-05-11']],
    ['端午节', 1, []],
    ['中秋节', 3, ['2024-09-14']],
    ['国庆节', 7, ['2024-09-29', '2024-10-12']],
  ],
  2025: [
    ['元旦', 1, []],
    ['春节', 8, ['2025-01-26', '2025-02-08']],
    ['清明节', 3, []],
    ['劳动节', 5, ['2025-04-27']],
    ['端午节', 3, []],
    ['国庆节、中秋节', 8, ['2025-09-28', '2025-10-11']],
  ],
  2026: [
    ['元旦', 3, ['2026-01-04']],
    ['春节', 9, ['2026-02-14', '2026-02-28']],
    ['清明节', 3, []],
    ['劳动节', 5, ['2026-05-09']],
    ['端午节', 3, []],
    ['中秋节', 3, []],
    ['国庆节', 7, ['2026-09-20', '2026-10-10']],
  ],
};

describe('the national calendar (config/holidays/cn.json)', () => {
  it('covers 2024, 2025 and 2026, each from its 国务院办公厅 notice', () => {
    expect(national.years.map((entry) => entry.year)).toEqual([2024, 2025, 2026]);
    for (const entry of national.years) {
      expect(entry.notice.title).toBe(`国务院办公厅关于${entry.year}年部分节假日安排的通知`);
      expect(entry.notice.published < `${entry.year}-01-01`).toBe(true);
    }
  });

  it.each(Object.entries(NOTICES))('%s has the sections, days off and make-up days of its notice', (year, sections) => {
    const entry = yearOf(Number(year));
    expect(entry.holidays.map((holiday) => [holiday.name, holiday.days, holiday.makeUpWorkdays ?? []])).toEqual(sections);
  });

  it('has 7 festivals in 2024 and 2026, and 6 sections in 2025 where 国庆节 and 中秋节 are one', () => {
    expect(yearOf(2024).holidays).toHaveLength(7);
    expect(yearOf(2025).holidays).toHaveLength(6);
    expect(yearOf(2026).holidays).toHaveLength(7);
  });

  it('starts 春节 2025 on 除夕 and gives 劳动节 2025 five days, as the 2024 revision of the law requires', () => {
    const [, spring, , labour] = yearOf(2025).holidays;
    expect(spring).toMatchObject({ from: '2025-01-28', to: '2025-02-04' });
    expect(labour).toMatchObject({ from: '2025-05-01', to: '2025-05-05' });
  });

  it('puts every make-up working day on a Saturday or Sunday', () => {
    const days = national.years.flatMap((entry) => entry.holidays.flatMap((holiday) => holiday.makeUpWorkdays ?? []));
    expect(days).toHaveLength(8 + 5 + 6);
    for (const date of days) expect([0, 6], date).toContain(weekdayOf(dayNumberOf(date)));
  });

  it('turns into a working calendar with every day off and every make-up day', () => {
    const calendar = loadWorkingCalendar();
    expect(calendar.name).toBe('cn');
    expect([...calendar.years]).toEqual([2024, 2025, 2026]);
    expect(calendar.holidays.size).toBe(28 + 28 + 33);
    expect(calendar.makeUpWorkdays.size).toBe(8 + 5 + 6);
    expect(calendar.holidays.has('2026-02-15')).toBe(true);
    expect(calendar.makeUpWorkdays.has('2026-02-28')).toBe(true);
  });

  it('is read once and shared', () => {
    expect(loadWorkingCalendar()).toBe(loadWorkingCalendar());
    expect(Object.isFrozen(loadWorkingCalendar())).toBe(true);
  });
});

/** A copy of the national calendar to break in one place. */
function craft(change: (calendar: HolidayCalendar) => void): HolidayCalendar {
  const calendar = structuredClone(national);
  change(calendar);
  return calendar;
}

function refusal(calendar: unknown): HolidayCalendarError {
  try {
    checkHolidayCalendar(calendar, 'crafted.json');
  } catch (error) {
    if (error instanceof HolidayCalendarError) return error;
    throw error;
  }
  throw new Error('the calendar was accepted');
}

function yearAt(calendar: HolidayCalendar, index: number): HolidayYear {
  const entry = calendar.years[index];
  if (!entry) throw new Error(`no years[${index}]`);
  return entry;
}

function holidayAt(calendar: HolidayCalendar, yearIndex: number, index: number): Holiday {
  const holiday = yearAt(calendar, yearIndex).holidays[index];
  if (!holiday) throw new Error(`no years[${yearIndex}].holidays[${index}]`);
  return holiday;
}

/** 国庆节 2024 (10-01…10-07, make-up days 09-29 and 10-12). */
const october2024 = (calendar: HolidayCalendar) => holidayAt(calendar, 0, 6);

describe('checks when a calendar is loaded', () => {
  it('accepts the national calendar as it is', () => {
    expect(checkHolidayCalendar(structuredClone(national), 'crafted.json')).toEqual(national);
  });

  it('refuses a date that is both a holiday and a make-up working day', () => {
    // 2024-10-05 is a Saturday inside 国庆节 2024.
    const error = refusal(craft((calendar) => october2024(calendar).makeUpWorkdays?.push('2024-10-05')));
    expect(error.pointer).toBe('/years/0/holidays/6/makeUpWorkdays/2');
    expect(error.message).toContain('lists 2024-10-05, which /years/0/holidays/6 (国庆节) already lists');
  });

  it('refuses a make-up working day that is not a Saturday or Sunday', () => {
    const error = refusal(craft((calendar) => october2024(calendar).makeUpWorkdays?.push('2024-10-08')));
    expect(error.pointer).toBe('/years/0/holidays/6/makeUpWorkdays/2');
    expect(error.message).toContain('2024-10-08 is not a Saturday or Sunday');
  });

  it('refuses a holiday outside its year', () => {
    const error = refusal(
      craft((calendar) => Object.assign(holidayAt(calendar, 0, 0), { from: '2023-12-31', days: 2 })),
    );
    expect(error.pointer).toBe('/years/0/holidays/0/from');
    expect(error.message).toContain('2023-12-31 is not in 2024');
  });

  it('refuses a make-up working day outside its year', () => {
    const error = refusal(craft((calendar) => (holidayAt(calendar, 1, 0).makeUpWorkdays = ['2024-12-28'])));
    expect(error.pointer).toBe('/years/1/holidays/0/makeUpWorkdays/0');
  });

  it('refuses a year listed twice', () => {
    const error = refusal(craft((calendar) => calendar.years.push(structuredClone(yearAt(calendar, 0)))));
    expect(error.pointer).toBe('/years/3/year');
    expect(error.message).toContain('repeats the year 2024');
  });

  it('refuses two holidays sharing a day', () => {
    // 中秋节 2024 stretched into 国庆节.
    const error = refusal(
      craft((calendar) => Object.assign(holidayAt(calendar, 0, 5), { to: '2024-10-01', days: 17 })),
    );
    expect(error.pointer).toBe('/years/0/holidays/6 (国庆节)');
    expect(error.message).toContain('lists 2024-10-01, which /years/0/holidays/5 (中秋节) already lists');
  });

  it('refuses a make-up working day listed twice', () => {
    const error = refusal(craft((calendar) => holidayAt(calendar, 0, 1).makeUpWorkdays?.push('2024-02-04')));
    expect(error.message).toContain('lists 2024-02-04, which /years/0/holidays/1/makeUpWorkdays/0 already lists');
  });

  it('refuses a day count that does not match from and to', () => {
    const error = refusal(craft((calendar) => (october2024(calendar).days = 8)));
    expect(error.pointer).toBe('/years/0/holidays/6/days');
    expect(error.message).toContain('says 8 days but 2024-10-01 to 2024-10-07 is 7');
  });

  it('refuses a holiday that ends before it starts', () => {
    const error = refusal(craft((calendar) => (october2024(calendar).to = '2024-09-30')));
    expect(error.pointer).toBe('/years/0/holidays/6/to');
  });

  it.each([
    ['a date that does not exist', (c: HolidayCalendar) => (october2024(c).from = '2024-02-30'), '/years/0/holidays/6/from'],
    ['a missing notice', (c: HolidayCalendar) => delete (yearAt(c, 0) as Partial<HolidayYear>).notice, '/years/0/notice'],
    ['an unknown field', (c: HolidayCalendar) => Object.assign(yearAt(c, 0), { holiday: [] }), '/years/0/holiday'],
    ['a year with no holidays', (c: HolidayCalendar) => (yearAt(c, 2).holidays.length = 0), '/years/2/holidays'],
  ])('refuses %s by the schema, naming where', (_name, change, pointer) => {
    expect(refusal(craft(change)).pointer).toBe(pointer);
  });
});

describe('calendar files', () => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  function writeCalendar(name: string, text: string): string {
    directory ??= mkdtempSync(join(tmpdir(), 'holiday-calendar-'));
    const file = join(directory, name);
    writeFileSync(file, text);
    return file;
  }

  it('reads another calendar file with the same shape, such as a city’s own', () => {
    const city = craft((calendar) => {
      calendar.id = 'city';
      calendar.years = [yearAt(calendar, 0)];
    });
    const working = readWorkingCalendar(writeCalendar('city.json', JSON.stringify(city)));
    expect(working.name).toBe('city');
    expect([...working.years]).toEqual([2024]);
  });

  it('refuses a file whose id is not its name', () => {
    const file = writeCalendar('city.json', readFileSync(NATIONAL_HOLIDAY_CALENDAR_FILE, 'utf8'));
    expect(() => readHolidayCalendar(file)).toThrow('[holiday-calendar] city.json /id: is "cn" but must equal the file name "city"');
  });

  it('refuses a file that is not JSON, naming it', () => {
    const file = writeCalendar('broken.json', '{ "id": "broken", ');
    expect(() => readHolidayCalendar(file)).toThrow('[holiday-calendar] broken.json /: cannot be read as JSON');
  });
});

describe('datesOf and toWorkingCalendar', () => {
  it('expand a holiday to each of its days, from and to included', () => {
    expect(datesOf({ name: '春节', from: '2026-02-15', to: '2026-02-23', days: 9 })).toHaveLength(9);
    const calendar = toWorkingCalendar(craft((c) => (c.years = [yearAt(c, 2)])));
    expect(calendar.holidays.has('2026-02-23')).toBe(true);
    expect(calendar.holidays.has('2026-02-24')).toBe(false);
  });
});
