import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import {
  UncoveredYearError,
  addWorkingDays,
  addWorkingDaysProvisionally,
  dateOfDayNumber,
  dayNumberOf,
  isWorkingDay,
  isWorkingDayProvisionally,
  nextWorkingDay,
  workingDaysBetween,
  workingDaysBetweenProvisionally,
} from '../../gateway/calendar/working-days.js';

const calendar = loadWorkingCalendar();

describe('isWorkingDay', () => {
  it.each([
    ['2024-09-27', true, 'a Friday'],
    ['2024-09-28', false, 'a plain Saturday'],
    ['2024-09-29', true, 'a Sunday made a working day for 国庆节'],
    ['2024-10-01', false, '国庆节'],
    ['2024-10-12', true, 'a Saturday made a working day for 国庆节'],
    ['2025-01-28', false, '除夕, a public holiday since the 2024 revision'],
    ['2025-05-05', false, 'the fifth day of 劳动节 2025'],
    ['2025-10-08', false, 'the eighth day of 国庆节、中秋节 2025'],
    ['2026-01-04', true, 'the Sunday worked for 元旦 2026'],
    ['2026-02-23', false, 'the last day of 春节 2026'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(isWorkingDay(calendar, date)).toBe(expected);
  });
});

describe('addWorkingDays', () => {
  it('gives the 5th working day after the Friday before National Day 2024', () => {
    // Start 2024-09-27 (Fri), which is not counted. 09-28 Sat rest; 09-29 Sun make-up day → 1; 09-30 Mon → 2;
    // 10-01…10-07 国庆节; 10-08 Tue → 3; 10-09 Wed → 4; 10-10 Thu → 5.
    expect(addWorkingDays(calendar, '2024-09-27', 5)).toBe('2024-10-10');
  });

  it('lands on a make-up working day when that is the n-th working day', () => {
    // Continuing from above: 10-11 Fri → 6; 10-12 Sat, worked for 国庆节 → 7.
    expect(addWorkingDays(calendar, '2024-09-27', 7)).toBe('2024-10-12');
    // Starting on the Saturday before, the Sunday worked for 国庆节 is the very next working day.
    expect(addWorkingDays(calendar, '2024-09-28', 1)).toBe('2024-09-29');
  });

  it('crosses 春节 2026 counting both make-up Saturdays', () => {
    // Start 2026-02-12 (Thu). 02-13 Fri → 1; 02-14 Sat make-up → 2; 02-15…02-23 春节; 02-24 Tue → 3; 02-25 → 4;
    // 02-26 → 5; 02-27 Fri → 6; 02-28 Sat make-up → 7; 03-01 Sun rest; 03-02 Mon → 8.
    expect(addWorkingDays(calendar, '2026-02-12', 2)).toBe('2026-02-14');
    expect(addWorkingDays(calendar, '2026-02-12', 3)).toBe('2026-02-24');
    expect(addWorkingDays(calendar, '2026-02-12', 7)).toBe('2026-02-28');
    expect(addWorkingDays(calendar, '2026-02-12', 8)).toBe('2026-03-02');
  });

  it('does not count a start on a holiday: day 1 is the first working day after it', () => {
    // 2024-10-01 and 2024-10-03 are both inside 国庆节 (10-01…10-07): either way day 1 is 10-08.
    expect(addWorkingDays(calendar, '2024-10-01', 1)).toBe('2024-10-08');
    expect(addWorkingDays(calendar, '2024-10-03', 1)).toBe('2024-10-08');
    // 10-08 → 1, 10-09 → 2, 10-10 → 3, 10-11 → 4, 10-12 Sat make-up → 5.
    expect(addWorkingDays(calendar, '2024-10-01', 5)).toBe('2024-10-12');
  });

  it('does not count a start on a working day either (民法典 第二百零一条)', () => {
    expect(addWorkingDays(calendar, '2024-09-30', 1)).toBe('2024-10-08');
  });

  it('returns the start unchanged for 0 working days, even on a holiday', () => {
    expect(addWorkingDays(calendar, '2024-10-01', 0)).toBe('2024-10-01');
  });

  it('counts 除夕 2025 as a holiday (春节 begins on it since the 2024 revision)', () => {
    // 2025-01-26 Sun make-up → 1; 01-27 Mon → 2; 01-28 (除夕) … 02-04 春节; 02-05 Wed → 3.
    expect(addWorkingDays(calendar, '2025-01-25', 3)).toBe('2025-02-05');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s working days', (n) => {
    expect(() => addWorkingDays(calendar, '2024-09-27', n)).toThrow(RangeError);
  });
});

describe('nextWorkingDay', () => {
  it('is the first working day strictly after the date', () => {
    expect(nextWorkingDay(calendar, '2024-10-04')).toBe('2024-10-08');
    expect(nextWorkingDay(calendar, '2024-09-27')).toBe('2024-09-29');
    expect(nextWorkingDay(calendar, '2024-10-08')).toBe('2024-10-09');
  });
});

describe('workingDaysBetween', () => {
  it('counts the working days after from, up to and including to', () => {
    expect(workingDaysBetween(calendar, '2024-09-27', '2024-10-10')).toBe(5);
    expect(workingDaysBetween(calendar, '2024-10-01', '2024-10-07')).toBe(0);
    expect(workingDaysBetween(calendar, '2024-09-27', '2024-09-27')).toBe(0);
  });

  it('is negative when to comes before from', () => {
    expect(workingDaysBetween(calendar, '2024-10-10', '2024-09-27')).toBe(-5);
    expect(workingDaysBetween(calendar, '2024-10-08', '2024-10-07')).toBe(-1);
  });

  it('gives 0, not -0, backwards over days off only (found by the additivity property)', () => {
    expect(workingDaysBetween(calendar, '2024-10-07', '2024-10-01')).toBe(0);
  });

  it('tells how many working days a deadline is overdue, and how many are left before it', () => {
    // Due 2024-10-10; on 10-14 (Mon) 10-11 Fri, 10-12 Sat make-up and 10-14 have passed.
    expect(workingDaysBetween(calendar, '2024-10-10', '2024-10-14')).toBe(3);
    // On 10-13 (Sun) only 10-11 and 10-12 have.
    expect(workingDaysBetween(calendar, '2024-10-10', '2024-10-13')).toBe(2);
    // On 09-30, 10-08, 10-09 and 10-10 are still to come.
    expect(workingDaysBetween(calendar, '2024-10-10', '2024-09-30')).toBe(-3);
  });

  it('counts 251 working days in 2024', () => {
    // 366 days from a Monday: 262 weekdays. Days off on weekdays: 元旦 1, 春节 5 (02-12…16), 清明 2, 劳动 3, 端午 1,
    // 中秋 2, 国庆 5 = 19. Weekend days worked: 8. 262 − 19 + 8 = 251; 01-01 is left out but is 元旦 anyway.
    expect(workingDaysBetween(calendar, '2024-01-01', '2024-12-31')).toBe(251);
  });
});

describe('years the calendar does not cover', () => {
  it('throws naming 2027 for a date in 2027', () => {
    expect(() => isWorkingDay(calendar, '2027-01-04')).toThrow(UncoveredYearError);
    expect(() => isWorkingDay(calendar, '2027-01-04')).toThrow(/2027/);
  });

  it('throws when a deadline runs into 2027, not only when it starts there', () => {
    expect(addWorkingDays(calendar, '2026-12-30', 1)).toBe('2026-12-31');
    let error: unknown;
    try {
      addWorkingDays(calendar, '2026-12-30', 2);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UncoveredYearError);
    expect(error).toMatchObject({ year: 2027, date: '2027-01-01' });
    expect((error as Error).message).toMatch(/2027-01-01 is in 2027, which the holiday calendar "cn" does not cover.*add 2027/);
  });

  it('throws for a start or an end before the first year', () => {
    expect(() => addWorkingDays(calendar, '2023-12-29', 1)).toThrow(/2023/);
    expect(() => workingDaysBetween(calendar, '2023-12-29', '2024-01-05')).toThrow(UncoveredYearError);
    expect(() => workingDaysBetween(calendar, '2026-12-31', '2027-01-05')).toThrow(UncoveredYearError);
  });
});

describe('provisional deadlines into a year whose notice is not out yet', () => {
  it('counts the covered days by the calendar and the rest Monday to Friday, and says so', () => {
    // From Wednesday 2026-12-23: 24, 25, 28, 29, 30, 31 December are working days (6), then 2027 counts weekdays:
    // Fri 1 Jan (7), Mon 4 Jan (8). Whether 1 January 2027 is a holiday is for the 2027 notice to say.
    expect(addWorkingDaysProvisionally(calendar, '2026-12-23', 8)).toEqual({ date: '2027-01-04', provisional: true });
  });

  it('is the same as addWorkingDays, and not provisional, inside the covered years', () => {
    expect(addWorkingDaysProvisionally(calendar, '2024-06-05', 5)).toEqual({ date: addWorkingDays(calendar, '2024-06-05', 5), provisional: false });
    expect(addWorkingDaysProvisionally(calendar, '2026-02-13', 3)).toEqual({ date: addWorkingDays(calendar, '2026-02-13', 3), provisional: false });
  });

  it('still refuses a start in a year the calendar lacks', () => {
    expect(() => addWorkingDaysProvisionally(calendar, '2027-01-04', 1)).toThrow(UncoveredYearError);
  });
});

describe('working days between dates in years whose notice is not out yet', () => {
  it('counts the calendar where it covers the year and Monday to Friday where it does not, and says so', () => {
    // 31 December 2026 (Thursday) to Monday 4 January 2027: Friday 1 January counts as a weekday, the weekend not.
    expect(workingDaysBetweenProvisionally(calendar, '2026-12-31', '2027-01-04')).toEqual({ days: 2, provisional: true });
    expect(workingDaysBetweenProvisionally(calendar, '2027-01-04', '2026-12-31')).toEqual({ days: -2, provisional: true });
    // Entirely inside covered years it is workingDaysBetween, not provisional: National Day 2024 and its make-up Saturday.
    expect(workingDaysBetweenProvisionally(calendar, '2024-10-10', '2024-10-14')).toEqual({ days: workingDaysBetween(calendar, '2024-10-10', '2024-10-14'), provisional: false });
    expect(workingDaysBetweenProvisionally(calendar, '2024-10-10', '2024-10-14').days).toBe(3);
    expect(workingDaysBetweenProvisionally(calendar, '2024-10-10', '2024-10-10')).toEqual({ days: 0, provisional: false });
    // From a year before the calendar into it: 2023's weekdays, then 2024's New Year's Day off.
    expect(workingDaysBetweenProvisionally(calendar, '2023-12-29', '2024-01-02')).toEqual({ days: 1, provisional: true });
  });

  it('tells a working day by the calendar where it can, by the weekday where it cannot', () => {
    expect(isWorkingDayProvisionally(calendar, '2024-10-12')).toBe(true);
    expect(isWorkingDayProvisionally(calendar, '2024-10-01')).toBe(false);
    expect(isWorkingDayProvisionally(calendar, '2027-01-01')).toBe(true);
    expect(isWorkingDayProvisionally(calendar, '2027-01-02')).toBe(false);
  });
});

describe('calendar dates', () => {
  it.each(['2024-02-30', '2025-02-29', '2024-2-3', '2024-10-01T00:00:00Z', '', '20241001'])('refuses "%s"', (date) => {
    expect(() => isWorkingDay(calendar, date)).toThrow(RangeError);
  });

  it('accepts 29 February in a leap year', () => {
    expect(isWorkingDay(calendar, '2024-02-29')).toBe(true);
  });

  describe('whatever the machine’s time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each(['UTC', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati'])('gives the same answers in %s', (zone) => {
      process.env.TZ = zone;
      expect(addWorkingDays(calendar, '2024-09-27', 5)).toBe('2024-10-10');
      expect(addWorkingDays(calendar, '2026-02-12', 8)).toBe('2026-03-02');
      expect(isWorkingDay(calendar, '2024-09-29')).toBe(true);
      expect(workingDaysBetween(calendar, '2024-01-01', '2024-12-31')).toBe(251);
    });
  });
});

describe('properties', () => {
  const firstDay = dayNumberOf('2024-01-01');
  // Late enough that 60 working days (about three months) never run past 2026.
  const lastStart = dayNumberOf('2026-06-30');
  const coveredDate = fc.integer({ min: firstDay, max: lastStart }).map(dateOfDayNumber);

  it('the n-th working day after d is a working day, after d, and n working days from it', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 1, max: 60 }), (start, n) => {
        const deadline = addWorkingDays(calendar, start, n);
        expect(isWorkingDay(calendar, deadline)).toBe(true);
        expect(deadline > start).toBe(true);
        expect(workingDaysBetween(calendar, start, deadline)).toBe(n);
        expect(workingDaysBetween(calendar, deadline, start)).toBe(-n);
        // The day before the deadline is still short of n working days.
        expect(workingDaysBetween(calendar, start, dateOfDayNumber(dayNumberOf(deadline) - 1))).toBe(n - 1);
      }),
    );
  });

  it('workingDaysBetween(d, addWorkingDays(d, n)) === n for n = 0 as well', () => {
    fc.assert(
      fc.property(coveredDate, fc.integer({ min: 0, max: 60 }), (start, n) => {
        expect(workingDaysBetween(calendar, start, addWorkingDays(calendar, start, n))).toBe(n);
      }),
    );
  });

  it('workingDaysBetween adds up: a→b plus b→c is a→c, in any order', () => {
    fc.assert(
      fc.property(coveredDate, coveredDate, coveredDate, (a, b, c) => {
        const total = workingDaysBetween(calendar, a, b) + workingDaysBetween(calendar, b, c);
        expect(total).toBe(workingDaysBetween(calendar, a, c));
      }),
    );
  });

  it('nextWorkingDay skips exactly the non-working days in between', () => {
    fc.assert(
      fc.property(coveredDate, (date) => {
        const next = nextWorkingDay(calendar, date);
        expect(isWorkingDay(calendar, next)).toBe(true);
        for (let day = dayNumberOf(date) + 1; day < dayNumberOf(next); day += 1) {
          expect(isWorkingDay(calendar, dateOfDayNumber(day))).toBe(false);
        }
      }),
    );
  });
});

describe('day numbers', () => {
  it('reads years 0000–0099 as themselves, not as 1900–1999 (Date.UTC would: a RangeError, and a 500, for ?period=0000-01)', () => {
    expect(dateOfDayNumber(dayNumberOf('0000-01-31'))).toBe('0000-01-31');
    expect(dateOfDayNumber(dayNumberOf('0099-12-31') + 1)).toBe('0100-01-01');
    expect(dayNumberOf('1970-01-01')).toBe(0);
  });

  it('round-trips every date of years 0 to 9999 it is given', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
      const date = instant.toISOString().slice(0, 10);
      expect(dateOfDayNumber(dayNumberOf(date))).toBe(date);
    }));
  });
});
