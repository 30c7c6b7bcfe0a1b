import type { Knex } from 'knex';
import { readTogether } from '../reads-together.js';
import { basicLivingCategories } from '../enrolment-guard.js';

/**
 * What the roll reads from the register, a page of households at a time so a province's roll never holds its whole
 * register in memory. Only clear columns are read: the roll computes without ID numbers, and exports decrypt the
 * payee's ID number and account page by page.
 */

export interface RollHouseholdKey {
  householdId: number;
  householdNo: string;
  /** The registration village (enrolments.region_code) the household is paid under. */
  regionCode: string;
}

export interface RollPerson {
  id: number;
  householdId: number;
  name: string;
  birthDate: string;
  relation: string;
  disabilityGrade: string | null;
  labourAbility: string | null;
  selfCareAbility: string | null;
  monthlyIncomeFen: number | null;
}

export interface RollEnrolment {
  personId: number;
  householdId: number;
  category: string;
  regionCode: string;
  startDate: string;
  endDate: string | null;
  endReason: string | null;
  tekunSupport: string | null;
  changedAt: string;
}

export interface RollHousehold {
  id: number;
  householdNo: string;
  monthlyIncomeFen: number | null;
  updatedAt: string;
}

/** Facts the roll reads for itself: deaths, cremations and moves stop payment; a 大病 case is 重病 for 分类施保. */
export const rollFactKinds = ['person-death', 'person-cremation', 'person-moved-out', 'major-illness'] as const;
export type RollFactKind = (typeof rollFactKinds)[number];

export interface RollFact {
  personId: number;
  kind: RollFactKind;
  first: string;
  last: string;
}

export interface RollBankAccount {
  personId: number;
  bankName: string;
  accountName: string;
  accountCipher: string;
}

/** The next code after a prefix: region codes within `prefix` are those ≥ prefix and < this. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Households with a basic-living enrolment granted within `regionCode` running at some time in [from, to], in roll
 * order: village code, then household number.
 */
export async function householdsEnrolledBetween(db: Knex, regionCode: string, from: string, to: string): Promise<RollHouseholdKey[]> {
  const rows: { household_id: number; household_no: string; region_code: string }[] = await db('enrolments as e')
    .join('households as h', 'h.id', 'e.household_id')
    .where('e.region_code', '>=', regionCode)
    .andWhere('e.region_code', '<', prefixEnd(regionCode))
    .whereIn('e.category', basicLivingCategories)
    .andWhere('e.start_date', '<=', to)
    .andWhere((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', from))
    .groupBy('e.household_id', 'h.household_no')
    .select('e.household_id', 'h.household_no', db.raw('MIN(e.region_code) as region_code'));
  return rows
    .map((r) => ({ householdId: Number(r.household_id), householdNo: r.household_no, regionCode: r.region_code }))
    .sort((a, b) => (a.regionCode < b.regionCode ? -1 : a.regionCode > b.regionCode ? 1 : a.householdNo < b.householdNo ? -1 : a.householdNo > b.householdNo ? 1 : 0));
}

/** A household income verified by a warning outcome, from a month on (household_income_changes). */
export interface RollIncomeChange {
  incomeFen: number;
  effectiveMonth: string;
  recordedAt: string;
}

export interface RollRegisterPage {
  households: Map<number, RollHousehold>;
  incomeChanges: Map<number, RollIncomeChange[]>;
  persons: RollPerson[];
  enrolments: RollEnrolment[];
  facts: RollFact[];
  accounts: Map<number, RollBankAccount>;
}

const basicLiving: ReadonlySet<string> = new Set(basicLivingCategories);

/** IN lists stay well under SQLite's bound on parameters. */
const chunkSize = 5000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

export async function readRollRegisterPage(db: Knex, householdIds: readonly number[]): Promise<RollRegisterPage> {
  const households = new Map<number, RollHousehold>();
  const incomeChanges = new Map<number, RollIncomeChange[]>();
  const persons: RollPerson[] = [];
  const enrolments: RollEnrolment[] = [];
  for (const ids of chunks(householdIds)) {
    const [householdRows, personRows, enrolmentRows, incomeRows] = await readTogether(
      db,
      () => db('households').whereIn('id', ids).select('id', 'household_no', 'monthly_income_fen', 'updated_at'),
      () => db('persons').whereIn('household_id', ids).orderBy(['household_id', 'relation', 'id'])
        .select('id', 'household_id', 'name', 'birth_date', 'relation', 'disability_grade', 'labour_ability', 'self_care_ability', 'monthly_income_fen'),
      // No category filter in SQL: with one, SQLite may pick the (category, end_date) index over household_id's.
      () => db('enrolments').whereIn('household_id', ids).orderBy(['household_id', 'start_date', 'id'])
        .select('person_id', 'household_id', 'category', 'region_code', 'start_date', 'end_date', 'end_reason', 'tekun_support', 'created_at', 'updated_at'),
      () => db('household_income_changes').whereIn('household_id', ids).orderBy(['household_id', 'recorded_at', 'id']).select('household_id', 'income_fen', 'effective_month', 'recorded_at'),
    );
    for (const r of incomeRows) {
      const id = Number(r.household_id);
      (incomeChanges.get(id) ?? incomeChanges.set(id, []).get(id)!).push({ incomeFen: Number(r.income_fen), effectiveMonth: r.effective_month, recordedAt: String(r.recorded_at) });
    }
    for (const h of householdRows) {
      households.set(Number(h.id), { id: Number(h.id), householdNo: h.household_no, monthlyIncomeFen: h.monthly_income_fen === null ? null : Number(h.monthly_income_fen), updatedAt: String(h.updated_at) });
    }
    for (const p of personRows) {
      persons.push({
        id: Number(p.id), householdId: Number(p.household_id), name: p.name, birthDate: dateText(p.birth_date), relation: p.relation,
        disabilityGrade: p.disability_grade, labourAbility: p.labour_ability, selfCareAbility: p.self_care_ability,
        monthlyIncomeFen: p.monthly_income_fen === null ? null : Number(p.monthly_income_fen),
      });
    }
    for (const e of enrolmentRows) {
      if (!basicLiving.has(e.category)) continue;
      const created = String(e.created_at);
      const updated = String(e.updated_at);
      enrolments.push({
        personId: Number(e.person_id), householdId: Number(e.household_id), category: e.category, regionCode: e.region_code,
        startDate: dateText(e.start_date), endDate: e.end_date === null ? null : dateText(e.end_date), endReason: e.end_reason, tekunSupport: e.tekun_support,
        changedAt: created > updated ? created : updated,
      });
    }
  }
  const facts: RollFact[] = [];
  const accounts = new Map<number, RollBankAccount>();
  for (const ids of chunks(persons.map((p) => p.id))) {
    const [factRows, accountRows] = await readTogether(
      db,
      // facts.person_id holds for a fact received before its subject was registered too (fact-persons.ts).
      () => db('facts as f').whereIn('f.person_id', ids).whereIn('f.kind', rollFactKinds).whereNotNull('f.occurred_on')
        .groupBy('f.person_id', 'f.kind').select('f.person_id', 'f.kind', db.raw('MIN(f.occurred_on) as first'), db.raw('MAX(f.occurred_on) as last')),
      () => db('bank_accounts').whereIn('person_id', ids).select('person_id', 'bank_name', 'account_name', 'account_cipher'),
    );
    for (const f of factRows) facts.push({ personId: Number(f.person_id), kind: f.kind, first: dateText(f.first), last: dateText(f.last) });
    for (const a of accountRows) accounts.set(Number(a.person_id), { personId: Number(a.person_id), bankName: a.bank_name, accountName: a.account_name, accountCipher: a.account_cipher });
  }
  return { households, incomeChanges, persons, enrolments, facts, accounts };
}

/** Dates arrive as text from both databases (store/connect.ts sets PostgreSQL's parsers): a date is its first ten characters. */
function dateText(value: string): string {
  return String(value).slice(0, 10);
}
