import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

describe.each(dialects)('POST /v1/self-check on %s', (dialect) => {
  let t: TestApp;
  const auditCount = async () => Number((await t.store.knex('audit_log').count({ n: '*' }).first())?.n);

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-09-10T10:00:00+08:00') });
  });
  afterAll(async () => t.close());

  it('answers any key with the programmes a household may qualify for, and stores nothing', async () => {
    const headers = await t.authAs('liaison', '640121');
    const before = await auditCount();
    const response = await t.app.inject({
      method: 'POST', url: '/v1/self-check', headers,
      payload: { regionCode: '640121', urban: false, householdIncomeFen: 140000, rigidExpenditureFen: 30000, members: [{ birthDate: '1970-01-01' }, { birthDate: '1971-01-01' }] },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ month: '2024-09', standards: { region: '640121', example: true } });
    expect(response.json().programmes.filter((p: { mayQualify: boolean }) => p.mayQualify).map((p: { programme: string }) => p.programme)).toEqual(['dibao-edge', 'rigid-expenditure']);
    expect(await auditCount()).toBe(before);
  });

  it('refuses a region without standards and a body that asks for names or ID numbers', async () => {
    const headers = await t.authAs('township', '640121100');
    const region = await t.app.inject({ method: 'POST', url: '/v1/self-check', headers, payload: { regionCode: '110101', urban: true, members: [{ birthDate: '1990-01-01' }] } });
    expect(region.statusCode).toBe(422);
    expect(region.json()).toMatchObject({ code: 'unknown-region', errors: [{ pointer: '/regionCode' }] });
    const named = await t.app.inject({ method: 'POST', url: '/v1/self-check', headers, payload: { regionCode: '640121', urban: true, members: [{ birthDate: '1990-01-01', idNumber: '640121199001010011' }] } });
    expect(named.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/v1/self-check', payload: { regionCode: '640121', urban: true, members: [] } })).statusCode).toBe(401);
  });
});
