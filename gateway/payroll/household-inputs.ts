/**
 * A household's month as the register shows it now, turned into the calculation's input (HouseholdMonth) for one
 * programme: who is a member that month, who is covered by 低保 or 特困, the income, the first day paid. Deaths,
 * cremations and moves are read from the feeds' facts by the roll itself, whatever any warning about them says.
 */
import { lastDayOfPeriod } from '../calendar/periods.js';
import type { RollEnrolment, RollFact, RollPerson, RollRegisterPage } from '../store/repositories/payroll-register.js';
import type { HouseholdMonth, MemberCategory, MemberMonth, SelfCareAbility } from './benefit-calculation.js';
import type { PayrollRules } from './benefit-standards.js';
import type { HouseholdInputs, Programme } from './roll-types.js';

const programmeOfCategory: Readonly<Record<string, Programme>> = { 110: 'dibao', 120: 'dibao', 130: 'tekun', 131: 'tekun', 132: 'tekun' };

/** 户主 or 本人: the payee of a household's 低保 (按户补贴: the account in the 户主's name, domain-data.md §4). */
const headRelations = new Set(['01', '02']);

/** Labour-ability codes of a person who can hold a job: 有劳动能力, 部分丧失劳动能力. Local practice: the seeds do not say who counts as employed. */
const ableToWork = new Set(['01', '02']);

/** How long a 大病 case (weijian major-illness) makes a member 重病 for 分类施保: a year from its last record. Local practice. */
const seriousIllnessMonths = 12;

export const departureWords: Readonly<Record<string, string>> = { 'person-death': '死亡', 'person-cremation': '火化', 'person-moved-out': '迁出' };

export interface RegisterIndex {
  persons: Map<number, RollPerson[]>;
  enrolments: Map<number, RollEnrolment[]>;
  facts: Map<number, RollFact[]>;
  page: RollRegisterPage;
}

export function indexRegisterPage(page: RollRegisterPage): RegisterIndex {
  const persons = new Map<number, RollPerson[]>();
  for (const p of page.persons) (persons.get(p.householdId) ?? persons.set(p.householdId, []).get(p.householdId)!).push(p);
  const enrolments = new Map<number, RollEnrolment[]>();
  for (const e of page.enrolments) (enrolments.get(e.personId) ?? enrolments.set(e.personId, []).get(e.personId)!).push(e);
  const facts = new Map<number, RollFact[]>();
  for (const f of page.facts) (facts.get(f.personId) ?? facts.set(f.personId, []).get(f.personId)!).push(f);
  return { persons, enrolments, facts, page };
}

export function programmeOf(category: string): Programme | undefined {
  return programmeOfCategory[category];
}

/**
 * Why a person is not paid for `month` any more: the first death, cremation or move whose date makes that month
 * unpaid under the county's rule, or undefined. A cremation counts as a death (its date is on or after the death).
 */
export function departureBefore(facts: readonly RollFact[] | undefined, month: string, rules: PayrollRules): { kind: string; date: string } | undefined {
  let found: { kind: string; date: string } | undefined;
  for (const fact of facts ?? []) {
    if (!(fact.kind in departureWords)) continue;
    const factMonth = fact.first.slice(0, 7);
    const unpaid = rules.stopAfterDeath === 'month-of-death' ? factMonth <= month : factMonth < month;
    if (unpaid && (!found || fact.first < found.date)) found = { kind: fact.kind, date: fact.first };
  }
  return found;
}

/** The person's basic-living enrolment running at some time in the month (the latest if one ended and another began). */
export function enrolmentInMonth(enrolments: readonly RollEnrolment[] | undefined, month: string): RollEnrolment | undefined {
  const first = `${month}-01`;
  const last = lastDayOfPeriod(month);
  return (enrolments ?? []).filter((e) => e.startDate <= last && (e.endDate === null || e.endDate >= first)).at(-1);
}

export interface CurrentHousehold {
  inputs: HouseholdInputs;
  /** The first day of the programme's running enrolments, for proration; the members' enrolments, for remarks. */
  enrolledFrom: Record<Programme, string | null>;
  /** The 低保 or 特困 business code of the programme, as the members' enrolments give it. */
  category: Record<Programme, string | null>;
  /** Members left out this month, with why (死亡 2026-03-02). */
  departed: { personId: number; name: string; kind: string; date: string }[];
  /** What stops the roll from computing without a guess; the household is not paid while any is left. */
  problems: string[];
}

/** The household as the register shows it for `month`, its departed members left out. */
export function currentHousehold(index: RegisterIndex, householdId: number, month: string, rules: PayrollRules, urbanVillage: boolean): CurrentHousehold {
  const household = index.page.households.get(householdId);
  const monthEnd = lastDayOfPeriod(month);
  const members: MemberMonth[] = [];
  const departed: CurrentHousehold['departed'] = [];
  const problems: string[] = [];
  const enrolledFrom: Record<Programme, string | null> = { dibao: null, tekun: null };
  const category: Record<Programme, string | null> = { dibao: null, tekun: null };
  for (const person of index.persons.get(householdId) ?? []) {
    const facts = index.facts.get(person.id);
    const departure = departureBefore(facts, month, rules);
    if (departure) {
      departed.push({ personId: person.id, name: person.name, kind: departure.kind, date: departure.date });
      continue;
    }
    const enrolment = enrolmentInMonth(index.enrolments.get(person.id), month);
    const programme = enrolment ? programmeOf(enrolment.category) : undefined;
    const memberCategory: MemberCategory = programme ?? 'none';
    if (programme && enrolment) {
      category[programme] ??= enrolment.category;
      if (enrolledFrom[programme] === null || enrolment.startDate < enrolledFrom[programme]!) enrolledFrom[programme] = enrolment.startDate;
    }
    if (programme === 'tekun') {
      if (!isSelfCare(person.selfCareAbility)) problems.push(`特困人员 ${person.name} 无生活自理能力评估 (self_care_ability)`);
      if (enrolment?.tekunSupport !== 'concentrated' && enrolment?.tekunSupport !== 'dispersed') problems.push(`特困人员 ${person.name} 未登记供养方式 (集中/分散)`);
    }
    const illness = facts?.find((f) => f.kind === 'major-illness');
    members.push({
      personId: String(person.id),
      category: memberCategory,
      birthDate: person.birthDate,
      disabilityGrade: person.disabilityGrade,
      seriousIllness: illness !== undefined && illness.first <= monthEnd && monthsBetween(illness.last, monthEnd) < seriousIllnessMonths,
      selfCareAbility: programme === 'tekun' && isSelfCare(person.selfCareAbility) ? person.selfCareAbility : null,
      tekunSupport: programme === 'tekun' && (enrolment?.tekunSupport === 'concentrated' || enrolment?.tekunSupport === 'dispersed') ? enrolment.tekunSupport : null,
      // 就业成本扣减 needs to know who earns: a member able to work with an income of their own.
      employed: (person.monthlyIncomeFen ?? 0) > 0 && ableToWork.has(person.labourAbility ?? ''),
      incomeFen: person.monthlyIncomeFen ?? 0,
    });
  }
  const householdIncomeFen = household?.monthlyIncomeFen ?? null;
  if (householdIncomeFen === null && members.some((m) => m.category === 'dibao')) problems.push('家庭月收入未核定 (monthly_income_fen)');
  const dibaoCategory = category.dibao;
  const urban = dibaoCategory !== null ? dibaoCategory === '110' : category.tekun !== null ? category.tekun === '131' || (category.tekun === '130' && urbanVillage) : urbanVillage;
  return {
    inputs: { urban, householdIncomeFen: householdIncomeFen ?? 0, members, enrolledFrom: null, gradualExit: null },
    enrolledFrom,
    category,
    departed,
    problems,
  };
}

/** The calculation's input for one programme: the other programme's members stay in the household (they count in its size) and its lines are dropped later. */
export function householdMonthOf(inputs: HouseholdInputs, month: string, enrolledFrom: string | null): HouseholdMonth {
  return { month, urban: inputs.urban, householdIncomeFen: inputs.householdIncomeFen, members: inputs.members, enrolledFrom, gradualExit: inputs.gradualExit };
}

/** The payee of a programme's line: the 户主 for 低保; for 特困 the 特困 person (按人补贴), the head when the head is one. */
export function payeeOf(persons: readonly RollPerson[], members: readonly MemberMonth[], programme: Programme): RollPerson | undefined {
  const alive = new Set(members.map((m) => Number(m.personId)));
  const candidates = persons.filter((p) => alive.has(p.id));
  if (programme === 'tekun') {
    const tekun = new Set(members.filter((m) => m.category === 'tekun').map((m) => Number(m.personId)));
    return candidates.find((p) => tekun.has(p.id) && headRelations.has(p.relation)) ?? candidates.find((p) => tekun.has(p.id));
  }
  return candidates.find((p) => headRelations.has(p.relation)) ?? candidates.find((p) => members.some((m) => Number(m.personId) === p.id && m.category === 'dibao'));
}

function isSelfCare(code: string | null): code is SelfCareAbility {
  return code === '1' || code === '2' || code === '3';
}

/** Whole months from date a to date b (YYYY-MM-DD), counting by calendar month. */
function monthsBetween(a: string, b: string): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}
