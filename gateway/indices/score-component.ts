import type { IndexComponent, IndexComponentScore } from '../../schemas/types/index.js';
import { sourceUnit } from './index-formula.js';

/**
 * Scores are kept as integer hundredths (0–10000) until they are shown, so a contribution is exactly
 * weight × normalised ÷ 100 rounded once, and an index is exactly the sum of the contributions it lists.
 */
const FULL = 10_000;

function clampFraction(fraction: number): number {
  return Math.min(1, Math.max(0, fraction));
}

/** Two decimals for what is not money; money stays whole fen. */
function roundRaw(value: number, unit: IndexComponentScore['unit']): number {
  return unit === 'fen' ? Math.round(value) : Math.round(value * 100) / 100;
}

/**
 * The raw value as the answer shows it: the household's total, or per member (人均) when the source says so. Unknown
 * (null) when the source has no value for the household — unrecorded income, or a household without members.
 */
export function rawValueOf(component: IndexComponent, householdTotal: number | null, members: number): number | null {
  if (householdTotal === null) return null;
  const unit = sourceUnit(component);
  if (component.source.per !== 'member') return roundRaw(householdTotal, unit);
  return members === 0 ? null : roundRaw(householdTotal / members, unit);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

/**
 * The normalised score in hundredths and the words that show how it was reached. The score is computed from the
 * rounded raw value the answer shows, so a reader can redo every step by hand.
 */
export function normalise(component: IndexComponent, raw: number | null, dibaoMonthlyFen: number): { hundredths: number; scoring: string } {
  if (raw === null) return { hundredths: 0, scoring: 'no value recorded: counts 0' };
  const n = component.normalisation;
  switch (n.type) {
    case 'ratio': {
      const fraction = clampFraction(raw / (n.scale * dibaoMonthlyFen));
      const hundredths = Math.round(FULL * (n.direction === 'higher-is-more' ? fraction : 1 - fraction));
      const formula = `${raw} ÷ (${formatNumber(n.scale)} × ${dibaoMonthlyFen})`;
      return { hundredths, scoring: n.direction === 'higher-is-more' ? `100 × min(1, ${formula})` : `100 × max(0, 1 − ${formula})` };
    }
    case 'linear': {
      const fraction = clampFraction((raw - n.zeroAt) / (n.fullAt - n.zeroAt));
      return { hundredths: Math.round(FULL * fraction), scoring: `linear: 0 at ${formatNumber(n.zeroAt)}, 100 at ${formatNumber(n.fullAt)}` };
    }
    case 'bands': {
      let score = 0;
      for (const band of n.bands) if (raw >= band.from) score = band.score;
      return { hundredths: Math.round(score * 100), scoring: `bands: ${n.bands.map((b) => `from ${formatNumber(b.from)} → ${formatNumber(b.score)}`).join(', ')}` };
    }
  }
}

/** One component's explained score. */
export function scoreComponent(component: IndexComponent, householdTotal: number | null, members: number, dibaoMonthlyFen: number): IndexComponentScore & { contributionHundredths: number } {
  const rawValue = rawValueOf(component, householdTotal, members);
  const { hundredths, scoring } = normalise(component, rawValue, dibaoMonthlyFen);
  const contributionHundredths = Math.round((component.weight * hundredths) / 100);
  return {
    id: component.id,
    title: component.title,
    why: component.why,
    rawValue,
    unit: sourceUnit(component),
    perMember: component.source.per === 'member',
    scoring,
    normalisedScore: hundredths / 100,
    weight: component.weight,
    contribution: contributionHundredths / 100,
    contributionHundredths,
  };
}
