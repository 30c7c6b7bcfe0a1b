/**
 * Drawing a spot-check sample (抽查) and drawing it again.
 * Seed 000: "县区、开发区,乡镇(街道)要定期独立或联合有关部门单位对低收入人口进行检查抽查".
 * Seed 001 (南开): "案卷抽查".
 * Neither says how a sample is chosen; the project's answer is a draw anyone can repeat and no one can quietly replace:
 *
 * - the sample is the first n of the population ordered by SM3(seed ‖ reference) (sampling.ts), and the draw stores
 *   the seed, the population rule, the period, the size rule, the population's count and its SM3, so re-reading the
 *   population with the stored seed gives the same sample, or shows that the population changed;
 * - a redraw needs a reason; the old draw is kept and marked superseded with who, when and why, and the new one
 *   names it. Both are audited inside their transaction.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { findRegions } from '../../store/repositories/regions.js';
import {
  findRedrawOf, findSpotCheckDraw, insertSpotCheckDraw, supersedeSpotCheckDraw, type SpotCheckDrawRow,
} from '../../store/repositories/spot-checks.js';
import { fieldProblem } from '../../casework/casework-dates.js';
import { readPopulation, type PopulationKind } from './populations.js';
import { freshSeed, isSeed, populationDigest, sampleRefs, sampleSize, defaultSizeRule, type SizeRule } from './sampling.js';
import { parseSpotCheckPeriod, type SpotCheckPeriod } from './spot-check-period.js';
import { headPersonIds } from './household-heads.js';

export interface DrawInput {
  regionCode: string;
  population: PopulationKind;
  period: string;
  size?: SizeRule;
  seed?: string;
}

/** Draws a sample of a region within the actor's scope; returns the new draw's id. */
export async function drawSpotCheck(knex: Knex, actor: Actor, input: DrawInput, now: Date = new Date()): Promise<number> {
  requireCapability(actor, 'drawSpotChecks');
  if (!isWithinScope(actor.regionCode, input.regionCode)) throw new ProblemError('out-of-scope', `${input.regionCode} is outside ${actor.regionCode}`);
  if (!(await findRegions(knex, [input.regionCode])).has(input.regionCode)) throw new ProblemError('unknown-region', `no region ${input.regionCode}`);
  const period = parseSpotCheckPeriod(input.period);
  if (!period) throw fieldProblem('/period', `${input.period} is not a month (2024-09), a quarter (2024-Q3) or a year (2024)`);
  if (input.seed !== undefined && !isSeed(input.seed)) throw fieldProblem('/seed', 'a seed is 32 lower-case hex digits (128 bits)');
  if (input.size !== undefined) checkSizeRule(input.size);
  return knex.transaction((trx) => insertDraw(trx, actor, { ...input, size: input.size ?? defaultSizeRule }, period, null, now));
}

/**
 * Draws again with the same population rule, period and size, and a new seed (fresh unless given). The old draw is
 * marked superseded in the same transaction, only if no one superseded it meanwhile: a draw is replaced once, and
 * never without a reason.
 */
export async function redrawSpotCheck(knex: Knex, actor: Actor, drawId: number, input: { reason: string; seed?: string }, now: Date = new Date()): Promise<number> {
  requireCapability(actor, 'drawSpotChecks');
  const reason = input.reason.trim();
  if (reason.length < 2) throw fieldProblem('/reason', 'a draw is redrawn only with a reason');
  if (input.seed !== undefined && !isSeed(input.seed)) throw fieldProblem('/seed', 'a seed is 32 lower-case hex digits (128 bits)');
  const old = await findSpotCheckDraw(knex, drawId);
  if (!old || !isWithinScope(actor.regionCode, old.regionCode)) throw new ProblemError('not-found', `no spot-check draw ${drawId} within ${actor.regionCode}`);
  if (old.supersededAt !== null) throw supersededProblem(old, await findRedrawOf(knex, old.id));
  const period = parseSpotCheckPeriod(old.period)!;
  return knex.transaction(async (trx) => {
    const at = now.toISOString();
    if (!(await supersedeSpotCheckDraw(trx, old.id, { by: actor.label, at, reason }))) {
      throw supersededProblem(old, await findRedrawOf(trx, old.id));
    }
    await recordAudit(trx, actor, {
      action: 'spot-check.supersede', outcome: 'ok', resourceType: 'spot-check', resourceId: String(old.id), regionCode: old.regionCode, detail: reason,
    });
    return insertDraw(trx, actor, { regionCode: old.regionCode, population: old.population as PopulationKind, period: old.period, size: JSON.parse(old.sizeRule) as SizeRule, seed: input.seed }, period, old.id, now);
  });
}

/** A count of at least one, or a whole percentage of 1–100 with a minimum of at least one. */
function checkSizeRule(size: SizeRule): void {
  const whole = (n: number, low: number, high: number) => Number.isInteger(n) && n >= low && n <= high;
  if ('count' in size ? !whole(size.count, 1, 10_000) : !whole(size.ratePercent, 1, 100) || !whole(size.minimum, 1, 10_000)) {
    throw fieldProblem('/size', 'a size is a count of 1–10000, or a whole percentage of 1–100 with a minimum of 1–10000');
  }
}

export function supersededProblem(draw: Pick<SpotCheckDrawRow, 'id' | 'supersededAt' | 'supersededBy'>, byDraw: number | null): ProblemError {
  return new ProblemError('spot-check-superseded', `draw ${draw.id} was superseded${byDraw === null ? '' : ` by draw ${byDraw}`} (${draw.supersededBy}, ${draw.supersededAt})`);
}

async function insertDraw(
  trx: Knex.Transaction, actor: Actor, input: Required<Omit<DrawInput, 'seed'>> & { seed?: string }, period: SpotCheckPeriod, redrawOf: number | null, now: Date,
): Promise<number> {
  const population = await readPopulation(trx, input.population, input.regionCode, period);
  if (population.length === 0) {
    throw new ProblemError('spot-check-population-empty', `no ${input.population} in ${input.regionCode} for ${period.text}`);
  }
  const seed = input.seed ?? freshSeed();
  const size = sampleSize(input.size, population.length);
  const byRef = new Map(population.map((item) => [item.ref, item]));
  const sample = sampleRefs(seed, [...byRef.keys()], size);
  const id = await insertSpotCheckDraw(trx, {
    regionCode: input.regionCode, population: input.population, period: period.text, periodFrom: period.from, periodTo: period.to,
    sizeRule: JSON.stringify(input.size), seed, seedGiven: input.seed !== undefined, populationCount: byRef.size,
    populationSm3: populationDigest([...byRef.keys()]), sampleSize: size, drawnBy: actor.label, drawnAt: now.toISOString(), redrawOf,
  }, sample.map((s, index) => {
    const item = byRef.get(s.ref)!;
    return { position: index + 1, itemRef: s.ref, sortKey: s.sortKey, householdId: item.householdId, townshipCode: item.townshipCode };
  }));
  const households = sample.flatMap((s) => { const h = byRef.get(s.ref)!.householdId; return h === null ? [] : [h]; });
  await recordAudit(trx, actor, {
    action: redrawOf === null ? 'spot-check.draw' : 'spot-check.redraw', outcome: 'ok', resourceType: 'spot-check', resourceId: String(id),
    regionCode: input.regionCode, subjectPersonIds: await headPersonIds(trx, households),
    detail: `${input.population} ${period.text}: ${size} of ${byRef.size}${redrawOf === null ? '' : `, replacing draw ${redrawOf}`}`,
  });
  return id;
}
