import { describe, expect, it } from 'vitest';
import { normalise, rawValueOf, scoreComponent } from '../../gateway/indices/score-component.js';
import type { IndexComponent } from '../../schemas/types/index.js';

const income = (normalisation: IndexComponent['normalisation'], per: 'household' | 'member' = 'member'): IndexComponent => ({
  id: 'income', title: '收入', why: 'test', source: { type: 'household-income', per }, normalisation, weight: 30,
});
const count = (normalisation: IndexComponent['normalisation']): IndexComponent => ({
  id: 'ill', title: '重病', why: 'test', source: { type: 'members', anyOf: [{ health: ['3'] }] }, normalisation, weight: 30,
});

describe('scoring one component', () => {
  it('takes per-member money to whole fen and other values to two decimals', () => {
    const ratio = income({ type: 'ratio', standard: 'dibao', scale: 2, direction: 'lower-is-more' });
    expect(rawValueOf(ratio, 10_001, 3)).toBe(3334);
    expect(rawValueOf({ ...ratio, source: { type: 'members', per: 'member' } }, 2, 3)).toBe(0.67);
    expect(rawValueOf(ratio, 10_001, 0)).toBeNull();
    expect(rawValueOf(ratio, null, 3)).toBeNull();
  });

  it('caps a ratio to the standard at 0 and 100 in either direction', () => {
    const lower = income({ type: 'ratio', standard: 'dibao', scale: 1.5, direction: 'lower-is-more' });
    // 45,000 ÷ (1.5 × 60,000) = 0.5 → 50; above 1.5 × the standard → 0, never negative.
    expect(normalise(lower, 45_000, 60_000)).toEqual({ hundredths: 5000, scoring: '100 × max(0, 1 − 45000 ÷ (1.5 × 60000))' });
    expect(normalise(lower, 200_000, 60_000).hundredths).toBe(0);
    const higher = income({ type: 'ratio', standard: 'dibao', scale: 12, direction: 'higher-is-more' });
    expect(normalise(higher, 2_000_000, 60_000).hundredths).toBe(10_000);
    expect(normalise(higher, 72_000, 60_000).hundredths).toBe(1000);
  });

  it('draws a falling line when zeroAt is above fullAt, capped at both ends', () => {
    const area = income({ type: 'linear', zeroAt: 40, fullAt: 0 });
    expect(normalise(area, 10, 1).hundredths).toBe(7500);
    expect(normalise(area, 55, 1).hundredths).toBe(0);
    expect(normalise(income({ type: 'linear', zeroAt: 6, fullAt: 24 }), 3, 1).hundredths).toBe(0);
    expect(normalise(income({ type: 'linear', zeroAt: 6, fullAt: 24 }), 15, 1).hundredths).toBe(5000);
  });

  it('takes the last band the value reaches', () => {
    const bands = count({ type: 'bands', bands: [{ from: 0, score: 0 }, { from: 1, score: 62.5 }, { from: 3, score: 100 }] });
    expect([0, 1, 2, 2.99, 3, 9].map((v) => normalise(bands, v, 1).hundredths)).toEqual([0, 6250, 6250, 6250, 10_000, 10_000]);
  });

  it('rounds the contribution once, from the normalised score it shows', () => {
    // 1 − 10,000 ÷ 120,000 = 0.916666… → 9167 hundredths; 30 × 91.67 ÷ 100 = 27.501 → 27.50.
    const scored = scoreComponent(income({ type: 'ratio', standard: 'dibao', scale: 2, direction: 'lower-is-more' }, 'household'), 10_000, 1, 60_000);
    expect(scored).toMatchObject({ rawValue: 10_000, perMember: false, normalisedScore: 91.67, weight: 30, contribution: 27.5, contributionHundredths: 2750 });
  });
});
