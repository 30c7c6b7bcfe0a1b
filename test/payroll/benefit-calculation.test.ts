import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BenefitInputError,
  ageOn,
  calculateHouseholdBenefit,
  roundShare,
  type HouseholdMonth,
  type MemberMonth,
} from '../../gateway/payroll/benefit-calculation.js';
import { loadBenefitStandards, standardsFor, type BenefitStandardsPeriod } from '../../gateway/payroll/benefit-standards.js';

const book = loadBenefitStandards();
/**
 * Yongning from 2024-07 (example): rural 低保 63000, urban 83000; 特困 basic rural 82000, urban 108000; care 集中
 * 20000/33000/49000, 分散 15000/25000/37000; add-ons summed: 重残 (grade 1–2) and 重病 200‰, 70+ and under 18
 * fixed 5000; minimum 5000 per person; yuan, down; 渐退 6 months; employment cost 30000; first month by days;
 * per-capita-gap.
 */
const yongning = standardsFor(book, '640121', '2024-08');
/**
 * Qianjiang from 2025-01 (example): rural 61000, urban 80000; add-ons, highest only: 重残 and 重病 300‰, 70+ and
 * under 18 fixed 10400; minimum 3000; jiao, half up; employment cost 25000; first month in full; household-gap.
 */
const qianjiang = standardsFor(book, '500114', '2025-03');

function member(personId: string, overrides: Partial<MemberMonth> = {}): MemberMonth {
  return {
    personId,
    category: 'dibao',
    birthDate: '1980-05-01',
    disabilityGrade: null,
    seriousIllness: false,
    selfCareAbility: null,
    tekunSupport: null,
    employed: false,
    incomeFen: 0,
    ...overrides,
  };
}

function household(members: MemberMonth[], householdIncomeFen: number, overrides: Partial<HouseholdMonth> = {}): HouseholdMonth {
  return { month: '2024-08', urban: false, householdIncomeFen, members, ...overrides };
}

function amounts(standards: BenefitStandardsPeriod, input: HouseholdMonth): { kind: string; personId: string | null; amountFen: number }[] {
  return calculateHouseholdBenefit(standards, input).lines.map(({ kind, personId, amountFen }) => ({ kind, personId, amountFen }));
}

const three = [member('a'), member('b'), member('c')];

describe('低保 补差', () => {
  it('pays (standard − per-capita income) × covered persons, rounded to the yuan down', () => {
    // (63000 × 3 − 75050) × 3 ÷ 3 = 113950 → 113900.
    const result = calculateHouseholdBenefit(yongning, household(three, 75050));
    expect(result.lines).toEqual([
      {
        kind: 'basic',
        personId: null,
        amountFen: 113900,
        explanation: {
          rule: 'dibao/per-capita-gap',
          standardFen: 63000,
          incomeFen: 75050,
          formula: '(63000 − 75050 ÷ 3) × 3 = 341850 ÷ 3 → 113900 (to the yuan, down)',
          basis: yongning.gapFormula.basis,
        },
      },
    ]);
    expect(result.totalFen).toBe(113900);
  });

  it('keeps the per-capita share as one fraction when not every member is covered', () => {
    // (63000 × 3 − 100000) × 2 ÷ 3 = 178000 ÷ 3 = 59333.3 → 59300.
    const input = household([member('a'), member('b'), member('c', { category: 'none' })], 100000);
    expect(amounts(yongning, input)).toEqual([{ kind: 'basic', personId: null, amountFen: 59300 }]);
  });

  it('gives the two formulas’ different answers when not every member is covered (domain-data.md §5 worked example)', () => {
    // Standard 58500, 4 members, 3 covered, household income 100000:
    // per-capita (58500 − 100000 ÷ 4) × 3 = 100500; household 58500 × 3 − 100000 = 75500.
    const base: BenefitStandardsPeriod = { ...yongning, dibao: { ...yongning.dibao, ruralFen: 58500 }, rounding: { unit: 'fen', mode: 'down', basis: 'test' } };
    const input = household([member('a'), member('b'), member('c'), member('d', { category: 'none' })], 100000);
    expect(amounts(base, input)[0]?.amountFen).toBe(100500);
    expect(amounts({ ...base, gapFormula: { formula: 'household-gap', basis: 'test' } }, input)[0]?.amountFen).toBe(75500);
    // Every member covered, annual income 9000 元 → 75000 a month: both give (58500 − 25000) × 3 = 175500 − 75000 = 100500.
    expect(amounts(base, household(three, 75000))[0]?.amountFen).toBe(100500);
    expect(amounts({ ...base, gapFormula: { formula: 'household-gap', basis: 'test' } }, household(three, 75000))[0]?.amountFen).toBe(100500);
  });

  it('pays standard × covered − household income where configured (Qianjiang), to the jiao half up', () => {
    // 61000 × 3 − 100000 = 83000, with the fourth member counted but not covered.
    const input = household([member('a'), member('b'), member('c'), member('d', { category: 'none' })], 100000, { month: '2025-03' });
    expect(calculateHouseholdBenefit(qianjiang, input).lines[0]).toMatchObject({
      amountFen: 83000,
      explanation: { rule: 'dibao/household-gap', formula: '61000 × 3 − 100000 = 83000 → 83000 (to the jiao, half-up)' },
    });
  });

  it('raises a small 补差 to the minimum per covered person', () => {
    // (63000 × 2 − 120000) × 2 ÷ 2 = 6000, below 5000 × 2 = 10000 → 10000.
    const result = calculateHouseholdBenefit(yongning, household([member('a'), member('b')], 120000));
    expect(result.lines[0]).toMatchObject({ amountFen: 10000, explanation: { rule: 'dibao/per-capita-gap/minimum' } });
    expect(result.lines[0]?.explanation.formula).toMatch(/below the minimum 5000 × 2 = 10000$/);
  });

  it('pays nothing when the income reaches the standard, and says whether the household is on the 低保 edge', () => {
    // 2 × 63000 = 126000 ≤ 130000 < 2 × 94500 (1.5 × 63000) = 189000: 低保边缘.
    const result = calculateHouseholdBenefit(yongning, household([member('a'), member('b')], 130000));
    expect(result.lines).toEqual([]);
    expect(result.totalFen).toBe(0);
    expect(result.edge).toEqual({ standardFen: 63000, lineFen: 94500, isEdge: true });
    expect(calculateHouseholdBenefit(yongning, household([member('a'), member('b')], 189000)).edge.isEdge).toBe(false);
    expect(calculateHouseholdBenefit(yongning, household([member('a'), member('b')], 125999)).edge.isEdge).toBe(false);
  });

  it('deducts the employment cost per employed member, at most what the member earns, before the 补差', () => {
    // Deduction min(30000, 80000) = 30000; income used 80000 − 30000 = 50000; (63000 × 3 − 50000) = 139000.
    const employed = [member('a', { employed: true, incomeFen: 80000 }), member('b'), member('c')];
    const result = calculateHouseholdBenefit(yongning, household(employed, 80000));
    expect(result.income).toEqual({ householdIncomeFen: 80000, employmentDeductionFen: 30000, incomeUsedFen: 50000, householdSize: 3, coveredPersons: 3 });
    expect(result.totalFen).toBe(139000);
    // Earning 20000 of a 90000 household income: deduction 20000, income used 70000; 189000 − 70000 = 119000.
    const lowEarner = [member('a', { employed: true, incomeFen: 20000 }), member('b'), member('c')];
    expect(calculateHouseholdBenefit(yongning, household(lowEarner, 90000)).totalFen).toBe(119000);
  });

  it('uses the standard in force in the month: the 2024-07 raise applies from July', () => {
    // June: (60000 × 3 − 75050) = 104950 → 104900; July: (63000 × 3 − 75050) = 113950 → 113900.
    expect(calculateHouseholdBenefit(standardsFor(book, '640121', '2024-06'), household(three, 75050, { month: '2024-06' })).totalFen).toBe(104900);
    expect(calculateHouseholdBenefit(standardsFor(book, '640121', '2024-07'), household(three, 75050, { month: '2024-07' })).totalFen).toBe(113900);
  });
});

describe('分类施保 add-ons', () => {
  it('adds each group a covered member is in (sum), shares of the standard rounded like the 补差', () => {
    // 63000 × 3 − 0 = 189000. a: grade 1 → 63000 × 200 ÷ 1000 = 12600, aged 72 → 5000. b: aged 17 → 5000.
    // c: serious illness → 12600. Total 189000 + 12600 + 5000 + 5000 + 12600 = 224200.
    const members = [
      member('a', { birthDate: '1952-08-31', disabilityGrade: '1' }),
      member('b', { birthDate: '2006-09-01' }),
      member('c', { seriousIllness: true }),
    ];
    const result = calculateHouseholdBenefit(yongning, household(members, 0));
    expect(amounts(yongning, household(members, 0))).toEqual([
      { kind: 'basic', personId: null, amountFen: 189000 },
      { kind: 'add-on', personId: 'a', amountFen: 12600 },
      { kind: 'add-on', personId: 'a', amountFen: 5000 },
      { kind: 'add-on', personId: 'b', amountFen: 5000 },
      { kind: 'add-on', personId: 'c', amountFen: 12600 },
    ]);
    expect(result.lines.map((l) => l.addOn)).toEqual([undefined, 'severeDisability', 'aged', 'minor', 'seriousIllness']);
    expect(result.lines[2]?.explanation).toMatchObject({ rule: 'add-on/aged', standardFen: null, formula: 'aged 72 on 2024-08-31: fixed 5000' });
    expect(result.totalFen).toBe(224200);
  });

  it('counts age on the last day of the month: 70 and 18 reached on that day count', () => {
    // Born 1954-08-31: 70 on 2024-08-31 → aged; born 1954-09-01: 69 → not. Born 2006-08-31: 18 → not a minor.
    const members = [member('a', { birthDate: '1954-08-31' }), member('b', { birthDate: '1954-09-01' }), member('c', { birthDate: '2006-08-31' })];
    const lines = calculateHouseholdBenefit(yongning, household(members, 0)).lines.filter((l) => l.kind === 'add-on');
    expect(lines.map((l) => [l.personId, l.addOn])).toEqual([['a', 'aged']]);
    expect(ageOn('2000-02-29', '2024-02-28')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });

  it('pays only the largest add-on where configured (highest)', () => {
    // Qianjiang: grade 2 → 61000 × 300 ÷ 1000 = 18300; aged 75 → 10400; the largest is 18300.
    // Basic 61000 × 1 − 0 = 61000. Total 79300.
    const input = household([member('a', { birthDate: '1949-06-01', disabilityGrade: '2' })], 0, { month: '2025-03' });
    const result = calculateHouseholdBenefit(qianjiang, input);
    expect(result.lines.map((l) => [l.kind, l.addOn, l.amountFen])).toEqual([
      ['basic', undefined, 61000],
      ['add-on', 'severeDisability', 18300],
    ]);
    expect(result.lines[1]?.explanation.formula).toMatch(/the largest of 2 add-ons \(highest\)$/);
    expect(result.totalFen).toBe(79300);
  });

  it('gives no add-on to a member who is not covered, nor to a disability grade outside the configured ones', () => {
    const members = [member('a', { category: 'none', disabilityGrade: '1' }), member('b', { disabilityGrade: '3' })];
    expect(calculateHouseholdBenefit(yongning, household(members, 0)).lines.map((l) => l.kind)).toEqual(['basic']);
  });
});

describe('特困', () => {
  it('pays the basic living standard and the care standard of the self-care ability and support form', () => {
    // Rural 分散, 半护理: 82000 + 25000 = 107000.
    const dispersed = [member('a', { category: 'tekun', selfCareAbility: '2', tekunSupport: 'dispersed' })];
    expect(amounts(yongning, household(dispersed, 0))).toEqual([
      { kind: 'tekun-basic', personId: 'a', amountFen: 82000 },
      { kind: 'care', personId: 'a', amountFen: 25000 },
    ]);
    // Urban 集中, 全护理: 108000 + 49000 = 157000.
    const concentrated = [member('a', { category: 'tekun', selfCareAbility: '3', tekunSupport: 'concentrated' })];
    const result = calculateHouseholdBenefit(yongning, household(concentrated, 0, { urban: true }));
    expect(result.totalFen).toBe(157000);
    expect(result.lines[1]?.explanation).toMatchObject({ rule: 'tekun/care/concentrated/3', standardFen: 49000 });
  });

  it('refuses a 特困 member without self-care ability or support form, naming the field', () => {
    const noAbility = [member('a', { category: 'tekun', tekunSupport: 'dispersed' })];
    expect(() => calculateHouseholdBenefit(yongning, household(noAbility, 0))).toThrow(/\/members\/0\/selfCareAbility is required/);
    const noSupport = [member('a', { category: 'tekun', selfCareAbility: '1' })];
    expect(() => calculateHouseholdBenefit(yongning, household(noSupport, 0))).toThrow(BenefitInputError);
  });
});

describe('first month', () => {
  it('prorates every line by the days from the start date to the month’s end, where configured', () => {
    // August has 31 days; from 08-12 that is 20. 113900 × 20 ÷ 31 = 73483.9 → 73400.
    expect(amounts(yongning, household(three, 75050, { enrolledFrom: '2024-08-12' }))).toEqual([{ kind: 'basic', personId: null, amountFen: 73400 }]);
    // 特困 rural 分散 半护理: 82000 × 20 ÷ 31 = 52903.2 → 52900; 25000 × 20 ÷ 31 = 16129.0 → 16100.
    const tekun = [member('a', { category: 'tekun', selfCareAbility: '2', tekunSupport: 'dispersed' })];
    expect(amounts(yongning, household(tekun, 0, { enrolledFrom: '2024-08-12' })).map((l) => l.amountFen)).toEqual([52900, 16100]);
    // From the 1st, or from an earlier month: the whole month.
    expect(calculateHouseholdBenefit(yongning, household(three, 75050, { enrolledFrom: '2024-08-01' })).totalFen).toBe(113900);
    expect(calculateHouseholdBenefit(yongning, household(three, 75050, { enrolledFrom: '2024-03-15' })).totalFen).toBe(113900);
  });

  it('pays the first month in full where the standards say none (Qianjiang)', () => {
    // 61000 × 3 − 75050 = 107950 → 107950 (to the jiao, half up); no proration.
    expect(calculateHouseholdBenefit(qianjiang, household(three, 75050, { month: '2025-03', enrolledFrom: '2025-03-20' })).totalFen).toBe(107950);
  });

  it('refuses a start date after the month', () => {
    expect(() => calculateHouseholdBenefit(yongning, household(three, 0, { enrolledFrom: '2024-09-01' }))).toThrow(/\/enrolledFrom 2024-09-01 is after 2024-08/);
  });
});

describe('渐退', () => {
  const risen = [member('a'), member('b')];

  it('keeps the previous amount while months remain after the income rose above the standard', () => {
    // Income 130000 ≥ 63000 × 2: no 补差. Previous amount 30000 kept, month 1 of 6; 5 left after.
    const result = calculateHouseholdBenefit(yongning, household(risen, 130000, { gradualExit: { previousAmountFen: 30000, monthsRemaining: 6 } }));
    expect(result.lines).toEqual([
      expect.objectContaining({ kind: 'gradual-exit', personId: null, amountFen: 30000, explanation: expect.objectContaining({ rule: 'dibao/gradual-exit' }) }),
    ]);
    expect(result.lines[0]?.explanation.formula).toMatch(/month 1 of 6$/);
    expect(result.gradualExitMonthsAfter).toBe(5);
    // Not prorated: a grace period is never a first month.
    expect(calculateHouseholdBenefit(yongning, household(risen, 130000, { enrolledFrom: '2024-08-12', gradualExit: { previousAmountFen: 30000, monthsRemaining: 1 } })).totalFen).toBe(30000);
  });

  it('stops when no months remain, and pays the 补差 again if the income falls back', () => {
    const ended = calculateHouseholdBenefit(yongning, household(risen, 130000, { gradualExit: { previousAmountFen: 30000, monthsRemaining: 0 } }));
    expect([ended.totalFen, ended.gradualExitMonthsAfter]).toEqual([0, 0]);
    // (63000 × 2 − 100000) = 26000.
    const fellBack = calculateHouseholdBenefit(yongning, household(risen, 100000, { gradualExit: { previousAmountFen: 30000, monthsRemaining: 3 } }));
    expect(fellBack.lines.map((l) => [l.kind, l.amountFen])).toEqual([['basic', 26000]]);
    expect(fellBack.gradualExitMonthsAfter).toBeNull();
  });

  it('refuses more months than the standards allow', () => {
    expect(() => calculateHouseholdBenefit(yongning, household(risen, 130000, { gradualExit: { previousAmountFen: 30000, monthsRemaining: 7 } }))).toThrow(
      /\/gradualExit\/monthsRemaining 7 is not between 0 and the 6 months/,
    );
  });
});

describe('rounding and inputs', () => {
  it('rounds a share to the fen, jiao or yuan, down, up or half up', () => {
    const round = (n: number, d: number, unit: 'fen' | 'jiao' | 'yuan', mode: 'down' | 'up' | 'half-up') => roundShare(n, d, { unit, mode, basis: 'test' });
    // 12345 fen: yuan 123 | 124 | 123; 12350 half up → 124 yuan; jiao half up 1234.5 → 1235.
    expect([round(12345, 1, 'yuan', 'down'), round(12345, 1, 'yuan', 'up'), round(12345, 1, 'yuan', 'half-up')]).toEqual([12300, 12400, 12300]);
    expect([round(12350, 1, 'yuan', 'half-up'), round(12345, 1, 'jiao', 'half-up'), round(12340, 1, 'jiao', 'up')]).toEqual([12400, 12350, 12340]);
    // 7 ÷ 2 = 3.5 fen: 3 | 4 | 4. 178000 ÷ 3 = 59333.3: fen half up 59333.
    expect([round(7, 2, 'fen', 'down'), round(7, 2, 'fen', 'up'), round(7, 2, 'fen', 'half-up'), round(178000, 3, 'fen', 'half-up')]).toEqual([3, 4, 4, 59333]);
  });

  it('refuses money that is not a whole number of fen, and member incomes above the household’s', () => {
    expect(() => calculateHouseholdBenefit(yongning, household(three, 100.5))).toThrow(/\/householdIncomeFen 100.5 is not a non-negative whole number of fen/);
    expect(() => calculateHouseholdBenefit(yongning, household([member('a', { incomeFen: 5000 })], 4000))).toThrow(/\/householdIncomeFen 4000 is less than the members' own incomes \(5000\)/);
    expect(() => calculateHouseholdBenefit(yongning, household([], 0))).toThrow(/\/members is empty/);
    expect(() => calculateHouseholdBenefit(yongning, household(three, 0, { month: '2024-06' }))).toThrow(/before the standards take effect/);
  });
});

describe('properties', () => {
  const memberArb = fc.record({
    category: fc.constantFrom<'dibao' | 'tekun' | 'none'>('dibao', 'dibao', 'tekun', 'none'),
    birthDate: fc.integer({ min: 1920, max: 2024 }).chain((year) => fc.constantFrom(`${year}-01-15`, `${year}-08-31`, `${year}-12-01`)),
    disabilityGrade: fc.constantFrom(null, '1', '2', '3', '4'),
    seriousIllness: fc.boolean(),
    selfCareAbility: fc.constantFrom<'1' | '2' | '3'>('1', '2', '3'),
    tekunSupport: fc.constantFrom<'concentrated' | 'dispersed'>('concentrated', 'dispersed'),
    employed: fc.boolean(),
    incomeFen: fc.integer({ min: 0, max: 300000 }),
  });
  const householdArb = fc.record({
    members: fc.array(memberArb, { minLength: 1, maxLength: 9 }),
    otherIncomeFen: fc.integer({ min: 0, max: 500000 }),
    urban: fc.boolean(),
    startDay: fc.option(fc.integer({ min: 1, max: 31 })),
    gradualExit: fc.option(fc.record({ previousAmountFen: fc.integer({ min: 0, max: 300000 }), monthsRemaining: fc.integer({ min: 0, max: 6 }) })),
  });
  const standardsArb = fc.record({
    base: fc.constantFrom(yongning, qianjiang),
    formula: fc.constantFrom<'per-capita-gap' | 'household-gap'>('per-capita-gap', 'household-gap'),
    unit: fc.constantFrom<'fen' | 'jiao' | 'yuan'>('fen', 'jiao', 'yuan'),
    mode: fc.constantFrom<'down' | 'up' | 'half-up'>('down', 'up', 'half-up'),
    proration: fc.constantFrom<'none' | 'by-days'>('none', 'by-days'),
    combination: fc.constantFrom<'sum' | 'highest'>('sum', 'highest'),
  });

  type StandardsDraw = typeof standardsArb extends fc.Arbitrary<infer T> ? T : never;
  type HouseholdDraw = typeof householdArb extends fc.Arbitrary<infer T> ? T : never;

  function toStandards(s: StandardsDraw): BenefitStandardsPeriod {
    return {
      ...s.base,
      gapFormula: { formula: s.formula, basis: 'test' },
      rounding: { unit: s.unit, mode: s.mode, basis: 'test' },
      firstMonth: { proration: s.proration, basis: 'test' },
      addOns: { ...s.base.addOns, combination: s.combination },
    };
  }

  /** Member incomes are part of the household's, so the household income is theirs plus other income. */
  function toHousehold(h: HouseholdDraw, month: string): HouseholdMonth {
    const members = h.members.map((m, index) => ({ ...m, personId: `p${index}` }));
    return {
      month,
      urban: h.urban,
      householdIncomeFen: h.otherIncomeFen + members.reduce((sum, m) => sum + m.incomeFen, 0),
      members,
      enrolledFrom: h.startDay === null ? null : `${month}-${String(Math.min(h.startDay, 30)).padStart(2, '0')}`,
      gradualExit: h.gradualExit,
    };
  }

  it('makes every household total the sum of its lines, each a non-negative whole number of fen', () => {
    fc.assert(
      fc.property(standardsArb, householdArb, (s, h) => {
        const result = calculateHouseholdBenefit(toStandards(s), toHousehold(h, '2025-04'));
        expect(result.totalFen).toBe(result.lines.reduce((sum, line) => sum + line.amountFen, 0));
        for (const line of result.lines) expect(Number.isSafeInteger(line.amountFen) && line.amountFen >= 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same lines under both 补差 formulas when every member is covered', () => {
    fc.assert(
      fc.property(standardsArb, householdArb, (s, h) => {
        const covered = { ...h, members: h.members.map((m) => ({ ...m, category: 'dibao' as const })) };
        const input = toHousehold(covered, '2025-04');
        const perCapita = calculateHouseholdBenefit(toStandards({ ...s, formula: 'per-capita-gap' }), input);
        const wholeHousehold = calculateHouseholdBenefit(toStandards({ ...s, formula: 'household-gap' }), input);
        expect(perCapita.lines.map((l) => l.amountFen)).toEqual(wholeHousehold.lines.map((l) => l.amountFen));
        expect(perCapita.totalFen).toBe(wholeHousehold.totalFen);
      }),
      { numRuns: 500 },
    );
  });

  it('never pays a prorated first month more than the full month', () => {
    fc.assert(
      fc.property(standardsArb, householdArb, (s, h) => {
        const input = toHousehold({ ...h, gradualExit: null }, '2025-04');
        const full = calculateHouseholdBenefit(toStandards({ ...s, proration: 'none' }), input).totalFen;
        expect(calculateHouseholdBenefit(toStandards({ ...s, proration: 'by-days' }), input).totalFen).toBeLessThanOrEqual(full);
      }),
      { numRuns: 300 },
    );
  });
});
