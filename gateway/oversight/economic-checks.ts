import type { Knex } from 'knex';
import type { EconomicCheckStatus as EconomicCheckStatusView } from '../../schemas/types/index.js';
import type { Actor } from '../access/actor.js';
import { requireCapability } from '../access/role-policy.js';
import { requireTownshipWithinCounty } from '../access/township-scope.js';
import { isHouseholdInScope } from '../access/region-scope.js';
import { todayInShanghai, startOfDayInShanghai } from '../calendar/shanghai-date.js';
import { addDays } from '../calendar/working-days.js';
import { ProblemError } from '../errors.js';
import { readTogether } from '../store/reads-together.js';
import {
  basicLivingHouseholds, basicLivingSpans, finishedRunsUntil, headsOf, visitDaysOf, type EnrolmentSpan, type FinishedRun,
} from '../store/repositories/oversight-rosters.js';

/**
 * 家庭经济状况信息监测 of every recipient: seed 002 task 3 asks "对在册社会救助对象每年至少进行2次家庭经济状况信息监测".
 * A check of a household is
 * - a finished comparison run (数据比对, engine/compare.ts) bounded to a region that holds the household (where it is
 *   registered or lives), on the day it finished in Asia/Shanghai: the run compared every department feed it read
 *   with the register, so it monitored the household's income, assets and spending as the feeds report them; or
 * - a home visit of kind `home` (入户走访): seeing the home is how a visitor checks a family's economic situation.
 *   A phone call (`phone`) or a meeting elsewhere (`elsewhere`) keeps contact but does not see the home, so it does
 *   not count.
 * Either counts only on a day the household held a basic-living enrolment (低保 or 特困, any member), and two checks on
 * the same day are one check.
 */
export const countedVisitKinds = ['home'] as const;

/**
 * How the yearly requirement is read. `year` is the seed's words: at least 2 checks in the calendar year.
 * `half-year` is local practice (an example, not in any seed): at least 1 check in each half year (1–6月, 7–12月)
 * the household was enrolled in, judged once that half year is over.
 */
export type CheckReading = 'year' | 'half-year';

export const checksPerYear = 2;

const pageSize = 500;

export interface CheckDay {
  on: string;
  kind: 'comparison' | 'visit';
}

/** A household's row as the API answers it (schemas/), with the head's person id for the audit line. */
export type EconomicCheckStatus = EconomicCheckStatusView & { headPersonId: number | null };

export interface EconomicCheckQuery {
  asOf: string;
  townshipCode?: string;
  reading: CheckReading;
  /** Only households short of checks. */
  shortOnly: boolean;
}

/**
 * Each household enrolled in basic-living assistance on `asOf` within the actor's region (a county at most: the
 * walk reads every enrolled household), with its checks this year. Returns the heads shown, for the audit line.
 */
export async function listEconomicChecks(knex: Knex, actor: Actor, query: EconomicCheckQuery): Promise<{ items: EconomicCheckStatus[]; headPersonIds: number[] }> {
  requireCapability(actor, 'readPersonalData', 'see who was checked');
  requireTownshipWithinCounty(actor, query.townshipCode, 'reads economic checks');
  const dayAfter = startOfDayInShanghai(addDays(query.asOf, 1));
  if (dayAfter === undefined) throw new ProblemError('validation-failed', `${query.asOf} is not a date`);
  const runs = await finishedRunsUntil(knex, dayAfter);
  const items: EconomicCheckStatus[] = [];
  // A page of households at a time, so the lists of ids bound into each statement stay short whatever the county.
  for (let afterId = 0; ; ) {
    const households = await basicLivingHouseholds(knex, { regionCode: actor.regionCode, townshipCode: query.townshipCode, asOf: query.asOf, afterId, limit: pageSize });
    if (households.length === 0) break;
    afterId = households[households.length - 1]!.id;
    const ids = households.map((h) => h.id);
    const [spans, visits, heads] = await readTogether(knex, () => basicLivingSpans(knex, ids, query.asOf), () => visitDaysOf(knex, ids, countedVisitKinds, query.asOf), () => headsOf(knex, ids));
    for (const household of households) {
      const own = spans.filter((s) => s.householdId === household.id);
      const checks = checkDaysOf(household, own, runs, visits.filter((v) => v.householdId === household.id).map((v) => v.visitedOn));
      const status = judgeChecks(own, checks, query.asOf, query.reading);
      if (query.shortOnly && status.shortfall === 0) continue;
      const head = heads.get(household.id) ?? null;
      items.push({
        householdId: household.id, householdNo: household.householdNo, headPersonId: head?.personId ?? null, headName: head?.name ?? null,
        townshipCode: household.residenceRegion.slice(0, 9), villageCode: household.residenceRegion, ...status,
      });
    }
  }
  return { items, headPersonIds: items.flatMap((i) => (i.headPersonId === null ? [] : [i.headPersonId])) };
}

/** The household's check days up to the as-of day, oldest first, on days it was enrolled; a visit wins over a run on the same day. */
export function checkDaysOf(
  household: { registeredRegion: string; residenceRegion: string }, spans: readonly EnrolmentSpan[], runs: readonly FinishedRun[], visitDays: readonly string[],
): CheckDay[] {
  const byDay = new Map<string, CheckDay['kind']>();
  for (const run of runs) {
    if (!isHouseholdInScope(run.regionCode, household)) continue;
    const on = todayInShanghai(new Date(run.finishedAt));
    if (enrolledOn(spans, on) && !byDay.has(on)) byDay.set(on, 'comparison');
  }
  for (const on of visitDays) {
    if (enrolledOn(spans, on)) byDay.set(on, 'visit');
  }
  return [...byDay].map(([on, kind]) => ({ on, kind })).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/** How a household stands on `asOf` under the reading, from its enrolment spans and check days. */
export function judgeChecks(spans: readonly EnrolmentSpan[], checks: readonly CheckDay[], asOf: string, reading: CheckReading): Omit<EconomicCheckStatus,
  'householdId' | 'householdNo' | 'headPersonId' | 'headName' | 'townshipCode' | 'villageCode'> {
  const year = asOf.slice(0, 4);
  const yearStart = `${year}-01-01`;
  const yearEnd = `${year}-12-31`;
  const inYear = checks.filter((c) => c.on >= yearStart && c.on <= asOf);
  const starts = spans.filter((s) => s.endDate === null || s.endDate >= yearStart).map((s) => (s.startDate < yearStart ? yearStart : s.startDate)).sort();
  const base = {
    enrolledSince: starts[0] ?? yearStart,
    lastCheck: checks.length > 0 ? checks[checks.length - 1]! : null,
    checksThisYear: inYear.length,
    comparisonsThisYear: inYear.filter((c) => c.kind === 'comparison').length,
    visitsThisYear: inYear.filter((c) => c.kind === 'visit').length,
  };
  if (reading === 'year') {
    const shortfall = Math.max(0, checksPerYear - inYear.length);
    return { ...base, shortfall, dueBy: yearEnd, overdue: shortfall > 0 && asOf >= yearEnd };
  }
  const halves = [{ from: yearStart, to: `${year}-06-30` }, { from: `${year}-07-01`, to: yearEnd }];
  const missed = halves.filter((half) => half.to <= asOf && spans.some((s) => s.startDate <= half.to && (s.endDate === null || s.endDate >= half.from))
    && !inYear.some((c) => c.on >= half.from && c.on <= half.to));
  const current = halves.find((half) => half.from <= asOf && asOf < half.to);
  const currentShort = current !== undefined && !inYear.some((c) => c.on >= current.from && c.on <= asOf) ? 1 : 0;
  return {
    ...base,
    shortfall: missed.length + currentShort,
    dueBy: missed[0]?.to ?? current?.to ?? yearEnd,
    overdue: missed.length > 0,
  };
}

function enrolledOn(spans: readonly EnrolmentSpan[], on: string): boolean {
  return spans.some((s) => s.startDate <= on && (s.endDate === null || s.endDate >= on));
}
