import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, keyOf, withSubjects } from '../helpers/monitoring.js';

describe.each(dialects)('POST /v1/comparisons on %s', (dialect) => {
  let t: TestApp;
  const recipient = idNumber('640121', '1970-03-05', 11);

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: recipient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await addFacts(t.store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: recipient, occurredOn: '2024-05-02', attributes: {} }]);
  });
  afterAll(async () => t.close());

  it('needs a key, and a role that runs the whole system', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/comparisons', payload: { period: '2024-05' } })).statusCode).toBe(401);
    const township = await t.authAs('township', '640121100');
    const refused = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: township, payload: { period: '2024-05' } });
    expect(refused.statusCode).toBe(403);
    expect(Number((await t.store.knex('comparison_runs').count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('refuses a period that is not a month', async () => {
    const integrator = await t.authAs('integrator', '640121');
    const bad = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: integrator, payload: { period: '2024-5' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('runs the rules, answers the run report, and writes one audit line', async () => {
    const integrator = await t.authAs('integrator', '640121');
    const response = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: integrator, payload: { period: '2024-05' } });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json();
    expect(report).toMatchObject({ period: '2024-05', mode: 'full', ruleSet: 'default', warnings: 1, byRule: { 'recipient-died': 1 } });
    expect(report.details['recipient-died']).toEqual({ raised: 1, exempted: 0, suppressed: 0 });
    // The refused attempts above by known keys are in the audit log too, as denied and invalid (the one without a key
    // is in the failed-authentication summary instead).
    const audit = await t.store.knex('audit_log').where('action', 'comparison.run').orderBy('id').select('outcome', 'resource_id', 'actor_role');
    expect(audit.map((a) => a.outcome)).toEqual(['denied', 'invalid', 'ok']);
    expect(audit.at(-1)).toEqual({ outcome: 'ok', resource_id: String(report.runId), actor_role: 'integrator' });
    const again = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: integrator, payload: { period: '2024-05' } });
    expect(again.json()).toMatchObject({ warnings: 0, byRule: { 'recipient-died': 0 } });
  });
});

describe.each(dialects)('POST /v1/comparisons with the app clock pinned on %s', (dialect) => {
  let t: TestApp;
  const recipient = idNumber('640121', '1971-04-06', 12);

  beforeAll(async () => {
    // 10 June 2024, 01:00 in Shanghai (still 9 June in UTC).
    t = await buildTestApp(dialect, { now: () => new Date('2024-06-09T17:00:00Z') });
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: recipient, name: '马建军', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await addFacts(t.store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: recipient, occurredOn: '2024-05-02', attributes: {} }]);
  });
  afterAll(async () => t.close());

  it('compares last month by that clock and pushes the warnings on its day', async () => {
    const integrator = await t.authAs('integrator', '640121');
    const response = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: integrator, payload: {} });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ period: '2024-05', warnings: 1 });
    const warning = await t.store.knex('warnings').first('raised_on', 'due_on');
    // 10 June is the Dragon Boat Festival (端午节); five working days after it: 11–14 and Monday 17 June.
    expect(warning).toEqual({ raised_on: '2024-06-10', due_on: '2024-06-17' });
  });
});

describe.each(dialects)('a comparison run bounded by its key’s region on %s (issue 10, finding 2)', (dialect) => {
  let t: TestApp;
  const yongning = idNumber('640121', '1960-01-01', 21);
  const qianjiang = idNumber('500114', '1961-02-02', 22);
  /** Someone outside the register with an ID number issued in 永宁县, whose death only 黔江区 reported. */
  const outsider = idNumber('640121', '1962-03-03', 23);

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: yongning, name: '马永宁', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await addHousehold(t.store.knex, '500114001001', [{ idNumber: qianjiang, name: '张黔江', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await addFacts(t.store.knex, 'gongan-hukou', [
      { kind: 'person-death', idNumber: yongning, occurredOn: '2024-05-02', attributes: {} },
      { kind: 'person-death', idNumber: qianjiang, occurredOn: '2024-05-03', attributes: {} },
    ]);
    await addFacts(t.store.knex, 'yibao', [
      { kind: 'medical-settlement', idNumber: outsider, occurredOn: '2024-05-06', amountFen: 9_000_000, attributes: { settlementType: 'inpatient', selfPaidFen: 9_000_000 } },
    ], '500114');
  });
  afterAll(async () => t.close());

  const names: Record<string, string> = { [yongning]: '马永宁', [qianjiang]: '张黔江', [outsider]: 'outsider' };
  const warningRegions = async () => (await withSubjects(t.store.knex, await t.store.knex('warnings').orderBy('id').select('region_code', 'subject_cipher')))
    .map((w) => `${w.region_code} ${names[w.subject!]}`);

  it('raises warnings only within the region of the key that started it, and reads no other county’s batches', async () => {
    const qianjiangRun = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: await t.authAs('admin', '500114'), payload: { period: '2024-05' } });
    expect(qianjiangRun.statusCode, qianjiangRun.body).toBe(201);
    const afterQianjiang = await warningRegions();
    expect(afterQianjiang).toEqual(['500114001 张黔江']);

    const yongningRun = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: await t.authAs('integrator', '640121'), payload: { period: '2024-05' } });
    expect(yongningRun.statusCode, yongningRun.body).toBe(201);
    const added = (await warningRegions()).slice(afterQianjiang.length);
    expect(added).toEqual(['640121100 马永宁']);
    expect(await t.store.knex('comparison_runs').orderBy('id').pluck('region_code')).toEqual(['500114', '640121']);
  });

  it('leaves an outsider whose ID number another county issued to a run that covers both, which places them there', async () => {
    expect(await t.store.knex('warnings').where('subject_key', keyOf(t.store.knex, outsider)).count({ n: '*' }).first()).toMatchObject({ n: 0 });
    const nationwideRun = await t.app.inject({ method: 'POST', url: '/v1/comparisons', headers: await t.authAs('admin', '000000'), payload: { period: '2024-05' } });
    expect(nationwideRun.statusCode, nationwideRun.body).toBe(201);
    expect(await t.store.knex('warnings').where('subject_key', keyOf(t.store.knex, outsider)).pluck('region_code')).toEqual(['640121']);
  });
});
