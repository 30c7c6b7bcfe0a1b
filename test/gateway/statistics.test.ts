import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

describe.each(dialects)('GET /v1/statistics/monitoring on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    // 10:00 on 10 June 2024 in Shanghai: "last month", the default, is May 2024.
    t = await buildTestApp(dialect, { now: () => new Date('2024-06-10T10:00:00+08:00') });
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: idNumber('640121', '1970-03-05', 11), name: '马建国', enrolment: { category: '120', startDate: '2024-05-03' } }]);
  });
  afterAll(async () => t.close());

  it('gives a liaison officer the figures of their county, counts only', async () => {
    const liaison = await t.authAs('liaison', '640121');
    const response = await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring?period=2024-05', headers: liaison });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.region.code).toBe('640121');
    expect(body.byRegion.map((r: { code: string }) => r.code)).toEqual(['640121100']);
    expect(body.total).toMatchObject({ newlyIncludedHouseholds: 1, newlyIncludedPersons: 1, warningsPushed: 0 });
    expect(response.body).not.toContain('马建国');
  });

  it('counts last month by the app’s clock when no period is given', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring', headers: await t.authAs('liaison', '640121') });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ period: '2024-05', total: { newlyIncludedHouseholds: 1, newlyIncludedPersons: 1 } });
  });

  it('keeps a township to its own figures', async () => {
    const township = await t.authAs('township', '640121100');
    const own = await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring?period=2024-05', headers: township });
    expect(own.json().region.code).toBe('640121100');
    const county = await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring?period=2024-05&region=640121', headers: township });
    expect(county.statusCode).toBe(403);
    expect(county.json().type).toBe('urn:jiuzhu:problem:out-of-scope');
  });

  it('needs a key and a month', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring?period=2024-05' })).statusCode).toBe(401);
    const liaison = await t.authAs('liaison', '640121');
    expect((await t.app.inject({ method: 'GET', url: '/v1/statistics/monitoring?period=2024-13', headers: liaison })).statusCode).toBe(400);
  });

  it('refuses a month outside the years 1900–2099 with 400, not a 500 (issue 10, finding 3)', async () => {
    const liaison = await t.authAs('liaison', '640121');
    for (const period of ['0000-01', '1899-12', '2100-01']) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/statistics/monitoring?period=${period}`, headers: liaison });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation-failed', errors: [{ in: 'query', parameter: 'period' }] });
    }
  });
});
