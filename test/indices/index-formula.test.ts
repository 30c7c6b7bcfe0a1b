import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultIndexFormulaPath, IndexFormulaError, loadIndexFormula } from '../../gateway/indices/index-formula.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import type { IndexFormula } from '../../schemas/types/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-index-formula-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaultText = readFileSync(defaultIndexFormulaPath, 'utf8');

/** The default formula changed by `edit`, written to a file and loaded; the problems it was refused for. */
function problemsAfter(edit: (formula: IndexFormula) => void): string[] {
  const formula = JSON.parse(defaultText) as IndexFormula;
  edit(formula);
  const file = join(dir, `formula-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(formula));
  try {
    loadIndexFormula(file);
  } catch (error) {
    expect(error).toBeInstanceOf(IndexFormulaError);
    return (error as IndexFormulaError).problems;
  }
  throw new Error('the formula was accepted');
}

describe('index formula', () => {
  it('loads the default formula, weights adding up to 100 in each index, with the file’s SM3', () => {
    const { formula, sm3 } = loadIndexFormula();
    expect(sm3).toBe(sm3Hex(Buffer.from(defaultText, 'utf8')));
    expect(formula.poverty.components.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    expect(formula.need.components.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    // Standards are example values until a county sets its own.
    expect(formula.standards.default.every((v) => v.example)).toBe(true);
  });

  it('refuses weights that do not add up to 100', () => {
    expect(problemsAfter((f) => { f.poverty.components[0]!.weight = 60; })).toEqual(['poverty: the weights add up to 90, not 100']);
  });

  it('refuses unknown fact kinds and codes, naming the component', () => {
    expect(problemsAfter((f) => {
      const medical = f.need.components.find((c) => c.id === 'medical-self-pay')!;
      if (medical.source.type === 'facts') medical.source.kinds = ['medical-bill'];
      const illness = f.need.components.find((c) => c.id === 'illness-and-disability')!;
      if (illness.source.type === 'members') illness.source.anyOf = [{ disabilityGrade: ['5'] }];
      const chain = f.need.components.find((c) => c.id === 'assistance-received')!;
      if (chain.source.type === 'assistance') chain.source.departments = ['mz', 'xx'];
    })).toEqual([
      'need.medical-self-pay: medical-bill is not a kind of fact',
      'need.illness-and-disability: 5 is not in code table disability-grade',
      'need.assistance-received: xx is not in code table department',
    ]);
  });

  it('refuses a ratio to the standard on anything but money, and bands that do not rise from 0', () => {
    expect(problemsAfter((f) => {
      f.poverty.components[1]!.normalisation = { type: 'ratio', standard: 'dibao', scale: 1, direction: 'lower-is-more' };
      f.need.components[3]!.normalisation = { type: 'bands', bands: [{ from: 1, score: 60 }, { from: 1, score: 100 }] };
    })).toEqual([
      'poverty.vehicles: a ratio to the dibao standard needs a money source, not count',
      'need.illness-and-disability: the first band must start from 0',
      'need.illness-and-disability: band 1 does not start above band 0',
    ]);
  });

  it('refuses duplicate component ids, impossible ages, flat lines and standards out of order', () => {
    expect(problemsAfter((f) => {
      f.need.components[1]!.id = 'medical-self-pay';
      f.need.components[2]!.source = { type: 'members', anyOf: [{ ageAtLeast: 60, ageBelow: 16 }], per: 'member' };
      f.poverty.components[2]!.normalisation = { type: 'linear', zeroAt: 40, fullAt: 40 };
      f.standards.default.push({ from: '2023-01', urbanDibaoMonthlyFen: 70_000, ruralDibaoMonthlyFen: 50_000, example: true });
    })).toEqual([
      'poverty.home-area-per-member: zeroAt and fullAt are both 40',
      'need.medical-self-pay: the component id appears twice',
      'need.dependants-share: no one is at least 60 and below 16',
      'standards default: version 1 (from 2023-01) does not come after version 0 (from 2024-01)',
    ]);
  });

  it('refuses what the schema forbids, with the JSON pointer', () => {
    expect(problemsAfter((f) => { delete (f.need.components[0] as Partial<IndexFormula['need']['components'][0]>).weight; }))
      .toEqual(['/need/components/0/weight is required']);
    expect(problemsAfter((f) => { (f.standards as unknown as Record<string, unknown>).counties = { '64012': [] }; })[0]).toMatch(/^\/standards\/counties/);
  });

  it('refuses a file that is not JSON', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "id": ');
    expect(() => loadIndexFormula(file)).toThrow(/\[indices\] index formula .*broken\.json is not usable:\n {2}- not JSON/);
  });
});
