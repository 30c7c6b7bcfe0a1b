import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';

/** Rows of the spot-check tables (migration 020), as the oversight module reads and writes them. */
export interface SpotCheckDrawRow {
  id: number;
  regionCode: string;
  population: string;
  period: string;
  periodFrom: string;
  periodTo: string;
  /** JSON of the size rule: {"count":n} or {"ratePercent":p,"minimum":m}. */
  sizeRule: string;
  seed: string;
  seedGiven: boolean;
  populationCount: number;
  populationSm3: string;
  sampleSize: number;
  drawnBy: string;
  drawnAt: string;
  redrawOf: number | null;
  supersededBy: string | null;
  supersededAt: string | null;
  supersedeReason: string | null;
}

export type NewSpotCheckDraw = Omit<SpotCheckDrawRow, 'id' | 'supersededBy' | 'supersededAt' | 'supersedeReason'>;

export interface SpotCheckItemRow {
  id: number;
  drawId: number;
  position: number;
  itemRef: string;
  sortKey: string;
  householdId: number | null;
  townshipCode: string;
}

export interface SpotCheckResultRow {
  id: number;
  itemId: number;
  version: number;
  result: 'passed' | 'problem' | 'unverifiable';
  findings: string | null;
  checker: string;
  checkedOn: string;
  correctionReason: string | null;
  recordedBy: string;
  recordedAt: string;
}

const instant = (value: unknown): string => new Date(value as string | Date).toISOString();
const nullableInstant = (value: unknown): string | null => (value === null || value === undefined ? null : instant(value));

function toDraw(r: Record<string, unknown>): SpotCheckDrawRow {
  return {
    id: Number(r.id), regionCode: String(r.region_code), population: String(r.population), period: String(r.period),
    periodFrom: String(r.period_from), periodTo: String(r.period_to), sizeRule: String(r.size_rule), seed: String(r.seed),
    seedGiven: Boolean(r.seed_given), populationCount: Number(r.population_count), populationSm3: String(r.population_sm3),
    sampleSize: Number(r.sample_size), drawnBy: String(r.drawn_by), drawnAt: instant(r.drawn_at),
    redrawOf: r.redraw_of === null ? null : Number(r.redraw_of), supersededBy: (r.superseded_by as string | null) ?? null,
    supersededAt: nullableInstant(r.superseded_at), supersedeReason: (r.supersede_reason as string | null) ?? null,
  };
}

function toItem(r: Record<string, unknown>): SpotCheckItemRow {
  return {
    id: Number(r.id), drawId: Number(r.draw_id), position: Number(r.position), itemRef: String(r.item_ref), sortKey: String(r.sort_key),
    householdId: r.household_id === null ? null : Number(r.household_id), townshipCode: String(r.township_code),
  };
}

function toResult(r: Record<string, unknown>): SpotCheckResultRow {
  return {
    id: Number(r.id), itemId: Number(r.item_id), version: Number(r.version), result: r.result as SpotCheckResultRow['result'],
    findings: (r.findings as string | null) ?? null, checker: String(r.checker), checkedOn: String(r.checked_on),
    correctionReason: (r.correction_reason as string | null) ?? null, recordedBy: String(r.recorded_by), recordedAt: instant(r.recorded_at),
  };
}

export async function insertSpotCheckDraw(trx: Knex.Transaction, draw: NewSpotCheckDraw, items: readonly Omit<SpotCheckItemRow, 'id' | 'drawId'>[]): Promise<number> {
  const [row] = await trx('spot_check_draws').insert({
    region_code: draw.regionCode, population: draw.population, period: draw.period, period_from: draw.periodFrom, period_to: draw.periodTo,
    size_rule: draw.sizeRule, seed: draw.seed, seed_given: draw.seedGiven, population_count: draw.populationCount,
    population_sm3: draw.populationSm3, sample_size: draw.sampleSize, drawn_by: draw.drawnBy, drawn_at: draw.drawnAt, redraw_of: draw.redrawOf,
  }).returning('id');
  const drawId = Number(typeof row === 'object' ? row.id : row);
  for (let start = 0; start < items.length; start += 200) {
    await trx('spot_check_items').insert(items.slice(start, start + 200).map((item) => ({
      draw_id: drawId, position: item.position, item_ref: item.itemRef, sort_key: item.sortKey, household_id: item.householdId, township_code: item.townshipCode,
    })));
  }
  return drawId;
}

export async function findSpotCheckDraw(db: Knex | Knex.Transaction, id: number): Promise<SpotCheckDrawRow | undefined> {
  const row = await db('spot_check_draws').where({ id }).first();
  return row ? toDraw(row) : undefined;
}

/**
 * Marks a draw superseded, only if it is not already: false when someone superseded it meanwhile, so two redraws
 * of one draw cannot both succeed.
 */
export async function supersedeSpotCheckDraw(trx: Knex.Transaction, id: number, change: { by: string; at: string; reason: string }): Promise<boolean> {
  const count = await trx('spot_check_draws').where({ id }).whereNull('superseded_at')
    .update({ superseded_by: change.by, superseded_at: change.at, supersede_reason: change.reason });
  return count === 1;
}

/** The draw that replaced this one, if any. */
export async function findRedrawOf(db: Knex | Knex.Transaction, id: number): Promise<number | null> {
  const row = await db('spot_check_draws').where({ redraw_of: id }).first('id');
  return row ? Number(row.id) : null;
}

export interface SpotCheckDrawQuery {
  /** The caller's scope: draws whose region lies inside it, or contains it (a county draw seen by a township key). */
  scopeRegionCode: string;
  regionCode?: string;
  period?: string;
  population?: string;
  includeSuperseded: boolean;
}

export async function listSpotCheckDraws(db: Knex, query: SpotCheckDrawQuery): Promise<SpotCheckDrawRow[]> {
  const { low, high } = prefixRange(scopePrefix(query.scopeRegionCode));
  const enclosing = enclosingCodes(query.scopeRegionCode);
  const rows = await db('spot_check_draws')
    .where((q) => q.where((inner) => inner.where('region_code', '>=', low).andWhere('region_code', '<', high)).orWhereIn('region_code', enclosing))
    .modify((q) => {
      if (query.regionCode) q.andWhere('region_code', query.regionCode);
      if (query.period) q.andWhere('period', query.period);
      if (query.population) q.andWhere('population', query.population);
      if (!query.includeSuperseded) q.whereNull('superseded_at');
    })
    .orderBy('id');
  return rows.map(toDraw);
}

/** The codes of the divisions holding a region: a township's county, prefecture and province (their 6-digit codes). */
export function enclosingCodes(regionCode: string): string[] {
  const codes = new Set<string>();
  if (regionCode.length > 6) codes.add(regionCode.slice(0, 6));
  if (regionCode.length === 12) codes.add(regionCode.slice(0, 9));
  const county = regionCode.slice(0, 6);
  codes.add(`${county.slice(0, 4)}00`);
  codes.add(`${county.slice(0, 2)}0000`);
  codes.delete(regionCode);
  return [...codes];
}

export async function itemsOfDraws(db: Knex | Knex.Transaction, drawIds: readonly number[]): Promise<SpotCheckItemRow[]> {
  if (drawIds.length === 0) return [];
  const rows = await db('spot_check_items').whereIn('draw_id', drawIds).orderBy(['draw_id', 'position']);
  return rows.map(toItem);
}

/** The item read again and locked inside the transaction that adds a result, so two results get distinct versions. */
export async function lockSpotCheckItem(trx: Knex.Transaction, drawId: number, itemId: number): Promise<SpotCheckItemRow | undefined> {
  const query = trx('spot_check_items').where({ id: itemId, draw_id: drawId }).first();
  // SQLite has one writer at a time already; PostgreSQL locks the row until the transaction ends.
  if (trx.client.config.client === 'pg') query.forUpdate();
  const row = await query;
  return row ? toItem(row) : undefined;
}

export async function resultsOfItems(db: Knex | Knex.Transaction, itemIds: readonly number[]): Promise<SpotCheckResultRow[]> {
  const out: SpotCheckResultRow[] = [];
  for (let start = 0; start < itemIds.length; start += 500) {
    const rows = await db('spot_check_results').whereIn('item_id', itemIds.slice(start, start + 500)).orderBy(['item_id', 'version']);
    out.push(...rows.map(toResult));
  }
  return out;
}

export async function insertSpotCheckResult(trx: Knex.Transaction, result: Omit<SpotCheckResultRow, 'id'>): Promise<number> {
  const [row] = await trx('spot_check_results').insert({
    item_id: result.itemId, version: result.version, result: result.result, findings: result.findings, checker: result.checker,
    checked_on: result.checkedOn, correction_reason: result.correctionReason, recorded_by: result.recordedBy, recorded_at: result.recordedAt,
  }).returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}
