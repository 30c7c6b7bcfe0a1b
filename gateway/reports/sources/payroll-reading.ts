/**
 * What the payroll reports share: the month's roll of the requested region (a closed month from its stored lines, an
 * open one compiled now, payroll/roll-pages.ts), the names of its places and categories, and the payees' ID numbers
 * and accounts decrypted for the sheet, to be masked there by the caller's role.
 */
import type { Knex } from 'knex';
import { loadBenefitStandards } from '../../payroll/benefit-standards.js';
import { rollPages } from '../../payroll/roll-pages.js';
import type { RollChange, RollLine } from '../../payroll/roll-types.js';
import { codeName } from '../../store/reference-data/code-tables.js';
import { keyringOf } from '../../store/personal-data.js';
import type { ClosedRoll } from '../../store/repositories/payroll-rolls.js';
import { findRegions } from '../../store/repositories/regions.js';
import { ProblemError } from '../../errors.js';
import type { ReportPeriod } from '../report-periods.js';

export interface RegionRoll {
  closed: ClosedRoll | undefined;
  /** The lines within the requested region, in roll order. */
  lines: RollLine[];
  changes: RollChange[];
}

/**
 * The county's roll for the month, kept to the requested region: a township's roll is its part of the county's, so
 * both show the same lines, numbers and amounts.
 */
export async function readRegionRoll(knex: Knex, regionCode: string, period: ReportPeriod): Promise<RegionRoll> {
  if (period.kind !== 'month') throw new ProblemError('validation-failed', 'a payment roll is for one month (2024-06)', [{ parameter: 'period', detail: 'a month' }]);
  const countyCode = regionCode.slice(0, 6);
  const { closed, pages } = await rollPages(knex, countyCode, period.text, loadBenefitStandards());
  const lines: RollLine[] = [];
  const changes: RollChange[] = [];
  for await (const page of pages) {
    for (const line of page.lines) if (line.villageCode.startsWith(regionCode)) lines.push(line);
    for (const change of page.changes) if (change.villageCode.startsWith(regionCode)) changes.push(change);
  }
  if (closed && regionCode === countyCode) checkControlTotals(closed, lines);
  return { closed, lines, changes };
}

/**
 * A closed roll's sheet must hold exactly what the roll declared when it closed: its count of lines and its total.
 * Anything else means its stored lines changed, and no sheet is made from them.
 */
function checkControlTotals(closed: ClosedRoll, lines: readonly RollLine[]): void {
  const totalFen = lines.reduce((sum, l) => sum + l.totalFen, 0);
  if (lines.length !== closed.lines || totalFen !== closed.totalFen) {
    throw new Error(`[payroll] the closed roll of ${closed.countyCode} ${closed.month} declares ${closed.lines} lines of ${closed.totalFen} fen, its stored lines are ${lines.length} of ${totalFen}`);
  }
}

/** The sheet's words for whether the roll is final: 已结账 with the signed document's digest, or a preview. */
export function rollStatusText(closed: ClosedRoll | undefined): string {
  return closed ? `已结账（${closed.closedAt.slice(0, 10)}，发放册文档SM3：${closed.documentSm3}）` : '未结账（预览）';
}

/** Short names of townships and villages, by code; an unknown code stands for itself. */
export async function placeNames(knex: Knex, codes: Iterable<string>): Promise<(code: string) => string> {
  const regions = await findRegions(knex, [...new Set(codes)]);
  return (code) => regions.get(code)?.name ?? code;
}

/** 救助类别 as the code table assistance-category names it (110 城市最低生活保障 …). */
export function categoryName(code: string): string {
  return codeName('assistance-category', code) ?? code;
}

/** Field ciphertexts (a line's bank.accountCipher) in clear, in the same order; nulls stay null. */
export async function decryptAll(knex: Knex, ciphers: readonly (string | null)[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let at = 0; at < ciphers.length; at += 5000) out.push(...await keyringOf(knex).decryptMany(ciphers.slice(at, at + 5000)));
  return out;
}
