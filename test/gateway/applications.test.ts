import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { defaultCaseworkSettings } from '../../gateway/casework/casework-settings.js';
import { viewNoticeList } from '../../gateway/casework/applications/public-notices.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';
import { caseworkWithOneCity } from '../helpers/one-city.js';

/**
 * 一城通办 end to end: a household registered in 杨和镇 (640121100) living in 李俊镇 (640121101) applies in 李俊镇.
 * The scheme is switched on for 银川市 (640100, which holds 永宁 640121) from 2023-11-01: by default only 天津 runs it.
 * 2024 National Day: 10-01 to 10-07 off, Sunday 09-29 and Saturday 10-12 are working days.
 */
const yanghe = '640121100';
const lijun = '640121101';
const wangyuan = '640121102';
const head = idNumber('640121', '1968-04-12', 21);
const spouse = idNumber('640121', '1970-09-03', 22);
const child = idNumber('640121', '2008-01-15', 23);
const account = '6228480012345678901';
/** Two more households registered in 杨和镇 and living in 李俊镇, each with its own application below. */
const waiting = idNumber('640121', '1959-05-05', 24);
const late = idNumber('640121', '1963-03-03', 25);

describe.each(dialects)('applications (一城通办) on %s', (dialect) => {
  let t: TestApp;
  let lijunKey: { authorization: string };
  let yangheKey: { authorization: string };
  let wangyuanKey: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-12-20T02:00:00Z'), casework: caseworkWithOneCity() });
    await registerHousehold(t.store.knex, commandLineActor('test'), {
      registeredRegionCode: '640121100200',
      residenceRegionCode: '640121101001',
      address: '李俊镇李俊居委会3号楼2单元101',
      monthlyIncomeFen: 80_000,
      members: [
        { idNumber: head, name: '马福成', relation: '02', health: '3', bankAccount: { bankName: '中国农业银行', accountNumber: account, accountName: '马福成' } },
        { idNumber: spouse, name: '丁秀兰', relation: '10', disabilityCategory: '4', disabilityGrade: '2', health: '6' },
        { idNumber: child, name: '马小军', relation: '20' },
      ],
    });
    for (const [id, name] of [[waiting, '杨德明'], [late, '马兰花']] as const) {
      await registerHousehold(t.store.knex, commandLineActor('test'), {
        registeredRegionCode: '640121100201', residenceRegionCode: '640121101200', address: '李俊镇', members: [{ idNumber: id, name, relation: '01' }],
      });
    }
    lijunKey = await t.authAs('township', lijun);
    yangheKey = await t.authAs('township', yanghe);
    wangyuanKey = await t.authAs('township', wangyuan);
  });
  afterAll(async () => t.close());

  it('answers someone registered outside the city exactly as someone not in the register', async () => {
    const outsider = idNumber('500114', '1977-07-07', 26);
    await registerHousehold(t.store.knex, commandLineActor('test'), {
      registeredRegionCode: '500114001001', residenceRegionCode: '500114001001', address: '黔江', members: [{ idNumber: outsider, name: '秦远山', relation: '01' }],
    });
    const farAway = await apply(lijunKey, { applicantIdNumber: outsider, acceptedOn: '2024-10-08' });
    const unknown = await apply(lijunKey, { applicantIdNumber: idNumber('640121', '1977-07-07', 27), acceptedOn: '2024-10-08' });
    expect(farAway.statusCode).toBe(404);
    const { requestId: _a, ...far } = farAway.json();
    const { requestId: _b, ...none } = unknown.json();
    expect(far).toEqual(none);
    expect(far).toMatchObject({ code: 'not-found', errors: [{ pointer: '/applicantIdNumber', detail: 'not in the register here' }] });
    expect(JSON.stringify(far)).not.toContain('秦远山');
    const [taken] = await t.store.knex('applications').whereIn('household_id', t.store.knex('persons').select('household_id').where('name', '秦远山')).count({ n: '*' });
    expect(Number(taken!.n)).toBe(0);
  });

  async function apply(key: { authorization: string }, body: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: { procedure: 'dibao', category: '120', applicantIdNumber: head, acceptingRegionCode: lijun, ...body } });
  }
  async function step(key: { authorization: string }, id: number, body: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: `/v1/applications/${id}/steps`, headers: key, payload: body });
  }

  it('takes an application where the applicant lives and routes it to the registration township, with deadlines across National Day', async () => {
    const response = await apply(lijunKey, { applicantIdNumber: waiting, acceptedOn: '2024-09-27', reason: '独居，无劳动能力，无固定收入' });
    expect(response.statusCode, response.body).toBe(201);
    const application = response.json();
    expect(application).toMatchObject({
      procedure: 'dibao', category: '120', status: 'open',
      applicant: { name: '杨德明', idNumber: `640121********${waiting.slice(-4)}`, idNumberMasked: true },
      acceptingRegion: { code: lijun }, registrationRegion: { code: yanghe }, investigatingRegion: { code: lijun }, objectedOn: null,
      acceptedOn: '2024-09-27',
      // 30 working days: 09-29 (make-up Sunday) and 09-30 count, 10-01…10-07 do not, 10-12 (make-up Saturday) does.
      dueOn: '2024-11-13',
      extended: false,
      // 3 working days from Friday 09-27: Sunday 09-29, Monday 09-30, then Tuesday 10-08 after the holiday.
      nextStep: { step: 'check-started', dueOn: '2024-10-08', dueProvisional: false, notBefore: null },
    });
    expect(application.steps).toEqual([expect.objectContaining({ step: 'accepted', on: '2024-09-27', dueOn: null, late: false, reason: '独居，无劳动能力，无固定收入' })]);
    // The registration township cannot take a second one for the same household while this one is open.
    const twice = await apply(yangheKey, { applicantIdNumber: waiting, acceptingRegionCode: yanghe, acceptedOn: '2024-09-30' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'application-exists', detail: 'the household already has an open dibao application; continue that one' });
  });

  it('lets both townships see a cross-township application, and a third township not at all', async () => {
    const [{ id }] = (await t.app.inject({ method: 'GET', url: '/v1/applications', headers: lijunKey })).json().items;
    for (const key of [lijunKey, yangheKey]) {
      const list = await t.app.inject({ method: 'GET', url: '/v1/applications', headers: key });
      expect(list.json().items.map((a: { id: number }) => a.id)).toEqual([id]);
      expect((await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: key })).statusCode).toBe(200);
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/applications', headers: wangyuanKey })).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: wangyuanKey })).statusCode).toBe(404);
    expect((await step(wangyuanKey, id, { step: 'check-started', on: '2024-09-30' })).statusCode).toBe(404);
    const liaison = await t.authAs('liaison', '640121');
    expect((await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: liaison })).statusCode).toBe(403);
  });

  it('refuses steps out of order, by the wrong township, and before the notice has run', async () => {
    const { id } = (await apply(lijunKey, { acceptedOn: '2024-09-27' })).json();
    // The place of residence investigates (seed 001), not the registration township.
    const wrongSide = await step(yangheKey, id, { step: 'check-started', on: '2024-09-30' });
    expect(wrongSide.statusCode).toBe(403);
    expect(wrongSide.json()).toMatchObject({ code: 'out-of-scope', detail: `step check-started is done by township ${lijun}, outside ${yanghe}` });
    const early = await step(yangheKey, id, { step: 'reviewed', on: '2024-09-30' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('application-step-out-of-order');
    const skipped = await step(lijunKey, id, { step: 'forwarded', on: '2024-09-30' });
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json()).toMatchObject({ code: 'application-step-out-of-order', detail: `the next step of application ${id} is check-started, not forwarded` });
    const approvedFirst = await step(yangheKey, id, { step: 'approved', on: '2024-09-30', enrolments: [{ idNumber: head, monthlyAmountFen: 1 }] });
    expect(approvedFirst.json().code).toBe('application-step-out-of-order');

    for (const done of ['check-started', 'investigation-started', 'investigated']) {
      expect((await step(lijunKey, id, { step: done, on: '2024-09-30' })).statusCode).toBe(201);
    }
    const backwards = await step(lijunKey, id, { step: 'forwarded', on: '2024-09-29' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toEqual([expect.objectContaining({ pointer: '/on' })]);
    // 5 working days from Tuesday 10-08: 09, 10, 11, Saturday 12 (make-up), Monday 14.
    expect((await step(lijunKey, id, { step: 'forwarded', on: '2024-10-08' })).json().nextStep).toEqual({ step: 'reviewed', dueOn: '2024-10-14', dueProvisional: false, notBefore: null });
    expect((await step(yangheKey, id, { step: 'reviewed', on: '2024-10-10', proposedMonthlyAmountFen: 90_000 })).statusCode).toBe(201);
    const noticed = (await step(yangheKey, id, { step: 'notice', on: '2024-10-11' })).json();
    // 7 calendar days, the posting day not counted; the decision is due 10 working days after its last day.
    expect(noticed.notice).toEqual({ startsOn: '2024-10-11', endsOn: '2024-10-18' });
    expect(noticed.nextStep).toEqual({ step: 'decided', dueOn: '2024-11-01', dueProvisional: false, notBefore: '2024-10-19' });
    const during = await step(yangheKey, id, { step: 'approved', on: '2024-10-18', enrolments: [{ idNumber: head, monthlyAmountFen: 30_000 }] });
    expect(during.statusCode).toBe(409);
    expect(during.json().detail).toBe('the notice runs until 2024-10-18; decided can be done from 2024-10-19');
    const rejected = await step(yangheKey, id, { step: 'rejected', on: '2024-10-18' });
    expect(rejected.statusCode).toBe(400);
    expect(rejected.json().errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    expect((await step(yangheKey, id, { step: 'rejected', on: '2024-10-18', reason: '公示期间收到异议，经民主评议家庭收入超标' })).json().status).toBe('rejected');
    expect((await step(yangheKey, id, { step: 'extended', on: '2024-10-21', reason: '补充材料' })).json().code).toBe('application-closed');
  });

  it('asks why a step is late, extends once with a reason, and not twice', async () => {
    const { id } = (await apply(lijunKey, { applicantIdNumber: late, acceptedOn: '2024-09-27' })).json();
    expect((await step(lijunKey, id, { step: 'check-started', on: '2024-09-30' })).statusCode).toBe(201);
    // The investigation starts within 3 working days of acceptance (10-08), not of the 核对's start (which would be 10-10).
    const unexplained = await step(lijunKey, id, { step: 'investigation-started', on: '2024-10-09' });
    expect(unexplained.statusCode).toBe(400);
    expect(unexplained.json().detail).toBe('the step was due by 2024-10-08: say why it is late');
    const explained = (await step(lijunKey, id, { step: 'investigation-started', on: '2024-10-09', reason: '申请人国庆期间外出，10月9日方能入户' })).json();
    expect(explained.steps.at(-1)).toMatchObject({ step: 'investigation-started', on: '2024-10-09', dueOn: '2024-10-08', late: true, reason: '申请人国庆期间外出，10月9日方能入户' });
    expect((await step(yangheKey, id, { step: 'extended', on: '2024-10-10' })).statusCode).toBe(400);
    expect((await step(lijunKey, id, { step: 'extended', on: '2024-10-10', reason: '需核实在外地的房产' })).json().code).toBe('out-of-scope');
    const extended = (await step(yangheKey, id, { step: 'extended', on: '2024-10-10', reason: '需核实在外地的房产' })).json();
    // 15 more working days from 2024-11-13.
    expect(extended).toMatchObject({ extended: true, dueOn: '2024-12-04' });
    expect(extended.steps.at(-1)).toMatchObject({ step: 'extended', reason: '需核实在外地的房产' });
    const again = await step(yangheKey, id, { step: 'extended', on: '2024-10-11', reason: '再次延期' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toBe(`application ${id} was already extended once`);
    const audit = await t.store.knex('audit_log').where({ action: 'application.step', resource_id: String(id), outcome: 'ok' }).select('actor_label', 'detail').orderBy('id');
    expect(audit).toEqual([
      { actor_label: `test township ${lijun}`, detail: 'check-started on 2024-09-30' },
      { actor_label: `test township ${lijun}`, detail: 'investigation-started on 2024-10-09 (due 2024-10-08): 申请人国庆期间外出，10月9日方能入户' },
      { actor_label: `test township ${yanghe}`, detail: 'extended on 2024-10-10: 需核实在外地的房产' },
    ]);
    const steps = (await t.app.inject({ method: 'GET', url: `/v1/applications/${id}/steps`, headers: lijunKey })).json().items;
    expect(steps.map((s: { step: string; on: string; actor: string }) => [s.step, s.on, s.actor])).toEqual([
      ['accepted', '2024-09-27', `test township ${lijun}`],
      ['check-started', '2024-09-30', `test township ${lijun}`],
      ['investigation-started', '2024-10-09', `test township ${lijun}`],
      ['extended', '2024-10-10', `test township ${yanghe}`],
    ]);
  });

  it('lists the overdue applications with the step that is late', async () => {
    const asOf = '2024-10-09';
    const overdue = (await t.app.inject({ method: 'GET', url: `/v1/applications?overdue=true&asOf=${asOf}`, headers: yangheKey })).json();
    // The first application's 核对 was never started (due 10-08); the others moved on or closed.
    expect(overdue.items.map((a: { id: number; nextStep: { step: string; dueOn: string } }) => [a.nextStep.step, a.nextStep.dueOn])).toEqual([['check-started', '2024-10-08']]);
    const notYet = (await t.app.inject({ method: 'GET', url: '/v1/applications?overdue=true&asOf=2024-10-08', headers: yangheKey })).json();
    expect(notYet.items).toEqual([]);
  });

  it('approves after the notice and enrols the covered members from the approval date', async () => {
    const { id } = (await apply(lijunKey, { acceptedOn: '2024-10-08' })).json();
    for (const done of ['check-started', 'investigation-started', 'investigated']) await step(lijunKey, id, { step: done, on: '2024-10-09' });
    await step(lijunKey, id, { step: 'forwarded', on: '2024-10-10' });
    await step(yangheKey, id, { step: 'reviewed', on: '2024-10-11', proposedMonthlyAmountFen: 95_000 });
    await step(yangheKey, id, { step: 'notice', on: '2024-10-14' });
    const notMember = await step(yangheKey, id, { step: 'approved', on: '2024-10-22', enrolments: [{ idNumber: idNumber('640121', '1950-01-01', 99), monthlyAmountFen: 1 }] });
    expect(notMember.json().errors).toEqual([expect.objectContaining({ pointer: '/enrolments/0/idNumber', detail: 'not a member of the applicant’s household' })]);
    const approved = await step(yangheKey, id, {
      step: 'approved', on: '2024-10-22',
      enrolments: [{ idNumber: head, monthlyAmountFen: 35_000 }, { idNumber: spouse, monthlyAmountFen: 35_000 }, { idNumber: child, monthlyAmountFen: 25_000 }],
    });
    expect(approved.statusCode, approved.body).toBe(201);
    // What is left is the registration township's 档案归档 (10 working days, an example): overdue by the test clock's 12-20.
    expect(approved.json()).toMatchObject({ status: 'approved', decidedOn: '2024-10-22', nextStep: { step: 'archived', dueOn: '2024-11-05', notBefore: null }, overdue: true });
    const enrolments = await t.store.knex('enrolments').whereIn('id', approved.json().enrolmentIds).orderBy('id').select('category', 'start_date', 'end_date', 'monthly_amount_fen', 'region_code');
    expect(enrolments).toEqual([
      { category: '120', start_date: '2024-10-22', end_date: null, monthly_amount_fen: 35_000, region_code: '640121100200' },
      { category: '120', start_date: '2024-10-22', end_date: null, monthly_amount_fen: 35_000, region_code: '640121100200' },
      { category: '120', start_date: '2024-10-22', end_date: null, monthly_amount_fen: 25_000, region_code: '640121100200' },
    ]);
    expect((await step(lijunKey, id, { step: 'archived', on: '2024-10-23' })).statusCode).toBe(403);
    expect((await step(yangheKey, id, { step: 'archived', on: '2024-10-23' })).json()).toMatchObject({ status: 'approved', nextStep: null, overdue: false });
    expect((await step(yangheKey, id, { step: 'archived', on: '2024-10-24' })).json().code).toBe('application-closed');
    const household = (await t.app.inject({ method: 'GET', url: `/v1/households/${approved.json().householdId}`, headers: yangheKey })).json();
    expect(household.members.map((m: { enrolments: { startDate: string }[] }) => m.enrolments.map((e) => e.startDate))).toEqual([['2024-10-22'], ['2024-10-22'], ['2024-10-22']]);
  });

  it('renders the public notice list in both townships without ID number, phone, account, health or disability', async () => {
    for (const [key, township, village] of [[yangheKey, yanghe, '王太村委会'], [lijunKey, lijun, '李俊居委会']] as const) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/notices?township=${township}&period=2024-10`, headers: key });
      expect(response.statusCode, response.body).toBe(200);
      const list = response.json();
      expect(list.nameDisplay).toBe('full');
      expect(list.items.map((i: { stage: string; startsOn: string; endsOn: string | null; monthlyAmountFen: number | null }) => [i.stage, i.startsOn, i.endsOn, i.monthlyAmountFen])).toEqual([
        ['approved', '2024-10-22', null, 95_000],
        ['notice', '2024-10-11', '2024-10-18', 90_000],
        ['notice', '2024-10-14', '2024-10-21', 95_000],
      ]);
      for (const item of list.items) {
        expect(Object.keys(item).sort()).toEqual(['applicationId', 'assistanceType', 'endsOn', 'householdSize', 'monthlyAmountFen', 'name', 'stage', 'startsOn', 'village']);
        expect(item).toMatchObject({ name: '马福成', householdSize: 3, village: { name: village }, assistanceType: { code: '120', name: '农村最低生活保障' } });
      }
      const body = response.body;
      for (const id of [head, spouse, child]) {
        expect(body).not.toContain(id.slice(6, 14));
        expect(body).not.toContain(id.slice(-4));
      }
      for (const forbidden of [account, account.slice(-4), '中国农业银行', '有慢性病', '残疾', '丁秀兰', '马小军', 'phone', 'health', 'disab', 'idNumber', 'account']) {
        expect(body).not.toContain(forbidden);
      }
    }
    // Where local practice masks names on notices, the configuration says so.
    const settings = defaultCaseworkSettings();
    const masked = await viewNoticeList(t.store.knex, { keyId: null, role: 'township', regionCode: yanghe, label: 'test' }, yanghe, '2024-10', {
      ...settings, limits: { ...settings.limits, publicNotices: { ...settings.limits.publicNotices, nameDisplay: 'masked' } },
    });
    expect(masked.view).toMatchObject({ nameDisplay: 'masked' });
    expect(masked.view.items.map((i) => i.name)).toEqual(['马*成', '马*成', '马*成']);
    expect(masked.view.items.map((i) => i.assistanceType)).toEqual(Array(3).fill({ code: '120', name: '农村最低生活保障' }));
    // A category configured as revealing (by default 650, 刚性支出困难家庭) appears under the general wording, code and all.
    const generalised = await viewNoticeList(t.store.knex, { keyId: null, role: 'township', regionCode: yanghe, label: 'test' }, yanghe, '2024-10', {
      ...settings, limits: { ...settings.limits, publicNotices: { ...settings.limits.publicNotices, generalisedCategories: { categories: ['120', '650'], shownAs: '低收入家庭' } } },
    });
    expect(generalised.view.items.map((i) => i.assistanceType)).toEqual(Array(3).fill({ code: null, name: '低收入家庭' }));
    expect(JSON.stringify(generalised.view)).not.toContain('最低生活保障');
    // Whatever the role: integrators and auditors, who see full ID numbers elsewhere, get the same columns.
    const auditor = await t.authAs('auditor', '640121');
    const audited = await t.app.inject({ method: 'GET', url: `/v1/notices?township=${yanghe}&period=2024-10`, headers: auditor });
    expect(audited.body).not.toContain(head.slice(6, 14));
    expect((await t.app.inject({ method: 'GET', url: `/v1/notices?township=${yanghe}&period=2024-10`, headers: wangyuanKey })).statusCode).toBe(403);
    const reads = await t.store.knex('audit_log').where({ action: 'notice.read', outcome: 'ok' }).count({ n: '*' }).first();
    expect(Number(reads?.n)).toBe(3);
  });
});
