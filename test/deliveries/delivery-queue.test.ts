import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { DeliveryError, isPermanentRefusal } from '../../gateway/deliveries/delivery-error.js';
import { createDeliveryQueue, exponentialBackoff, type DeliveryQueueOptions, type DeliveryTransport, type OutgoingDelivery } from '../../gateway/deliveries/delivery-queue.js';
import { createStore, type Store } from '../../gateway/store/connect.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { dialects, openTestStore, withDataKeys, type TestStore } from '../helpers/dialects.js';

const minute = 60_000;

/** A transport that records what it was given and fails for the deliveries `failing` names. */
function recordingTransport(failing: (delivery: OutgoingDelivery) => boolean = () => false) {
  const sent: OutgoingDelivery[] = [];
  const transport: DeliveryTransport = {
    async send(delivery) {
      sent.push(delivery);
      if (failing(delivery)) throw new DeliveryError('refused', `${delivery.target} answered 503 Service Unavailable: maintenance`, { status: 503 });
      return { receipt: JSON.stringify({ receiptId: `R${delivery.id}` }) };
    },
  };
  return { sent, transport };
}

async function addPartner(knex: Knex, id: string): Promise<void> {
  await knex('partners').insert({ id, name: id, envelope_format: 'gmt0010', allowed_sources: '[]', created_at: new Date().toISOString(), endpoint_url: `https://${id}.example/in` });
}

describe.each(dialects)('the delivery queue on %s', (dialect) => {
  let store: TestStore;
  let clock: Date;
  const queueOn = (transport: DeliveryTransport, options: Partial<DeliveryQueueOptions> = {}) =>
    createDeliveryQueue({ knex: store.knex, dialect, transport, now: () => clock, ...options });

  beforeAll(async () => {
    store = await openTestStore(dialect, { referenceData: false });
    for (const id of ['jinmin', 'antipoverty']) await addPartner(store.knex, id);
  });
  afterAll(async () => store.dispose());
  beforeEach(async () => {
    clock = new Date('2026-06-01T02:00:00.000Z');
    await store.knex('delivery_attempts').delete();
    await store.knex('deliveries').delete();
  });

  it('delivers a queued payload to its partner’s endpoint and records the receipt', async () => {
    const { sent, transport } = recordingTransport();
    const queue = queueOn(transport);
    const payload = Buffer.from([0x30, 0x82, 0x00, 0x00, 0xff, 0x00, 0x01]);
    const id = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-05', payload });

    expect(await queue.runDue()).toEqual({ delivered: [id], retrying: [], dead: [] });
    expect(sent).toEqual([{ id, target: 'jinmin', endpointUrl: 'https://jinmin.example/in', kind: 'jinmin-change-set', period: '2026-05', payload, attempt: 1 }]);
    expect(await queue.get(id)).toMatchObject({
      status: 'delivered', attempts: 1, receipt: `{"receiptId":"R${id}"}`, lastError: null, payloadBytes: 7, payloadSm3: sm3Hex(payload),
      deliveredAt: clock.toISOString(), period: '2026-05',
    });
    expect(await queue.attempts(id)).toEqual([{ attempt: 1, startedAt: clock.toISOString(), durationMs: expect.any(Number), outcome: 'delivered', error: null }]);
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [] });
    expect(sent).toHaveLength(1);
  });

  it('stores the payload bytes exactly, binary included', async () => {
    const queue = queueOn(recordingTransport().transport);
    const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const id = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', payload });
    const row = await store.knex('deliveries').where({ id }).first('payload');
    expect(Buffer.from(row.payload).equals(payload)).toBe(true);
  });

  it('retries a failing delivery with exponential backoff and dead-letters it after maxAttempts', async () => {
    const { sent, transport } = recordingTransport(() => true);
    const queue = queueOn(transport, { maxAttempts: 4 });
    const id = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-05', payload: Buffer.from('sealed') });

    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [id], dead: [] });
    expect(await queue.get(id)).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: new Date(clock.getTime() + minute).toISOString() });
    expect((await queue.get(id))!.lastError).toBe('[deliveries] jinmin answered 503 Service Unavailable: maintenance');

    clock = new Date(clock.getTime() + minute - 1);
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [] });
    for (const [waitMinutes, attempts] of [[1, 2], [2, 3]] as const) {
      clock = new Date(clock.getTime() + waitMinutes * minute);
      expect((await queue.runDue()).retrying).toEqual([id]);
      expect(await queue.get(id)).toMatchObject({ attempts, nextAttemptAt: new Date(clock.getTime() + 2 ** (attempts - 1) * minute).toISOString() });
    }
    clock = new Date(clock.getTime() + 4 * minute);
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [id] });
    expect(sent.map((d) => d.attempt)).toEqual([1, 2, 3, 4]);
    expect((await queue.deadLetters()).map((d) => [d.id, d.status, d.attempts])).toEqual([[id, 'dead', 4]]);
    expect((await queue.attempts(id)).map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);

    clock = new Date(clock.getTime() + 24 * 60 * minute);
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [] });
  });

  it('dead-letters at once a package the partner refuses as such (4xx), but retries 408, 425 and 429 like an outage', async () => {
    const statuses = new Map<number, number>();
    const transport: DeliveryTransport = {
      async send(delivery) {
        const status = statuses.get(delivery.id)!;
        throw new DeliveryError('refused', `${delivery.target} answered ${status}: signature does not verify`, { status });
      },
    };
    const queue = queueOn(transport);
    for (const [target, status] of [['jinmin', 422], ['antipoverty', 429]] as const) {
      statuses.set(await queue.enqueue({ target, kind: 'jinmin-change-set', payload: Buffer.from('sealed') }), status);
    }
    const [refused, throttled] = [...statuses.keys()];
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [throttled], dead: [refused] });
    expect(await queue.get(refused!)).toMatchObject({ status: 'dead', attempts: 1, lastError: '[deliveries] jinmin answered 422: signature does not verify' });
    for (const status of [400, 401, 403, 404, 409, 413, 415]) {
      expect(isPermanentRefusal(new DeliveryError('refused', 'x', { status }))).toBe(true);
    }
    for (const status of [408, 425, 429, 500, 502, 503]) {
      expect(isPermanentRefusal(new DeliveryError('refused', 'x', { status }))).toBe(false);
    }
    expect(isPermanentRefusal(new DeliveryError('timeout', 'x'))).toBe(false);
    expect(isPermanentRefusal(new DeliveryError('no-endpoint', 'x'))).toBe(false);
  });

  it('caps the backoff at an hour', () => {
    const backoff = exponentialBackoff();
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoff(n) / minute)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('sends nothing later for a target while an earlier delivery for it is undelivered, and does not hold up other targets', async () => {
    let firstFails = true;
    const { sent, transport } = recordingTransport((d) => d.period === '2026-04' && firstFails);
    const queue = queueOn(transport, { backoff: () => 0 });
    const april = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-04', payload: Buffer.from('april') });
    const may = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', period: '2026-05', payload: Buffer.from('may') });
    const register = await queue.enqueue({ target: 'antipoverty', kind: 'antipoverty-register', period: '2026-05', payload: Buffer.from('register') });

    // A zero backoff makes April due again at once, but one run tries it once and never sends May past it.
    expect(await queue.runDue()).toEqual({ delivered: [register], retrying: [april], dead: [] });
    expect(sent.map((d) => d.id)).toEqual([april, register]);

    firstFails = false;
    expect(await queue.runDue()).toEqual({ delivered: [april, may], retrying: [], dead: [] });
    expect(sent.map((d) => d.id)).toEqual([april, register, april, may]);
  });

  it('holds a target’s later deliveries behind a dead one until it is replayed, then sends them in their original order', async () => {
    let partnerDown = true;
    const { sent, transport } = recordingTransport(() => partnerDown);
    const queue = queueOn(transport, { maxAttempts: 1 });
    const ids = [];
    for (const [target, period] of [['jinmin', '2026-03'], ['antipoverty', '2026-03'], ['jinmin', '2026-04'], ['antipoverty', '2026-04'], ['jinmin', '2026-05']] as const) {
      ids.push(await queue.enqueue({ target, kind: target === 'jinmin' ? 'jinmin-change-set' : 'antipoverty-register', period, payload: Buffer.from(`${target} ${period}`) }));
    }
    const [jinminMarch, antipovertyMarch, jinminApril, antipovertyApril, jinminMay] = ids as [number, number, number, number, number];

    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [jinminMarch, antipovertyMarch] });
    expect((await queue.deadLetters()).map((d) => d.id)).toEqual([jinminMarch, antipovertyMarch]);
    expect((await queue.list({ status: 'queued' })).map((d) => d.id)).toEqual([jinminApril, antipovertyApril, jinminMay]);
    clock = new Date(clock.getTime() + 48 * 60 * minute);
    expect(await queue.runDue()).toEqual({ delivered: [], retrying: [], dead: [] });

    partnerDown = false;
    sent.length = 0;
    expect(await queue.replay([jinminMarch, jinminApril, 999_999])).toEqual([jinminMarch]);
    expect(await queue.get(jinminMarch)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: clock.toISOString() });
    expect((await queue.runDue()).delivered).toEqual([jinminMarch, jinminApril, jinminMay]);
    expect(await queue.replay()).toEqual([antipovertyMarch]);
    expect((await queue.runDue()).delivered).toEqual([antipovertyMarch, antipovertyApril]);
    expect(sent.map((d) => [d.target, d.period, d.attempt])).toEqual([
      ['jinmin', '2026-03', 1], ['jinmin', '2026-04', 1], ['jinmin', '2026-05', 1], ['antipoverty', '2026-03', 1], ['antipoverty', '2026-04', 1],
    ]);
    expect(await queue.deadLetters()).toEqual([]);
    expect((await queue.attempts(jinminMarch)).map((a) => [a.attempt, a.outcome])).toEqual([[1, 'failed'], [1, 'delivered']]);
  });

  it('refuses a delivery to an unknown partner, an empty payload and a malformed period', async () => {
    const queue = queueOn(recordingTransport().transport);
    await expect(queue.enqueue({ target: 'nobody', kind: 'x', payload: Buffer.from('x') })).rejects.toThrow(/no partner "nobody"/);
    await expect(queue.enqueue({ target: 'jinmin', kind: 'x', payload: Buffer.alloc(0) })).rejects.toThrow(/empty/);
    await expect(queue.enqueue({ target: 'jinmin', kind: 'x', period: '2026-13', payload: Buffer.from('x') })).rejects.toThrow(/YYYY-MM/);
  });

  it('records a transport’s error without payload bytes or ID numbers', async () => {
    const transport: DeliveryTransport = {
      async send() {
        throw new Error('peer said: record 11010519491231002X is invalid\n\tat line 3');
      },
    };
    const queue = queueOn(transport);
    const id = await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', payload: Buffer.from('sealed') });
    await queue.runDue();
    expect((await queue.get(id))!.lastError).toBe('peer said: record [ID number] is invalid at line 3');
  });
});

/**
 * Two gateway processes on one database: two stores (two connection pools) on the same PostgreSQL schema, or on the
 * same SQLite file. Each runs runDue() at the same moment, over and over; every delivery must be sent exactly
 * once, and each target's deliveries in id order.
 */
describe.each(dialects)('two gateway processes sharing the queue on %s', (dialect) => {
  let first: TestStore;
  let second: Store;
  let sqliteDir: string | undefined;

  beforeAll(async () => {
    if (dialect === 'pg') {
      first = await openTestStore('pg', { referenceData: false });
      const searchPath = (first.knex.client.config as { searchPath?: string[] }).searchPath;
      second = await withDataKeys(createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: searchPath?.[0] }), first.masterKey);
    } else {
      sqliteDir = await mkdtemp(join(tmpdir(), 'jiuzhu-deliveries-'));
      const filename = join(sqliteDir, 'queue.db');
      const masterKey = randomBytes(32);
      const connection = createStore({ client: 'sqlite', filename });
      await migrateToLatest(connection.knex, { masterKey });
      const store = await withDataKeys(connection, masterKey);
      first = { ...store, masterKey, dispose: () => store.close() };
      second = await withDataKeys(createStore({ client: 'sqlite', filename }), masterKey);
    }
    for (const id of ['t1', 't2', 't3', 't4']) await addPartner(first.knex, id);
  });
  afterAll(async () => {
    await second.close();
    await first.dispose();
    if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await first.knex('delivery_attempts').delete();
    await first.knex('deliveries').delete();
  });

  it('never sends the same delivery twice when both claim at once', async () => {
    const sent: { process: string; id: number; target: string }[] = [];
    const transportFor = (process: string): DeliveryTransport => ({
      async send(delivery) {
        sent.push({ process, id: delivery.id, target: delivery.target });
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
        return { receipt: 'ok' };
      },
    });
    const queues = [first, second].map((store, index) =>
      createDeliveryQueue({ knex: store.knex, dialect, transport: transportFor(`p${index + 1}`), batchSize: 3 }),
    );
    const ids: number[] = [];
    for (let i = 0; i < 60; i++) ids.push(await queues[0]!.enqueue({ target: `t${(i % 4) + 1}`, kind: 'test', payload: Buffer.from(`delivery ${i}`) }));
    // Open the second pool's connections first, so its claims are not all later than the first one's.
    await Promise.all([first, second].map((store) => Promise.all([1, 2, 3].map(() => store.knex.raw('select 1')))));

    // Three workers per process, each running runDue() until nothing is queued: a run that finds every head
    // leased by the other process returns at once, as a scheduled job would, and its worker tries again.
    const delivered: number[] = [];
    const worker = async (queue: (typeof queues)[number]) => {
      while ((await queue.list({ status: 'queued' })).length > 0) {
        delivered.push(...(await queue.runDue()).delivered);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      }
    };
    await Promise.all([0, 1, 0, 1, 0, 1].map((index) => worker(queues[index]!)));

    expect(sent.map((s) => s.id).sort((a, b) => a - b)).toEqual(ids);
    expect(delivered.sort((a, b) => a - b)).toEqual(ids);
    for (const target of ['t1', 't2', 't3', 't4']) {
      const order = sent.filter((s) => s.target === target).map((s) => s.id);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    // Both processes took part; otherwise this would not test anything.
    expect(new Set(sent.map((s) => s.process)).size).toBe(2);
    const rows = await first.knex('deliveries').select('status', 'attempts');
    expect(rows.every((row: { status: string; attempts: number }) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  });
});
