/**
 * Spot-check draws as the API and the CLI show them. A draw is seen by keys whose region lies inside the draw's
 * region or holds it (a township sees the county's draw); of its items, each key sees only those of townships within
 * its region, with the household's number and head. No ID number is shown.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import type { Viewed } from '../../register/register-views.js';
import { findRegions } from '../../store/repositories/regions.js';
import {
  findRedrawOf, findSpotCheckDraw, itemsOfDraws, listSpotCheckDraws, resultsOfItems, type SpotCheckDrawRow, type SpotCheckItemRow, type SpotCheckResultRow,
} from '../../store/repositories/spot-checks.js';
import type { SpotCheck, SpotCheckItem, SpotCheckResult } from '../../../schemas/types/index.js';
import { householdHeads } from './household-heads.js';
import { readPopulation, type PopulationKind } from './populations.js';
import { populationDigest, sampleRefs, sampleSize, type SizeRule } from './sampling.js';
import { readTogether } from '../../store/reads-together.js';

/** Whether the actor's region and the draw's overlap: one holds the other. */
export function seesDraw(actor: Pick<Actor, 'regionCode'>, draw: Pick<SpotCheckDrawRow, 'regionCode'>): boolean {
  return isWithinScope(actor.regionCode, draw.regionCode) || isWithinScope(draw.regionCode, actor.regionCode);
}

/** A draw with its items within the actor's region, their results and history, and the population read again. */
export async function viewSpotCheck(knex: Knex, actor: Actor, drawId: number): Promise<Viewed<SpotCheck>> {
  requireCapability(actor, 'readPersonalData', 'see spot checks, which name households');
  const draw = await findSpotCheckDraw(knex, drawId);
  if (!draw || !seesDraw(actor, draw)) throw new ProblemError('not-found', `no spot-check draw ${drawId} within ${actor.regionCode}`);
  const allItems = await itemsOfDraws(knex, [draw.id]);
  const items = allItems.filter((item) => isWithinScope(actor.regionCode, item.townshipCode));
  const [results, heads, households, names, byDraw] = await readTogether(
    knex,
    () => resultsOfItems(knex, items.map((i) => i.id)),
    () => householdHeads(knex, items.flatMap((i) => (i.householdId === null ? [] : [i.householdId]))),
    () => householdNumbers(knex, items.flatMap((i) => (i.householdId === null ? [] : [i.householdId]))),
    () => findRegions(knex, [draw.regionCode, ...items.map((i) => i.townshipCode)]),
    () => draw.supersededAt === null ? Promise.resolve(null) : findRedrawOf(knex, draw.id),
  );
  const itemViews = items.map((item): SpotCheckItem => {
    const history = results.filter((r) => r.itemId === item.id).map(presentResult);
    const head = item.householdId === null ? undefined : heads.get(item.householdId);
    return {
      id: item.id, position: item.position, ref: item.itemRef, sortKey: item.sortKey,
      township: { code: item.townshipCode, name: names.get(item.townshipCode)?.fullName ?? '' },
      household: item.householdId === null ? null : { id: item.householdId, householdNo: households.get(item.householdId) ?? '', headName: head?.name ?? '' },
      result: history.at(-1) ?? null,
      history,
    };
  });
  const view: SpotCheck = {
    ...presentDraw(draw, names.get(draw.regionCode)?.fullName ?? '', byDraw),
    totals: totalsOf(itemViews),
    verification: await verifyDraw(knex, draw, allItems),
    items: itemViews,
  };
  return { view, subjectPersonIds: [...heads.values()].map((h) => h.personId), regionCode: draw.regionCode };
}

export interface SpotCheckListQuery {
  regionCode?: string;
  period?: string;
  population?: PopulationKind;
  includeSuperseded?: boolean;
}

/** Draws the actor sees, oldest first, without items; totals count the items within its region. */
export async function viewSpotCheckList(knex: Knex, actor: Actor, query: SpotCheckListQuery): Promise<Viewed<SpotCheck[]>> {
  requireCapability(actor, 'readPersonalData', 'see spot checks, which name households');
  const draws = await listSpotCheckDraws(knex, { scopeRegionCode: actor.regionCode, ...query, includeSuperseded: query.includeSuperseded ?? false });
  const items = (await itemsOfDraws(knex, draws.map((d) => d.id))).filter((item) => isWithinScope(actor.regionCode, item.townshipCode));
  const results = await resultsOfItems(knex, items.map((i) => i.id));
  const latest = new Map<number, SpotCheckResultRow>();
  for (const r of results) latest.set(r.itemId, r);
  const names = await findRegions(knex, draws.map((d) => d.regionCode));
  const view: SpotCheck[] = [];
  for (const draw of draws) {
    const byDraw = draw.supersededAt === null ? null : await findRedrawOf(knex, draw.id);
    const own = items.filter((i) => i.drawId === draw.id).map((i) => ({ result: latest.has(i.id) ? presentResult(latest.get(i.id)!) : null }));
    view.push({ ...presentDraw(draw, names.get(draw.regionCode)?.fullName ?? '', byDraw), totals: totalsOf(own) });
  }
  return { view, subjectPersonIds: [] };
}

/**
 * The population read again now, and the stored seed applied to it: whether the population is the one drawn from
 * (its SM3), and whether the stored sample comes out again. A household enrolled or a file closed since the draw
 * changes the first, and may change the second.
 */
export async function verifyDraw(knex: Knex, draw: SpotCheckDrawRow, items: readonly SpotCheckItemRow[]): Promise<NonNullable<SpotCheck['verification']>> {
  const period = { text: draw.period, from: draw.periodFrom, to: draw.periodTo };
  const refs = [...new Set((await readPopulation(knex, draw.population as PopulationKind, draw.regionCode, period)).map((item) => item.ref))];
  const populationSm3 = populationDigest(refs);
  const again = sampleRefs(draw.seed, refs, sampleSize(JSON.parse(draw.sizeRule) as SizeRule, refs.length)).map((s) => s.ref);
  const stored = [...items].sort((a, b) => a.position - b.position).map((i) => i.itemRef);
  return {
    populationCount: refs.length,
    populationSm3,
    populationUnchanged: populationSm3 === draw.populationSm3,
    sampleReproduced: again.length === stored.length && again.every((ref, index) => ref === stored[index]),
  };
}

function presentDraw(draw: SpotCheckDrawRow, regionName: string, byDraw: number | null): Omit<SpotCheck, 'totals'> {
  return {
    id: draw.id,
    region: { code: draw.regionCode, name: regionName },
    population: draw.population as PopulationKind,
    period: { text: draw.period, from: draw.periodFrom, to: draw.periodTo },
    size: JSON.parse(draw.sizeRule) as SizeRule,
    seed: draw.seed,
    seedGiven: draw.seedGiven,
    populationCount: draw.populationCount,
    populationSm3: draw.populationSm3,
    sampleSize: draw.sampleSize,
    drawnBy: draw.drawnBy,
    drawnAt: draw.drawnAt,
    redrawOf: draw.redrawOf,
    superseded: draw.supersededAt === null ? null : { by: draw.supersededBy ?? '', at: draw.supersededAt, reason: draw.supersedeReason ?? '', byDraw },
  };
}

function presentResult(row: SpotCheckResultRow): SpotCheckResult {
  return {
    version: row.version, result: row.result, findings: row.findings, checker: row.checker, checkedOn: row.checkedOn,
    correctionReason: row.correctionReason, recordedBy: row.recordedBy, recordedAt: row.recordedAt,
  };
}

export function totalsOf(items: readonly { result: Pick<SpotCheckResult, 'result'> | null }[]): SpotCheck['totals'] {
  const count = (result: SpotCheckResult['result']) => items.filter((i) => i.result?.result === result).length;
  return { items: items.length, passed: count('passed'), problem: count('problem'), unverifiable: count('unverifiable'), unchecked: items.filter((i) => i.result === null).length };
}

async function householdNumbers(knex: Knex, householdIds: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(householdIds)];
  const out = new Map<number, string>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows: { id: number; household_no: string }[] = await knex('households').whereIn('id', unique.slice(start, start + 500)).select('id', 'household_no');
    for (const row of rows) out.set(Number(row.id), row.household_no);
  }
  return out;
}
