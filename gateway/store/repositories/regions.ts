import type { Knex } from 'knex';
import type { Region } from '../../../schemas/types/index.js';

export interface RegionRow extends Region {
  fullName: string;
}

export interface RegionQuery {
  parentCode?: string;
  level?: Region['level'];
}

export async function listRegions(db: Knex, query: RegionQuery = {}): Promise<RegionRow[]> {
  const rows = await db('regions')
    .modify((q) => {
      if (query.parentCode) q.where('parent_code', query.parentCode);
      if (query.level) q.where('level', query.level);
    })
    .orderBy('code');
  return rows.map(toRegion);
}

export async function findRegions(db: Knex | Knex.Transaction, codes: readonly string[]): Promise<Map<string, RegionRow>> {
  const unique = [...new Set(codes)];
  const rows = unique.length === 0 ? [] : await db('regions').whereIn('code', unique);
  return new Map(rows.map((r) => [r.code as string, toRegion(r)]));
}

function toRegion(row: Record<string, unknown>): RegionRow {
  return {
    code: row.code as string,
    name: row.name as string,
    fullName: row.full_name as string,
    level: row.level as Region['level'],
    parentCode: (row.parent_code as string | null) ?? null,
    kind: (row.kind as Region['kind']) ?? null,
    urbanRural: (row.urban_rural as string | null) ?? null,
  };
}
