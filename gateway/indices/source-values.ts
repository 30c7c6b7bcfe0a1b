import type { Knex } from 'knex';
import { prefixRange } from '../access/region-scope.js';
import { addMonths, lastDayOfPeriod } from '../calendar/periods.js';
import { factMonth } from '../engine/rule-sql.js';
import { seriouslyIllMemberSql } from '../store/serious-illness.js';
import type {
  AttributeCondition,
  IndexAssistanceSource,
  IndexEnrolmentsSource,
  IndexFactsSource,
  IndexMemberCondition,
  IndexMembersSource,
} from '../../schemas/types/index.js';
import type { ResidencePlace } from './dibao-standard.js';

type Dialect = 'pg' | 'sqlite';
type Binding = string | number;

/** Which households to score: those living in a region (by code prefix; '' is everywhere), or one by id. */
export type HouseholdSelection = { regionPrefix: string } | { householdId: number };

export interface SourceQuery {
  knex: Knex;
  dialect: Dialect;
  selection: HouseholdSelection;
  period: string;
  /** The period's last day, YYYY-MM-DD: ages and active enrolments are taken on it. */
  periodEnd: string;
}

export function dialectOf(knex: Knex): Dialect {
  return knex.client.config.client === 'pg' ? 'pg' : 'sqlite';
}

async function select<T>(query: SourceQuery, text: string, bindings: Binding[]): Promise<T[]> {
  const result = await query.knex.raw(text, bindings);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * The selection as a condition on households alias h. Households are selected by residence (居住地): indices feed
 * active discovery, and discovery — like the warnings — is the business of the township where people live.
 */
function selectionCondition(selection: HouseholdSelection): { text: string; bindings: Binding[] } {
  if ('householdId' in selection) return { text: 'h.id = ?', bindings: [selection.householdId] };
  if (selection.regionPrefix === '') return { text: '1 = 1', bindings: [] };
  const { low, high } = prefixRange(selection.regionPrefix);
  return { text: 'h.residence_region >= ? AND h.residence_region < ?', bindings: [low, high] };
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export interface HouseholdBase extends ResidencePlace {
  id: number;
  householdNo: string;
  residenceRegion: string;
  monthlyIncomeFen: number | null;
}

/** The selected households with what decides their standard: the residence region's 城乡 code, name and township kind. */
export async function readHouseholds(query: SourceQuery): Promise<HouseholdBase[]> {
  const where = selectionCondition(query.selection);
  const rows = await select<Record<string, unknown>>(query, `
    SELECT h.id AS id, h.household_no AS household_no, h.residence_region AS residence_region, h.monthly_income_fen AS monthly_income_fen,
           r.urban_rural AS urban_rural, r.name AS region_name, CASE WHEN r.level = 'township' THEN r.kind ELSE t.kind END AS township_kind
      FROM households h
      LEFT JOIN regions r ON r.code = h.residence_region
      LEFT JOIN regions t ON t.code = r.parent_code
     WHERE ${where.text}
     ORDER BY h.id`, where.bindings);
  return rows.map((row) => ({
    id: Number(row.id),
    householdNo: String(row.household_no),
    residenceRegion: String(row.residence_region),
    monthlyIncomeFen: row.monthly_income_fen === null || row.monthly_income_fen === undefined ? null : Number(row.monthly_income_fen),
    urbanRural: (row.urban_rural as string | null) ?? null,
    name: (row.region_name as string | null) ?? null,
    townshipKind: (row.township_kind as string | null) ?? null,
  }));
}

/** The first-registered head (户主, relation 01 or 02) of each selected household. */
export async function readHeadNames(query: SourceQuery): Promise<Map<number, string>> {
  const where = selectionCondition(query.selection);
  const rows = await select<{ household_id: number; name: string }>(query, `
    SELECT p.household_id AS household_id, p.name AS name
      FROM persons p JOIN households h ON h.id = p.household_id
     WHERE ${where.text} AND p.relation IN ('01', '02')
     ORDER BY p.id`, where.bindings);
  const heads = new Map<number, string>();
  for (const row of rows) if (!heads.has(Number(row.household_id))) heads.set(Number(row.household_id), row.name);
  return heads;
}

export interface MemberTotals {
  members: number;
  /** The sum of members' monthly incomes, and how many members have one recorded. */
  incomeFen: number;
  incomesRecorded: number;
  /** Per members source, in the order given: the number of members matching it. */
  matching: number[];
}

/** The date a person must be born after to be under `years` on `day` (a 29 February falls back to the 28th). */
function bornAfterForAgeBelow(day: string, years: number): string {
  const year = Number(day.slice(0, 4)) - years;
  let monthDay = day.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (monthDay === '02-29' && !leap) monthDay = '02-28';
  return `${String(year).padStart(4, '0')}-${monthDay}`;
}

function memberConditionSql(condition: IndexMemberCondition, periodEnd: string): { text: string; bindings: Binding[] } {
  const parts: string[] = [];
  const bindings: Binding[] = [];
  // Age in full years on the period's last day: under N means born after the day N years earlier.
  if (condition.ageBelow !== undefined) {
    parts.push('p.birth_date > ?');
    bindings.push(bornAfterForAgeBelow(periodEnd, condition.ageBelow));
  }
  if (condition.ageAtLeast !== undefined) {
    parts.push('p.birth_date <= ?');
    bindings.push(bornAfterForAgeBelow(periodEnd, condition.ageAtLeast));
  }
  for (const [column, codes] of [['p.health', condition.health], ['p.disability_grade', condition.disabilityGrade], ['p.labour_ability', condition.labourAbility]] as const) {
    if (codes === undefined) continue;
    parts.push(`${column} IN (${placeholders(codes)})`);
    bindings.push(...codes);
  }
  if (condition.seriouslyIll === true) {
    const ill = seriouslyIllMemberSql('p', periodEnd);
    parts.push(ill.text);
    bindings.push(...ill.bindings);
  }
  return { text: `(${parts.join(' AND ')})`, bindings };
}

/** Member counts and incomes, and every members source's count, for all selected households in one grouped query. */
export async function readMemberTotals(query: SourceQuery, sources: readonly IndexMembersSource[]): Promise<Map<number, MemberTotals>> {
  const where = selectionCondition(query.selection);
  const columns: string[] = [];
  const bindings: Binding[] = [];
  sources.forEach((source, index) => {
    if (!source.anyOf) {
      columns.push(`COUNT(*) AS m${index}`);
      return;
    }
    const conditions = source.anyOf.map((condition) => memberConditionSql(condition, query.periodEnd));
    columns.push(`SUM(CASE WHEN ${conditions.map((c) => c.text).join(' OR ')} THEN 1 ELSE 0 END) AS m${index}`);
    for (const condition of conditions) bindings.push(...condition.bindings);
  });
  const rows = await select<Record<string, unknown>>(query, `
    SELECT p.household_id AS household_id, COUNT(*) AS members, SUM(p.monthly_income_fen) AS income, COUNT(p.monthly_income_fen) AS incomes
           ${columns.map((c) => `, ${c}`).join('')}
      FROM persons p JOIN households h ON h.id = p.household_id
     WHERE ${where.text}
     GROUP BY p.household_id`, [...bindings, ...where.bindings]);
  const totals = new Map<number, MemberTotals>();
  for (const row of rows) {
    totals.set(Number(row.household_id), {
      members: Number(row.members),
      incomeFen: Number(row.income ?? 0),
      incomesRecorded: Number(row.incomes),
      matching: sources.map((_, index) => Number(row[`m${index}`] ?? 0)),
    });
  }
  return totals;
}

function attributeValue(dialect: Dialect, attribute: string): string {
  if (!/^[a-zA-Z]+$/.test(attribute)) throw new Error(`[indices] attribute name ${attribute} is not letters only`);
  return dialect === 'pg' ? `(f.attributes -> '${attribute}')` : `json_extract(f.attributes, '$.${attribute}')`;
}

/** A value bound so it compares like the stored JSON: jsonb on PostgreSQL; SQLite's json_extract gives 1/0 for booleans. */
function attributeBinding(dialect: Dialect, value: string | number | boolean): Binding {
  if (dialect === 'pg') return JSON.stringify(value);
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

function attributeConditionSql(dialect: Dialect, condition: AttributeCondition): { text: string; bindings: Binding[] } {
  const value = attributeValue(dialect, condition.attribute);
  const list = (condition.in ?? condition.notIn ?? []).map((v) => attributeBinding(dialect, v));
  const marks = list.map(() => (dialect === 'pg' ? '?::jsonb' : '?')).join(', ');
  return condition.in
    ? { text: `${value} IN (${marks})`, bindings: list }
    : { text: `(${value} IS NULL OR ${value} NOT IN (${marks}))`, bindings: list };
}

/**
 * One facts source for every selected household: facts about its members (joined on the ID number, as the
 * comparison engine does), in the window, summed. Areas are summed in hundredths of a square metre so the total is
 * exact, then returned in square metres.
 */
export async function readFactTotals(query: SourceQuery, source: IndexFactsSource): Promise<Map<number, number>> {
  const { dialect } = query;
  const where = selectionCondition(query.selection);
  const measure =
    source.measure === 'count'
      ? 'COUNT(*)'
      : source.measure === 'amountFen'
        ? 'SUM(f.amount_fen)'
        : dialect === 'pg'
          ? `SUM(CAST(ROUND((f.attributes ->> 'areaSquareMetres')::numeric * 100) AS BIGINT))`
          : `SUM(CAST(ROUND(CAST(json_extract(f.attributes, '$.areaSquareMetres') AS REAL) * 100) AS INTEGER))`;
  const month = factMonth(dialect, 'f');
  const bindings: Binding[] = [...source.kinds];
  let text = `
    SELECT p.household_id AS household_id, ${measure} AS total
      FROM facts f
      JOIN persons p ON p.id_key = f.subject_key
      JOIN households h ON h.id = p.household_id
     WHERE f.kind IN (${placeholders(source.kinds)})`;
  if (source.lookbackMonths === undefined) {
    text += ` AND (${month} IS NULL OR ${month} <= ?)`;
    bindings.push(query.period);
  } else {
    text += ` AND ${month} BETWEEN ? AND ?`;
    bindings.push(addMonths(query.period, -source.lookbackMonths), query.period);
  }
  for (const condition of source.where ?? []) {
    const sql = attributeConditionSql(dialect, condition);
    text += ` AND ${sql.text}`;
    bindings.push(...sql.bindings);
  }
  text += ` AND ${where.text} GROUP BY p.household_id`;
  const rows = await select<{ household_id: number; total: number | string | null }>(query, text, [...bindings, ...where.bindings]);
  const scale = source.measure === 'areaSquareMetres' ? 100 : 1;
  return new Map(rows.map((row) => [Number(row.household_id), Number(row.total ?? 0) / scale]));
}

/** The first and last day of a window of `lookbackMonths` months before the period, and the period itself. */
function windowDays(period: string, lookbackMonths: number): { first: string; last: string } {
  return { first: `${addMonths(period, -lookbackMonths)}-01`, last: lastDayOfPeriod(period) };
}

/**
 * The assistance chain of the household's current members (一人一条救助链, so a household's history is its members'
 * chains, wherever they lived before) in the window: amount, records, or months with any.
 */
export async function readAssistanceTotals(query: SourceQuery, source: IndexAssistanceSource): Promise<Map<number, number>> {
  const where = selectionCondition(query.selection);
  const month = query.dialect === 'pg' ? `to_char(a.assisted_on, 'YYYY-MM')` : 'substr(a.assisted_on, 1, 7)';
  const measure = source.measure === 'amountFen' ? 'SUM(a.amount_fen)' : source.measure === 'count' ? 'COUNT(*)' : `COUNT(DISTINCT ${month})`;
  const { first, last } = windowDays(query.period, source.lookbackMonths);
  const bindings: Binding[] = [first, last];
  let text = `
    SELECT p.household_id AS household_id, ${measure} AS total
      FROM assistance_records a
      JOIN persons p ON p.id = a.person_id
      JOIN households h ON h.id = p.household_id
     WHERE a.assisted_on BETWEEN ? AND ?`;
  if (source.departments) {
    text += ` AND a.department IN (${placeholders(source.departments)})`;
    bindings.push(...source.departments);
  }
  if (source.assistanceTypes) {
    text += ` AND a.assistance_type IN (${placeholders(source.assistanceTypes)})`;
    bindings.push(...source.assistanceTypes);
  }
  text += ` AND ${where.text} GROUP BY p.household_id`;
  const rows = await select<{ household_id: number; total: number | string | null }>(query, text, [...bindings, ...where.bindings]);
  return new Map(rows.map((row) => [Number(row.household_id), Number(row.total ?? 0)]));
}

/**
 * Enrolments of the household's current members. months: the months of the window in which any member was enrolled
 * on at least one day — a union over members and enrolments, so two members enrolled in the same month count it
 * once (worked out here from the enrolment rows; they are few per household). monthlyAmountFen: the monthly
 * amounts of the enrolments active on the period's last day (end_date is inclusive).
 */
export async function readEnrolmentTotals(query: SourceQuery, source: IndexEnrolmentsSource): Promise<Map<number, number>> {
  const where = selectionCondition(query.selection);
  const categories = source.categories ? ` AND e.category IN (${placeholders(source.categories)})` : '';
  const categoryBindings = source.categories ?? [];
  if (source.measure === 'monthlyAmountFen') {
    const rows = await select<{ household_id: number; total: number | string | null }>(query, `
      SELECT p.household_id AS household_id, SUM(e.monthly_amount_fen) AS total
        FROM enrolments e
        JOIN persons p ON p.id = e.person_id
        JOIN households h ON h.id = p.household_id
       WHERE e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?)${categories} AND ${where.text}
       GROUP BY p.household_id`, [query.periodEnd, query.periodEnd, ...categoryBindings, ...where.bindings]);
    return new Map(rows.map((row) => [Number(row.household_id), Number(row.total ?? 0)]));
  }
  const lookback = source.lookbackMonths ?? 0;
  const { first, last } = windowDays(query.period, lookback);
  const rows = await select<{ household_id: number; start_date: string; end_date: string | null }>(query, `
    SELECT p.household_id AS household_id, e.start_date AS start_date, e.end_date AS end_date
      FROM enrolments e
      JOIN persons p ON p.id = e.person_id
      JOIN households h ON h.id = p.household_id
     WHERE e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?)${categories} AND ${where.text}`,
  [last, first, ...categoryBindings, ...where.bindings]);
  // Months as integers (year × 12 + month), each enrolment clipped to the window; the household's months are the
  // union of its intervals, merged after sorting, so the cost does not grow with the window's length.
  const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
  const windowFirst = monthIndex(first);
  const windowLast = monthIndex(last);
  const intervals = new Map<number, [number, number][]>();
  for (const row of rows) {
    const householdId = Number(row.household_id);
    const from = Math.max(windowFirst, monthIndex(String(row.start_date)));
    const to = row.end_date === null ? windowLast : Math.min(windowLast, monthIndex(String(row.end_date)));
    const list = intervals.get(householdId) ?? [];
    list.push([from, to]);
    intervals.set(householdId, list);
  }
  const months = new Map<number, number>();
  for (const [householdId, list] of intervals) {
    list.sort((a, b) => a[0] - b[0]);
    let total = 0;
    let covered = -Infinity;
    for (const [from, to] of list) {
      const start = Math.max(from, covered + 1);
      if (to >= start) total += to - start + 1;
      covered = Math.max(covered, to);
    }
    months.set(householdId, total);
  }
  return months;
}
