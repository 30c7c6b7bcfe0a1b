import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isHouseholdInScope, isWithinScope, scopePrefix } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { ProblemError } from '../errors.js';
import type { Viewed } from '../register/register-views.js';
import { findHousehold } from '../store/repositories/households.js';
import type { HouseholdIndices, IndexFormulaRef } from '../../schemas/types/index.js';
import { computeHouseholdIndices, computeIndices } from './compute-indices.js';
import type { LoadedIndexFormula } from './index-formula.js';

/** The shape of household-indices.schema.json#/definitions/list, which the type generator does not emit on its own. */
export interface HouseholdIndicesList {
  period: string;
  regionCode: string;
  formula: IndexFormulaRef;
  matched: number;
  items: HouseholdIndices[];
}

export interface IndicesListQuery {
  /** A township (9 digits) or village (12) inside the actor's region; the actor's whole region when absent. */
  regionCode?: string;
  period: string;
  minPoverty?: number;
  minNeed?: number;
  order: 'need' | 'poverty';
  limit: number;
}

/**
 * Indices are computed from members' income, health, disability and assistance: personal data, read only by roles
 * that read personal data (liaison officers get 403), and every read is audited with the persons it covered.
 */
function assertMayRead(actor: Actor): void {
  requireCapability(actor, 'readPersonalData', 'see personal data');
}

/**
 * The list scores every household of the region asked about, per request: a county (some tens of thousands of
 * households) is the widest region one request may score, so a key wider than a county names a township.
 */
function requireCountyOrNarrower(actor: Actor, regionCode: string | undefined): void {
  if (regionCode === undefined && scopePrefix(actor.regionCode).length < 6) {
    throw new ProblemError('validation-failed', `a key for ${actor.regionCode}, wider than a county, lists indices one township at a time: give township`,
      [{ in: 'query', parameter: 'township', detail: 'required for a key wider than a county' }]);
  }
}

async function memberIdsOf(knex: Knex, householdIds: readonly number[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < householdIds.length; i += 500) {
    const rows = await knex('persons').whereIn('household_id', householdIds.slice(i, i + 500)).select('id');
    ids.push(...rows.map((row: { id: number }) => Number(row.id)));
  }
  return ids;
}

export async function viewHouseholdIndices(knex: Knex, actor: Actor, householdId: number, period: string, formula: LoadedIndexFormula): Promise<Viewed<HouseholdIndices>> {
  assertMayRead(actor);
  const household = await findHousehold(knex, householdId);
  // Out of scope looks exactly like missing, as for the household itself, so a key cannot probe other regions.
  if (!household || !isHouseholdInScope(actor.regionCode, household)) {
    throw new ProblemError('not-found', `no household ${householdId} within ${actor.regionCode}`);
  }
  const view = await computeHouseholdIndices(knex, { householdId, period, formula });
  if (!view) throw new ProblemError('not-found', `no household ${householdId} within ${actor.regionCode}`);
  return { view, subjectPersonIds: await memberIdsOf(knex, [householdId]), regionCode: household.registeredRegion };
}

/**
 * Households living in the region ranked by need (or poverty), highest first, ties by the other index and then by
 * id so the order is stable: the list townships work through for active discovery (主动发现).
 */
export async function viewIndicesList(knex: Knex, actor: Actor, query: IndicesListQuery, formula: LoadedIndexFormula): Promise<Viewed<HouseholdIndicesList>> {
  assertMayRead(actor);
  if (query.regionCode !== undefined && !isWithinScope(actor.regionCode, query.regionCode)) {
    throw new ProblemError('out-of-scope', `region ${query.regionCode} is outside ${actor.regionCode}`);
  }
  requireCountyOrNarrower(actor, query.regionCode);
  const regionPrefix = query.regionCode ?? scopePrefix(actor.regionCode);
  const all = await computeIndices(knex, { regionPrefix, period: query.period, formula });
  const other = query.order === 'need' ? 'poverty' : 'need';
  const matching = all
    .filter((h) => (query.minPoverty === undefined || h.poverty.score >= query.minPoverty) && (query.minNeed === undefined || h.need.score >= query.minNeed))
    .sort((a, b) => b[query.order].score - a[query.order].score || b[other].score - a[other].score || a.householdId - b.householdId);
  const items = matching.slice(0, query.limit);
  return {
    view: { period: query.period, regionCode: query.regionCode ?? actor.regionCode, formula: { id: formula.formula.id, sm3: formula.sm3 }, matched: matching.length, items },
    subjectPersonIds: await memberIdsOf(knex, items.map((h) => h.householdId)),
    regionCode: query.regionCode ?? actor.regionCode,
  };
}
