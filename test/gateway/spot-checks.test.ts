import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

/** 9 October 2024, 10:00 in Shanghai. */
const now = () => new Date('2024-10-09T02:00:00Z');

describe.each(dialects)('the spot-check API on %s', (dialect) => {
  let t: TestApp;
  let admin: { authorization: string };
  let township: { authorization: string };
  let auditor: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now });
    for (let i = 0; i < 6; i += 1) {
      await addHousehold(t.store.knex, i < 4 ? '640121100200' : '640121101200', [{ idNumber: idNumber('640121', '1958-05-05', 500 + i), name: `抽查户${i}`, enrolment: { category: '120', startDate: '2024-01-01' } }]);
    }
    admin = await t.authAs('admin', '640121');
    township = await t.authAs('township', '640121100');
    auditor = await t.authAs('auditor', '640121');
  }, 60_000);
  afterAll(async () => t.close());

  it('draws with a given seed, shows the sample to an auditor, records a result and refuses a redraw without a reason', async () => {
    const seed = '0123456789abcdef0123456789abcdef';
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/spot-checks', headers: admin, payload: { regionCode: '640121', population: 'enrolled-households', period: '2024-Q3', size: { count: 3 }, seed } });
    expect(drawn.statusCode).toBe(201);
    const draw = drawn.json();
    expect(draw).toMatchObject({ seed, seedGiven: true, populationCount: 6, sampleSize: 3, period: { text: '2024-Q3', from: '2024-07-01', to: '2024-09-30' }, superseded: null, drawnBy: expect.any(String) });
    expect(drawn.headers.location).toBe(`/v1/spot-checks/${draw.id}`);

    const again = (await t.app.inject({ method: 'POST', url: '/v1/spot-checks', headers: admin, payload: { regionCode: '640121', population: 'enrolled-households', period: '2024-Q3', size: { count: 3 }, seed } })).json();
    expect(again.items.map((i: { ref: string }) => i.ref)).toEqual(draw.items.map((i: { ref: string }) => i.ref));

    const shown = await t.app.inject({ method: 'GET', url: `/v1/spot-checks/${draw.id}`, headers: auditor });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().verification).toMatchObject({ populationUnchanged: true, sampleReproduced: true });
    const read = await t.store.knex('audit_log').where({ action: 'spot-check.read', resource_id: String(draw.id) }).first('id');
    const named = await t.store.knex('audit_subjects').where({ audit_id: read.id }).count({ n: '*' }).first();
    expect(Number(named!.n)).toBe(3);

    const own = draw.items.find((i: { township: { code: string } }) => i.township.code === '640121100');
    const url = `/v1/spot-checks/${draw.id}/items/${own.id}/result`;
    const recorded = await t.app.inject({ method: 'POST', url, headers: township, payload: { result: 'unverifiable', findings: '户主外出务工，家中无人', checker: '杨和镇民政办', checkedOn: '2024-10-09' } });
    expect(recorded.statusCode).toBe(200);
    expect(recorded.json().items.every((i: { township: { code: string } }) => i.township.code === '640121100')).toBe(true);
    const unchanged = await t.app.inject({ method: 'POST', url, headers: township, payload: { result: 'passed', checker: '杨和镇民政办', checkedOn: '2024-10-09' } });
    expect(unchanged.statusCode).toBe(400);
    expect(unchanged.json().code).toBe('validation-failed');
    const future = await t.app.inject({ method: 'POST', url, headers: township, payload: { result: 'passed', checker: '杨和镇民政办', checkedOn: '2024-10-10', reason: '补充核查' } });
    expect(future.statusCode).toBe(400);

    const noReason = await t.app.inject({ method: 'POST', url: `/v1/spot-checks/${draw.id}/redraw`, headers: admin, payload: {} });
    expect(noReason.statusCode).toBe(400);
    const byTownship = await t.app.inject({ method: 'POST', url: `/v1/spot-checks/${draw.id}/redraw`, headers: township, payload: { reason: '重抽' } });
    expect(byTownship.statusCode).toBe(403);
    const redrawn = await t.app.inject({ method: 'POST', url: `/v1/spot-checks/${draw.id}/redraw`, headers: admin, payload: { reason: '抽样期间错误' } });
    expect(redrawn.statusCode).toBe(201);
    expect(redrawn.json()).toMatchObject({ redrawOf: draw.id, seedGiven: false });

    const current = (await t.app.inject({ method: 'GET', url: '/v1/spot-checks?period=2024-Q3', headers: auditor })).json();
    expect(current.items.map((d: { id: number }) => d.id)).toEqual([again.id, redrawn.json().id]);
    const all = (await t.app.inject({ method: 'GET', url: '/v1/spot-checks?period=2024-Q3&superseded=true', headers: auditor })).json();
    const old = all.items.find((d: { id: number }) => d.id === draw.id);
    expect(old.superseded).toMatchObject({ reason: '抽样期间错误', byDraw: redrawn.json().id });
    expect(old.totals).toEqual({ items: 3, passed: 0, problem: 0, unverifiable: 1, unchecked: 2 });
  });
});
