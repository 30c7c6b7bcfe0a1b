import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { householdBody, idNumbers } from '../helpers/households.js';
import { keyOf } from '../helpers/monitoring.js';

const tables = ['households', 'persons', 'bank_accounts', 'enrolments', 'enrolment_events'] as const;

describe.each(dialects)('households API on %s', (dialect) => {
  let t: TestApp;
  let township: string;
  let headers: { authorization: string };

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = Number((await t.store.knex(table).count({ n: '*' }).first())?.n);
    return counts;
  }

  async function expectProblem(payload: unknown, status: number, code: string, pointers: string[]): Promise<void> {
    const before = await rowCounts();
    const response = await t.app.inject({ method: 'POST', url: '/v1/households', headers, payload: payload as object });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ type: `urn:jiuzhu:problem:${code}`, status, code, instance: '/v1/households' });
    expect(problem.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([...pointers].sort());
    expect(await rowCounts()).toEqual(before);
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    township = (await t.store.knex('regions').where({ level: 'township', parent_code: '640121' }).orderBy('code').first('code')).code;
  });
  beforeEach(async () => {
    headers = await t.authAs('township', township);
  });
  afterAll(async () => t.close());

  it('refuses invalid ID numbers, naming each member, and writes nothing', async () => {
    const body = householdBody(township);
    body.members[0]!.idNumber = '110105194912310021';
    body.members[1]!.idNumber = '1.10105E+17';
    await expectProblem(body, 400, 'invalid-id-number', ['/members/0/idNumber', '/members/1/idNumber']);
  });

  it('refuses unknown region codes and a county given for a township', async () => {
    await expectProblem(householdBody(township, { registeredRegionCode: '640121999', residenceRegionCode: '640121' }), 422, 'unknown-region', [
      '/registeredRegionCode',
      '/residenceRegionCode',
    ]);
  });

  it('refuses malformed bodies with every failing field', async () => {
    const body = { ...householdBody(township), surplus: true, monthlyIncomeFen: 12.5 } as Record<string, unknown>;
    (body.members as Record<string, unknown>[])[0]!.name = '';
    delete (body.members as Record<string, unknown>[])[1]!.relation;
    await expectProblem(body, 400, 'validation-failed', ['/surplus', '/monthlyIncomeFen', '/members/0/name', '/members/1/relation']);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/households', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"members": [' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('validation-failed');
  });

  it('refuses codes outside the national tables and households without exactly one head', async () => {
    const body = householdBody(township);
    body.members[0]!.ethnicity = '77';
    await expectProblem(body, 422, 'unknown-code', ['/members/0/ethnicity']);
    const headless = householdBody(township);
    headless.members[0]!.relation = '10';
    await expectProblem(headless, 422, 'inconsistent-household', ['/members']);
  });

  it('refuses overlapping basic-living enrolments in one request', async () => {
    const body = householdBody(township);
    body.members[0]!.enrolments = [
      { category: '120', startDate: '2023-01-01' },
      { category: '132', startDate: '2024-01-01', endDate: '2024-12-31' },
    ];
    await expectProblem(body, 422, 'inconsistent-household', ['/members/0/enrolments/1']);
  });

  it('refuses a household outside the key’s township', async () => {
    const other = (await t.store.knex('regions').where({ level: 'township', parent_code: '500114' }).first('code')).code;
    const response = await t.app.inject({ method: 'POST', url: '/v1/households', headers, payload: householdBody(other) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('out-of-scope');
  });

  it('stores a valid household in normalised form, logs it, and refuses the same people twice', async () => {
    const body = householdBody(township);
    body.members[0]!.idNumber = ` '${idNumbers.head.toLowerCase()} `;
    const created = await t.app.inject({ method: 'POST', url: '/v1/households', headers, payload: body });
    expect(created.statusCode).toBe(201);
    const household = created.json();
    expect(created.headers.location).toBe(`/v1/households/${household.id}`);
    expect(household.members.map((m: { name: string }) => m.name)).toEqual(['马秀兰', '马晓燕']);
    expect(household.members[0].gender).toEqual({ code: '2', name: '女' });
    expect(household.members[0].enrolments[0]).toMatchObject({ category: '120', monthlyAmountFen: 64_000, endDate: null });
    expect(await t.store.knex('persons').where('id_key', keyOf(t.store.knex, idNumbers.head)).first('id')).toBeDefined();
    const audit = await t.store.knex('audit_log').where({ action: 'household.create', outcome: 'ok' }).orderBy('id', 'desc').first();
    expect(audit.resource_id).toBe(String(household.id));

    await expectProblem(householdBody(township), 409, 'person-exists', ['/members/0/idNumber', '/members/1/idNumber']);
  });

  it('lists households a page at a time within scope', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/households?limit=1', headers });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ headName: '马秀兰', memberCount: 2, categories: ['120'] });
    const second = await t.app.inject({ method: 'GET', url: `/v1/households?limit=1&after=${page.next}`, headers });
    expect(second.json()).toEqual({ items: [], next: null });
  });
});
