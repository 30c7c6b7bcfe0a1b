import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { householdBody, idNumbers } from '../helpers/households.js';

const publicRoutes = (url: string) => url === '/health' || url === '/ready' || url === '/docs' || url.startsWith('/docs/');

describe.each(dialects)('access control and audit on %s', (dialect) => {
  let t: TestApp;
  let ownTownship: string;
  let otherTownship: string;
  let householdId: number;

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    [ownTownship, otherTownship] = await t.store.knex('regions').where({ level: 'township', parent_code: '640121' }).orderBy('code').limit(2).pluck('code');
    const created = await t.app.inject({ method: 'POST', url: '/v1/households', headers: await t.authAs('township', ownTownship!), payload: householdBody(ownTownship!) });
    expect(created.statusCode).toBe(201);
    householdId = created.json().id;
  });
  afterAll(async () => t.close());

  // From another machine, so /metrics (open to this one) is guarded too.
  it('answers 401 without a key on every route but /health, /ready and /docs', async () => {
    const guarded = t.app.routeTable.filter((r) => !publicRoutes(r.url) && r.method !== 'OPTIONS');
    expect(guarded.length).toBeGreaterThanOrEqual(6);
    for (const route of guarded) {
      const url = route.url.replace(':idNumber', idNumbers.head).replace(/:[A-Za-z]+/g, '1').replace('*', 'x');
      const response = await t.app.inject({ method: route.method as 'GET', url, payload: route.method === 'POST' ? {} : undefined, remoteAddress: '203.0.113.9' });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({ route: `${route.method} ${route.url}`, status: 401 });
      if (route.method !== 'HEAD') expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 401 for a wrong or revoked key', async () => {
    const wrong = await t.app.inject({ method: 'GET', url: '/v1/regions', headers: { authorization: 'Bearer jz_not-a-key' } });
    expect(wrong.statusCode).toBe(401);
    const headers = await t.authAs('admin', '640121');
    await t.store.knex('api_keys').update({ revoked_at: new Date().toISOString() });
    const revoked = await t.app.inject({ method: 'GET', url: '/v1/regions', headers });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().type).toBe('urn:jiuzhu:problem:unauthenticated');
  });

  it('serves /health and the API docs without a key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', database: dialect });
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('shows a township key its own township’s person, masked', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head.toLowerCase()}`, headers: await t.authAs('township', ownTownship!) });
    expect(response.statusCode).toBe(200);
    const person = response.json();
    expect(person.idNumber).toBe('110105********002X');
    expect(person.idNumberMasked).toBe(true);
    expect(person.bankAccount.accountNumber).toBe('***************8901');
    expect(person.name).toBe('马秀兰');
  });

  it('hides another township’s person as not found, the same answer as for nobody', async () => {
    const headers = await t.authAs('township', otherTownship!);
    const other = await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers });
    const nobody = await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.child}`, headers });
    expect(other.statusCode).toBe(404);
    expect(nobody.statusCode).toBe(404);
    expect(other.json().detail).toBe(nobody.json().detail);
    expect((await t.app.inject({ method: 'GET', url: `/v1/households/${householdId}`, headers })).statusCode).toBe(404);
  });

  it('forbids personal data to a liaison key and a household write to a finance key', async () => {
    const liaison = await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: await t.authAs('liaison', '640121') });
    expect(liaison.statusCode).toBe(403);
    const finance = await t.app.inject({ method: 'POST', url: '/v1/households', headers: await t.authAs('finance', '640121'), payload: householdBody(ownTownship!) });
    expect(finance.statusCode).toBe(403);
    expect(finance.json().code).toBe('forbidden');
  });

  it('unmasks the ID number for an auditor and the bank account only for finance', async () => {
    const auditor = (await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: await t.authAs('auditor', '640121') })).json();
    expect(auditor.idNumber).toBe(idNumbers.head);
    expect(auditor.bankAccount.accountNumber).toMatch(/^\*+8901$/);
    const finance = (await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: await t.authAs('finance', '640121') })).json();
    expect(finance.bankAccount.accountNumber).toBe('6231940012345678901');
    expect(finance.bankAccountMasked).toBe(false);
  });

  it('logs every read of personal data by a key — allowed and denied — under the person read', async () => {
    const personId = (await t.store.knex('persons').where('name', '马秀兰').first('id')).id as number;
    const before = await t.store.knex('audit_log').count({ n: '*' }).first();
    const key = await t.authAs('township', ownTownship!);
    await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: key });
    await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}/assistance-chain`, headers: key });
    await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: await t.authAs('township', otherTownship!) });
    await t.app.inject({ method: 'GET', url: `/v1/persons/${idNumbers.head}`, headers: await t.authAs('liaison', '640121') });
    const entries = await t.store.knex('audit_log').where('id', '>', 0).orderBy('id', 'desc').limit(4);
    expect(entries.map((e) => [e.action, e.outcome, e.actor_role]).reverse()).toEqual([
      ['person.read', 'ok', 'township'],
      ['person.assistance-chain.read', 'ok', 'township'],
      ['person.read', 'not-found', 'township'],
      ['person.read', 'denied', 'liaison'],
    ]);
    const after = await t.store.knex('audit_log').count({ n: '*' }).first();
    expect(Number(after?.n) - Number(before?.n)).toBe(4);
    const subjects = await t.store.knex('audit_subjects').whereIn('audit_id', entries.slice(2).map((e) => e.id)).pluck('person_id');
    expect(subjects).toEqual([personId, personId]);
    const text = JSON.stringify(await t.store.knex('audit_log').select());
    expect(text).not.toContain(idNumbers.head);
  });
});
