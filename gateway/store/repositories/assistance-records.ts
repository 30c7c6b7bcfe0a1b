import type { Knex } from 'knex';
import type { AssistanceRecord } from '../../../schemas/types/index.js';

export async function assistanceRecordsOfPerson(db: Knex, personId: number): Promise<AssistanceRecord[]> {
  return db('assistance_records')
    .select(['id', 'department', 'assistance_type as assistanceType', 'amount_fen as amountFen', 'assisted_on as assistedOn', 'note', 'batch_id as batchId'])
    .where('person_id', personId)
    .orderBy(['assisted_on', 'id']);
}
