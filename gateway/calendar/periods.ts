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

/** A calendar quarter, YYYY-Qn (2024-Q2 is April to June), in the years 1900–2099 like a period. */
const quarterPattern = /^(19|20)\d{2}-Q[1-4]$/;

export function isQuarter(text: string): boolean {
  return quarterPattern.test(text);
}

/** The quarter a period lies in: 2024-05 → 2024-Q2. */
export function quarterOf(period: string): string {
  return `${period.slice(0, 4)}-Q${Math.ceil(Number(period.slice(5, 7)) / 3)}`;
}

/** The quarter's three periods in order: 2024-Q2 → 2024-04, 2024-05, 2024-06. */
export function periodsOfQuarter(quarter: string): [string, string, string] {
  const first = `${quarter.slice(0, 4)}-${String((Number(quarter.slice(6)) - 1) * 3 + 1).padStart(2, '0')}`;
  return [first, addMonths(first, 1), addMonths(first, 2)];
}
