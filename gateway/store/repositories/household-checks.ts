import type { Knex } from 'knex';
import { prefixRange } from '../../access/region-scope.js';
import { basicLivingCategories } from '../enrolment-guard.js';

export type CheckResult = 'unchanged' | 'increased' | 'decreased' | 'stopped';

/** A 定期核查 as stored: the household's places when checked, the result and what it changed. */
export interface HouseholdCheckRow {
  id: number;
  householdId: number;
  registrationRegion: string;
  residenceRegion: string;
  checkedOn: string;
  result: CheckResult;
  monthlyAmountFen: number | null;
  reason: string;
  /** JSON: { endedEnrolmentIds, adjusted }. */
  effects: string;
  actorLabel: string | null;
  recordedAt: string;
}

export async function insertHouseholdCheck(
  trx: Knex.Transaction,
  check: Omit<HouseholdCheckRow, 'id' | 'actorLabel' | 'recordedAt'>,
  actor: { label: string; keyId: number | null; role: string },
  recordedAt: string,
): Promise<number> {
  const [row] = await trx('household_checks').insert({
    household_id: check.householdId, registration_region: check.registrationRegion, residence_region: check.residenceRegion,
    checked_on: check.checkedOn, result: check.result, monthly_amount_fen: check.monthlyAmountFen, reason: check.reason, effects: check.effects,
    actor_label: actor.label, actor_key_id: actor.keyId, actor_role: actor.role, recorded_at: recordedAt,
  }).returning('id');
  return Number((row as { id: number }).id ?? row);
}

/** Each household's latest check (the last day checked; the last recorded that day). */
export async function lastChecksOf(db: Knex, householdIds: readonly number[]): Promise<Map<number, { checkedOn: string; result: CheckResult }>> {
  const latest = new Map<number, { checkedOn: string; result: CheckResult }>();
  for (let i = 0; i < householdIds.length; i += 500) {
    const rows: { household_id: number; checked_on: string; result: CheckResult }[] = await db('household_checks')
      .select('household_id', 'checked_on', 'result')
      .whereIn('household_id', householdIds.slice(i, i + 500))
      .orderBy([{ column: 'household_id' }, { column: 'checked_on' }, { column: 'id' }]);
    for (const row of rows) latest.set(Number(row.household_id), { checkedOn: row.checked_on, result: row.result });
  }
  return latest;
}

/** A household registered in a township and living outside it, with its running basic-living enrolments summed up. */
export interface HouseholdLivingElsewhere {
  householdId: number;
  registeredRegion: string;
  residenceRegion: string;
  enrolledSince: string;
  monthlyAmountFen: number;
  personIds: number[];
}

/**
 * 在辖区外具有本辖区户籍的社会救助家庭 (seed 001 step 3.3): households whose registration lies in `township` and whose
 * residence does not, with a basic-living enrolment granted in the township running on `asOf`.
 */
export async function householdsLivingElsewhere(db: Knex, township: string, asOf: string): Promise<HouseholdLivingElsewhere[]> {
  const { low, high } = prefixRange(township);
  const rows: { household_id: number; registered_region: string; residence_region: string; person_id: number; start_date: string; monthly_amount_fen: number | null }[] = await db('enrolments')
    .join('households', 'households.id', 'enrolments.household_id')
    .select('enrolments.household_id', 'households.registered_region', 'households.residence_region', 'enrolments.person_id', 'enrolments.start_date', 'enrolments.monthly_amount_fen')
    .where('households.registered_region', '>=', low).andWhere('households.registered_region', '<', high)
    .andWhere((q) => q.where('households.residence_region', '<', low).orWhere('households.residence_region', '>=', high))
    .where('enrolments.region_code', '>=', low).andWhere('enrolments.region_code', '<', high)
    .whereIn('enrolments.category', basicLivingCategories)
    .where('enrolments.start_date', '<=', asOf)
    .where((q) => q.whereNull('enrolments.end_date').orWhere('enrolments.end_date', '>=', asOf))
    .orderBy([{ column: 'enrolments.household_id' }, { column: 'enrolments.id' }]);
  const households = new Map<number, HouseholdLivingElsewhere>();
  for (const row of rows) {
    const id = Number(row.household_id);
    const found = households.get(id) ?? {
      householdId: id, registeredRegion: row.registered_region, residenceRegion: row.residence_region, enrolledSince: row.start_date, monthlyAmountFen: 0, personIds: [],
    };
    if (row.start_date < found.enrolledSince) found.enrolledSince = row.start_date;
    found.monthlyAmountFen += Number(row.monthly_amount_fen ?? 0);
    if (!found.personIds.includes(Number(row.person_id))) found.personIds.push(Number(row.person_id));
    households.set(id, found);
  }
  return [...households.values()];
}
