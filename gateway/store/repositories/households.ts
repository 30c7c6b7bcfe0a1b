import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';

export interface HouseholdRow {
  id: number;
  householdNo: string;
  registeredRegion: string;
  residenceRegion: string;
  address: string;
  monthlyIncomeFen: number | null;
}

const selectList = [
  'households.id as id',
  'households.household_no as householdNo',
  'households.registered_region as registeredRegion',
  'households.residence_region as residenceRegion',
  'households.address as address',
  'households.monthly_income_fen as monthlyIncomeFen',
];

/**
 * A household is in a scope when it is registered there (户籍地) or lives there (居住地): under
 * 一城通办 both the township of registration and the township of residence handle it.
 */
export function whereHouseholdInScope(query: Knex.QueryBuilder, scopeRegionCode: string): Knex.QueryBuilder {
  const prefix = scopePrefix(scopeRegionCode);
  if (prefix === '') return query;
  const { low, high } = prefixRange(prefix);
  return query.where((q) =>
    q
      .where((r) => r.where('households.registered_region', '>=', low).andWhere('households.registered_region', '<', high))
      .orWhere((r) => r.where('households.residence_region', '>=', low).andWhere('households.residence_region', '<', high)),
  );
}

export async function findHousehold(db: Knex | Knex.Transaction, id: number): Promise<HouseholdRow | undefined> {
  return db('households').select(selectList).where('households.id', id).first();
}

export interface HouseholdListQuery {
  scopeRegionCode: string;
  regionCode?: string;
  category?: string;
  afterId?: number;
  limit: number;
}

export interface HouseholdListItem extends HouseholdRow {
  headName: string | null;
  memberCount: number;
}

/** Keyset pagination on id, so page N costs the same as page 1 at a million households. */
export async function listHouseholds(db: Knex, query: HouseholdListQuery): Promise<HouseholdListItem[]> {
  const rows = await db('households')
    .select([
      ...selectList,
      db.raw(`(SELECT p.name FROM persons p WHERE p.household_id = households.id AND p.relation IN ('01', '02') ORDER BY p.id LIMIT 1) as "headName"`),
      db.raw(`(SELECT COUNT(*) FROM persons p WHERE p.household_id = households.id) as "memberCount"`),
    ])
    .modify((q) => {
      whereHouseholdInScope(q, query.scopeRegionCode);
      if (query.regionCode) whereHouseholdInScope(q, query.regionCode);
      if (query.category) {
        q.whereExists(
          db('enrolments').select(db.raw('1')).whereRaw('enrolments.household_id = households.id')
            .where('enrolments.category', query.category).whereNull('enrolments.end_date'),
        );
      }
      if (query.afterId !== undefined) q.where('households.id', '>', query.afterId);
    })
    .orderBy('households.id')
    .limit(query.limit);
  return rows.map((r: HouseholdListItem) => ({ ...r, memberCount: Number(r.memberCount) }));
}

export async function householdNoExists(db: Knex | Knex.Transaction, householdNo: string): Promise<boolean> {
  return (await db('households').where('household_no', householdNo).first('id')) !== undefined;
}

export async function insertHousehold(trx: Knex.Transaction, household: Omit<HouseholdRow, 'id'>, batchId: number | null = null): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('households')
    .insert({
      household_no: household.householdNo,
      registered_region: household.registeredRegion,
      residence_region: household.residenceRegion,
      address: household.address,
      monthly_income_fen: household.monthlyIncomeFen,
      batch_id: batchId,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return (inserted as { id: number }).id;
}
