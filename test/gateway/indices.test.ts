import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndexFormula } from '../../gateway/indices/index-formula.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addIndexHouseholds, type IndexHouseholds } from '../indices/index-households.js';

const formula = loadIndexFormula();

describe.each(dialects)('poverty and need indices API on %s', (dialect) => {
  let t: TestApp;
  let ids: IndexHouseholds;
  const memberIds = async (householdId: number) =>
    (await t.store.knex('persons').where('household_id', householdId).orderBy('id').select('id')).map((row: { id: number }) => Number(row.id));
  const lastAudit = async (action: string) => {
    const entry = await t.store.knex('audit_log').where('action', action).orderBy('id', 'desc').first();
    const subjects = (await t.store.knex('audit_subjects').where('audit_id', entry.id).orderBy('person_id').select('person_id')).map((row: { person_id: number }) => Number(row.person_id));
    return { outcome: entry.outcome, role: entry.actor_role, resource: `${entry.resource_type}:${entry.resource_id}`, subjects };
  };

  beforeAll(async () => {
    // 10:00 on 10 June 2024 in Shanghai: "last month", the default, is May 2024.
    t = await buildTestApp(dialect, { now: () => new Date('2024-06-10T10:00:00+08:00') });
    ids = await addIndexHouseholds(t.store.knex);
  });
  afterAll(async () => t.close());

  it('answers a household’s indices with every part explained, and audits the read with its members', async () => {
    const township = await t.authAs('township', '640121100');
    const response = await t.app.inject({ url: `/v1/households/${ids.family}/indices?period=2024-05`, headers: township });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ householdId: ids.family, headName: '马建国', memberCount: 3, period: '2024-05', formula: { id: 'default', sm3: formula.sm3 } });
    expect(body.poverty.score).toBe(89.67);
    expect(body.need.score).toBe(46.49);
    expect(body.need.components.find((c: { id: string }) => c.id === 'months-enrolled')).toEqual({
      id: 'months-enrolled', title: '近 24 个月在保月数', why: formula.formula.need.components.find((c) => c.id === 'months-enrolled')!.why,
      rawValue: 17, unit: 'months', perMember: false, scoring: 'linear: 0 at 0, 100 at 24', normalisedScore: 70.83, weight: 5, contribution: 3.54,
    });
    // No ID number appears anywhere in the answer, masked or not.
    expect(JSON.stringify({ ...body, formula: null })).not.toMatch(/\d{6}(\d{8}|\*{8})\d{3}[\dX]/);
    expect(await lastAudit('indices.read')).toEqual({ outcome: 'ok', role: 'township', resource: `household:${ids.family}`, subjects: await memberIds(ids.family) });
  });

  it('scores last month by the app’s clock when no period is given', async () => {
    const township = await t.authAs('township', '640121100');
    const one = (await t.app.inject({ url: `/v1/households/${ids.family}/indices`, headers: township })).json();
    expect(one).toMatchObject({ period: '2024-05', poverty: { score: 89.67 }, need: { score: 46.49 } });
    const list = (await t.app.inject({ url: '/v1/indices?township=640121100', headers: township })).json();
    expect(list).toMatchObject({ period: '2024-05', matched: 2 });
  });

  it('makes a key wider than a county name a township, since the list scores every household of the region', async () => {
    const province = await t.authAs('auditor', '640000');
    const refused = await t.app.inject({ url: '/v1/indices?period=2024-05', headers: province });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation-failed', errors: [{ in: 'query', parameter: 'township', detail: 'required for a key wider than a county' }] });
    const named = await t.app.inject({ url: '/v1/indices?township=640121100&period=2024-05', headers: province });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().matched).toBe(2);
    const county = await t.app.inject({ url: '/v1/indices?period=2024-05', headers: await t.authAs('auditor', '640121') });
    expect(county.statusCode, county.body).toBe(200);
  });

  it('ranks the households of a township by need, then by poverty, for active discovery', async () => {
    const county = await t.authAs('township', '640121');
    const byNeed = await t.app.inject({ url: '/v1/indices?township=640121100&period=2024-05', headers: county });
    expect(byNeed.statusCode, byNeed.body).toBe(200);
    const list = byNeed.json();
    expect(list).toMatchObject({ period: '2024-05', regionCode: '640121100', formula: { id: 'default' }, matched: 2 });
    expect(list.items.map((h: { householdId: number; need: { score: number } }) => [h.householdId, h.need.score])).toEqual([[ids.family, 46.49], [ids.elder, 30]]);
    expect(list.items[0].need.components).toHaveLength(7);
    expect((await lastAudit('indices.list')).subjects).toEqual([...(await memberIds(ids.family)), ...(await memberIds(ids.elder))].sort((a, b) => a - b));

    const byPoverty = (await t.app.inject({ url: '/v1/indices?period=2024-05&order=poverty', headers: county })).json();
    expect(byPoverty.items.map((h: { householdId: number; poverty: { score: number } }) => [h.householdId, h.poverty.score])).toEqual([
      [ids.family, 89.67], [ids.worker, 30], [ids.elder, 10],
    ]);
    // The elder's chronic illness is not 重病 (gateway/store/serious-illness.ts), so its need stops at 30.
    const needy = (await t.app.inject({ url: '/v1/indices?period=2024-05&minNeed=30&minPoverty=10', headers: county })).json();
    expect(needy.items.map((h: { householdId: number }) => h.householdId)).toEqual([ids.family, ids.elder]);
    const top = (await t.app.inject({ url: '/v1/indices?period=2024-05&limit=1', headers: county })).json();
    expect(top).toMatchObject({ regionCode: '640121', matched: 3 });
    expect(top.items.map((h: { householdId: number }) => h.householdId)).toEqual([ids.family]);
  });

  it('keeps to the key’s region: other townships are refused, other counties’ households are not found', async () => {
    const township = await t.authAs('township', '640121100');
    const elsewhere = await t.app.inject({ url: '/v1/indices?township=640121001&period=2024-05', headers: township });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ code: 'out-of-scope' });
    expect(await lastAudit('indices.list')).toMatchObject({ outcome: 'denied', subjects: [] });
    const own = (await t.app.inject({ url: '/v1/indices?period=2024-05', headers: township })).json();
    expect(own.items.map((h: { householdId: number }) => h.householdId)).toEqual([ids.family, ids.elder]);
    const county = await t.authAs('auditor', '640121');
    const other = await t.app.inject({ url: `/v1/households/${ids.elsewhere}/indices?period=2024-05`, headers: county });
    expect(other.statusCode).toBe(404);
    expect(await lastAudit('indices.read')).toMatchObject({ outcome: 'not-found', role: 'auditor', subjects: [] });
  });

  it('shows liaison officers nothing and needs a key', async () => {
    const liaison = await t.authAs('liaison', '640121');
    const refused = await t.app.inject({ url: `/v1/households/${ids.family}/indices?period=2024-05`, headers: liaison });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden' });
    expect(await lastAudit('indices.read')).toMatchObject({ outcome: 'denied', role: 'liaison', subjects: [] });
    expect((await t.app.inject({ url: '/v1/indices?period=2024-05', headers: liaison })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/v1/indices?period=2024-05' })).statusCode).toBe(401);
  });

  it('refuses malformed queries and a month the formula has no standard for, as problem details', async () => {
    const county = await t.authAs('admin', '640121');
    const badPeriod = await t.app.inject({ url: '/v1/indices?period=2024-5', headers: county });
    expect(badPeriod.statusCode).toBe(400);
    expect(badPeriod.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await t.app.inject({ url: '/v1/indices?minNeed=101', headers: county })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/v1/indices?township=6401211', headers: county })).statusCode).toBe(400);
    const early = await t.app.inject({ url: `/v1/households/${ids.family}/indices?period=2023-12`, headers: county });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'index-standard-missing' });
  });
});
