/**
 * Benefit standards as schema-checked data (config/standards/<region>.json): per region, a list of periods each
 * effective from its month, so a raised standard (提标) applies from the month it takes effect (seed 002 T5:
 * 落实低保提标工作，及时足额发放). The calculation takes one period, picked here; it never reads files itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isPeriod } from '../calendar/periods.js';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import type { AddOnAmount, BenefitStandards, BenefitStandardsPeriod, PayrollRules } from '../../schemas/types/index.js';

export type { AddOnAmount, BenefitStandards, BenefitStandardsPeriod, PayrollRules };

export const defaultStandardsDir = projectPath('config/standards');

/** One period of a region's standards, with the region it was found under and the month it was picked for. */
export interface StandardsInForce extends BenefitStandardsPeriod {
  region: string;
  regionName: string;
  /** true when the region's file is marked as an example: never pay from it. */
  example: boolean;
  /** The region's rules of the roll (death, back-payments), the same in every period. */
  payroll: PayrollRules;
}

/** Names the file and every problem found, so a bad edit is refused whole and found at once. */
export class BenefitStandardsError extends Error {
  constructor(file: string, problems: string[]) {
    super(`[benefit-standards] ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BenefitStandardsError';
  }
}

/** The standards of every region that has a file, by region code. */
export type StandardsBook = ReadonlyMap<string, BenefitStandards>;

let cached: StandardsBook | undefined;

/** The bundled standards, read and checked on first use; shared (never mutated) after that. */
export function loadBenefitStandards(): StandardsBook {
  cached ??= readBenefitStandardsDir(defaultStandardsDir);
  return cached;
}

export function readBenefitStandardsDir(dir: string): StandardsBook {
  const book = new Map<string, BenefitStandards>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const standards = readBenefitStandards(join(dir, file));
    book.set(standards.region, standards);
  }
  return book;
}

export function readBenefitStandards(file: string): BenefitStandards {
  const name = basename(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BenefitStandardsError(name, [`not JSON: ${(error as Error).message}`]);
  }
  const standards = checkBenefitStandards(parsed, name);
  if (standards.region !== name.replace(/\.json$/, '')) {
    throw new BenefitStandardsError(name, [`/region is "${standards.region}" but must equal the file name`]);
  }
  return standards;
}

/** The schema first, then what it cannot say. `file` only names the source in errors. */
export function checkBenefitStandards(data: unknown, file: string): BenefitStandards {
  const validate = schemaValidator<BenefitStandards>('benefit-standards');
  if (!validate(data)) {
    throw new BenefitStandardsError(file, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = data.periods.flatMap((period, index) => periodProblems(period, index, data.periods[index - 1]));
  if (problems.length > 0) throw new BenefitStandardsError(file, problems);
  return data;
}

function periodProblems(period: BenefitStandardsPeriod, index: number, previous: BenefitStandardsPeriod | undefined): string[] {
  const at = `/periods/${index}`;
  const problems: string[] = [];
  // Periods in order, so the period in force is simply the last one that has started, and a raise cannot hide
  // behind an earlier entry.
  if (previous && period.effectiveFrom <= previous.effectiveFrom) {
    problems.push(`${at}/effectiveFrom ${period.effectiveFrom} must come after ${previous.effectiveFrom} (/periods/${index - 1})`);
  }
  const lowest = Math.min(period.dibao.urbanFen, period.dibao.ruralFen);
  if (period.minimumPayment.perPersonFen > lowest) {
    problems.push(`${at}/minimumPayment/perPersonFen ${period.minimumPayment.perPersonFen} exceeds the 低保 standard ${lowest}`);
  }
  if (period.dibao.urbanFen === 0 || period.dibao.ruralFen === 0) problems.push(`${at}/dibao has a zero standard`);
  return problems;
}

/**
 * The standards in force in `region` for `month`: the region's own file, else its township's (first 9 digits),
 * else its county's (first 6), and in that file the latest period effective at the month. Throws when no file
 * covers the region or no period has started by the month: paying without a standard is never right.
 */
export function standardsFor(book: StandardsBook, region: string, month: string): StandardsInForce {
  if (!isPeriod(month)) throw new RangeError(`[benefit-standards] ${month} is not a month (YYYY-MM)`);
  const candidates = [region, region.slice(0, 9), region.slice(0, 6)].filter((code, index, all) => code.length >= 6 && all.indexOf(code) === index);
  const standards = candidates.map((code) => book.get(code)).find((s) => s !== undefined);
  if (!standards) throw new RangeError(`[benefit-standards] no standards for region ${region} (looked for ${candidates.join(', ')})`);
  const period = standards.periods.filter((p) => p.effectiveFrom <= month).at(-1);
  if (!period) {
    throw new RangeError(`[benefit-standards] ${standards.region} has no standards in force in ${month} (the first period starts ${standards.periods[0].effectiveFrom})`);
  }
  return { ...period, region: standards.region, regionName: standards.name, example: standards.example, payroll: standards.payroll };
}
