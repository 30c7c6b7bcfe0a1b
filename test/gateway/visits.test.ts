import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber, keyOf, personIdOf, subjectColumns } from '../helpers/monitoring.js';

/** A warning as a comparison run raises it, for a member of a household: the due list reads rule, household and day. */
async function addWarning(knex: Knex, spec: { ruleId: string; idNumber: string; raisedOn: string }): Promise<number> {
  const person = await knex('persons').where('id_key', keyOf(knex, spec.idNumber)).first('id', 'household_id', 'name');
  const now = new Date().toISOString();
  const [run] = await knex('comparison_runs').insert({
    period: spec.raisedOn.slice(0, 7), mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: now, status: 'finished',
  }, ['id']);
  const [warning] = await knex('warnings').insert({
    run_id: run.id, rule_id: spec.ruleId, period: spec.raisedOn.slice(0, 7), ...subjectColumns(knex, spec.idNumber), subject_name: person.name,
    person_id: person.id, household_id: person.household_id, region_code: '640121100', handling_unit: 'township', severity: 'high',
    suggested_action: 'emergency-assistance', status: 'pending', raised_on: spec.raisedOn, due_on: spec.raisedOn, created_at: now, updated_at: now,
  }, ['id']);
  return Number(warning.id);
}

const village = '640121100200';
const otherVillage = '640121100201';
const otherTownshipVillage = '640121101200';

describe.each(dialects)('home visits through the API on %s', (dialect) => {
  let t: TestApp;
  let township: { authorization: string };
  const people = {
    quarterly: idNumber('640121', '1960-02-03', 11),
    monthly: idNumber('640121', '1958-07-21', 13),
    tekun: idNumber('640121', '1940-11-02', 15),
    disaster: idNumber('640121', '1975-04-09', 17),
    elsewhere: idNumber('640121', '1966-01-30', 19),
  };
  const households: Record<keyof typeof people, number> = { quarterly: 0, monthly: 0, tekun: 0, disaster: 0, elsewhere: 0 };
  let assistantId = 0;

  beforeAll(async () => {
    // "Today" is Wednesday 9 October 2024 in Shanghai, just after the National Day holiday.
    t = await buildTestApp(dialect, { now: () => new Date('2024-10-09T02:00:00Z') });
    const { knex } = t.store;
    households.quarterly = await addHousehold(knex, village, [{ idNumber: people.quarterly, name: '马建国', enrolment: { category: '120', startDate: '2024-01-10' } }]);
    households.monthly = await addHousehold(knex, otherVillage, [
      { idNumber: people.monthly, name: '杨秀英', enrolment: { category: '120', startDate: '2024-08-15' } },
      { idNumber: idNumber('640121', '1985-03-03', 21), name: '杨小红', enrolment: { category: '650', startDate: '2024-08-15' } },
    ]);
    households.tekun = await addHousehold(knex, village, [{ idNumber: people.tekun, name: '李老汉', enrolment: { category: '132', startDate: '2024-09-20' } }]);
    households.disaster = await addHousehold(knex, village, [{ idNumber: people.disaster, name: '王小明', enrolment: { category: '600', startDate: '2024-03-01' } }]);
    households.elsewhere = await addHousehold(knex, otherTownshipVillage, [{ idNumber: people.elsewhere, name: '周桂兰', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    await addWarning(knex, { ruleId: 'disaster-victim', idNumber: people.disaster, raisedOn: '2024-09-30' });
    township = await t.authAs('township', '640121100');
  });
  afterAll(async () => t.close());

  it('adds a village assistant covering villages of their own township only', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/v1/visit-assistants', headers: township,
      payload: { name: '李协理', townshipCode: '640121100', villages: [village], since: '2024-01-01' },
    });
    expect(created.statusCode, created.body).toBe(201);
    assistantId = created.json().id;
    expect(created.json()).toEqual({ id: assistantId, name: '李协理', townshipCode: '640121100', unit: null, retiredOn: null, villages: [{ code: village, since: '2024-01-01' }] });

    const stray = await t.app.inject({
      method: 'POST', url: '/v1/visit-assistants', headers: township,
      payload: { name: '张协理', townshipCode: '640121100', villages: [otherTownshipVillage] },
    });
    expect(stray.statusCode).toBe(422);
    expect(stray.json()).toMatchObject({ code: 'unknown-region', errors: [{ pointer: '/villages/0' }] });

    const elsewhere = await t.app.inject({
      method: 'POST', url: '/v1/visit-assistants', headers: await t.authAs('township', '640121101'),
      payload: { name: '张协理', townshipCode: '640121100', villages: [] },
    });
    expect(elsewhere.statusCode).toBe(403);
    const listed = await t.app.inject({ method: 'GET', url: '/v1/visit-assistants?township=640121100', headers: township });
    expect(listed.json().items.map((a: { name: string }) => a.name)).toEqual(['李协理']);
  });

  const visit = (overrides: Record<string, unknown> = {}) => ({
    visitId: 'app-7f3c-0001',
    householdId: households.quarterly,
    visitor: { kind: 'village-assistant', assistantId, name: '李协理' },
    visitedOn: '2024-06-20',
    kind: 'phone',
    findings: '电话联系，户主身体状况平稳，收入无变化。',
    hardshipFound: false,
    ...overrides,
  });

  it('records a visit once however often the app sends it, and refuses another visit under the same id', async () => {
    const first = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit() });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      visitId: 'app-7f3c-0001', householdId: households.quarterly, regionCode: village, visitedOn: '2024-06-20', kind: 'phone', personSeen: true,
      needsFound: [], hardshipFound: false, discoveryCaseId: null, visitor: { kind: 'village-assistant', assistantId, name: '李协理', unit: null },
    });
    const again = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit() });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    // The defaults spelt out are the same visit.
    const spelt = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit({ personSeen: true, needsFound: [], openDiscoveryCase: false }) });
    expect(spelt.statusCode).toBe(200);
    const changed = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit({ findings: '另一份记录' }) });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'visit-id-conflict' });
    expect(Number((await t.store.knex('home_visits').count({ n: '*' }).first())?.n)).toBe(1);
    const audit = await t.store.knex('audit_log').where('action', 'visit.record').orderBy('id').select('outcome', 'resource_id');
    expect(audit).toEqual([{ outcome: 'ok', resource_id: String(first.json().id) }, { outcome: 'invalid', resource_id: null }]);
  });

  it('refuses a visit in the future, an assistant of another township, and keys outside the household’s region', async () => {
    const future = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit({ visitId: 'f-1', visitedOn: '2024-10-10' }) });
    expect(future.statusCode).toBe(422);
    expect(future.json()).toMatchObject({ code: 'casework-inconsistent', errors: [{ pointer: '/visitedOn' }] });
    const wrongAssistant = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: await t.authAs('admin', '640121'), payload: visit({ visitId: 'f-2', householdId: households.elsewhere }) });
    expect(wrongAssistant.statusCode).toBe(422);
    expect(wrongAssistant.json().errors[0].pointer).toBe('/visitor/assistantId');
    const outside = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: township, payload: visit({ visitId: 'f-3', householdId: households.elsewhere }) });
    expect(outside.statusCode).toBe(404);
    const liaison = await t.app.inject({ method: 'GET', url: `/v1/visits?household=${households.quarterly}`, headers: await t.authAs('liaison', '640121100') });
    expect(liaison.statusCode).toBe(403);
    const finance = await t.app.inject({ method: 'POST', url: '/v1/visits', headers: await t.authAs('finance', '640121'), payload: visit({ visitId: 'f-4' }) });
    expect(finance.statusCode).toBe(403);
  });

  it('lists a household’s visits and logs whose data was read', async () => {
    const listed = await t.app.inject({ method: 'GET', url: `/v1/visits?household=${households.quarterly}`, headers: township });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.map((v: { visitId: string; visitedOn: string }) => [v.visitId, v.visitedOn])).toEqual([['app-7f3c-0001', '2024-06-20']]);
    const line = await t.store.knex('audit_log').where('action', 'visit.list').orderBy('id', 'desc').first('id', 'resource_id', 'outcome');
    expect(line).toMatchObject({ resource_id: String(households.quarterly), outcome: 'ok' });
    const subjects = await t.store.knex('audit_subjects').where('audit_id', line.id).pluck('person_id');
    expect(subjects.map(Number)).toEqual([await personIdOf(t.store.knex, people.quarterly)]);
  });

  it('lists who is due and who is overdue per township, soonest first, with the strictest category deciding', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121100&asOf=2024-10-09', headers: township });
    expect(response.statusCode, response.body).toBe(200);
    const list = response.json();
    expect(list).toMatchObject({ asOf: '2024-10-09', policy: 'default', total: 4, overdue: 3 });
    // Calendar periods (seed 000's 每季度, 每月): the quarterly household, visited in Q2, owed Q3's visit by 30 September;
    // the monthly one, enrolled 15 August, September's; the 特困 one, enrolled 20 September, October's.
    expect(list.items.map((i: Record<string, unknown>) => [i.householdId, (i.category as { id: string }).id, i.lastVisitOn, i.nextDueOn, i.overdue, i.overdueDays])).toEqual([
      [households.quarterly, 'dibao', '2024-06-20', '2024-09-30', true, 9],
      [households.monthly, 'serious-illness', null, '2024-09-30', true, 9],
      // Raised on 30 September: 立即 is that day, so nine days overdue although 1–7 October were the National Day holiday.
      [households.disaster, 'sudden-hardship', null, '2024-09-30', true, 9],
      [households.tekun, 'scattered-tekun', null, '2024-10-31', false, 0],
    ]);
    expect(list.items[1]).toMatchObject({ categories: ['dibao', 'serious-illness'], frequency: { everyMonths: 1 }, headName: '杨秀英', villageCode: otherVillage, townshipCode: '640121100', assistants: [] });
    expect(list.items[0].assistants).toEqual([assistantId]);
  });

  it('lists per village assistant the households of the villages they cover, and only the overdue when asked', async () => {
    const mine = (await t.app.inject({ method: 'GET', url: `/v1/visits/due?assistant=${assistantId}&asOf=2024-10-09`, headers: township })).json();
    expect(mine.items.map((i: { householdId: number }) => i.householdId)).toEqual([households.quarterly, households.disaster, households.tekun]);
    const overdue = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121100&asOf=2024-10-09&overdue=true', headers: township })).json();
    expect(overdue.items.map((i: { householdId: number }) => i.householdId)).toEqual([households.quarterly, households.monthly, households.disaster]);
    // On 15 September nothing was overdue yet, and the disaster had not happened.
    const earlier = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121100&asOf=2024-09-15', headers: township })).json();
    expect(earlier.items.map((i: { householdId: number; nextDueOn: string; overdue: boolean }) => [i.householdId, i.nextDueOn, i.overdue])).toEqual([
      [households.quarterly, '2024-09-30', false],
      [households.monthly, '2024-09-30', false],
    ]);
    const outside = await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121101', headers: township });
    expect(outside.statusCode).toBe(403);
    const county = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?asOf=2024-10-09', headers: await t.authAs('auditor', '640121') })).json();
    expect(county.total).toBe(5);
  });

  it('a visit after the disaster takes the household off the list; one that finds hardship opens a discovery case (走访发现)', async () => {
    const response = await t.app.inject({
      method: 'POST', url: '/v1/visits', headers: township,
      payload: visit({
        visitId: 'app-7f3c-0002', householdId: households.disaster, visitedOn: '2024-10-09', kind: 'home',
        findings: '房屋受洪水损毁，暂住亲戚家，无收入来源。', needsFound: ['zhufang', 'linshi'], hardshipFound: true, openDiscoveryCase: true,
      }),
    });
    expect(response.statusCode, response.body).toBe(201);
    const caseId = response.json().discoveryCaseId;
    expect(caseId).toEqual(expect.any(Number));
    const opened = (await t.app.inject({ method: 'GET', url: `/v1/discoveries/${caseId}`, headers: township })).json();
    expect(opened).toMatchObject({
      status: 'open', method: 'home-visit', discoverer: { name: '李协理', unit: null }, township: { code: '640121100' },
      subject: { idNumber: `640121********${people.disaster.slice(-4)}`, idNumberMasked: true, name: '王小明', inRegister: true },
      family: { householdId: households.disaster, memberCount: 1 }, familySituation: '房屋受洪水损毁，暂住亲戚家，无收入来源。',
      suspectedAssistance: [{ code: 'linshi', name: '临时救助' }, { code: 'zhufang', name: '住房救助' }], discoveredOn: '2024-10-09',
      visitId: response.json().id, warningId: null,
    });
    const due = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121100&asOf=2024-10-09', headers: township })).json();
    expect(due.items.map((i: { householdId: number }) => i.householdId)).not.toContain(households.disaster);
    const lines = await t.store.knex('audit_log').whereIn('action', ['visit.record', 'discovery.create']).where('outcome', 'ok').orderBy('id').pluck('action');
    expect(lines.slice(-2)).toEqual(['visit.record', 'discovery.create']);
  });

  it('keeps only the soonest due in memory but counts them all, and makes a key wider than a county name a township', async () => {
    const firstTwo = (await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121100&asOf=2024-09-15&limit=1', headers: township })).json();
    expect(firstTwo).toMatchObject({ total: 2, overdue: 0, items: [{ householdId: households.quarterly, nextDueOn: '2024-09-30' }] });
    expect(firstTwo.items).toHaveLength(1);
    const nationwide = await t.authAs('auditor', '000000');
    const refused = await t.app.inject({ method: 'GET', url: '/v1/visits/due?asOf=2024-10-09', headers: nationwide });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation-failed', errors: [{ in: 'query', parameter: 'township', detail: 'required for a key wider than a county (or give assistant)' }] });
    const province = await t.app.inject({ method: 'GET', url: '/v1/visits/due?asOf=2024-10-09', headers: await t.authAs('auditor', '640000') });
    expect(province.statusCode).toBe(400);
    const named = await t.app.inject({ method: 'GET', url: '/v1/visits/due?township=640121101&asOf=2024-10-09', headers: nationwide });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().items.map((i: { householdId: number }) => i.householdId)).toEqual([households.elsewhere]);
  });

  it('changes an assistant’s villages only from a day between their last recorded change and today', async () => {
    const put = (since: string, villages: string[]) =>
      t.app.inject({ method: 'PUT', url: `/v1/visit-assistants/${assistantId}/villages`, headers: township, payload: { villages, since } });
    const moved = await put('2024-10-09', [village, otherVillage]);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().villages).toEqual([{ code: village, since: '2024-01-01' }, { code: otherVillage, since: '2024-10-09' }]);

    const rewrite = await put('2024-10-01', [otherVillage]);
    expect(rewrite.statusCode).toBe(400);
    expect(rewrite.json()).toMatchObject({
      code: 'validation-failed', detail: 'since 2024-10-01 is before the assistant\'s last recorded change of villages (2024-10-09)',
      errors: [{ in: 'body', pointer: '/since', detail: 'before 2024-10-09, the last recorded change' }],
    });
    const future = await put('2024-10-10', [otherVillage]);
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ errors: [{ in: 'body', pointer: '/since', detail: 'after today (2024-10-09)' }] });
    const created = await t.app.inject({
      method: 'POST', url: '/v1/visit-assistants', headers: township,
      payload: { name: '王协理', townshipCode: '640121100', villages: [otherVillage], since: '2024-11-01' },
    });
    expect(created.statusCode).toBe(400);
    // Nothing was rewritten: the history reads as before the refused requests.
    const rows = await t.store.knex('assistant_villages').where('assistant_id', assistantId).orderBy(['village_code', 'start_date']).select('village_code', 'start_date', 'end_date');
    expect(rows.map((r) => [r.village_code, String(r.start_date).slice(0, 10), r.end_date])).toEqual([[village, '2024-01-01', null], [otherVillage, '2024-10-09', null]]);
  });
});
