import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BenefitStandardsError,
  checkBenefitStandards,
  defaultStandardsDir,
  loadBenefitStandards,
  readBenefitStandards,
  standardsFor,
  type BenefitStandards,
} from '../../gateway/payroll/benefit-standards.js';

const book = loadBenefitStandards();

function yongning(): BenefitStandards {
  return JSON.parse(readFileSync(join(defaultStandardsDir, '640121.json'), 'utf8')) as BenefitStandards;
}

function refusal(data: unknown): string {
  try {
    checkBenefitStandards(data, '640121.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BenefitStandardsError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('benefit standards', () => {
  it('loads the example standards of Yongning and Qianjiang, each marked as an example', () => {
    expect([...book.keys()]).toEqual(['500114', '640121']);
    for (const standards of book.values()) {
      expect(standards.example).toBe(true);
      expect(standards.basis).toMatch(/NOT/);
    }
  });

  it('applies a raised standard (提标) from its effective month, and the earlier one up to the month before', () => {
    // Yongning: 2024-01 urban 80000 / rural 60000; 2024-07 urban 83000 / rural 63000.
    expect(standardsFor(book, '640121', '2024-06').dibao).toMatchObject({ urbanFen: 80000, ruralFen: 60000 });
    expect(standardsFor(book, '640121', '2024-07').dibao).toMatchObject({ urbanFen: 83000, ruralFen: 63000 });
    expect(standardsFor(book, '640121', '2026-12').effectiveFrom).toBe('2024-07');
    // Qianjiang: raised from 2025-01.
    expect(standardsFor(book, '500114', '2024-12').dibao.urbanFen).toBe(78000);
    expect(standardsFor(book, '500114', '2025-01').dibao.urbanFen).toBe(80000);
  });

  it('gives a village or township the standards of its county when it has no file of its own', () => {
    const village = standardsFor(book, '640121100201', '2024-07');
    expect(village).toMatchObject({ region: '640121', regionName: '宁夏回族自治区银川市永宁县', example: true, effectiveFrom: '2024-07' });
    expect(standardsFor(book, '640121100', '2024-07').region).toBe('640121');
  });

  it('uses a township file before the county file', () => {
    const township: BenefitStandards = { ...yongning(), region: '640121100', name: '望远镇（example）' };
    township.periods = [{ ...township.periods[0], dibao: { ...township.periods[0].dibao, ruralFen: 70000 } }];
    const withTownship = new Map([...book, ['640121100', township]]);
    expect(standardsFor(withTownship, '640121100201', '2024-08')).toMatchObject({ region: '640121100', dibao: { ruralFen: 70000 } });
    expect(standardsFor(withTownship, '640121101001', '2024-08')).toMatchObject({ region: '640121', dibao: { ruralFen: 63000 } });
  });

  it('refuses a month before the first period, a region without standards, and a malformed month', () => {
    expect(() => standardsFor(book, '640121', '2023-12')).toThrow(/640121 has no standards in force in 2023-12/);
    expect(() => standardsFor(book, '110101', '2024-07')).toThrow(/no standards for region 110101/);
    expect(() => standardsFor(book, '640121', '2024-7')).toThrow(/not a month/);
  });

  it('refuses periods out of order, naming the pointer', () => {
    const data = yongning();
    data.periods.reverse();
    expect(refusal(data)).toMatch(/\/periods\/1\/effectiveFrom 2024-01 must come after 2024-07 \(\/periods\/0\)/);
  });

  it('refuses a period that leaves out a required rule, naming the pointer', () => {
    const data = yongning() as unknown as { periods: [Record<string, unknown>, Record<string, unknown>] };
    delete data.periods[1]['rounding'];
    expect(refusal(data)).toMatch(/640121\.json is not usable:\n {2}- \/periods\/1\/rounding is required/);
  });

  it('refuses a choice without its basis, an amount in two forms, and an unknown rounding mode', () => {
    const noBasis = yongning() as unknown as { periods: [{ gapFormula: Record<string, unknown> }] };
    delete noBasis.periods[0].gapFormula['basis'];
    expect(refusal(noBasis)).toMatch(/\/periods\/0\/gapFormula\/basis is required/);

    const twoForms = yongning();
    twoForms.periods[0].addOns.aged.amount = { fen: 5000, perMilleOfStandard: 100 } as never;
    expect(refusal(twoForms)).toMatch(/\/periods\/0\/addOns\/aged\/amount/);

    const badMode = yongning();
    badMode.periods[0].rounding.mode = 'banker' as never;
    expect(refusal(badMode)).toMatch(/\/periods\/0\/rounding\/mode must be equal to one of the allowed values/);
  });

  it('refuses a minimum payment above the standard', () => {
    const data = yongning();
    data.periods[0].minimumPayment.perPersonFen = 70000;
    expect(refusal(data)).toMatch(/\/periods\/0\/minimumPayment\/perPersonFen 70000 exceeds the 低保 standard 60000/);
  });

  it('refuses a file whose region is not its name, and a file that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standards-'));
    writeFileSync(join(dir, '500114.json'), JSON.stringify(yongning()));
    expect(() => readBenefitStandards(join(dir, '500114.json'))).toThrow(/500114\.json is not usable:\n {2}- \/region is "640121" but must equal the file name/);
    writeFileSync(join(dir, '640121.json'), '{');
    expect(() => readBenefitStandards(join(dir, '640121.json'))).toThrow(/640121\.json is not usable:\n {2}- not JSON/);
  });
});
