/**
 * The period a report covers, as a caller writes it (`--period`, `?period=`) and as the report's rows are chosen by:
 * a span of calendar days in Asia/Shanghai, first and last day included, with the label printed on the sheet.
 *
 *     2024-06            month            2024年6月
 *     2024-Q2            quarter          2024年第二季度
 *     2024-W23           ISO 8601 week    2024年第23周（6月3日—6月9日）   Monday to Sunday; week 1 holds the year's first Thursday
 *     2024               year             2024年
 *     2024-06-ytd        year to date     2024年1—6月
 *     2024-06-01..2024-06-30  range       2024年6月1日—2024年6月30日
 *
 * Day arithmetic goes through UTC dates of the calendar day, never local time, so the machine's zone does not matter.
 */
import type { ReportPeriodKind } from '../../schemas/types/index.js';
import { ProblemError } from '../errors.js';
import { lastDayOfPeriod } from '../calendar/periods.js';

export type { ReportPeriodKind };

export interface ReportPeriod {
  kind: ReportPeriodKind;
  /** As the caller wrote it, normalised: what file names and audit lines carry. */
  text: string;
  /** First and last day, YYYY-MM-DD, both included; empty for `none`. */
  from: string;
  to: string;
  /** As printed on the sheet. */
  label: string;
}

const quarterNames = ['第一季度', '第二季度', '第三季度', '第四季度'];
const dayMs = 86_400_000;

/**
 * Reads a period and checks it is one of the kinds the report accepts. `today` (Asia/Shanghai) fills `none`, which
 * reports as of a day (a roster) use: its label is that day.
 */
export function parseReportPeriod(text: string | undefined, accepted: readonly ReportPeriodKind[], today: string): ReportPeriod {
  if (text === undefined || text === '') {
    if (accepted.includes('none')) return { kind: 'none', text: today, from: '', to: today, label: `截至${dayLabel(today)}` };
    throw new ProblemError('report-period-invalid', `this report needs a period (${accepted.map(exampleOf).join(', ')})`);
  }
  const period = readPeriod(text.trim());
  if (!period) throw new ProblemError('report-period-invalid', `"${text}" is not a period: write ${accepted.filter((k) => k !== 'none').map(exampleOf).join(', ')}`);
  if (!accepted.includes(period.kind)) {
    throw new ProblemError('report-period-invalid', `this report takes ${accepted.map(exampleOf).join(', ')}, not a ${period.kind} ("${text}")`);
  }
  return period;
}

function exampleOf(kind: ReportPeriodKind): string {
  switch (kind) {
    case 'month': return 'a month (2024-06)';
    case 'quarter': return 'a quarter (2024-Q2)';
    case 'week': return 'an ISO week (2024-W23)';
    case 'year': return 'a year (2024)';
    case 'year-to-date': return 'a year to a month\'s end (2024-06-ytd)';
    case 'range': return 'a range of days (2024-06-01..2024-06-30)';
    case 'none': return 'no period (as of today)';
  }
}

function readPeriod(text: string): ReportPeriod | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^((?:19|20)\d{2})-(0[1-9]|1[0-2])$/.exec(text))) {
    return { kind: 'month', text, from: `${text}-01`, to: lastDayOfPeriod(text), label: `${match[1]}年${Number(match[2])}月` };
  }
  if ((match = /^((?:19|20)\d{2})-Q([1-4])$/.exec(text))) {
    const [year, quarter] = [match[1]!, Number(match[2])];
    const firstMonth = String(quarter * 3 - 2).padStart(2, '0');
    const lastMonth = String(quarter * 3).padStart(2, '0');
    return { kind: 'quarter', text, from: `${year}-${firstMonth}-01`, to: lastDayOfPeriod(`${year}-${lastMonth}`), label: `${year}年${quarterNames[quarter - 1]}` };
  }
  if ((match = /^((?:19|20)\d{2})-W(0[1-9]|[1-4]\d|5[0-3])$/.exec(text))) {
    const monday = isoWeekMonday(Number(match[1]), Number(match[2]));
    if (!monday) return undefined;
    const sunday = addDays(monday, 6);
    return { kind: 'week', text, from: monday, to: sunday, label: `${match[1]}年第${Number(match[2])}周（${shortDayLabel(monday)}—${shortDayLabel(sunday)}）` };
  }
  if ((match = /^((?:19|20)\d{2})$/.exec(text))) {
    return { kind: 'year', text, from: `${text}-01-01`, to: `${text}-12-31`, label: `${text}年` };
  }
  if ((match = /^((?:19|20)\d{2})-(0[1-9]|1[0-2])-ytd$/.exec(text))) {
    const month = Number(match[2]);
    return {
      kind: 'year-to-date', text, from: `${match[1]}-01-01`, to: lastDayOfPeriod(`${match[1]}-${match[2]}`),
      label: month === 1 ? `${match[1]}年1月` : `${match[1]}年1—${month}月`,
    };
  }
  if ((match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text))) {
    const [from, to] = [match[1]!, match[2]!];
    if (!isCalendarDate(from) || !isCalendarDate(to) || from > to || !/^(19|20)/.test(from) || !/^(19|20)/.test(to)) return undefined;
    return { kind: 'range', text, from, to, label: `${dayLabel(from)}—${dayLabel(to)}` };
  }
  return undefined;
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** Monday of ISO week `week`; undefined for week 53 of a year that has 52. */
function isoWeekMonday(year: number, week: number): string | undefined {
  // 4 January is always in week 1; its Monday starts the ISO year.
  const fourth = Date.UTC(year, 0, 4);
  const weekday = (new Date(fourth).getUTCDay() + 6) % 7;
  const monday = fourth - weekday * dayMs + (week - 1) * 7 * dayMs;
  const thursday = new Date(monday + 3 * dayMs);
  return thursday.getUTCFullYear() === year ? new Date(monday).toISOString().slice(0, 10) : undefined;
}

/** The ISO week (2024-W23) a calendar day falls in. */
export function isoWeekOf(date: string): string {
  const day = Date.parse(`${date}T00:00:00Z`);
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  const thursday = new Date(day + (3 - weekday) * dayMs);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / dayMs / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function dayLabel(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

function shortDayLabel(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
