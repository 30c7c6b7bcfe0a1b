import { describe, expect, it } from 'vitest';
import { loadBenefitStandards, standardsFor } from '../../gateway/payroll/benefit-standards.js';
import { checkEligibility } from '../../gateway/payroll/eligibility-self-check.js';

const book = loadBenefitStandards();
const today = '2024-09-10';

/** The example standards of 永宁县 in force from 2024-07 that the hand-computed figures below use. */
describe('资格自测 against 永宁县\'s example standards of 2024-07', () => {
  it('uses the standards it is computed from (a change there should change these expectations)', () => {
    const s = standardsFor(book, '640121', '2024-09');
    expect({ rural: s.dibao.ruralFen, formula: s.gapFormula.formula, rounding: s.rounding, minimum: s.minimumPayment.perPersonFen, employment: s.employmentCost.perEmployedMemberFen, edge: s.edgeLine.perMilleOfStandard })
      .toMatchObject({ rural: 63000, formula: 'per-capita-gap', rounding: { unit: 'yuan', mode: 'down' }, minimum: 5000, employment: 30000, edge: 1500 });
    expect({ tekunRural: s.tekun.basicRuralFen, dispersedHalf: s.tekun.care.dispersed.partialCare, minor: s.addOns.minor, aged: s.addOns.aged })
      .toMatchObject({ tekunRural: 82000, dispersedHalf: 25000, minor: { underAge: 18, amount: { fen: 5000 } }, aged: { minimumAge: 70, amount: { fen: 5000 } } });
  });

  it('estimates 低保 with the roll\'s own calculation: employment cost, 补差, the minor\'s add-on', () => {
    const result = checkEligibility(book, {
      regionCode: '640121100200', month: '2024-09', urban: false, householdIncomeFen: 80000,
      members: [{ birthDate: '1980-05-01', employed: true, incomeFen: 80000 }, { birthDate: '1982-03-01' }, { birthDate: '2015-06-01' }],
    }, today);
    // income used 80000 − min(30000, 80000) = 50000; 补差 (63000 × 3 − 50000) × 3 ÷ 3 = 139000 (whole yuan);
    // minimum 5000 × 3 = 15000 is below it; the child (9) is under 18: + 5000 → 144000.
    const dibao = result.programmes.find((p) => p.programme === 'dibao')!;
    expect(dibao).toMatchObject({ mayQualify: true, estimatedMonthlyFen: 144000 });
    expect(dibao.reasons[0]).toBe('家庭月收入800.00元，扣除必要就业成本300.00元后为500.00元，3人，人均约166.66元');
    expect(result.standards).toEqual({ region: '640121', regionName: expect.stringContaining('永宁县'), effectiveFrom: '2024-07', example: true });
    expect(result.programmes.find((p) => p.programme === 'dibao-edge')).toMatchObject({ mayQualify: false });
    // The child is under 16 but has able supporters: not 特困.
    expect(result.programmes.find((p) => p.programme === 'tekun')).toMatchObject({ mayQualify: false, estimatedMonthlyFen: null, reasons: ['第3位成员（未满16周岁的未成年人）：有履行义务能力的法定赡养抚养扶养义务人'] });
  });

  it('finds a household above the standard on the edge, and in hardship once its medical spending is taken off', () => {
    const result = checkEligibility(book, {
      regionCode: '640121', month: '2024-09', urban: false, householdIncomeFen: 140000, rigidExpenditureFen: 30000,
      members: [{ birthDate: '1970-01-01' }, { birthDate: '1971-01-01' }],
    }, today);
    // 140000 ≥ 63000 × 2 = 126000: no 补差; edge line 63000 × 1.5 × 2 = 189000 > 140000: 低保边缘;
    // after 30000 of 刚性支出, 110000 < 126000: 刚性支出困难.
    expect(result.programmes.map((p) => [p.programme, p.mayQualify, p.estimatedMonthlyFen])).toEqual([
      ['dibao', false, null], ['dibao-edge', true, null], ['tekun', false, null], ['rigid-expenditure', true, null],
    ]);
    expect(result.programmes[3]!.reasons).toEqual(['扣除每月刚性支出300.00元后人均约550.00元，低于低保标准630.00元（地方做法示例）']);
  });

  it('estimates 特困 for an old person with no labour ability, income or able supporter: basic living plus 分散 care', () => {
    const result = checkEligibility(book, {
      regionCode: '640121', month: '2024-09', urban: false,
      members: [{ birthDate: '1949-03-01', labourAbility: 'none', supporterAble: false, selfCareAbility: '2' }],
    }, today);
    // 82000 basic (rural) + 25000 半护理 分散 = 107000.
    expect(result.programmes.find((p) => p.programme === 'tekun')).toMatchObject({ mayQualify: true, estimatedMonthlyFen: 107000 });
  });

  it('takes this month when none is given, and refuses a region without standards', () => {
    expect(checkEligibility(book, { regionCode: '640121', urban: true, members: [{ birthDate: '1990-01-01' }] }, '2024-09-30').month).toBe('2024-09');
    expect(() => checkEligibility(book, { regionCode: '110101', urban: true, members: [{ birthDate: '1990-01-01' }] }, today)).toThrow(/no standards for region 110101/);
  });
});
