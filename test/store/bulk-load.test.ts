import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { BulkCheckError, openBulkWriter } from '../../gateway/store/bulk/bulk-writer.js';
import { basicLivingOverlapCheck } from '../../gateway/store/enrolment-guard.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { keyOf } from '../helpers/monitoring.js';

const counted = ['batches', 'households', 'persons', 'bank_accounts', 'enrolments', 'enrolment_events', 'assistance_records', 'audit_log'] as const;

describe.each(dialects)('bulk loading on %s', (dialect) => {
  let store: TestStore;

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of counted) result[table] = Number((await store.knex(table).count({ n: '*' }).first())?.n);
    return result;
  }

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('loads a seeded county as one batch whose rows all point at it', async () => {
    const result = await seedDemoCounty(store, commandLineActor(), { countyCode: '640121', households: 300, seed: 11, asOf: '2024-06-30' });
    expect(result).toMatchObject({ duplicate: false, households: 300 });
    const batch = await store.knex('batches').where('id', result.batchId).first();
    expect(batch).toMatchObject({ source: 'demo-seed', status: 'applied', accepted: result.persons, rows_total: result.persons });
    expect(Number((await store.knex('households').where('batch_id', result.batchId).count({ n: '*' }).first())?.n)).toBe(300);
    expect(Number((await store.knex('persons').count({ n: '*' }).first())?.n)).toBe(result.persons);
    expect(Number((await store.knex('enrolments').count({ n: '*' }).first())?.n)).toBe(result.enrolments);
    const audit = await store.knex('audit_log').where({ action: 'demo.seed', resource_id: String(result.batchId) }).first();
    expect(audit.outcome).toBe('ok');
  });

  it('changes nothing when the same county and seed are loaded again', async () => {
    const before = await counts();
    const again = await seedDemoCounty(store, commandLineActor(), { countyCode: '640121', households: 300, seed: 11, asOf: '2024-06-30' });
    expect(again.duplicate).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('continues ids after existing rows, so a second county loads beside the first', async () => {
    const second = await seedDemoCounty(store, commandLineActor(), { countyCode: '500114', households: 100, seed: 11, asOf: '2024-06-30' });
    expect(second.households).toBe(100);
    const regions = await store.knex('households').where('batch_id', second.batchId).pluck('registered_region');
    expect(regions.every((code: string) => code.startsWith('500114'))).toBe(true);
    // The sequences moved past the bulk-loaded ids: an ordinary insert still gets a fresh id.
    const [row] = await store.knex('batches').insert({ source: 'test', sm3: 'f'.repeat(64), status: 'applied', received_at: new Date().toISOString() }).returning('id');
    expect(row.id).toBeGreaterThan(second.batchId);
  });

  it('leaves the store exactly as before when a load fails half way', async () => {
    const before = await counts();
    const existing = await store.knex('persons').first('id_key', 'id_cipher', 'household_id');
    const writer = await openBulkWriter(store, [
      { name: 'households', columns: ['id', 'household_no', 'registered_region', 'residence_region', 'address', 'monthly_income_fen', 'batch_id', 'created_at', 'updated_at'] },
      { name: 'persons', columns: ['id', 'household_id', 'id_key', 'id_cipher', 'name', 'gender', 'birth_date', 'relation', 'created_at', 'updated_at'] },
    ]);
    const now = new Date().toISOString();
    const failure = await (async () => {
      try {
        const householdId = writer.nextId('households');
        await writer.write('households', [householdId, 'FAIL-1', '640121100', '640121100', '测试', null, null, now, now]);
        await writer.write('persons', [writer.nextId('persons'), householdId, existing.id_key, existing.id_cipher, '重复', '1', '1980-01-01', '02', now, now]);
        await writer.commit();
      } catch (error) {
        await writer.rollback();
        return error as Error;
      }
      throw new Error('a duplicate ID number was committed');
    })();
    expect(failure.message).toMatch(/unique/i);
    expect(`${failure.message}${failure.stack}`).not.toContain(existing.id_key);
    expect(await counts()).toEqual(before);
  });
});

describe.each(dialects)('bulk loading into empty tables on %s (indexes and triggers rebuilt)', (dialect) => {
  let store: TestStore;
  const now = '2024-06-30T00:00:00.000Z';
  const tables = [
    { name: 'households', columns: ['id', 'household_no', 'registered_region', 'residence_region', 'address', 'created_at', 'updated_at'] },
    { name: 'persons', columns: ['id', 'household_id', 'id_key', 'id_cipher', 'name', 'gender', 'birth_date', 'relation', 'created_at', 'updated_at'] },
    { name: 'enrolments', columns: ['id', 'person_id', 'household_id', 'category', 'region_code', 'start_date', 'end_date', 'created_at', 'updated_at'] },
  ];

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  /** A person's ID number as the persons table keeps it: blind index, then ciphertext. */
  const stored = (idNumber: string) => [keyOf(store.knex, idNumber), store.keyring.encrypt(idNumber)];

  async function load(rows: (writer: Awaited<ReturnType<typeof openBulkWriter>>) => Promise<void>): Promise<Error | undefined> {
    const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true, checks: [basicLivingOverlapCheck] });
    try {
      await rows(writer);
      await writer.commit();
      return undefined;
    } catch (error) {
      await writer.rollback();
      return error as Error;
    }
  }

  async function personCount(): Promise<number> {
    return Number((await store.knex('persons').count({ n: '*' }).first())?.n);
  }

  it('refuses the whole load when the rebuilt unique index finds a duplicate ID number', async () => {
    const failure = await load(async (w) => {
      await w.write('households', [1, 'H-1', '640121100', '640121100', '杨和镇', now, now]);
      await w.write('persons', [1, 1, ...stored('11010519491231002X'), '甲', '2', '1949-12-31', '02', now, now]);
      await w.write('persons', [2, 1, ...stored('11010519491231002X'), '乙', '2', '1949-12-31', '30', now, now]);
    });
    expect(failure?.message).toMatch(/unique/i);
    expect(`${failure?.message}${failure?.stack}`).not.toContain('11010519491231002X');
    expect(await personCount()).toBe(0);
  });

  it('refuses the whole load when enrolments overlap, although the trigger was suspended', async () => {
    const failure = await load(async (w) => {
      await w.write('households', [1, 'H-1', '640121100', '640121100', '杨和镇', now, now]);
      await w.write('persons', [1, 1, ...stored('11010519491231002X'), '甲', '2', '1949-12-31', '02', now, now]);
      await w.write('enrolments', [1, 1, 1, '120', '640121100', '2020-01-01', null, now, now]);
      await w.write('enrolments', [2, 1, 1, '132', '640121100', '2023-01-01', null, now, now]);
    });
    expect(failure).toBeInstanceOf(BulkCheckError);
    expect(await personCount()).toBe(0);
  });

  it('refuses the whole load when a row points at a missing parent', async () => {
    const failure = await load(async (w) => {
      await w.write('households', [1, 'H-1', '640121100', '640121100', '杨和镇', now, now]);
      await w.write('persons', [1, 99, ...stored('11010519491231002X'), '甲', '2', '1949-12-31', '02', now, now]);
    });
    expect(failure).toBeDefined();
    expect(await personCount()).toBe(0);
  });

  it('commits a clean load and leaves the unique index and the trigger in force', async () => {
    const failure = await load(async (w) => {
      await w.write('households', [1, 'H-1', '640121100', '640121100', '杨和镇', now, now]);
      await w.write('persons', [1, 1, ...stored('11010519491231002X'), '甲', '2', '1949-12-31', '02', now, now]);
      await w.write('enrolments', [1, 1, 1, '120', '640121100', '2020-01-01', '2022-12-31', now, now]);
      await w.write('enrolments', [2, 1, 1, '132', '640121100', '2023-01-01', null, now, now]);
    });
    expect(failure).toBeUndefined();
    expect(await personCount()).toBe(1);
    await expect(
      store.knex('persons').insert({ household_id: 1, id_key: keyOf(store.knex, '11010519491231002X'), id_cipher: 'x', name: '乙', gender: '2', birth_date: '1949-12-31', relation: '30', created_at: now, updated_at: now }),
    ).rejects.toThrow(/unique/i);
    await expect(
      store.knex('enrolments').insert({ person_id: 1, household_id: 1, category: '110', region_code: '640121100', start_date: '2024-01-01', created_at: now, updated_at: now }),
    ).rejects.toThrow(/basic-living enrolments overlap/);
  });
});
