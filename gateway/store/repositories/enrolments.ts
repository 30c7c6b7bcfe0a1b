import type { Knex } from 'knex';
import type { Enrolment } from '../../../schemas/types/index.js';

export interface EnrolmentRow extends Enrolment {
  id: number;
  personId: number;
  householdId: number;
  regionCode: string;
}

const selectList = [
  'id', 'person_id as personId', 'household_id as householdId', 'category', 'region_code as regionCode',
  'start_date as startDate', 'end_date as endDate', 'end_reason as endReason', 'monthly_amount_fen as monthlyAmountFen', 'tekun_support as tekunSupport',
];

export async function enrolmentsOfPersons(db: Knex | Knex.Transaction, personIds: readonly number[]): Promise<EnrolmentRow[]> {
  if (personIds.length === 0) return [];
  return db('enrolments').select(selectList).whereIn('person_id', personIds).orderBy(['person_id', 'start_date', 'id']);
}

/** Inserts an enrolment and its 'started' event; the database trigger refuses overlapping basic-living spans. */
export async function insertEnrolment(
  trx: Knex.Transaction,
  enrolment: Omit<EnrolmentRow, 'id'>,
  actorLabel: string,
  batchId: number | null = null,
): Promise<number> {
  const now = new Date().toISOString();
  const [inserted] = await trx('enrolments')
    .insert({
      person_id: enrolment.personId,
      household_id: enrolment.householdId,
      category: enrolment.category,
      region_code: enrolment.regionCode,
      start_date: enrolment.startDate,
      end_date: enrolment.endDate ?? null,
      end_reason: enrolment.endReason ?? null,
      monthly_amount_fen: enrolment.monthlyAmountFen ?? null,
      tekun_support: enrolment.tekunSupport ?? null,
      batch_id: batchId,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const id = (inserted as { id: number }).id;
  await trx('enrolment_events').insert({
    enrolment_id: id,
    kind: 'started',
    at: now,
    actor: actorLabel,
    detail: JSON.stringify({ category: enrolment.category, startDate: enrolment.startDate, monthlyAmountFen: enrolment.monthlyAmountFen ?? null }),
  });
  return id;
}
