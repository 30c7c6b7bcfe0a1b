import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { factLinkLockSql, linkBatchFactsSql } from '../../gateway/store/fact-persons.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { keyringOf } from '../../gateway/store/personal-data.js';
import { personColumnsAtRest } from '../../gateway/store/repositories/persons.js';
import { dialects, openTestConnection, openTestStore, withDataKeys, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, clearMonitoringData, idNumber, keyOf, personIdOf } from '../helpers/monitoring.js';

/**
 * facts.person_id links a fact to its register person whichever came first (fact-persons.ts): the comparison joins
 * on it, so a fact received before its subject was registered must reach them all the same.
 */
const village = '640121100200';
const people = {
  later: idNumber('640121', '1950-02-03', 11),
  outsider: idNumber('640121', '1966-07-08', 12),
  racing: idNumber('640121', '1971-09-10', 13),
};
const death = (subject: string) => ({ kind: 'person-death' as const, idNumber: subject, occurredOn: '2024-06-10', attributes: {} });

describe.each(dialects)('facts linked to register persons on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());
  beforeEach(async () => clearMonitoringData(store.knex));

  const personIdOfFacts = async (subject: string) =>
    (await store.knex('facts').where('subject_key', keyOf(store.knex, subject)).pluck('person_id')).map((id) => (id === null ? null : Number(id)));

  it('links facts received before their subject was registered, and leaves those about others unlinked', async () => {
    await addFacts(store.knex, 'mz', [death(people.later), death(people.outsider)]);
    expect(await personIdOfFacts(people.later)).toEqual([null]);
    await addHousehold(store.knex, village, [{ idNumber: people.later, name: '王福田', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    expect(await personIdOfFacts(people.later)).toEqual([await personIdOf(store.knex, people.later)]);
    expect(await personIdOfFacts(people.outsider)).toEqual([null]);
  });

  it('so the comparison finds a recipient whose death was reported before they were registered', async () => {
    await addFacts(store.knex, 'mz', [death(people.later)]);
    await addHousehold(store.knex, village, [{ idNumber: people.later, name: '王福田', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    const report = await runComparison(store, { period: '2024-06', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-07-05' });
    expect(report.byRule['recipient-died']).toBe(1);
    const warning = await store.knex('warnings').where({ rule_id: 'recipient-died' }).first('person_id', 'region_code');
    expect({ personId: Number(warning.person_id), region: warning.region_code }).toEqual({ personId: await personIdOf(store.knex, people.later), region: '640121100' });
  });

  it('links a fact imported while its subject is being registered, whichever commits first', async () => {
    // The import's side, held open after its link statement found nobody: the registration links while it waits.
    const importing = await store.knex.transaction();
    const batchId = await addFacts(importing, 'mz', [death(people.racing)]);
    const lock = factLinkLockSql(dialect);
    if (lock) await importing.raw(lock);
    await importing.raw(linkBatchFactsSql, [batchId]);
    const registering = addHousehold(store.knex, village, [{ idNumber: people.racing, name: '赵德明', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    try {
      if (dialect === 'pg') await waitForAdvisoryLockWaiter(store);
      await importing.commit();
    } finally {
      // A failed wait must not leave the import holding its locks for the tests after this one.
      if (!importing.isCompleted()) await importing.rollback();
      await registering;
    }
    expect(await personIdOfFacts(people.racing)).toEqual([await personIdOf(store.knex, people.racing)]);
  });

  it('links facts already in the store to the people a demo seed adds', async () => {
    // The same options give the same people: learn one of them from a seed into a store of its own.
    const options = { countyCode: '640121', households: 5, seed: 7, asOf: '2024-06-30' };
    const scratch = await openTestStore('sqlite');
    let seeded: string;
    try {
      await seedDemoCounty(scratch, commandLineActor('test'), options);
      const row = await scratch.knex('persons').orderBy('id').first('id_cipher');
      seeded = await scratch.keyring.decrypt(row.id_cipher);
    } finally {
      await scratch.dispose();
    }
    await addFacts(store.knex, 'mz', [death(seeded)]);
    await seedDemoCounty(store, commandLineActor('test'), options);
    expect(await personIdOfFacts(seeded)).toEqual([await personIdOf(store.knex, seeded)]);
  });
});

describe.each(dialects)('migration 027-facts-linked-to-register on %s', (dialect) => {
  it('links the facts a store of the release before holds about persons registered after them', async () => {
    const connection = await openTestConnection(dialect, { upTo: '026-facts-typed-attributes' });
    try {
      const { knex } = await withDataKeys(connection, randomBytes(32));
      await addFacts(knex, 'mz', [death(people.later), death(people.outsider)]);
      // As that release registered a person: nothing went back to the facts already there.
      const now = new Date().toISOString();
      const [household] = await knex('households').insert({ household_no: 'H1', registered_region: village, residence_region: village, address: '测试村', created_at: now, updated_at: now }, ['id']);
      const [person] = await knex('persons').insert({
        household_id: household.id, ...personColumnsAtRest(keyringOf(knex), { idNumber: people.later, phone: null }), name: '王福田', gender: '1', birth_date: '1950-02-03', relation: '02', created_at: now, updated_at: now,
      }, ['id']);
      expect(await knex('facts').whereNotNull('person_id').count({ n: '*' }).first()).toEqual({ n: 0 });
      await migrateToLatest(knex);
      const linked = await knex('facts').orderBy('id').pluck('person_id');
      expect(linked.map((id) => (id === null ? null : Number(id)))).toEqual([Number(person.id), null]);
    } finally {
      await connection.dispose();
    }
  });
});

/** Until the registration waits on the link lock the import holds (PostgreSQL), so the race is the one meant. */
async function waitForAdvisoryLockWaiter(store: TestStore): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await store.knex.raw("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    if (Number(rows[0].n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the registration never waited for the link lock');
}
