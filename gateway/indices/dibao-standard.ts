import type { IndexAppliedStandard, IndexFormula } from '../../schemas/types/index.js';

export type LivingArea = IndexAppliedStandard['area'];

/**
 * The 低保 standard a household is measured against: its county's own versions where the formula lists them, the
 * default otherwise; the latest version from on or before the period; urban or rural by where it lives. Undefined
 * when the period precedes every version — the formula then has nothing to say for that month.
 */
export function dibaoStandardFor(formula: IndexFormula, countyCode: string, period: string, area: LivingArea): IndexAppliedStandard | undefined {
  const versions = formula.standards.counties?.[countyCode] ?? formula.standards.default;
  const version = versions.filter((v) => v.from <= period).at(-1);
  if (!version) return undefined;
  return {
    area,
    dibaoMonthlyFen: area === 'urban' ? version.urbanDibaoMonthlyFen : version.ruralDibaoMonthlyFen,
    from: version.from,
    example: version.example,
  };
}

export interface ResidencePlace {
  /** The residence region's 城乡分类代码, where the division list has one. */
  urbanRural: string | null;
  /** The residence region's name (王太村委会, 建设居委会). */
  name: string | null;
  /** The residence region's own kind (street, town …) when it is a township, else its township's kind. */
  townshipKind: string | null;
}

/**
 * 城乡分类代码 1xx is urban, 2xx rural. The 2023 division list the store holds has no such code, so the committee's
 * name decides next (a 村委会 is rural even under a street, a 居委会 or 社区 urban even in a town), and failing that
 * the township's kind: a street (街道) is urban.
 */
export function livingAreaOf(place: ResidencePlace): LivingArea {
  if (place.urbanRural) return place.urbanRural.startsWith('1') ? 'urban' : 'rural';
  const name = place.name ?? '';
  if (/村(民委员会|委会)?$/.test(name)) return 'rural';
  if (/(社区|居委会|居民委员会)(居委会)?$/.test(name)) return 'urban';
  return place.townshipKind === 'street' ? 'urban' : 'rural';
}
