import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { dialects, openTestConnection, withDataKeys, type TestConnection } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';

/**
 * Migration 024 on a store of the release before it: an application taken then was investigated by the township that
 * accepted it, so that is the investigating township it keeps; step names longer than 12 characters fit afterwards.
 */
describe.each(dialects)('migration 024-one-city on %s', (dialect) => {
  let connection: TestConnection;
  let applicationId = 0;

  beforeAll(async () => {
    connection = await openTestConnection(dialect, { upTo: '023-supervision-documents' });
    const store = await withDataKeys(connection, randomBytes(32));
    const householdId = await registerHousehold(store.knex, commandLineActor('test'), {
      registeredRegionCode: '640121100200', residenceRegionCode: '640121101001', address: '李俊镇', members: [{ idNumber: idNumber('640121', '1961-01-01', 81), name: '马旧案', relation: '01' }],
    });
    const person = await store.knex('persons').where({ household_id: householdId }).first('id');
    const now = new Date().toISOString();
    const [row] = await store.knex('applications').insert({
      procedure: 'dibao', category: '120', household_id: householdId, applicant_person_id: person.id, accepting_region: '640121101', registration_region: '640121100',
      accepted_on: '2024-09-27', due_on: '2024-11-13', extended: false, status: 'open', last_step: 'accepted', last_step_on: '2024-09-27', created_at: now, updated_at: now,
    }).returning('id');
    applicationId = Number((row as { id: number }).id ?? row);
    await migrateToLatest(store.knex);
  });
  afterAll(async () => connection?.dispose());

  it('keeps the accepting township as the investigating one, and takes the longer step names', async () => {
    const { knex } = connection;
    expect(await knex('applications').where({ id: applicationId }).first('investigating_region', 'objected_on')).toEqual({ investigating_region: '640121101', objected_on: null });
    await knex('applications').where({ id: applicationId }).update({ last_step: 'investigation-started' });
    await knex('application_steps').insert({ application_id: applicationId, step: 'investigation-started', effective_on: '2024-09-30', at: new Date().toISOString() });
    expect(await knex('application_steps').where({ application_id: applicationId }).pluck('step')).toEqual(['investigation-started']);
    const checks = await knex('household_checks').count({ n: '*' }).first();
    expect(Number(checks?.n)).toBe(0);
  });
});
