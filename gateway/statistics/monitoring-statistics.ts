import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../access/region-scope.js';
import { lastDayOfPeriod } from '../calendar/periods.js';
import { findRegions } from '../store/repositories/regions.js';
import type { MonitoringFigures, MonitoringStatistics } from '../../schemas/types/index.js';
import { figureSources, type FigureName, type PeriodWindow } from './figure-sources.js';

/**
 * The monthly monitoring figures for a region and for each division directly below it. Each figure is one
 * grouped query (see figure-sources.ts), so a province's month costs a few index range scans, not a walk
 * over its households.
 */
export async function monitoringStatistics(knex: Knex, query: { regionCode: string; period: string; today: string }): Promise<MonitoringStatistics> {
  const figures = await monitoringFiguresBetween(knex, { regionCode: query.regionCode, from: `${query.period}-01`, to: lastDayOfPeriod(query.period), today: query.today });
  return { period: query.period, ...figures };
}

/**
 * The same figures over any span of days, first and last included: a quarter, a year to date, a week. Counted over the
 * span directly, not added up month by month, so a household visited in two months is one household visited.
 */
export async function monitoringFiguresBetween(
  knex: Knex, query: { regionCode: string; from: string; to: string; today: string },
): Promise<Omit<MonitoringStatistics, 'period'>> {
  const prefix = scopePrefix(query.regionCode);
  const groupLength = childCodeLength(prefix);
  const window = dateWindow(query.from, query.to, query.today);
  const byKey = new Map<string, MonitoringFigures>();

  for (const source of figureSources) {
    const rows = await source.query(knex, { range: prefixRange(prefix), window, groupLength });
    for (const row of rows) {
      const key = childCode(String(row.region_key));
      const figures = byKey.get(key) ?? emptyFigures();
      addFigure(figures, source.figure, row.outcome === undefined ? undefined : String(row.outcome), Number(row.value));
      byKey.set(key, figures);
    }
  }

  const keys = [...byKey.keys()].sort();
  const regions = await findRegions(knex, [query.regionCode, ...keys]);
  const total = emptyFigures();
  for (const figures of byKey.values()) addInto(total, figures);
  return {
    region: { code: query.regionCode, name: query.regionCode === '000000' ? '全国' : regions.get(query.regionCode)?.fullName ?? '' },
    total,
    byRegion: keys.map((code) => ({ code, name: regions.get(code)?.fullName ?? '', figures: byKey.get(code)! })),
  };
}

/**
 * The length of the code prefix that names a division one level down: province (2) → prefecture (4),
 * prefecture → county (6), county → township (9), township → village (12). A village has nothing below; its
 * figures are its own.
 */
export function childCodeLength(prefix: string): number {
  switch (prefix.length) {
    case 0: return 2;
    case 2: return 4;
    case 4: return 6;
    case 6: return 9;
    default: return 12;
  }
}

/** Prefixes of provinces and prefectures are padded back to their six-digit codes (64 → 640000). */
export function childCode(key: string): string {
  return key.length < 6 ? key.padEnd(6, '0') : key;
}

/**
 * The span as dates (for date columns) and as instants (for timestamps, stored in UTC): a day in Asia/Shanghai starts
 * at 16:00 UTC on the day before, and the span ends where the day after its last begins.
 */
export function dateWindow(firstDay: string, lastDay: string, today: string): PeriodWindow {
  const dayAfter = new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    firstDay,
    lastDay,
    // A span still running is judged as of today: what is overdue now, not what would be on its last day.
    overdueOn: today < lastDay ? today : lastDay,
    startInstant: new Date(`${firstDay}T00:00:00+08:00`).toISOString(),
    endInstant: new Date(`${dayAfter}T00:00:00+08:00`).toISOString(),
  };
}

export function emptyFigures(): MonitoringFigures {
  return {
    warningsPushed: 0, warningsVerified: 0, warningsHandled: 0, warningsOverdue: 0, personsWarned: 0, personsHandled: 0,
    outcomes: { 'benefit-adjusted': 0, stopped: 0, included: 0, referred: 0, 'no-change': 0 },
    householdsAdjusted: 0, newlyIncludedHouseholds: 0, newlyIncludedPersons: 0,
    temporaryAssistanceCases: 0, temporaryAssistanceFen: 0,
    visits: 0, householdsVisited: 0, problemsFound: 0, problemsSolved: 0,
    discoveryCasesOpened: 0, discoveryCasesIncluded: 0, referralsSent: 0, referralsDone: 0,
  };
}

function addFigure(figures: MonitoringFigures, figure: FigureName, outcome: string | undefined, value: number): void {
  if (figure === 'outcomes') {
    if (outcome !== undefined && Object.hasOwn(figures.outcomes, outcome)) figures.outcomes[outcome as keyof MonitoringFigures['outcomes']] += value;
    return;
  }
  figures[figure] += value;
}

/**
 * The region's total is the sum of its divisions: every row counted belongs to exactly one division by its
 * region code, and the distinct-household figures are distinct per division, a household living in one place.
 */
function addInto(total: MonitoringFigures, part: MonitoringFigures): void {
  for (const key of Object.keys(part) as (keyof MonitoringFigures)[]) {
    if (key === 'outcomes') {
      for (const outcome of Object.keys(part.outcomes) as (keyof MonitoringFigures['outcomes'])[]) total.outcomes[outcome] += part.outcomes[outcome];
    } else {
      total[key] += part[key];
    }
  }
}
