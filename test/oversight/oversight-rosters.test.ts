import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDaysOf, judgeChecks } from '../../gateway/oversight/economic-checks.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

const yangheVillage = '640121100200';
const yangheOtherVillage = '640121100201';
const lijunVillage = '640121101200';

async function addRun(knex: Knex, spec: { regionCode: string; finishedAt: string; status?: string }): Promise<void> {
  await knex('comparison_runs').insert({
    period: spec.finishedAt.slice(0, 7), mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: spec.finishedAt,
    finished_at: spec.finishedAt, status: spec.status ?? 'finished', region_code: spec.regionCode,
  });
}

async function addVisit(knex: Knex, householdId: number, visitedOn: string, kind: 'home' | 'phone' | 'elsewhere'): Promise<void> {
  const household = await knex('households').where('id', householdId).first('residence_region');
  await knex('home_visits').insert({
    client_visit_id: `t-${householdId}-${visitedOn}-${kind}`, body_sm3: '0'.repeat(64), household_id: householdId, region_code: household.residence_region,
    visitor_kind: 'township-staff', visitor_name: '孙民政', visited_on: visitedOn, kind, person_seen: true, findings: '入户了解收入', needs_found: '',
    hardship_found: false, recorded_at: `${visitedOn}T08:00:00.000Z`,
  });
}

async function fileObservation(knex: Knex, householdId: number, concludedOn: string): Promise<number> {
  const now = new Date().toISOString();
  const [row] = await knex('discovery_cases').insert({
    method: 'home-visit', discoverer_name: '网格员', township_code: '640121100', subject_name: '马金花', household_id: householdId, family_situation: '大病支出较大',
    suspected_assistance: 'dibao', discovered_on: '2024-08-20', status: 'concluded', result: 'ineligible', filing: 'observation',
    filing_reason: '收入略高于低保标准，但大病支出较大', concluded_on: concludedOn, created_at: now, updated_at: now,
  }, ['id']);
  return Number(typeof row === 'object' ? row.id : row);
}

describe.each(dialects)('oversight rosters on %s', (dialect) => {
  let t: TestApp;
  let county: { authorization: string };
  let yanghe: { authorization: string };
  const h = { twice: 0, once: 0, lateEnrolled: 0, temporary: 0, lijun: 0 };

  beforeAll(async () => {
    // Today is Wednesday 9 October 2024 in Shanghai.
    t = await buildTestApp(dialect, { now: () => new Date('2024-10-09T02:00:00Z') });
    const { knex } = t.store;
    h.twice = await addHousehold(knex, yangheVillage, [{ idNumber: idNumber('640121', '1960-02-03', 11), name: '马建国', enrolment: { category: '120', startDate: '2024-01-10' } }]);
    h.once = await addHousehold(knex, yangheVillage, [{ idNumber: idNumber('640121', '1962-05-03', 13), name: '李秀英', enrolment: { category: '120', startDate: '2023-06-01' } }]);
    h.lateEnrolled = await addHousehold(knex, yangheOtherVillage, [{ idNumber: idNumber('640121', '1941-11-02', 15), name: '王老汉', enrolment: { category: '131', startDate: '2024-05-01' } }]);
    h.temporary = await addHousehold(knex, yangheVillage, [{ idNumber: idNumber('640121', '1975-04-09', 17), name: '马金花', enrolment: { category: '600', startDate: '2024-03-01' } }]);
    h.lijun = await addHousehold(knex, lijunVillage, [{ idNumber: idNumber('640121', '1966-01-30', 19), name: '周桂兰', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    // A county run finishing 15 March 12:00 in Shanghai, a 李俊镇 run on 1 August, a failed county run and one of another county.
    await addRun(knex, { regionCode: '640121', finishedAt: '2024-03-15T04:00:00.000Z' });
    await addRun(knex, { regionCode: '640121101', finishedAt: '2024-08-01T04:00:00.000Z' });
    await addRun(knex, { regionCode: '640121', finishedAt: '2024-09-01T04:00:00.000Z', status: 'failed' });
    await addRun(knex, { regionCode: '500114', finishedAt: '2024-09-02T04:00:00.000Z' });
    await addVisit(knex, h.twice, '2024-06-20', 'home');
    await addVisit(knex, h.twice, '2024-07-01', 'phone');
    await addVisit(knex, h.once, '2024-03-15', 'home');
    await addVisit(knex, h.once, '2024-09-10', 'elsewhere');
    county = await t.authAs('admin', '640121');
    yanghe = await t.authAs('township', '640121100');
  });
  afterAll(async () => t.close());

  describe('economic checks (seed 002 task 3)', () => {
    it('counts comparison runs covering the household and home visits, one per day, only while enrolled', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/economic-checks?asOf=2024-10-09', headers: county });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      const byId = new Map(body.items.map((i: { householdId: number }) => [i.householdId, i]));
      expect(body).toMatchObject({ asOf: '2024-10-09', reading: 'year', total: 4, short: 2 });
      expect(byId.has(h.temporary)).toBe(false);
      expect(byId.get(h.twice)).toMatchObject({
        headName: '马建国', checksThisYear: 2, comparisonsThisYear: 1, visitsThisYear: 1, shortfall: 0, lastCheck: { on: '2024-06-20', kind: 'visit' }, overdue: false,
      });
      // The visit and the run on 15 March are one check; a meeting elsewhere does not see the home.
      expect(byId.get(h.once)).toMatchObject({ checksThisYear: 1, comparisonsThisYear: 0, visitsThisYear: 1, shortfall: 1, dueBy: '2024-12-31', lastCheck: { on: '2024-03-15', kind: 'visit' } });
      // Enrolled in May: the March run came before, and the 李俊镇 run does not cover 杨和镇.
      expect(byId.get(h.lateEnrolled)).toMatchObject({ enrolledSince: '2024-05-01', checksThisYear: 0, shortfall: 2, lastCheck: null });
      expect(byId.get(h.lijun)).toMatchObject({ checksThisYear: 2, comparisonsThisYear: 2, shortfall: 0, lastCheck: { on: '2024-08-01', kind: 'comparison' } });
    });

    it('marks the shortfall overdue once the year is over', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/economic-checks?asOf=2024-12-31&short=true', headers: county });
      const items = response.json().items as { householdId: number; overdue: boolean }[];
      expect(items.map((i) => i.householdId).sort((a, b) => a - b)).toEqual([h.once, h.lateEnrolled].sort((a, b) => a - b));
      expect(items.every((i) => i.overdue)).toBe(true);
    });

    it('reads one check per half year as local practice: an ended half year without one is overdue', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/economic-checks?asOf=2024-10-09&reading=half-year', headers: county });
      const byId = new Map(response.json().items.map((i: { householdId: number }) => [i.householdId, i]));
      expect(byId.get(h.lateEnrolled)).toMatchObject({ shortfall: 2, overdue: true, dueBy: '2024-06-30' });
      expect(byId.get(h.twice)).toMatchObject({ shortfall: 1, overdue: false, dueBy: '2024-12-31' });
      expect(byId.get(h.lijun)).toMatchObject({ shortfall: 0, overdue: false });
    });

    it('keeps a township key to its township and audits the read with the heads shown', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/economic-checks?asOf=2024-10-09', headers: await t.authAs('township', '640121101') });
      expect(response.json().items.map((i: { householdId: number }) => i.householdId)).toEqual([h.lijun]);
      const outside = await t.app.inject({ method: 'GET', url: '/v1/economic-checks?township=640121100', headers: await t.authAs('township', '640121101') });
      expect(outside.statusCode).toBe(403);
      const entry = await t.store.knex('audit_log').where({ action: 'economic-check.list', outcome: 'ok' }).orderBy('id', 'desc').first('id');
      const subjects = await t.store.knex('audit_subjects').where('audit_id', entry.id).count({ n: '*' });
      expect(Number(subjects[0]!.n)).toBe(1);
    });

    it('renders economic-check-overdue with the short households only', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/reports/economic-check-overdue?format=csv', headers: await t.authAs('auditor', '640121') });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toContain('李秀英');
      expect(response.body).toContain('王老汉');
      expect(response.body).not.toContain('马建国');
      expect(response.body).toContain('2024-03-15 入户走访');
      expect(response.body).toContain('年底前还需2次');
    });
  });

  describe('the 重点人群花名册 (seed 004)', () => {
    let caseId = 0;

    beforeAll(async () => {
      caseId = await fileObservation(t.store.knex, h.temporary, '2024-09-02');
      await addVisit(t.store.knex, h.temporary, '2024-09-05', 'phone');
    });

    it('holds the households filed 救助观察 with a visit due in each calendar month after the first whole one', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/key-group?asOf=2024-10-09', headers: yanghe });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ everyMonths: 1, total: 1, overdue: 0 });
      // Filed on 2 September: October is its first whole month, and the visit of 5 September does not count for it.
      expect(response.json().items[0]).toMatchObject({
        householdId: h.temporary, headName: '马金花', basis: 'observation', caseId, since: '2024-09-02', lastVisitOn: '2024-09-05', nextVisitDueOn: '2024-10-31', overdue: false, overdueDays: 0,
      });
      const november = (await t.app.inject({ method: 'GET', url: '/v1/key-group?asOf=2024-11-01', headers: yanghe })).json();
      expect(november.items[0]).toMatchObject({ nextVisitDueOn: '2024-10-31', overdue: true, overdueDays: 1 });
    });

    it('puts the roster’s households in the visits due list, with no assistance of their own needed', async () => {
      const due = await t.app.inject({ method: 'GET', url: '/v1/visits/due?asOf=2024-11-01&limit=500', headers: yanghe });
      expect(due.statusCode, due.body).toBe(200);
      const item = due.json().items.find((i: { householdId: number }) => i.householdId === h.temporary);
      expect(item).toMatchObject({ category: { id: 'key-group', title: '重点人群' }, categories: ['key-group'], nextDueOn: '2024-10-31', overdue: true });
      const before = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?asOf=2024-09-01&limit=500', headers: yanghe })).json();
      expect(before.items.some((i: { householdId: number }) => i.householdId === h.temporary)).toBe(false);
    });

    it('lets a township add a household of its own with a reason, once, and refuses one elsewhere or a day to come', async () => {
      const added = await t.app.inject({ method: 'POST', url: '/v1/key-group', headers: yanghe, payload: { householdId: h.lateEnrolled, reason: '独居老人，子女外出务工', on: '2024-10-01' } });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({ householdId: h.lateEnrolled, townshipCode: '640121100', addedOn: '2024-10-01', reason: '独居老人，子女外出务工', removedOn: null });
      const again = await t.app.inject({ method: 'POST', url: '/v1/key-group', headers: yanghe, payload: { householdId: h.lateEnrolled, reason: '另一个理由' } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: added.json().id, reason: '独居老人，子女外出务工' });
      const elsewhere = await t.app.inject({ method: 'POST', url: '/v1/key-group', headers: yanghe, payload: { householdId: h.lijun, reason: '困难' } });
      expect(elsewhere.statusCode).toBe(404);
      const future = await t.app.inject({ method: 'POST', url: '/v1/key-group', headers: yanghe, payload: { householdId: h.twice, reason: '困难', on: '2024-10-10' } });
      expect(future.statusCode).toBe(400);
      const audit = await t.store.knex('audit_log').where({ action: 'key-group.add', resource_id: String(h.lateEnrolled) }).count({ n: '*' });
      expect(Number(audit[0]!.n)).toBe(2);
      const roster = (await t.app.inject({ method: 'GET', url: '/v1/key-group?asOf=2024-10-09', headers: county })).json();
      // Both owe October's visit; the same day orders them by household.
      const byHousehold = Object.fromEntries(roster.items.map((i: { householdId: number }) => [i.householdId, i]));
      expect(Object.keys(byHousehold).map(Number).sort()).toEqual([h.temporary, h.lateEnrolled].sort());
      expect(byHousehold[h.lateEnrolled]).toMatchObject({ basis: 'added', lastVisitOn: null, nextVisitDueOn: '2024-10-31', overdue: false });
    });

    it('takes a filed household off with a reason, keeping it on the roster of the days before', async () => {
      const removed = await t.app.inject({ method: 'POST', url: `/v1/key-group/${h.temporary}/removal`, headers: yanghe, payload: { reason: '已纳入低保' } });
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json()).toMatchObject({ householdId: h.temporary, addedOn: '2024-09-02', removedOn: '2024-10-09', removalReason: '已纳入低保', addedBy: 'discovery-case' });
      const today = (await t.app.inject({ method: 'GET', url: '/v1/key-group?asOf=2024-10-09', headers: yanghe })).json();
      expect(today.items.map((i: { householdId: number }) => i.householdId)).toEqual([h.lateEnrolled]);
      const before = (await t.app.inject({ method: 'GET', url: '/v1/key-group?asOf=2024-09-30', headers: yanghe })).json();
      expect(before.items.map((i: { householdId: number }) => i.householdId)).toEqual([h.temporary]);
      const twice = await t.app.inject({ method: 'POST', url: `/v1/key-group/${h.temporary}/removal`, headers: yanghe, payload: { reason: '再次' } });
      expect(twice.statusCode).toBe(404);
    });

    it('refuses at the database a removal without its reason, or dated before the addition', async () => {
      const entry = await t.store.knex('key_group_entries').where('household_id', h.lateEnrolled).first('id');
      await expect(t.store.knex('key_group_entries').where('id', entry.id).update({ removed_on: '2024-10-05' })).rejects.toThrow();
      await expect(t.store.knex('key_group_entries').where('id', entry.id).update({ removed_on: '2024-09-01', removal_reason: '误录' })).rejects.toThrow();
    });

    it('renders key-group-roster for the region', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/v1/reports/key-group-roster?format=csv', headers: county });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toContain('乡镇添加');
      expect(response.body).toContain('独居老人，子女外出务工');
      expect(response.body).not.toContain('马金花');
    });
  });

  describe('villages without an assistant (seed 004)', () => {
    it('lists each village with no assistant on the day, and counts a retired assistant as none', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/v1/visit-assistants', headers: yanghe, payload: { name: '李协理', townshipCode: '640121100', villages: [yangheVillage], since: '2024-01-01' } });
      expect(created.statusCode, created.body).toBe(201);
      const now = await t.app.inject({ method: 'GET', url: '/v1/reports/villages-without-assistant?format=csv&region=640121100', headers: county });
      expect(now.statusCode, now.body).toBe(200);
      expect(now.body).toContain(yangheOtherVillage);
      expect(now.body).not.toContain(yangheVillage);
      const villages = await t.store.knex('regions').where('level', 'village').where('code', 'like', '640121100%').count({ n: '*' });
      expect(now.body).toContain(`杨和镇小计,,${Number(villages[0]!.n)},,${Number(villages[0]!.n) - 1}`);
      const before = await t.app.inject({ method: 'GET', url: '/v1/reports/villages-without-assistant?format=csv&region=640121100&period=2023-12', headers: county });
      expect(before.body).toContain(yangheVillage);
      await t.store.knex('village_assistants').where('id', created.json().id).update({ retired_on: '2024-10-01' });
      const retired = await t.app.inject({ method: 'GET', url: '/v1/reports/villages-without-assistant?format=csv&region=640121100', headers: county });
      expect(retired.body).toContain(yangheVillage);
    });
  });
});

describe('economic check rules', () => {
  const spans = [{ householdId: 1, category: '120', startDate: '2024-01-01', endDate: null }];

  it('counts a run only where it is bounded, on its day in Shanghai', () => {
    const runs = [
      { id: 1, regionCode: '640121', ruleSet: 'default', mode: 'full', period: '2024-03', finishedAt: '2024-03-14T17:00:00.000Z' },
      { id: 2, regionCode: '640121101', ruleSet: 'default', mode: 'full', period: '2024-03', finishedAt: '2024-03-20T04:00:00.000Z' },
    ];
    const checks = checkDaysOf({ registeredRegion: '640121100200', residenceRegion: '640121100200' }, spans, runs, []);
    expect(checks).toEqual([{ on: '2024-03-15', kind: 'comparison' }]);
  });

  it('reads the seed\'s year: short until two check days, overdue only at the year\'s end', () => {
    const checks = [{ on: '2024-02-01', kind: 'comparison' as const }];
    expect(judgeChecks(spans, checks, '2024-10-09', 'year')).toMatchObject({ shortfall: 1, overdue: false, dueBy: '2024-12-31' });
    expect(judgeChecks(spans, checks, '2024-12-31', 'year')).toMatchObject({ shortfall: 1, overdue: true });
    expect(judgeChecks(spans, [...checks, { on: '2024-11-01', kind: 'visit' }], '2024-12-31', 'year')).toMatchObject({ shortfall: 0, overdue: false });
    expect(judgeChecks(spans, [{ on: '2023-11-01', kind: 'visit' }], '2024-03-01', 'year')).toMatchObject({ checksThisYear: 0, shortfall: 2, lastCheck: { on: '2023-11-01' } });
  });

  it('under the half-year reading, does not ask a half year the household was not enrolled in', () => {
    const fromAugust = [{ householdId: 1, category: '120', startDate: '2024-08-01', endDate: null }];
    expect(judgeChecks(fromAugust, [], '2024-10-09', 'half-year')).toMatchObject({ shortfall: 1, overdue: false, enrolledSince: '2024-08-01' });
    expect(judgeChecks(fromAugust, [], '2024-12-31', 'half-year')).toMatchObject({ shortfall: 1, overdue: true, dueBy: '2024-12-31' });
  });
});
