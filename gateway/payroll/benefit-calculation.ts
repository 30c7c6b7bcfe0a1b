/**
 * The monthly benefit of one household (低保 补差, 分类施保, 特困 basic living and care), in integer fen, from the
 * standards in force (benefit-standards.ts). Pure: no clock, no store, no files. Every division goes through
 * `roundShare`, which rounds once, explicitly, as the standards say; money never passes through a float.
 * docs/payroll-calculation.md lists every rule with worked examples; the tests assert the same numbers.
 */
import { isPeriod, lastDayOfPeriod } from '../calendar/periods.js';
import type { AddOnAmount, BenefitStandardsPeriod } from './benefit-standards.js';

/** What a person is enrolled in for the month: 低保 (covered by the household's 补差), 特困, or neither (a member counted in the household but not covered). */
export type MemberCategory = 'dibao' | 'tekun' | 'none';
/** 特困 供养 form: 集中 (in an institution) or 分散 (at home). */
export type TekunSupport = 'concentrated' | 'dispersed';
/** Self-care ability codes (code table self-care-ability): 1 全自理, 2 半护理, 3 全护理. */
export type SelfCareAbility = '1' | '2' | '3';
export type AddOnKind = 'severeDisability' | 'aged' | 'minor' | 'seriousIllness';
export type LineKind = 'basic' | 'gradual-exit' | 'add-on' | 'tekun-basic' | 'care';
export type Rounding = BenefitStandardsPeriod['rounding'];

export interface MemberMonth {
  personId: string;
  category: MemberCategory;
  birthDate: string;
  /** Code of the disability-grade table (1–4), null without a disability certificate. */
  disabilityGrade: string | null;
  seriousIllness: boolean;
  /** Required for 特困 members: it sets the care standard. */
  selfCareAbility: SelfCareAbility | null;
  /** Required for 特困 members. */
  tekunSupport: TekunSupport | null;
  employed: boolean;
  /** The member's own monthly earned income, part of the household's; it caps their employment-cost deduction. */
  incomeFen: number;
}

export interface HouseholdMonth {
  /** The benefit month, YYYY-MM. */
  month: string;
  urban: boolean;
  /** 家庭月收入: the whole household's monthly income, before the employment-cost deduction. */
  householdIncomeFen: number;
  members: readonly MemberMonth[];
  /** The day benefits start (the approval decision, seed 001); in this month it may prorate the month. */
  enrolledFrom?: string | null;
  /**
   * 渐退: set while the household is in its grace period. When its income no longer leaves a 补差, the previous
   * monthly 低保 amount (basic and add-ons together) is paid as one line while `monthsRemaining` > 0; the caller
   * counts the months down (the roll stores the next value, `gradualExitMonthsAfter`).
   */
  gradualExit?: { previousAmountFen: number; monthsRemaining: number } | null;
}

export interface LineExplanation {
  /** The rule applied, e.g. `dibao/per-capita-gap`, `add-on/aged`, `tekun/care/dispersed/2`. */
  rule: string;
  /** The standard the line was computed from, fen per person per month; null when none applies (a fixed add-on). */
  standardFen: number | null;
  /** The household income the line used, after the employment-cost deduction; null when income plays no part. */
  incomeFen: number | null;
  /** The arithmetic with its numbers, in fen. */
  formula: string;
  /** The configuration's basis for the rule. */
  basis: string;
}

export interface BenefitLine {
  kind: LineKind;
  /** The person the line is for; null for the household's 补差 and 渐退 lines. */
  personId: string | null;
  addOn?: AddOnKind;
  amountFen: number;
  explanation: LineExplanation;
}

export interface HouseholdBenefit {
  month: string;
  lines: BenefitLine[];
  /** The sum of the lines' amounts. */
  totalFen: number;
  income: {
    householdIncomeFen: number;
    employmentDeductionFen: number;
    /** Income after the deduction: what 补差 uses. */
    incomeUsedFen: number;
    householdSize: number;
    coveredPersons: number;
  };
  /** 低保边缘: per-capita income at or above the 低保 standard and below the edge line (exact comparison, no rounding). */
  edge: { standardFen: number; lineFen: number; isEdge: boolean };
  /** The 渐退 months left after this month; null when the household is not in a grace period. */
  gradualExitMonthsAfter: number | null;
}

/** An input the calculation cannot use, with the JSON pointer of the offending field. */
export class BenefitInputError extends Error {
  constructor(
    readonly pointer: string,
    reason: string,
  ) {
    super(`[benefit-calculation] ${pointer} ${reason}`);
    this.name = 'BenefitInputError';
  }
}

const unitFen: Record<Rounding['unit'], number> = { fen: 1, jiao: 10, yuan: 100 };
const PER_MILLE = 1000;

/**
 * numerator ÷ denominator fen, rounded to the unit in the mode the standards give. Both non-negative integers;
 * the quotient is taken from the remainder, so no float ever carries money.
 */
export function roundShare(numerator: number, denominator: number, rounding: Rounding): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || numerator < 0 || denominator <= 0) {
    throw new RangeError(`[benefit-calculation] cannot round ${numerator} / ${denominator}`);
  }
  const divisor = denominator * unitFen[rounding.unit];
  const remainder = numerator % divisor;
  const units = (numerator - remainder) / divisor;
  const up = rounding.mode === 'up' ? remainder > 0 : rounding.mode === 'half-up' ? remainder * 2 >= divisor : false;
  return (units + (up ? 1 : 0)) * unitFen[rounding.unit];
}

/** Age in whole years on `date` (YYYY-MM-DD); born on 29 February, a person has a birthday on 1 March in other years. */
export function ageOn(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The household's benefit for one month under one period of standards. */
export function calculateHouseholdBenefit(standards: BenefitStandardsPeriod, household: HouseholdMonth): HouseholdBenefit {
  checkHousehold(standards, household);
  const monthEnd = lastDayOfPeriod(household.month);
  const standardFen = household.urban ? standards.dibao.urbanFen : standards.dibao.ruralFen;
  const members = household.members;
  const size = members.length;
  const covered = members.filter((m) => m.category === 'dibao');

  // 必要就业成本扣减 (seeds 001, 002 T9): per employed member, never more than that member earns.
  const employmentDeductionFen = members.reduce((sum, m) => sum + (m.employed ? Math.min(standards.employmentCost.perEmployedMemberFen, m.incomeFen) : 0), 0);
  const incomeUsedFen = Math.max(0, household.householdIncomeFen - employmentDeductionFen);

  const lines: BenefitLine[] = [];
  let gradualExitMonthsAfter: number | null = null;
  if (covered.length > 0) {
    const basic = dibaoBasicLine(standards, standardFen, incomeUsedFen, size, covered.length);
    if (basic) {
      lines.push(basic);
      for (const member of covered) lines.push(...addOnLines(standards, standardFen, member, monthEnd));
    } else if (household.gradualExit && household.gradualExit.monthsRemaining > 0) {
      const { previousAmountFen, monthsRemaining } = household.gradualExit;
      gradualExitMonthsAfter = monthsRemaining - 1;
      lines.push({
        kind: 'gradual-exit',
        personId: null,
        amountFen: previousAmountFen,
        explanation: {
          rule: 'dibao/gradual-exit',
          standardFen,
          incomeFen: incomeUsedFen,
          formula: `no 补差 at this income; the previous amount ${previousAmountFen} is kept, month ${standards.gradualExit.months - monthsRemaining + 1} of ${standards.gradualExit.months}`,
          basis: standards.gradualExit.basis,
        },
      });
    } else if (household.gradualExit) {
      gradualExitMonthsAfter = 0;
    }
  }
  for (const member of members) {
    if (member.category === 'tekun') lines.push(...tekunLines(standards, household.urban, member));
  }

  const prorated = prorateFirstMonth(standards, household, lines);
  const edgeLineFen = roundShare(standardFen * standards.edgeLine.perMilleOfStandard, PER_MILLE, { unit: 'fen', mode: 'down', basis: '' });
  return {
    month: household.month,
    lines: prorated,
    totalFen: prorated.reduce((sum, line) => sum + line.amountFen, 0),
    income: { householdIncomeFen: household.householdIncomeFen, employmentDeductionFen, incomeUsedFen, householdSize: size, coveredPersons: covered.length },
    // Compared as totals (income < line × size), so no per-capita rounding decides who is on the edge.
    edge: { standardFen, lineFen: edgeLineFen, isEdge: incomeUsedFen >= standardFen * size && incomeUsedFen < edgeLineFen * size },
    gradualExitMonthsAfter,
  };
}

/**
 * 补差 for the covered persons, or undefined when the income leaves no gap. The per-capita formula is kept as one
 * fraction, (standard × size − income) × covered ÷ size, so it is rounded once and equals the household formula
 * exactly when every member is covered.
 */
function dibaoBasicLine(standards: BenefitStandardsPeriod, standardFen: number, incomeFen: number, size: number, coveredCount: number): BenefitLine | undefined {
  const perCapita = standards.gapFormula.formula === 'per-capita-gap';
  const numerator = perCapita ? (standardFen * size - incomeFen) * coveredCount : standardFen * coveredCount - incomeFen;
  const denominator = perCapita ? size : 1;
  if (numerator <= 0) return undefined;
  const gapFen = roundShare(numerator, denominator, standards.rounding);
  const minimumFen = standards.minimumPayment.perPersonFen * coveredCount;
  const amountFen = Math.max(gapFen, minimumFen);
  const gapFormula = perCapita
    ? `(${standardFen} − ${incomeFen} ÷ ${size}) × ${coveredCount} = ${numerator} ÷ ${denominator} → ${gapFen} (${roundingText(standards.rounding)})`
    : `${standardFen} × ${coveredCount} − ${incomeFen} = ${numerator} → ${gapFen} (${roundingText(standards.rounding)})`;
  return {
    kind: 'basic',
    personId: null,
    amountFen,
    explanation: {
      rule: `dibao/${standards.gapFormula.formula}${amountFen > gapFen ? '/minimum' : ''}`,
      standardFen,
      incomeFen,
      formula: amountFen > gapFen ? `${gapFormula}; below the minimum ${standards.minimumPayment.perPersonFen} × ${coveredCount} = ${minimumFen}` : gapFormula,
      basis: amountFen > gapFen ? `${standards.gapFormula.basis} Minimum: ${standards.minimumPayment.basis}` : standards.gapFormula.basis,
    },
  };
}

/** 分类施保 of one covered member: each group the member is in, all of them or only the largest as configured. */
function addOnLines(standards: BenefitStandardsPeriod, standardFen: number, member: MemberMonth, monthEnd: string): BenefitLine[] {
  const { addOns } = standards;
  const age = ageOn(member.birthDate, monthEnd);
  const groups: { kind: AddOnKind; amount: AddOnAmount; why: string }[] = [];
  if (member.disabilityGrade !== null && (addOns.severeDisability.grades as readonly string[]).includes(member.disabilityGrade)) {
    groups.push({ kind: 'severeDisability', amount: addOns.severeDisability.amount, why: `disability grade ${member.disabilityGrade}` });
  }
  if (age >= addOns.aged.minimumAge) groups.push({ kind: 'aged', amount: addOns.aged.amount, why: `aged ${age} on ${monthEnd}` });
  if (age < addOns.minor.underAge) groups.push({ kind: 'minor', amount: addOns.minor.amount, why: `aged ${age} on ${monthEnd}` });
  if (member.seriousIllness) groups.push({ kind: 'seriousIllness', amount: addOns.seriousIllness.amount, why: 'serious illness' });

  const lines = groups.map(({ kind, amount, why }): BenefitLine => {
    const fixed = 'fen' in amount;
    const amountFen = fixed ? amount.fen : roundShare(standardFen * amount.perMilleOfStandard, PER_MILLE, standards.rounding);
    return {
      kind: 'add-on',
      personId: member.personId,
      addOn: kind,
      amountFen,
      explanation: {
        rule: `add-on/${kind}`,
        standardFen: fixed ? null : standardFen,
        incomeFen: null,
        formula: fixed ? `${why}: fixed ${amountFen}` : `${why}: ${standardFen} × ${amount.perMilleOfStandard} ÷ 1000 → ${amountFen} (${roundingText(standards.rounding)})`,
        basis: amount.basis ?? addOns.basis,
      },
    };
  });
  if (addOns.combination === 'sum' || lines.length <= 1) return lines;
  // highest: the first of the largest, so equal amounts keep the order of the schema (disability, age, minor, illness).
  const largest = lines.reduce((best, line) => (line.amountFen > best.amountFen ? line : best));
  return [{ ...largest, explanation: { ...largest.explanation, formula: `${largest.explanation.formula}; the largest of ${lines.length} add-ons (highest)` } }];
}

const careLevel: Record<SelfCareAbility, 'fullSelfCare' | 'partialCare' | 'fullCare'> = { '1': 'fullSelfCare', '2': 'partialCare', '3': 'fullCare' };

/** 特困: the basic living standard and the care standard of the member's self-care ability and support form. */
function tekunLines(standards: BenefitStandardsPeriod, urban: boolean, member: MemberMonth): BenefitLine[] {
  const { tekun } = standards;
  const basicFen = urban ? tekun.basicUrbanFen : tekun.basicRuralFen;
  // checkHousehold has refused a 特困 member without either.
  const support = member.tekunSupport as TekunSupport;
  const ability = member.selfCareAbility as SelfCareAbility;
  const careFen = tekun.care[support][careLevel[ability]];
  return [
    {
      kind: 'tekun-basic',
      personId: member.personId,
      amountFen: basicFen,
      explanation: { rule: `tekun/basic/${urban ? 'urban' : 'rural'}`, standardFen: basicFen, incomeFen: null, formula: `basic living standard ${basicFen}`, basis: tekun.basis },
    },
    {
      kind: 'care',
      personId: member.personId,
      amountFen: careFen,
      explanation: { rule: `tekun/care/${support}/${ability}`, standardFen: careFen, incomeFen: null, formula: `care standard (${support}, self-care ${ability}) ${careFen}`, basis: tekun.care.basis },
    },
  ];
}

/**
 * The month benefits start in, by days where the standards say so: each line × days from the start date to the
 * month's end ÷ days in the month, rounded per line. A 渐退 line is never a first month and keeps its amount.
 */
function prorateFirstMonth(standards: BenefitStandardsPeriod, household: HouseholdMonth, lines: BenefitLine[]): BenefitLine[] {
  const start = household.enrolledFrom;
  if (standards.firstMonth.proration !== 'by-days' || !start || start.slice(0, 7) !== household.month || start.endsWith('-01')) return lines;
  const daysInMonth = Number(lastDayOfPeriod(household.month).slice(8));
  const days = daysInMonth - Number(start.slice(8)) + 1;
  return lines.map((line) => {
    if (line.kind === 'gradual-exit') return line;
    const amountFen = roundShare(line.amountFen * days, daysInMonth, standards.rounding);
    return {
      ...line,
      amountFen,
      explanation: {
        ...line.explanation,
        formula: `${line.explanation.formula}; first month from ${start}: ${line.amountFen} × ${days} ÷ ${daysInMonth} → ${amountFen} (${roundingText(standards.rounding)})`,
        basis: `${line.explanation.basis} Proration: ${standards.firstMonth.basis}`,
      },
    };
  });
}

function roundingText(rounding: Rounding): string {
  return `to the ${rounding.unit}, ${rounding.mode}`;
}

const datePattern = /^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function checkHousehold(standards: BenefitStandardsPeriod, household: HouseholdMonth): void {
  if (!isPeriod(household.month)) throw new BenefitInputError('/month', `${household.month} is not a month (YYYY-MM)`);
  if (standards.effectiveFrom > household.month) throw new BenefitInputError('/month', `${household.month} is before the standards take effect (${standards.effectiveFrom})`);
  checkFen('/householdIncomeFen', household.householdIncomeFen);
  if (household.members.length === 0) throw new BenefitInputError('/members', 'is empty: a household has at least one member');
  let earned = 0;
  household.members.forEach((member, index) => {
    const at = `/members/${index}`;
    checkFen(`${at}/incomeFen`, member.incomeFen);
    earned += member.incomeFen;
    if (!datePattern.test(member.birthDate)) throw new BenefitInputError(`${at}/birthDate`, `${member.birthDate} is not a date (YYYY-MM-DD)`);
    if (member.category === 'tekun') {
      if (member.selfCareAbility === null) throw new BenefitInputError(`${at}/selfCareAbility`, 'is required for a 特困 member: it sets the care standard');
      if (member.tekunSupport === null) throw new BenefitInputError(`${at}/tekunSupport`, 'is required for a 特困 member (集中 or 分散 供养)');
    }
  });
  if (earned > household.householdIncomeFen) {
    throw new BenefitInputError('/householdIncomeFen', `${household.householdIncomeFen} is less than the members' own incomes (${earned}), which are part of it`);
  }
  const start = household.enrolledFrom;
  if (start) {
    if (!datePattern.test(start)) throw new BenefitInputError('/enrolledFrom', `${start} is not a date (YYYY-MM-DD)`);
    if (start > lastDayOfPeriod(household.month)) throw new BenefitInputError('/enrolledFrom', `${start} is after ${household.month}: nothing is due for the month`);
  }
  const exit = household.gradualExit;
  if (exit) {
    checkFen('/gradualExit/previousAmountFen', exit.previousAmountFen);
    if (!Number.isSafeInteger(exit.monthsRemaining) || exit.monthsRemaining < 0 || exit.monthsRemaining > standards.gradualExit.months) {
      throw new BenefitInputError('/gradualExit/monthsRemaining', `${exit.monthsRemaining} is not between 0 and the ${standards.gradualExit.months} months of 渐退 the standards allow`);
    }
  }
}

function checkFen(pointer: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new BenefitInputError(pointer, `${value} is not a non-negative whole number of fen`);
}
