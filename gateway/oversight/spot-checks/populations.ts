/**
 * What a spot check samples from (抽查的总体). Seed 000 checks the low-income population ("对低收入人口进行检查抽查");
 * seed 001 (南开) checks case files ("案卷抽查"). The register holds three populations a region can sample:
 *
 * - `enrolled-households` (户): households with any enrolment in the region that runs for at least one day of the
 *   period; reference `household:<household number>`, township of the enrolment's region;
 * - `resolved-warnings` (预警核查案卷): warnings pushed to a township of the region and resolved within the period;
 *   reference `warning:<id>`;
 * - `decided-applications` (申请审批案卷): applications of households registered in the region, decided within the
 *   period; reference `application:<id>`, township of registration (户籍地 decides).
 *
 * Each item names its township (the first nine digits of the region code it belongs to), so a township key sees and
 * records its own, and its household when it has one.
 */
import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../../access/region-scope.js';
import type { SpotCheckPeriod } from './spot-check-period.js';

export const populationKinds = ['enrolled-households', 'resolved-warnings', 'decided-applications'] as const;
export type PopulationKind = (typeof populationKinds)[number];

export interface PopulationItem {
  ref: string;
  householdId: number | null;
  townshipCode: string;
}

/** The population of a region for a period, each item once, in no particular order (the draw orders it). */
export async function readPopulation(db: Knex | Knex.Transaction, kind: PopulationKind, regionCode: string, period: SpotCheckPeriod): Promise<PopulationItem[]> {
  const { low, high } = prefixRange(scopePrefix(regionCode));
  switch (kind) {
    case 'enrolled-households': {
      const rows: { household_no: string; household_id: number; region_code: string }[] = await db('enrolments as e')
        .join('households as h', 'h.id', 'e.household_id')
        .where('e.region_code', '>=', low).andWhere('e.region_code', '<', high)
        .andWhere('e.start_date', '<=', period.to)
        .andWhere((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', period.from))
        .groupBy('h.household_no', 'e.household_id')
        .select('h.household_no', 'e.household_id', db.raw('min(e.region_code) as region_code'));
      return rows.map((r) => ({ ref: `household:${r.household_no}`, householdId: Number(r.household_id), townshipCode: townshipOf(r.region_code) }));
    }
    case 'resolved-warnings': {
      const rows: { id: number; household_id: number | null; region_code: string }[] = await db('warnings')
        .where('region_code', '>=', low).andWhere('region_code', '<', high)
        .andWhere('status', 'resolved').whereBetween('resolved_on', [period.from, period.to])
        .select('id', 'household_id', 'region_code');
      return rows.map((r) => ({ ref: `warning:${r.id}`, householdId: r.household_id === null ? null : Number(r.household_id), townshipCode: townshipOf(r.region_code) }));
    }
    case 'decided-applications': {
      const rows: { id: number; household_id: number; registration_region: string }[] = await db('applications')
        .where('registration_region', '>=', low).andWhere('registration_region', '<', high)
        .whereIn('status', ['approved', 'rejected']).whereBetween('decided_on', [period.from, period.to])
        .select('id', 'household_id', 'registration_region');
      return rows.map((r) => ({ ref: `application:${r.id}`, householdId: Number(r.household_id), townshipCode: townshipOf(r.registration_region) }));
    }
  }
}

/** The township of a 9- or 12-digit code; a county-level code (an enrolment kept at the county) stays as it is. */
function townshipOf(regionCode: string): string {
  return regionCode.length >= 9 ? regionCode.slice(0, 9) : regionCode;
}
