import type { Knex } from 'knex';
import { nationwide } from '../../access/region-scope.js';
import { findRegions } from '../../store/repositories/regions.js';

/** A region as a sheet's subtitle names it: its full name (宁夏回族自治区银川市永宁县), 全国, or the bare code when unknown. */
export async function regionName(knex: Knex, code: string): Promise<string> {
  if (code === nationwide) return '全国';
  return (await findRegions(knex, [code])).get(code)?.fullName ?? code;
}
