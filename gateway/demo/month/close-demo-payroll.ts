/**
 * The demo month's payment roll, as the county works it: every township submits its part, then the bureau closes and
 * signs the month. A month already closed, or one before a closed month, is left as it is (months close in order).
 */
import { commandLineActor } from '../../access/actor.js';
import { loadBenefitStandards } from '../../payroll/benefit-standards.js';
import { closeRoll, submitTownshipRoll, summariseRoll, type SigningKey } from '../../payroll/payroll-months.js';
import type { Store } from '../../store/connect.js';
import { findClosedRoll } from '../../store/repositories/payroll-rolls.js';

export interface DemoPayroll {
  month: string;
  status: 'closed now' | 'already closed' | 'left open';
  households: number;
  persons: number;
  totalFen: number;
  documentSm3: string | null;
  note: string | null;
}

export async function closeDemoPayroll(store: Store, options: { countyCode: string; period: string; signingKey: () => Promise<SigningKey>; now: Date }): Promise<DemoPayroll> {
  const { countyCode, period } = options;
  const book = loadBenefitStandards();
  const already = await findClosedRoll(store.knex, countyCode, period);
  if (already) return { month: period, status: 'already closed', households: already.households, persons: already.persons, totalFen: already.totalFen, documentSm3: already.documentSm3, note: null };
  const later = await store.knex('payroll_rolls').where('county_code', countyCode).andWhere('month', '>', period).first('month');
  const summary = await summariseRoll(store.knex, book, countyCode, period);
  if (later) {
    return { month: period, status: 'left open', households: summary.households, persons: summary.persons, totalFen: summary.totalFen, documentSm3: null, note: `${later.month} is closed already` };
  }
  for (const township of summary.byTownship) {
    await submitTownshipRoll(store.knex, commandLineActor(`demo ${township.name}`), book, period, township.code, options.now);
  }
  const roll = await closeRoll(store.knex, commandLineActor('demo 民政局'), book, countyCode, period, await options.signingKey(), options.now);
  return { month: period, status: 'closed now', households: roll.households, persons: roll.persons, totalFen: roll.totalFen, documentSm3: roll.documentSm3, note: null };
}
