import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { idNumber, personIdOf, subjectColumns } from '../helpers/monitoring.js';

/**
 * Supervision end to end, on the real items: a warning left pending, a low-income household never visited, an
 * application whose investigation is late and a referral the department has not answered, all in 杨和镇 (640121100);
 * 李俊镇 (640121101) has nothing overdue. Today is Monday 21 October 2024 in Shanghai.
 */
const yanghe = '640121100';
const lijun = '640121101';
const head = idNumber('640121', '1958-03-02', 41);
const applicant = idNumber('640121', '1962-07-07', 42);
const outsider = idNumber('500114', '1966-06-06', 43);

describe.each(dialects)('supervision (督办, 书面提醒) on %s', (dialect) => {
  let t: TestApp;
  let county: { authorization: string };
  let townshipKey: { authorization: string };
  let warningId: number;
  let applicationId: number;
  let referralId: number;
  let householdId: number;

  async function call(method: 'GET' | 'POST', url: string, headers: { authorization: string }, payload?: Record<string, unknown>) {
    return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-10-21T02:00:00Z') });
    county = await t.authAs('admin', '640121');
    townshipKey = await t.authAs('township', yanghe);
    const actor = commandLineActor('test');
    householdId = await registerHousehold(t.store.knex, actor, {
      registeredRegionCode: '640121100200', residenceRegionCode: '640121100200', address: '杨和镇王太村三组5号', monthlyIncomeFen: 40_000,
      members: [{ idNumber: head, name: '马福成', relation: '02', enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 60_000 }] }],
    });
    await registerHousehold(t.store.knex, actor, {
      registeredRegionCode: '640121100201', residenceRegionCode: '640121100201', address: '杨和镇红星村', members: [{ idNumber: applicant, name: '马兰花', relation: '01' }],
    });
    await registerHousehold(t.store.knex, actor, {
      registeredRegionCode: '500114001001', residenceRegionCode: '500114001001', address: '黔江', members: [{ idNumber: outsider, name: '秦远山', relation: '01' }],
    });

    const [run] = await t.store.knex('comparison_runs')
      .insert({ period: '2024-09', mode: 'full', rule_set: 'test', rule_set_sm3: '0'.repeat(64), started_at: new Date(), status: 'finished' }).returning('id');
    const warningRow = (due: string, sequence: number, region: string, subject: string) => ({
      run_id: Number((run as { id: number }).id ?? run), rule_id: 'recipient-died', period: '2024-09', ...subjectColumns(t.store.knex, subject),
      subject_name: '马福成', region_code: region, handling_unit: 'township', severity: 'high', suggested_action: 'verify', status: 'pending',
      raised_on: '2024-09-26', due_on: due, created_at: new Date(), updated_at: new Date(), person_id: null, household_id: null, measured: sequence,
    });
    const [late] = await t.store.knex('warnings').insert(warningRow('2024-10-10', 1, yanghe, head)).returning('id');
    warningId = Number((late as { id: number }).id ?? late);
    await t.store.knex('warnings').where({ id: warningId }).update({ person_id: await personIdOf(t.store.knex, head), household_id: householdId });

    const accepted = await call('POST', '/v1/applications', townshipKey, { procedure: 'dibao', category: '120', applicantIdNumber: applicant, acceptingRegionCode: yanghe, acceptedOn: '2024-10-08', reason: '独居' });
    expect(accepted.statusCode, accepted.body).toBe(201);
    applicationId = accepted.json().id;
    const opened = await call('POST', '/v1/referrals/cases', townshipKey, {
      origin: { type: 'walk-in' }, subjectIdNumber: applicant, subjectName: '马兰花', regionCode: yanghe, ownerUnit: '杨和镇社会救助服务站', openedOn: '2024-09-20',
      summary: '住院费用高', referrals: [{ department: 'yb', need: '医疗救助' }],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    referralId = opened.json().referrals[0].id;
  });
  afterAll(async () => t.close());

  it('lists what a township has overdue today, each kind by its own deadline, and shows another township nothing', async () => {
    const response = await call('GET', `/v1/supervision/overdue?region=${yanghe}`, county);
    expect(response.statusCode, response.body).toBe(200);
    const { asOf, items } = response.json();
    expect(asOf).toBe('2024-10-21');
    const byKind = Object.fromEntries(items.map((i: { kind: string }) => [i.kind, i]));
    expect(byKind.warning).toMatchObject({ ref: String(warningId), townshipCode: yanghe, subject: '马福成', dueOn: '2024-10-10', workingDaysLate: 8 });
    expect(byKind.warning.what).toContain('待核查');
    expect(byKind.visit).toMatchObject({ ref: expect.stringMatching(new RegExp(`^${householdId}@\\d{4}-\\d{2}-\\d{2}$`)), townshipCode: yanghe, subject: '马福成' });
    expect(byKind['application-step']).toMatchObject({ ref: `${applicationId}:check-started`, townshipCode: yanghe, subject: '马兰花' });
    expect(byKind['application-step'].what).toContain('启动家庭经济状况核对');
    expect(byKind.referral).toMatchObject({ ref: String(referralId), townshipCode: yanghe, subject: '马兰花' });
    expect(items.every((i: { townshipCode: string }) => i.townshipCode === yanghe)).toBe(true);
    expect((await call('GET', `/v1/supervision/overdue?region=${lijun}`, county)).json().items).toEqual([]);
    expect((await call('GET', '/v1/supervision/overdue?region=500114', county)).statusCode).toBe(403);
    const entries = await t.store.knex('audit_log').where({ action: 'supervision.overdue' }).orderBy('seq').select('outcome', 'region_code');
    expect(entries).toEqual([{ outcome: 'ok', region_code: yanghe }, { outcome: 'ok', region_code: lijun }, { outcome: 'denied', region_code: null }]);
  });

  it('lets only a county key issue a 督办, to the township that owes the item, once per item', async () => {
    const body = { itemKind: 'warning', itemRef: String(warningId), request: '请于限期内完成入户核查并反馈处置结果' };
    expect((await call('POST', '/v1/supervision/orders', townshipKey, body)).statusCode).toBe(403);
    expect((await call('POST', '/v1/supervision/orders', await t.authAs('admin', yanghe), body)).json()).toMatchObject({ code: 'forbidden' });
    expect((await call('POST', '/v1/supervision/orders', await t.authAs('auditor', '640121'), body)).statusCode).toBe(403);
    const issued = await call('POST', '/v1/supervision/orders', county, body);
    expect(issued.statusCode, issued.body).toBe(201);
    // Five working days from Monday 21 October; the warning was due 10-10, and Saturday 10-12 was a working day (National Day).
    expect(issued.json()).toMatchObject({ townshipCode: yanghe, issuedOn: '2024-10-21', dueOn: '2024-10-28', state: 'open', request: body.request });
    expect((await call('POST', '/v1/supervision/orders', county, body)).json()).toMatchObject({ code: 'supervision-conflict' });
    expect((await call('POST', '/v1/supervision/orders', county, { ...body, itemRef: '999999' })).statusCode).toBe(404);
    expect((await call('POST', '/v1/supervision/orders', county, { itemKind: 'visit', itemRef: `${householdId}@2020-01-01`, request: '请走访' })).statusCode).toBe(404);
    const entry = await t.store.knex('audit_log').where({ action: 'supervision.order', outcome: 'ok' }).first();
    expect(entry).toMatchObject({ region_code: yanghe, resource_type: 'supervision-order' });
  });

  it('takes the township’s reason once, refuses one on a done item, and reads done from the item itself', async () => {
    const step = await call('POST', '/v1/supervision/orders', county, { itemKind: 'application-step', itemRef: `${applicationId}:check-started`, request: '请启动家庭经济状况核对' });
    expect(step.statusCode, step.body).toBe(201);
    const referral = await call('POST', '/v1/supervision/orders', county, { itemKind: 'referral', itemRef: String(referralId), request: '请督促医保局答复' });
    expect(referral.statusCode, referral.body).toBe(201);

    const reason = { reason: '申请人住院治疗，出院后入户' };
    expect((await call('POST', `/v1/supervision/orders/${step.json().id}/reason`, await t.authAs('township', lijun), reason)).statusCode).toBe(404);
    const recorded = await call('POST', `/v1/supervision/orders/${step.json().id}/reason`, townshipKey, reason);
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ state: 'reason-recorded', reason: reason.reason });
    expect((await call('POST', `/v1/supervision/orders/${step.json().id}/reason`, townshipKey, reason)).json()).toMatchObject({ code: 'supervision-conflict' });

    const answered = await call('POST', `/v1/referrals/${referralId}/transitions`, townshipKey, { to: 'accepted', on: '2024-10-21', reason: '部门受理' });
    expect(answered.statusCode, answered.body).toBe(200);
    const done = await call('POST', `/v1/referrals/${referralId}/transitions`, townshipKey, { to: 'done', on: '2024-10-21', outcome: '已落实医疗救助', reason: '督办后办结' });
    expect(done.statusCode, done.body).toBe(200);
    expect((await call('POST', `/v1/supervision/orders/${referral.json().id}/reason`, townshipKey, reason)).json()).toMatchObject({ code: 'supervision-conflict' });

    const orders = (await call('GET', '/v1/supervision/orders', await t.authAs('auditor', '640121'))).json().items;
    expect(orders.map((o: { itemKind: string; state: string }) => `${o.itemKind}:${o.state}`)).toEqual(['warning:open', 'application-step:reason-recorded', 'referral:done']);
    expect((await call('GET', '/v1/supervision/orders?state=open', townshipKey)).json().items).toHaveLength(1);
    expect((await call('GET', '/v1/supervision/orders', await t.authAs('liaison', '640121'))).statusCode).toBe(403);
    expect((await call('GET', '/v1/supervision/orders', await t.authAs('integrator', '640121'))).statusCode).toBe(403);
  });

  it('issues a written reminder of what the township has overdue, numbered, kept as issued and checked against its SM3', async () => {
    expect((await call('POST', '/v1/supervision/reminders', county, { township: lijun })).json()).toMatchObject({ code: 'supervision-conflict' });
    expect((await call('POST', '/v1/supervision/reminders', county, { township: '500114001' })).statusCode).toBe(404);
    const issued = await call('POST', '/v1/supervision/reminders', county, { township: yanghe });
    expect(issued.statusCode, issued.body).toBe(201);
    const reminder = issued.json();
    expect(reminder).toMatchObject({ number: '640121督〔2024〕1号', issuedOn: '2024-10-21', townshipCode: yanghe });
    expect(reminder.items.map((i: { itemKind: string }) => i.itemKind).sort()).toEqual(['application-step', 'visit', 'warning']);
    expect((await call('POST', '/v1/supervision/reminders', county, { township: yanghe })).json().number).toBe('640121督〔2024〕2号');

    const document = await call('GET', `/v1/supervision/reminders/${reminder.id}/document`, townshipKey);
    expect(document.statusCode, document.body).toBe(200);
    expect(sm3Hex(document.rawPayload)).toBe(reminder.documentSm3);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(document.rawPayload as unknown as ArrayBuffer);
    const text = book.worksheets[0]!.getSheetValues().flat().join('|');
    expect(text).toContain('640121督〔2024〕1号');
    expect(text).toContain('杨和镇：');
    expect(text).toContain('截至2024年10月21日，你单位下列3项');
    expect(text).toContain('督办第1号，限2024-10-28前办结');
    expect((await call('GET', `/v1/supervision/reminders/${reminder.id}/document`, await t.authAs('township', lijun))).statusCode).toBe(404);

    const listed = (await call('GET', '/v1/supervision/reminders', await t.authAs('auditor', '640121'))).json().items;
    expect(listed.map((r: { number: string }) => r.number)).toEqual(['640121督〔2024〕2号', '640121督〔2024〕1号']);

    await t.store.knex('supervision_reminders').where({ id: reminder.id }).update({ document: Buffer.concat([document.rawPayload, Buffer.from([0])]) });
    expect((await call('GET', `/v1/supervision/reminders/${reminder.id}/document`, county)).json()).toMatchObject({ code: 'stored-document-altered' });
  });

  it('lists for the yearly assessment what a reminder listed and is still undone without a reason', async () => {
    const response = await call('GET', '/v1/supervision/assessment?year=2024', await t.authAs('auditor', '640121'));
    expect(response.statusCode, response.body).toBe(200);
    const kinds = response.json().items.map((i: { itemKind: string }) => i.itemKind).sort();
    // The application step has a reason on record; the referral was done before the reminder.
    expect(kinds).toEqual(['visit', 'warning']);
    expect(response.json().items[0]).toMatchObject({ townshipCode: yanghe, reminderNumber: '640121督〔2024〕1号', remindedOn: '2024-10-21' });
  });

  it('reports what is overdue with its 督办, reminders and reasons, and the 通报 figures per township', async () => {
    const auditor = await t.authAs('auditor', '640121');
    const overdue = await call('GET', `/v1/reports/compliance-overdue?region=${yanghe}&format=csv`, auditor);
    expect(overdue.statusCode, overdue.body).toBe(200);
    const rows = overdue.body.split('\r\n').slice(1, -1);
    expect(rows.find((r) => r.includes('预警处置'))).toContain('第1号（2024-10-21），限2024-10-28前,640121督〔2024〕1号（2024-10-21）；640121督〔2024〕2号（2024-10-21）,');
    expect(rows.find((r) => r.includes('申请办理'))).toContain('申请人住院治疗，出院后入户');
    expect(rows).toHaveLength(3);

    const circular = await call('GET', '/v1/reports/supervision-circular?period=2024-10&region=640121&format=csv', auditor);
    expect(circular.statusCode, circular.body).toBe(200);
    const lines = circular.body.split('\r\n');
    // The county owes its units' progress sheets of May–September (23 units of the 永宁 programme, none filed).
    expect(lines[1]).toBe('1,永宁县,0,0,0,0,0,115');
    expect(lines[2]).toBe('2,杨和镇,3,1,1,1,2,3');

    const draft = await call('GET', `/v1/reports/supervision-reminder?region=${yanghe}&format=csv`, county);
    expect(draft.statusCode, draft.body).toBe(200);
    expect(draft.body.split('\r\n')).toHaveLength(3 + 2);
    expect((await call('GET', '/v1/reports/supervision-reminder?region=640121&format=csv', county)).statusCode).toBe(400);
    expect((await call('GET', `/v1/reports/compliance-overdue?region=${yanghe}&format=csv`, await t.authAs('finance', '640121'))).statusCode).toBe(403);
  });
});
