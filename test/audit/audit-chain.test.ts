import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { importFeedFile } from '../../gateway/feeds/import-feed.js';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import * as auditChainMigration from '../../gateway/store/migrations/013-audit-chain.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { readAuditHead, recordAudit } from '../../gateway/store/repositories/audit-log.js';
import { appendSampleEntries, chainKeys, township } from '../helpers/audit-chain.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const sm3 = (text: string) => createHash('sm3').update(text, 'utf8').digest('hex');

describe.each(dialects)('appending to the audit chain on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('chains each entry to the one before it: SM3 over the previous hash in hex and the canonical JSON, subjects included', async () => {
    await recordAudit(store.knex, township, { action: 'household.read', outcome: 'ok', resourceType: 'household', resourceId: '42', regionCode: '640121100', subjectPersonIds: [9, 3, 9] });
    await recordAudit(store.knex, null, { action: 'auth.failed', outcome: 'denied', detail: '3 failures from 10.0.0.0/24 — 三次' });
    const [first, second] = await store.knex('audit_log').orderBy('seq').select();
    // The format docs/audit-log.md publishes, written out by hand: keys sorted, no spaces, the subjects sorted and once each.
    const firstBytes = `{"action":"household.read","actorKeyId":7,"actorLabel":"test township","actorRole":"township","at":"${first.at}","detail":null,` +
      '"outcome":"ok","position":1,"regionCode":"640121100","requestId":"req-1","resourceId":"42","resourceType":"household","subjectPersonIds":[3,9]}';
    const secondBytes = `{"action":"auth.failed","actorKeyId":null,"actorLabel":null,"actorRole":null,"at":"${second.at}","detail":"3 failures from 10.0.0.0/24 — 三次",` +
      '"outcome":"denied","position":2,"regionCode":null,"requestId":null,"resourceId":null,"resourceType":null,"subjectPersonIds":[]}';
    expect(first).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64), hash: sm3(`${'0'.repeat(64)}${firstBytes}`) });
    expect(second).toMatchObject({ seq: 2, prev_hash: first.hash, hash: sm3(`${first.hash}${secondBytes}`) });
    expect(await readAuditHead(store.knex)).toEqual({ seq: 2, hash: second.hash });
    expect(second.at >= first.at).toBe(true);
  });

  it('keeps an entry whole whose text holds a lone UTF-16 surrogate, which each database stores in its own way', async () => {
    await recordAudit(store.knex, { ...township, label: 'half \uD83D' }, { action: 'referral.transition', outcome: 'ok', detail: `${'x'.repeat(999)}\uD83D\uDE00 cut in two` });
    const entry = await store.knex('audit_log').orderBy('seq', 'desc').first('detail', 'actor_label');
    expect(entry).toEqual({ detail: 'x'.repeat(999), actor_label: 'half \uFFFD' });
    expect((await chainKeys(store.knex).verify()).ok).toBe(true);
  });

  it('leaves no gap when the transaction an entry was part of rolls back', async () => {
    const before = await readAuditHead(store.knex);
    await expect(store.knex.transaction(async (trx) => {
      await recordAudit(trx, township, { action: 'warning.transition', outcome: 'ok' });
      throw new Error('the change failed after its entry was written');
    })).rejects.toThrow(/change failed/);
    expect(await readAuditHead(store.knex)).toEqual(before);
    await recordAudit(store.knex, township, { action: 'warning.transition', outcome: 'ok' });
    expect((await readAuditHead(store.knex))?.seq).toBe(before!.seq + 1);
    expect((await chainKeys(store.knex).verify()).ok).toBe(true);
  });

  it('chains what the bulk loaders append, inside their own transactions', async () => {
    const seeded = await seedDemoCounty(store, commandLineActor(), { countyCode: '640121', households: 20, seed: 3, asOf: '2024-06-30' });
    const imported = await importFeedFile(store, {
      source: 'yibao', actor: commandLineActor(), today: '2024-07-10',
      input: { fileName: 'yibao.csv', bytes: Buffer.from('序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n1,马秀兰,11010519491231002X,住院,2024-06-03,"1,000.00",800.00\n') },
    });
    const entries = await store.knex('audit_log').orderBy('seq', 'desc').limit(2).select('action', 'resource_id');
    expect(entries).toEqual([{ action: 'feed.import', resource_id: String(imported.batchId) }, { action: 'demo.seed', resource_id: String(seeded.batchId) }]);
    expect(await chainKeys(store.knex).verify()).toMatchObject({ ok: true });
  });
});

describe.each(dialects)('upgrading a store with an audit log to the chain on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('chains the entries written before migration 013 in id order, a page at a time, with their subjects, so the upgraded store verifies', async () => {
    await auditChainMigration.down(store.knex);
    const old = (n: number) => ({ at: new Date(Date.UTC(2024, 4, 1) + n * 60_000).toISOString(), actor_role: 'township', actor_label: 'old', action: 'person.read', outcome: 'ok', detail: `read ${n}` });
    await store.knex.batchInsert('audit_log', Array.from({ length: 2100 }, (_, n) => old(n + 1)), 300);
    const ids = (await store.knex('audit_log').orderBy('id').pluck('id')).map(Number);
    await store.knex('audit_subjects').insert([{ audit_id: ids[1], person_id: 8 }, { audit_id: ids[1], person_id: 5 }, { audit_id: ids[1500], person_id: 5 }]);
    await auditChainMigration.up(store.knex);

    const rows = await store.knex('audit_log').orderBy('id').select('seq', 'prev_hash', 'hash');
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 2100 }, (_, i) => i + 1));
    expect(rows[1000].prev_hash).toBe(rows[999].hash);
    expect(await readAuditHead(store.knex)).toEqual({ seq: 2100, hash: rows[2099].hash });
    await appendSampleEntries(store.knex, 2);
    const keys = chainKeys(store.knex);
    await keys.checkpointer.checkpoint();
    expect(await keys.verify()).toMatchObject({ ok: true, entries: 2103, checkpoints: 1 });
    await store.knex('audit_subjects').where({ audit_id: ids[1500], person_id: 5 }).delete();
    expect((await keys.verify()).problem).toMatchObject({ kind: 'edited', position: 1501 });
  });
});

/**
 * Several gateway processes on one database. PostgreSQL: two connection pools appending at once, a hundred
 * entries each, many at a time. SQLite: two child processes (as `jiuzhu` on the command line beside a
 * server) and this one appending to the same file, waiting on its write lock within busy_timeout.
 */
describe.each(dialects)('appending from several processes at once on %s', (dialect) => {
  let first: StoreConnection;
  let second: StoreConnection | undefined;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    if (dialect === 'pg') {
      const test = await openTestStore('pg', { referenceData: false });
      const searchPath = (test.knex.client.config as { searchPath?: string[] }).searchPath;
      first = test;
      second = createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL!, searchPath: searchPath?.[0] });
      cleanUp = async () => {
        await second!.close();
        await test.dispose();
      };
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'jiuzhu-audit-chain-'));
      first = createStore({ client: 'sqlite', filename: join(dir, 'chain.db') });
      await migrateToLatest(first.knex);
      cleanUp = async () => {
        await first.close();
        await rm(dir, { recursive: true, force: true });
      };
    }
  });
  afterAll(async () => cleanUp());

  it('never forks the chain: every position taken once, every entry linked to the one before', async () => {
    const append = (store: StoreConnection, label: string, count: number) =>
      Promise.all(Array.from({ length: count }, (_, n) => recordAudit(store.knex, { ...township, label }, { action: 'test.append', outcome: 'ok', resourceId: String(n), subjectPersonIds: [n] })));
    if (second) {
      await Promise.all([append(first, 'one', 100), append(second, 'two', 100)]);
    } else {
      const filename = (first.knex.client.config as { connection: { filename: string } }).connection.filename;
      const children = ['child-a', 'child-b'].map((label) =>
        spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../helpers/append-audit-entries.ts', import.meta.url)), filename, '60', label], { stdio: ['pipe', 'pipe', 'inherit'] }));
      await Promise.all(children.map((child) => once(child.stdout, 'data')));
      for (const child of children) child.stdin.end('go\n');
      const [, ...exits] = await Promise.all([append(first, 'parent', 60), ...children.map((child) => once(child, 'exit'))]);
      expect(exits).toEqual([[0, null], [0, null]]);
    }
    const total = dialect === 'pg' ? 200 : 180;
    expect(await readAuditHead(first.knex)).toMatchObject({ seq: total });
    const labels = await first.knex('audit_log').orderBy('seq').pluck('actor_label');
    // Interleaved, not one process after the other: the test would prove nothing if the appends never met.
    expect(labels.filter((label, i) => i > 0 && label !== labels[i - 1]).length).toBeGreaterThan(2);
    expect(await chainKeys(first.knex).verify()).toMatchObject({ ok: true, entries: total });
  }, 60_000);
});
