import type { Knex } from 'knex';
import type { ChangeMark, HouseholdInputs, LineExplanation, Programme, RollChange, RollLine } from '../../payroll/roll-types.js';
import { readTogether } from '../reads-together.js';

/** Closed rolls, their lines and the townships' submissions. Lines are written once, at closing (migration 017). */

export interface ClosedRoll {
  id: number;
  countyCode: string;
  month: string;
  households: number;
  persons: number;
  lines: number;
  totalFen: number;
  standardsSm3: string;
  documentSm3: string;
  signature: string;
  keyId: string;
  closedAt: string;
  closedBy: string;
}

const rollColumns = [
  'id', 'county_code as countyCode', 'month', 'households', 'persons', 'lines', 'total_fen as totalFen', 'standards_sm3 as standardsSm3',
  'document_sm3 as documentSm3', 'signature', 'key_id as keyId', 'closed_at as closedAt', 'closed_by as closedBy',
];

function asRoll(row: Record<string, unknown>): ClosedRoll {
  return { ...(row as unknown as ClosedRoll), id: Number(row.id), totalFen: Number(row.totalFen), households: Number(row.households), persons: Number(row.persons), lines: Number(row.lines), closedAt: String(row.closedAt) };
}

export async function findClosedRoll(db: Knex | Knex.Transaction, countyCode: string, month: string): Promise<ClosedRoll | undefined> {
  const row = await db('payroll_rolls').select(rollColumns).where({ county_code: countyCode, month }).first();
  return row ? asRoll(row) : undefined;
}

export async function closedRollsBetween(db: Knex | Knex.Transaction, countyCode: string, from: string, to: string): Promise<ClosedRoll[]> {
  const rows = await db('payroll_rolls').select(rollColumns).where('county_code', countyCode).whereBetween('month', [from, to]).orderBy('month');
  return rows.map(asRoll);
}

export async function latestClosedRollBefore(db: Knex | Knex.Transaction, countyCode: string, month: string): Promise<ClosedRoll | undefined> {
  const row = await db('payroll_rolls').select(rollColumns).where('county_code', countyCode).andWhere('month', '<', month).orderBy('month', 'desc').first();
  return row ? asRoll(row) : undefined;
}

export async function insertClosedRoll(trx: Knex.Transaction, roll: Omit<ClosedRoll, 'id'>): Promise<number> {
  const [inserted] = await trx('payroll_rolls')
    .insert({
      county_code: roll.countyCode, month: roll.month, households: roll.households, persons: roll.persons, lines: roll.lines, total_fen: roll.totalFen,
      standards_sm3: roll.standardsSm3, document_sm3: roll.documentSm3, signature: roll.signature, key_id: roll.keyId, closed_at: roll.closedAt, closed_by: roll.closedBy,
    })
    .returning('id');
  return Number((inserted as { id: number }).id);
}

export async function insertRollLines(trx: Knex.Transaction, rollId: number, lines: readonly RollLine[]): Promise<void> {
  const rows = lines.map((l) => ({
    roll_id: rollId, line_no: l.lineNo, for_month: l.forMonth, household_id: l.householdId, payee_person_id: l.payeePersonId,
    township_code: l.townshipCode, village_code: l.villageCode, category: l.category, persons_covered: l.personsCovered,
    basic_fen: l.basicFen, add_on_fen: l.addOnFen, care_fen: l.careFen, total_fen: l.totalFen, change_mark: l.changeMark, remark: l.remark,
    gradual_exit_months_after: l.gradualExitMonthsAfter, explanation: JSON.stringify({ programme: l.programme, householdNo: l.householdNo, payeeName: l.payeeName, ...l.explanation }),
    inputs: JSON.stringify(l.inputs), bank_name: l.bank?.bankName ?? null, account_name: l.bank?.accountName ?? null, account_cipher: l.bank?.accountCipher ?? null,
  }));
  // knex writes a multi-row insert on SQLite as a compound SELECT, which SQLite bounds at 500 terms.
  for (let i = 0; i < rows.length; i += 400) await trx('payroll_lines').insert(rows.slice(i, i + 400));
}

interface StoredLineRow {
  line_no: number;
  for_month: string;
  household_id: number;
  payee_person_id: number;
  township_code: string;
  village_code: string;
  category: string;
  persons_covered: number;
  basic_fen: number;
  add_on_fen: number;
  care_fen: number;
  total_fen: number;
  change_mark: string | null;
  remark: string | null;
  gradual_exit_months_after: number | null;
  explanation: string;
  inputs: string;
  bank_name: string | null;
  account_name: string | null;
  account_cipher: string | null;
}

function lineOf(row: StoredLineRow): RollLine {
  const { programme, householdNo, payeeName, ...explanation } = JSON.parse(row.explanation) as LineExplanation & { programme: Programme; householdNo: string; payeeName: string };
  return {
    lineNo: Number(row.line_no), forMonth: row.for_month, programme, householdId: Number(row.household_id), householdNo, payeePersonId: Number(row.payee_person_id), payeeName,
    townshipCode: row.township_code, villageCode: row.village_code, category: row.category, personsCovered: Number(row.persons_covered),
    basicFen: Number(row.basic_fen), addOnFen: Number(row.add_on_fen), careFen: Number(row.care_fen), totalFen: Number(row.total_fen),
    changeMark: row.change_mark as ChangeMark | null, remark: row.remark, gradualExitMonthsAfter: row.gradual_exit_months_after === null ? null : Number(row.gradual_exit_months_after),
    explanation, inputs: JSON.parse(row.inputs) as HouseholdInputs,
    bank: row.account_cipher === null ? null : { bankName: row.bank_name ?? '', accountName: row.account_name ?? '', accountCipher: row.account_cipher },
  };
}

/** A closed roll's lines in line order, a page at a time. */
export async function* linesOfRoll(db: Knex, rollId: number, pageSize = 5000): AsyncGenerator<RollLine[]> {
  let after = 0;
  for (;;) {
    const rows: StoredLineRow[] = await db('payroll_lines').where('roll_id', rollId).andWhere('line_no', '>', after).orderBy('line_no').limit(pageSize).select('*');
    if (rows.length === 0) return;
    yield rows.map(lineOf);
    after = Number(rows.at(-1)!.line_no);
  }
}

/** Lines of one household in closed rolls of the county, for the months given, as paid (a failed bank payment pays none of the household's lines in that roll). */
export async function paidLinesOf(db: Knex, countyCode: string, householdIds: readonly number[], months: readonly string[]): Promise<(RollLine & { rollMonth: string; unpaid: boolean })[]> {
  if (householdIds.length === 0 || months.length === 0) return [];
  const out: (RollLine & { rollMonth: string; unpaid: boolean })[] = [];
  for (let i = 0; i < householdIds.length; i += 5000) {
    const ids = householdIds.slice(i, i + 5000);
    const rows: (StoredLineRow & { roll_month: string; result: string | null })[] = await db('payroll_lines as l')
      .join('payroll_rolls as r', 'r.id', 'l.roll_id')
      // One bank payment per payee and roll: its result is every line it paid.
      .leftJoin('payroll_bank_results as b', (j) => j.on('b.roll_id', '=', 'l.roll_id').andOn('b.household_id', '=', 'l.household_id').andOn('b.payee_person_id', '=', 'l.payee_person_id'))
      .where('r.county_code', countyCode)
      .whereIn('l.household_id', ids)
      .whereIn('l.for_month', months)
      .orderBy(['l.household_id', 'r.month', 'l.line_no'])
      .select('l.*', 'r.month as roll_month', 'b.status as result');
    for (const row of rows) out.push({ ...lineOf(row), rollMonth: row.roll_month, unpaid: row.result === 'failed' || row.result === 'returned' });
  }
  return out;
}

/** Households whose paid months may be wrong now: the triggers of a recomputation of `month`, after its roll closed. */
export async function householdsToRecheck(db: Knex, roll: ClosedRoll, lastDay: string): Promise<number[]> {
  const countyEnd = roll.countyCode.slice(0, -1) + String.fromCharCode(roll.countyCode.charCodeAt(roll.countyCode.length - 1) + 1);
  const inCounty = (q: Knex.QueryBuilder, column: string) => q.where(column, '>=', roll.countyCode).andWhere(column, '<', countyEnd);
  const [deaths, enrolments, households, persons, failures, incomes] = await readTogether(
    db,
    // A death, cremation or move reported after the roll closed, of a member of a household paid that month.
    () => db('facts as f').join('persons as p', 'p.id_key', 'f.subject_key').join('batches as b', 'b.id', 'f.batch_id')
      .join('payroll_lines as l', (j) => j.on('l.household_id', '=', 'p.household_id'))
      .where('l.roll_id', roll.id).whereIn('f.kind', ['person-death', 'person-cremation', 'person-moved-out'])
      .andWhere('f.occurred_on', '<=', lastDay).andWhere('b.received_at', '>', roll.closedAt).distinct('p.household_id as id'),
    // An enrolment granted, ended or corrected after the close that reaches into the month.
    () => inCounty(db('enrolments'), 'region_code').andWhere('start_date', '<=', lastDay)
      .andWhere((q) => q.where('updated_at', '>', roll.closedAt).orWhere('created_at', '>', roll.closedAt)).distinct('household_id as id'),
    // A household corrected after the close (an income recorded, a 供养方式 set): one the roll could not pay may now be paid.
    () => inCounty(db('households as h').join('enrolments as e', 'e.household_id', 'h.id'), 'e.region_code').andWhere('e.start_date', '<=', lastDay)
      .andWhere('h.updated_at', '>', roll.closedAt).distinct('h.id as id'),
    // A member corrected after the close (a self-care assessment recorded, an income): the same.
    () => inCounty(db('persons as p').join('enrolments as e', 'e.person_id', 'p.id'), 'e.region_code').andWhere('e.start_date', '<=', lastDay)
      .andWhere('p.updated_at', '>', roll.closedAt).distinct('p.household_id as id'),
    () => db('payroll_bank_results as b').join('payroll_lines as l', (j) => j.on('l.roll_id', '=', 'b.roll_id').andOn('l.household_id', '=', 'b.household_id').andOn('l.payee_person_id', '=', 'b.payee_person_id'))
      .join('payroll_rolls as r', 'r.id', 'b.roll_id').where('r.county_code', roll.countyCode).where('l.for_month', roll.month)
      .whereIn('b.status', ['failed', 'returned']).distinct('b.household_id as id'),
    // An income verified after the close with effect from this month or earlier.
    () => db('household_income_changes').where('effective_month', '<=', roll.month).andWhere('recorded_at', '>', roll.closedAt).distinct('household_id as id'),
  );
  return [...new Set([...deaths, ...enrolments, ...households, ...persons, ...failures, ...incomes].map((r: { id: number }) => Number(r.id)))];
}

/** Every household with a line in the roll (a changed standard makes all of them candidates). */
export async function householdsOfRoll(db: Knex, rollId: number): Promise<number[]> {
  const rows: { id: number }[] = await db('payroll_lines').where('roll_id', rollId).distinct('household_id as id');
  return rows.map((r) => Number(r.id));
}

/** The household keys (number, registration village) of households named by id, for households the month's enrolments do not list. */
export async function householdKeysOf(db: Knex, householdIds: readonly number[]): Promise<{ householdId: number; householdNo: string; regionCode: string }[]> {
  const out: { householdId: number; householdNo: string; regionCode: string }[] = [];
  for (let i = 0; i < householdIds.length; i += 5000) {
    const rows: { id: number; household_no: string; region_code: string | null; registered_region: string }[] = await db('households as h')
      .leftJoin('enrolments as e', 'e.household_id', 'h.id').whereIn('h.id', householdIds.slice(i, i + 5000))
      .groupBy('h.id', 'h.household_no', 'h.registered_region').select('h.id', 'h.household_no', 'h.registered_region', db.raw('MIN(e.region_code) as region_code'));
    for (const r of rows) out.push({ householdId: Number(r.id), householdNo: r.household_no, regionCode: r.region_code ?? r.registered_region });
  }
  return out;
}

export interface TownshipSubmission {
  countyCode: string;
  month: string;
  townshipCode: string;
  households: number;
  totalFen: number;
  linesSm3: string;
  submittedAt: string;
  submittedBy: string;
}

export async function submissionsOf(db: Knex | Knex.Transaction, countyCode: string, month: string): Promise<TownshipSubmission[]> {
  const rows = await db('payroll_submissions').where({ county_code: countyCode, month }).orderBy('township_code')
    .select('county_code as countyCode', 'month', 'township_code as townshipCode', 'households', 'total_fen as totalFen', 'lines_sm3 as linesSm3', 'submitted_at as submittedAt', 'submitted_by as submittedBy');
  return rows.map((r) => ({ ...r, households: Number(r.households), totalFen: Number(r.totalFen), submittedAt: String(r.submittedAt) }));
}

/** A township submits again after a correction: the latest submission replaces the earlier one. */
export async function upsertSubmission(trx: Knex.Transaction, submission: TownshipSubmission): Promise<void> {
  await trx('payroll_submissions')
    .insert({
      county_code: submission.countyCode, month: submission.month, township_code: submission.townshipCode, households: submission.households,
      total_fen: submission.totalFen, lines_sm3: submission.linesSm3, submitted_at: submission.submittedAt, submitted_by: submission.submittedBy,
    })
    .onConflict(['month', 'township_code'])
    .merge();
}

export async function insertRollChanges(trx: Knex.Transaction, rollId: number, changes: readonly RollChange[]): Promise<void> {
  const rows = changes.map((c) => ({
    roll_id: rollId, household_id: c.householdId, household_no: c.householdNo, payee_name: c.payeeName, township_code: c.townshipCode, village_code: c.villageCode,
    programme: c.programme, mark: c.mark, previous_fen: c.previousFen, current_fen: c.currentFen, reason: c.reason,
  }));
  for (let i = 0; i < rows.length; i += 400) await trx('payroll_changes').insert(rows.slice(i, i + 400));
}

export async function changesOfRoll(db: Knex, rollId: number): Promise<RollChange[]> {
  const rows = await db('payroll_changes').where('roll_id', rollId).orderBy('id')
    .select('household_id', 'household_no', 'payee_name', 'township_code', 'village_code', 'programme', 'mark', 'previous_fen', 'current_fen', 'reason');
  return rows.map((r) => ({
    householdId: Number(r.household_id), householdNo: r.household_no, payeeName: r.payee_name, townshipCode: r.township_code, villageCode: r.village_code,
    programme: r.programme as Programme, mark: r.mark as ChangeMark, previousFen: Number(r.previous_fen), currentFen: Number(r.current_fen), reason: r.reason,
  }));
}
