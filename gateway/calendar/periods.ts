/**
 * Periods (benefit months, YYYY-MM) and their days. Month arithmetic on the digits, never through Date instants
 * in local time, so the answers do not depend on the machine's time zone.
 */
import { todayInShanghai } from './shanghai-date.js';

/** As schemas/common.schema.json#/definitions/period says: a month of the years 1900–2099. */
const periodPattern = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

export function isPeriod(text: string): boolean {
  return periodPattern.test(text);
}

/** The period `months` after `period` (before it when negative). */
export function addMonths(period: string, months: number): string {
  const index = Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last calendar day of the period, YYYY-MM-DD. */
export function lastDayOfPeriod(period: string): string {
  const day = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();
  return `${period}-${String(day).padStart(2, '0')}`;
}

/** The month before today's in Asia/Shanghai: in early June the May feeds are in (due by the 5th) and May is compared. */
export function previousPeriod(today: string = todayInShanghai()): string {
  return addMonths(today.slice(0, 7), -1);
}
