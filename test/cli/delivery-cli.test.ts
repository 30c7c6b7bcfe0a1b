import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { createExchange } from '../../gateway/keystore/exchange.js';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import { runJiuzhu } from '../helpers/cli.js';
import { startSimulatedJinmin, type SimulatedJinmin } from '../helpers/simulated-jinmin.js';

/**
 * The county's operator, with the command line only: queue the month's change set for 金民 and deliver it. The
 * national system is simulated (its interface is not public); it opens the envelope and checks every digest.
 */
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-delivery-cli-'));
const env = { JIUZHU_DB: join(dir, 'county.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key'), JIUZHU_PARTY_ID: 'yongning' };
let jinmin: SimulatedJinmin;
let countyStore: StoreConnection;

beforeAll(async () => {
  expect((await runJiuzhu(env, 'seed', '--county', '640121', '--households', '200', '--seed', '5', '--as-of', '2026-10-31')).code).toBe(0);
  expect((await runJiuzhu(env, 'keys', 'gen')).code).toBe(0);
  jinmin = await startSimulatedJinmin();
  countyStore = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
  const masterKey = Buffer.from(readFileSync(env.JIUZHU_MASTER_KEY_FILE, 'utf8').trim(), 'hex');
  await jinmin.connect({ exchange: createExchange({ knex: countyStore.knex, config: exchangeConfigFrom({ JIUZHU_PARTY_ID: 'yongning' }), masterKey }), knex: countyStore.knex });
  await countyStore.close();
}, 120_000);

afterAll(async () => {
  await jinmin.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliveries from the command line', () => {
  it('queues the monthly change set, delivers it to the national endpoint, and records the receipt', async () => {
    const queued = await runJiuzhu(env, 'export', 'jinmin-change-set', '--county', '640121', '--period', '2026-09', '--json');
    expect(queued.code, queued.stderr).toBe(0);
    const { deliveryId, manifest } = JSON.parse(queued.stdout);
    expect(manifest.counts.total).toBeGreaterThan(0);

    jinmin.failNext(1);
    const first = JSON.parse((await runJiuzhu(env, 'deliveries', 'run', '--json')).stdout);
    expect(first).toEqual({ delivered: [], retrying: [deliveryId], dead: [] });
    const [waiting] = JSON.parse((await runJiuzhu(env, 'deliveries', 'list', '--status', 'queued', '--json')).stdout);
    expect(waiting).toMatchObject({ id: deliveryId, attempts: 1 });
    expect(waiting.lastError).toMatch(/503/);
    expect(jinmin.received).toHaveLength(0);
    expect(JSON.parse((await runJiuzhu(env, 'deliveries', 'run', '--json')).stdout)).toEqual({ delivered: [], retrying: [], dead: [] });

    // The backoff's minute passes.
    const store = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
    await store.knex('deliveries').where('id', deliveryId).update({ next_attempt_at: new Date(Date.now() - 1000).toISOString() });
    await store.close();

    const second = JSON.parse((await runJiuzhu(env, 'deliveries', 'run', '--json')).stdout);
    expect(second).toEqual({ delivered: [deliveryId], retrying: [], dead: [] });
    expect(jinmin.received).toHaveLength(1);
    expect(jinmin.received[0]!.manifest.counts).toEqual(manifest.counts);
    const [delivered] = JSON.parse((await runJiuzhu(env, 'deliveries', 'list', '--status', 'delivered', '--json')).stdout);
    expect(JSON.parse(delivered.receipt)).toMatchObject({ receiptId: jinmin.received[0]!.receiptId });
  });

  it('has nothing to replay when nothing is dead', async () => {
    expect(JSON.parse((await runJiuzhu(env, 'deliveries', 'replay', '--json')).stdout)).toEqual([]);
  });
});
