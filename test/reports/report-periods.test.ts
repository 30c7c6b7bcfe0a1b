import { describe, expect, it } from 'vitest';
import { isoWeekOf, parseReportPeriod } from '../../gateway/reports/report-periods.js';
import { ProblemError } from '../../gateway/errors.js';

const all = ['month', 'quarter', 'week', 'year', 'year-to-date', 'range'] as const;
const today = '2024-07-02';

describe('report periods', () => {
  it.each([
    ['2024-02', '2024-02-01', '2024-02-29', '2024年2月'],
    ['2023-02', '2023-02-01', '2023-02-28', '2023年2月'],
    ['2024-Q2', '2024-04-01', '2024-06-30', '2024年第二季度'],
    ['2024-Q4', '2024-10-01', '2024-12-31', '2024年第四季度'],
    ['2024-W23', '2024-06-03', '2024-06-09', '2024年第23周（6月3日—6月9日）'],
    // ISO week 1 holds the year's first Thursday: 2025-W01 begins on Monday 30 December 2024.
    ['2025-W01', '2024-12-30', '2025-01-05', '2025年第1周（12月30日—1月5日）'],
    ['2020-W53', '2020-12-28', '2021-01-03', '2020年第53周（12月28日—1月3日）'],
    ['2024', '2024-01-01', '2024-12-31', '2024年'],
    ['2024-06-ytd', '2024-01-01', '2024-06-30', '2024年1—6月'],
    ['2024-01-ytd', '2024-01-01', '2024-01-31', '2024年1月'],
    ['2024-06-01..2024-06-15', '2024-06-01', '2024-06-15', '2024年6月1日—2024年6月15日'],
  ])('reads %s as %s to %s, labelled %s', (text, from, to, label) => {
    const period = parseReportPeriod(text, all, today);
    expect({ from: period.from, to: period.to, label: period.label }).toEqual({ from, to, label });
  });

  it.each(['2024-13', '2024-Q5', '2021-W53', '2024-W00', '2024-02-30..2024-03-01', '2024-06-10..2024-06-01', '1899', 'last month', '2024-6'])(
    'refuses %s with a problem naming what it takes', (text) => {
      expect(() => parseReportPeriod(text, ['month', 'range'], today)).toThrow(/is not a period: write a month \(2024-06\), a range of days/);
    },
  );

  it('refuses a kind the report does not take, and an absent period unless the report is as of a day', () => {
    const error = (() => { try { parseReportPeriod('2024-Q2', ['month'], today); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).code).toBe('report-period-invalid');
    expect((error as ProblemError).message).toContain('not a quarter');
    expect(() => parseReportPeriod(undefined, ['month'], today)).toThrow(/needs a period/);
    expect(parseReportPeriod(undefined, ['none', 'month'], today)).toMatchObject({ kind: 'none', to: today, label: '截至2024年7月2日' });
  });

  it('names the ISO week of a day, across year ends both ways', () => {
    expect(isoWeekOf('2024-06-05')).toBe('2024-W23');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    for (const day of ['2024-06-05', '2024-12-30', '2021-01-03', '2026-01-01']) {
      const week = parseReportPeriod(isoWeekOf(day), ['week'], today);
      expect(day >= week.from && day <= week.to, `${day} in ${week.text}`).toBe(true);
    }
  });
});
