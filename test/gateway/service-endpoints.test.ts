import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { DeliveryError } from '../../gateway/deliveries/delivery-error.js';
import { createDeliveryQueue } from '../../gateway/deliveries/delivery-queue.js';
import { createExchange } from '../../gateway/keystore/exchange.js';
import { serverLoggerOptions } from '../../gateway/server.js';
import { readAuditHead, recordAudit } from '../../gateway/store/repositories/audit-log.js';
import { buildTestApp, testPartyId, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

const remote = '203.0.113.9';

/** The value of one sample line of a Prometheus exposition, or undefined when the line is absent. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(/,(?=[a-z_]+=")/).filter(Boolean);
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return undefined;
}

/** A 医保 settlement file: one row that maps, one that Excel broke. */
const settlementCsv = '序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n1,马秀兰,11010519491231002X,住院,2024-05-06,"30,000.00","23,456.78"\n2,李四,1.10105E+17,住院,2024-05-06,"100.00","10.00"\n';

describe.each(dialects)('service endpoints on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  describe('GET /ready', () => {
    it('answers 200 with each check passed once our key pair exists and opens with the master key', async () => {
      t = await buildTestApp(dialect);
      await t.exchange.ownKeys.generate('sm2');
      const response = await t.app.inject({ url: '/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'ready',
        checks: [
          { name: 'database', ok: true, detail: 'reachable' },
          { name: 'migrations', ok: true, detail: 'current' },
          { name: 'keys', ok: true, detail: `own SM2 key pair opens with the master key (party ${testPartyId})` },
        ],
      });
    });

    it('answers 503 naming the keys check while there is no key pair of our own', async () => {
      t = await buildTestApp(dialect);
      const response = await t.app.inject({ url: '/ready' });
      expect(response.statusCode).toBe(503);
      const { status, checks } = response.json();
      expect(status).toBe('not-ready');
      expect(checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([['database', true], ['migrations', true], ['keys', false]]);
      expect(checks[2].detail).toContain('jiuzhu keys gen');
    });

    it('answers 503 when our key pair was sealed under another master key', async () => {
      t = await buildTestApp(dialect);
      const elsewhere = createExchange({ knex: t.store.knex, config: exchangeConfigFrom({ JIUZHU_PARTY_ID: testPartyId }), masterKey: randomBytes(32) });
      await elsewhere.ownKeys.generate('sm2');
      const response = await t.app.inject({ url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks[2]).toMatchObject({ name: 'keys', ok: false, detail: expect.stringContaining('wrong master key') });
    });

    it('answers 503 naming a pending migration (a newer release started before `jiuzhu migrate`)', async () => {
      t = await buildTestApp(dialect);
      await t.exchange.ownKeys.generate('sm2');
      await t.store.knex('knex_migrations').where('name', '024-one-city').delete();
      const response = await t.app.inject({ url: '/ready' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks[1]).toEqual({ name: 'migrations', ok: false, detail: 'pending: 024-one-city; run `jiuzhu migrate`' });
    });

    it('answers 503 on the database check when the store is gone, while /health (liveness) still answers 200', async () => {
      t = await buildTestApp(dialect);
      await t.exchange.ownKeys.generate('sm2');
      await t.store.knex.destroy();
      const ready = await t.app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.every((c: { ok: boolean }) => !c.ok)).toBe(true);
      const health = await t.app.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok', database: dialect });
    });
  });

  describe('GET /metrics', () => {
    it('is open without a key to a client on this machine, and refused to another without an admin key', async () => {
      t = await buildTestApp(dialect);
      expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
      const fromAfar = await t.app.inject({ url: '/metrics', remoteAddress: remote });
      expect(fromAfar.statusCode).toBe(401);
      expect(fromAfar.json().code).toBe('unauthenticated');
      const township = await t.app.inject({ url: '/metrics', remoteAddress: remote, headers: await t.authAs('township', '640121100') });
      expect(township.statusCode).toBe(403);
      const admin = await t.app.inject({ url: '/metrics', remoteAddress: remote, headers: await t.authAs('admin', '640121') });
      expect(admin.statusCode).toBe(200);
      expect(admin.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    });

    it('treats a request a local proxy forwarded for a remote client as remote, whether or not the proxy is trusted', async () => {
      t = await buildTestApp(dialect);
      expect((await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': remote } })).statusCode).toBe(401);
      await t.close();
      t = await buildTestApp(dialect, { trustProxy: '127.0.0.1' });
      expect((await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': remote } })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': `${remote}, 127.0.0.1` } })).statusCode).toBe(401);
      expect((await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(200);
    });

    it('counts requests by route pattern and status, never by the raw URL with its ID number', async () => {
      t = await buildTestApp(dialect);
      const admin = await t.authAs('admin', '640121');
      const idNumber = '11010519491231002X';
      const person = await t.app.inject({ url: `/v1/persons/${idNumber}`, headers: admin });
      await t.app.inject({ url: `/v1/persons/${idNumber}` });
      await t.app.inject({ url: `/v1/no-such-thing/${idNumber}`, headers: admin });
      const body = (await t.app.inject({ url: '/metrics' })).body;
      expect(body).not.toContain(idNumber);
      expect(body).not.toContain('no-such-thing');
      expect(sample(body, 'jiuzhu_http_requests_total', { method: 'GET', route: '/v1/persons/:idNumber', status_code: String(person.statusCode) })).toBe(1);
      expect(sample(body, 'jiuzhu_http_requests_total', { method: 'GET', route: '/v1/persons/:idNumber', status_code: '401' })).toBe(1);
      expect(sample(body, 'jiuzhu_http_requests_total', { method: 'GET', route: '(unmatched)', status_code: '404' })).toBe(1);
      expect(sample(body, 'jiuzhu_http_request_duration_seconds_count', { method: 'GET', route: '/v1/persons/:idNumber', status_code: '401' })).toBe(1);
      // prom-client counts CPU from when the registry was made: on a loaded machine these few requests may not reach
      // one clock tick, so the sample is only required to be there (a number), while the start time must be real.
      expect(sample(body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
      expect(sample(body, 'process_start_time_seconds')).toBeGreaterThan(1_600_000_000);
      expect(sample(body, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    });

    it('counts imports by feed and outcome and comparison runs with their duration', async () => {
      t = await buildTestApp(dialect, { now: () => new Date('2024-10-08T02:00:00Z') });
      const integrator = await t.authAs('integrator', '640121');
      const upload = (query = '') => t.app.inject({ method: 'POST', url: `/v1/feeds/yibao/batches${query}`, headers: { ...integrator, 'content-type': 'text/csv' }, payload: settlementCsv });
      const imported = (await upload()).json();
      await upload();
      await upload('?dryRun=true');
      const refused = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...integrator, 'content-type': 'text/csv' }, payload: 'not,a,settlement\n1,2,3\n' });
      const run = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: integrator, payload: { period: '2024-09' } });
      expect(run.statusCode).toBe(201);
      const body = (await t.app.inject({ url: '/metrics' })).body;
      expect(sample(body, 'jiuzhu_import_batches_total', { feed: 'yibao', outcome: 'imported' })).toBe(1);
      expect(sample(body, 'jiuzhu_import_batches_total', { feed: 'yibao', outcome: 'duplicate' })).toBe(1);
      expect(sample(body, 'jiuzhu_import_batches_total', { feed: 'yibao', outcome: 'dry-run' })).toBe(1);
      expect(refused.json().code).toBe('file-refused');
      expect(sample(body, 'jiuzhu_import_batches_total', { feed: 'yibao', outcome: 'refused' })).toBe(1);
      expect(imported.accepted + imported.rejected).toBe(2);
      expect(sample(body, 'jiuzhu_import_rows_total', { feed: 'yibao', outcome: 'accepted' })).toBe(imported.accepted);
      expect(sample(body, 'jiuzhu_import_rows_total', { feed: 'yibao', outcome: 'rejected' })).toBe(imported.rejected);
      expect(sample(body, 'jiuzhu_comparison_runs_total', { mode: 'full', outcome: 'ok' })).toBe(1);
      expect(sample(body, 'jiuzhu_comparison_run_duration_seconds_count', { mode: 'full' })).toBe(1);
    });

    it('reads deliveries waiting and dead-lettered, and the audit chain head, from the store at each scrape', async () => {
      t = await buildTestApp(dialect);
      await t.store.knex('partners').insert(['jinmin', 'antipoverty'].map((id) => ({ id, name: id, envelope_format: 'gmt0010', allowed_sources: '[]', created_at: new Date().toISOString(), endpoint_url: `https://${id}.example/in` })));
      const queue = createDeliveryQueue({
        knex: t.store.knex, dialect, maxAttempts: 1,
        transport: { send: async () => { throw new DeliveryError('refused', 'antipoverty answered 400 Bad Request', { status: 400 }); } },
      });
      await queue.enqueue({ target: 'antipoverty', kind: 'antipoverty-register', payload: Buffer.from('sealed') });
      await queue.runDue();
      await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', payload: Buffer.from('sealed') });
      await queue.enqueue({ target: 'jinmin', kind: 'jinmin-change-set', payload: Buffer.from('sealed again') });
      for (let i = 0; i < 3; i += 1) await recordAudit(t.store.knex, null, { action: 'auth.failed', outcome: 'denied', detail: `test ${i}` });
      const body = (await t.app.inject({ url: '/metrics' })).body;
      expect(sample(body, 'jiuzhu_deliveries_pending')).toBe(2);
      expect(sample(body, 'jiuzhu_deliveries_dead_lettered')).toBe(1);
      const head = (await readAuditHead(t.store.knex))?.seq ?? 0;
      expect(head).toBeGreaterThanOrEqual(3);
      expect(sample(body, 'jiuzhu_audit_chain_head_seq')).toBe(head);
    });
  });

  describe('X-Request-Id', () => {
    it('answers every request with one — success, 401, 404, a URL the router refuses — keeping a well-formed incoming one', async () => {
      const lines: string[] = [];
      t = await buildTestApp(dialect, { logger: serverLoggerOptions('info', { write: (line) => lines.push(line) }) });
      for (const url of ['/health', '/v1/households', '/v1/nothing-here', '/v1/persons/%E0%A4%A']) {
        const kept = await t.app.inject({ url, headers: { 'x-request-id': 'proxy-4bf92f3577b34da6' } });
        expect(kept.headers['x-request-id'], url).toBe('proxy-4bf92f3577b34da6');
        const fresh = await t.app.inject({ url });
        expect(fresh.headers['x-request-id'], url).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      const unauthorised = await t.app.inject({ url: '/v1/households', headers: { 'x-request-id': 'trace-401' } });
      expect(unauthorised.json().requestId).toBe('trace-401');
      const logged = lines.map((line) => JSON.parse(line) as { reqId?: string; msg: string });
      expect(logged.filter((entry) => entry.reqId === 'trace-401').map((entry) => entry.msg)).toEqual(['incoming request', 'request completed']);
    });

    it('makes a fresh one for an incoming id that is too long, has unsafe characters or is sent twice', async () => {
      t = await buildTestApp(dialect);
      for (const incoming of ['x'.repeat(41), 'a b', 'id"><script>', '', 'ok\u00e9']) {
        const response = await t.app.inject({ url: '/health', headers: { 'x-request-id': incoming } });
        expect(response.headers['x-request-id'], JSON.stringify(incoming)).not.toBe(incoming);
        expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
      const twice = await t.app.inject({ url: '/health', headers: { 'x-request-id': ['one', 'two'] } });
      expect(twice.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      // The longest kept fits the audit log's column: an audited read with it is recorded under it.
      const longest = `${'a'.repeat(39)}Z`;
      const read = await t.app.inject({ url: '/v1/households', headers: { ...(await t.authAs('admin', '640121')), 'x-request-id': longest } });
      expect(read.statusCode).toBe(200);
      expect(read.headers['x-request-id']).toBe(longest);
      expect(await t.store.knex('audit_log').where('request_id', longest).count({ n: '*' }).first()).toEqual({ n: 1 });
    });
  });
});
