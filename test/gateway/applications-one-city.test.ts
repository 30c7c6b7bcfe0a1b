import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { recordApplicationStep } from '../../gateway/casework/applications/application-steps.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';
import { caseworkWithOneCity } from '../helpers/one-city.js';

/**
 * 一城通办 as seed 001 describes it, against the default configuration (天津 only) and against a scheme switched on
 * for 银川市 (640100, holding 永宁 640121) from 2024-10-01. Every household here is registered in 杨和镇 (640121100)
 * and lives in 李俊镇 (640121101); 望远镇 (640121102) is neither.
 */
const yanghe = '640121100';
const lijun = '640121101';
const wangyuan = '640121102';
const withScheme = caseworkWithOneCity({ startsOn: '2024-10-01' });

async function addCrossTownshipHousehold(t: TestApp, sequence: number, name: string): Promise<string> {
  const id = idNumber('640121', '1966-06-06', sequence);
  await registerHousehold(t.store.knex, commandLineActor('test'), {
    registeredRegionCode: '640121100200', residenceRegionCode: '640121101001', address: '李俊镇李俊居委会', members: [{ idNumber: id, name, relation: '01' }],
  });
  return id;
}

function townshipActor(regionCode: string): Actor {
  return { keyId: null, role: 'township', regionCode, label: `test township ${regionCode}` };
}

describe.each(dialects)('一城通办 switched off (the default outside 天津) on %s', (dialect) => {
  let t: TestApp;
  let applicant: string;
  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-12-20T02:00:00Z') });
    applicant = await addCrossTownshipHousehold(t, 61, '马存良');
  });
  afterAll(async () => t.close());

  it('takes the application only where the household is registered ("申请低保等救助须在户籍地提交申请"), which investigates', async () => {
    const body = { procedure: 'dibao', category: '120', applicantIdNumber: applicant, acceptedOn: '2024-10-08' };
    const atResidence = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: await t.authAs('township', lijun), payload: { ...body, acceptingRegionCode: lijun } });
    expect(atResidence.statusCode).toBe(422);
    expect(atResidence.json()).toMatchObject({
      code: 'application-wrong-township',
      detail: `township ${lijun} may not take this application: only the township of registration, ${yanghe}, takes it (no 一城通办 scheme covers the household on 2024-10-08)`,
      errors: [{ pointer: '/acceptingRegionCode', detail: `one of ${yanghe}` }],
    });
    const yangheKey = await t.authAs('township', yanghe);
    const taken = await t.app.inject({ method: 'POST', url: '/v1/applications', headers: yangheKey, payload: { ...body, acceptingRegionCode: yanghe } });
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.json()).toMatchObject({ acceptingRegion: { code: yanghe }, investigatingRegion: { code: yanghe }, registrationRegion: { code: yanghe } });
    // The residence township has no part in it: it does not even see it.
    const id = taken.json().id as number;
    const lijunStep = await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/steps`, headers: await t.authAs('township', lijun), payload: { step: 'check-started', on: '2024-10-09' } });
    expect(lijunStep.statusCode).toBe(404);
    for (const step of ['check-started', 'investigation-started', 'investigated']) {
      expect((await t.app.inject({ method: 'POST', url: `/v1/applications/${id}/steps`, headers: yangheKey, payload: { step, on: '2024-10-09' } })).statusCode).toBe(201);
    }
    // Investigated where registered: nothing to forward, the review is next.
    const view = (await t.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: yangheKey })).json();
    expect(view.nextStep.step).toBe('reviewed');
  });
});

describe.each(dialects)('一城通办 switched on for 银川市 from 2024-10-01 on %s', (dialect) => {
  let t: TestApp;
  let lijunKey: { authorization: string };
  let yangheKey: { authorization: string };
  let wangyuanKey: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-12-20T02:00:00Z'), casework: withScheme });
    lijunKey = await t.authAs('township', lijun);
    yangheKey = await t.authAs('township', yanghe);
    wangyuanKey = await t.authAs('township', wangyuan);
  });
  afterAll(async () => t.close());

  async function apply(key: { authorization: string }, applicantIdNumber: string, acceptingRegionCode: string, acceptedOn: string) {
    return t.app.inject({ method: 'POST', url: '/v1/applications', headers: key, payload: { procedure: 'dibao', category: '120', applicantIdNumber, acceptingRegionCode, acceptedOn } });
  }
  async function step(key: { authorization: string }, id: number, body: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: `/v1/applications/${id}/steps`, headers: key, payload: body });
  }

  it('lets the residence township take an application from the scheme’s start, not the day before', async () => {
    const applicant = await addCrossTownshipHousehold(t, 62, '马玉兰');
    const before = await apply(lijunKey, applicant, lijun, '2024-09-30');
    expect(before.statusCode).toBe(422);
    expect(before.json().detail).toContain(`only the township of registration, ${yanghe}, takes it`);
    const from = await apply(lijunKey, applicant, lijun, '2024-10-08');
    expect(from.statusCode, from.body).toBe(201);
    expect(from.json()).toMatchObject({ acceptingRegion: { code: lijun }, investigatingRegion: { code: lijun }, registrationRegion: { code: yanghe } });
  });

  it('refuses a third township, naming the two that may take it ("申请人可选择居住地或户籍地提交社会救助申请")', async () => {
    const applicant = await addCrossTownshipHousehold(t, 63, '杨明德');
    const elsewhere = await apply(wangyuanKey, applicant, wangyuan, '2024-10-08');
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json()).toMatchObject({
      code: 'application-wrong-township',
      detail: `township ${wangyuan} may not take this application: under 一城通办 (银川市 (test)) only the household's township of residence or of registration takes it: ${lijun} or ${yanghe}`,
      errors: [{ pointer: '/acceptingRegionCode', detail: `one of ${lijun}, ${yanghe}` }],
    });
    const [count] = await t.store.knex('applications').count({ n: '*' }).whereIn('household_id', t.store.knex('persons').select('household_id').where('name', '杨明德'));
    expect(Number(count!.n)).toBe(0);
    // Someone registered and living outside the scheme's area is still answered as someone not in the register.
    const outsider = idNumber('500114', '1977-07-07', 64);
    await registerHousehold(t.store.knex, commandLineActor('test'), {
      registeredRegionCode: '500114001001', residenceRegionCode: '500114001001', address: '黔江', members: [{ idNumber: outsider, name: '秦远山', relation: '01' }],
    });
    const far = await apply(wangyuanKey, outsider, wangyuan, '2024-10-08');
    expect(far.statusCode).toBe(404);
    expect(far.body).not.toContain('500114');
  });

  it('has the residence township start the 核对 and the investigation even when the registration township took the application', async () => {
    const applicant = await addCrossTownshipHousehold(t, 65, '丁秀英');
    const taken = await apply(yangheKey, applicant, yanghe, '2024-10-08');
    expect(taken.statusCode, taken.body).toBe(201);
    const id = taken.json().id as number;
    expect(taken.json()).toMatchObject({ acceptingRegion: { code: yanghe }, investigatingRegion: { code: lijun }, nextStep: { step: 'check-started' } });
    // "由居住地配合户籍地就近进行入户调查": not the township that accepted.
    const byRegistration = await step(yangheKey, id, { step: 'check-started', on: '2024-10-09' });
    expect(byRegistration.statusCode).toBe(403);
    expect(byRegistration.json().detail).toBe(`step check-started is done by township ${lijun}, outside ${yanghe}`);
    for (const done of ['check-started', 'investigation-started', 'investigated', 'forwarded']) {
      expect((await step(lijunKey, id, { step: done, on: '2024-10-09' })).statusCode).toBe(201);
    }
    // The residence township sees it in its list although it neither accepted it nor holds the registration.
    const list = (await t.app.inject({ method: 'GET', url: '/v1/applications', headers: lijunKey })).json();
    expect(list.items.map((a: { id: number }) => a.id)).toContain(id);
    expect(list.items.find((a: { id: number }) => a.id === id)).toMatchObject({ acceptingRegionCode: yanghe, investigatingRegionCode: lijun, registrationRegionCode: yanghe });
    expect((await step(wangyuanKey, id, { step: 'reviewed', on: '2024-10-10' })).statusCode).toBe(404);
  });

  it('puts 民主评议 before the decision when the notice draws an objection, organised by the registration township by default', async () => {
    const applicant = await addCrossTownshipHousehold(t, 66, '马占山');
    const id = (await apply(lijunKey, applicant, lijun, '2024-10-08')).json().id as number;
    for (const done of ['check-started', 'investigation-started', 'investigated', 'forwarded']) await step(lijunKey, id, { step: done, on: '2024-10-09' });
    await step(yangheKey, id, { step: 'reviewed', on: '2024-10-10', proposedMonthlyAmountFen: 60_000 });
    const early = await step(lijunKey, id, { step: 'objected', on: '2024-10-10', reason: '邻居反映其子女在外地有稳定收入' });
    expect(early.json()).toMatchObject({ code: 'application-step-out-of-order', detail: `an objection answers the notice, and application ${id} is at reviewed` });
    await step(yangheKey, id, { step: 'notice', on: '2024-10-11' });
    // Either township may take the objection (the notice hangs in both); it says what it objects to.
    expect((await step(lijunKey, id, { step: 'objected', on: '2024-10-14' })).json().errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    expect((await step(lijunKey, id, { step: 'objected', on: '2024-10-19', reason: '逾期异议' })).json().errors).toEqual([expect.objectContaining({ pointer: '/on' })]);
    const objected = await step(lijunKey, id, { step: 'objected', on: '2024-10-14', reason: '邻居反映其子女在外地有稳定收入' });
    expect(objected.statusCode, objected.body).toBe(201);
    // 5 working days (an example) after the notice's last day 10-18.
    expect(objected.json()).toMatchObject({ objectedOn: '2024-10-14', nextStep: { step: 'deliberated', dueOn: '2024-10-25', notBefore: null } });
    expect((await step(yangheKey, id, { step: 'objected', on: '2024-10-15', reason: '再次异议' })).json().code).toBe('application-step-out-of-order');
    const decidedFirst = await step(yangheKey, id, { step: 'approved', on: '2024-10-21', enrolments: [{ idNumber: applicant, monthlyAmountFen: 60_000 }] });
    expect(decidedFirst.json()).toMatchObject({ code: 'application-step-out-of-order', detail: `the next step of application ${id} is deliberated, not approved` });
    // "户籍地负责组织民主评议,居住地配合": the residence township cannot record it under the default configuration.
    expect((await step(lijunKey, id, { step: 'deliberated', on: '2024-10-16', reason: '评议', deliberationResult: 'qualifies' })).statusCode).toBe(403);
    expect((await step(yangheKey, id, { step: 'deliberated', on: '2024-10-16', reason: '村民代表评议' })).json().errors).toEqual([expect.objectContaining({ pointer: '/deliberationResult' })]);
    const deliberated = await step(yangheKey, id, { step: 'deliberated', on: '2024-10-16', reason: '村民代表11人评议：子女收入已计入，仍符合条件', deliberationResult: 'qualifies' });
    expect(deliberated.statusCode, deliberated.body).toBe(201);
    // The decision still waits for the notice to run out.
    expect(deliberated.json().nextStep).toMatchObject({ step: 'decided', notBefore: '2024-10-19' });
    const approved = await step(yangheKey, id, { step: 'approved', on: '2024-10-21', enrolments: [{ idNumber: applicant, monthlyAmountFen: 60_000 }] });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json().steps.map((s: { step: string }) => s.step)).toEqual([
      'accepted', 'check-started', 'investigation-started', 'investigated', 'forwarded', 'reviewed', 'notice', 'objected', 'deliberated', 'approved',
    ]);
    expect(approved.json().steps.find((s: { step: string }) => s.step === 'deliberated')).toMatchObject({ deliberationResult: 'qualifies', reason: '村民代表11人评议：子女收入已计入，仍符合条件' });
    const audit = await t.store.knex('audit_log').where({ action: 'application.step', resource_id: String(id) }).whereIn('detail', ['objected on 2024-10-14: 邻居反映其子女在外地有稳定收入']).count({ n: '*' });
    expect(Number(audit[0]!.n)).toBe(1);

    // Decided and not archived by the test clock's 12-20: supervision lists the 档案归档 as the registration township's.
    const overdue = (await t.app.inject({ method: 'GET', url: `/v1/supervision/overdue?region=${yanghe}`, headers: await t.authAs('admin', '640121') })).json();
    expect(overdue.items.filter((i: { ref: string }) => i.ref.startsWith(`${id}:`))).toEqual([
      expect.objectContaining({ kind: 'application-step', ref: `${id}:archived`, townshipCode: yanghe, dueOn: '2024-11-04', what: expect.stringContaining('档案归档') }),
    ]);
    const order = await t.app.inject({ method: 'POST', url: '/v1/supervision/orders', headers: await t.authAs('admin', '640121'), payload: { itemKind: 'application-step', itemRef: `${id}:archived`, request: '请归档' } });
    expect(order.statusCode, order.body).toBe(201);
    expect(order.json()).toMatchObject({ townshipCode: yanghe });
    await step(yangheKey, id, { step: 'archived', on: '2024-12-20', reason: '材料补齐后归档' });
    const after = (await t.app.inject({ method: 'GET', url: `/v1/supervision/overdue?region=${yanghe}`, headers: await t.authAs('admin', '640121') })).json();
    expect(after.items.filter((i: { ref: string }) => i.ref.startsWith(`${id}:`))).toEqual([]);
  });

  it('gives 民主评议 to the residence township when configured so ("将民主评议放到居住地进行")', async () => {
    const applicant = await addCrossTownshipHousehold(t, 67, '杨秀梅');
    const id = (await apply(lijunKey, applicant, lijun, '2024-10-08')).json().id as number;
    for (const done of ['check-started', 'investigation-started', 'investigated', 'forwarded']) await step(lijunKey, id, { step: done, on: '2024-10-09' });
    await step(yangheKey, id, { step: 'reviewed', on: '2024-10-10' });
    await step(yangheKey, id, { step: 'notice', on: '2024-10-11' });
    await step(yangheKey, id, { step: 'objected', on: '2024-10-12', reason: '有人反映家中有车' });
    const atResidence = { settings: caseworkWithOneCity({ startsOn: '2024-10-01', deliberation: 'residence' }), today: '2024-12-20' };
    const input = { step: 'deliberated', on: '2024-10-15', reason: '评议认为车辆系营运车辆', deliberationResult: 'does-not-qualify' } as const;
    await expect(recordApplicationStep(t.store.knex, townshipActor(yanghe), id, input, atResidence)).rejects.toMatchObject({ code: 'out-of-scope' });
    await recordApplicationStep(t.store.knex, townshipActor(lijun), id, input, atResidence);
    const row = await t.store.knex('applications').where({ id }).first('last_step');
    expect(row.last_step).toBe('deliberated');
    // Approving against the deliberation's finding says why; rejecting follows it.
    const approval = { step: 'approved', on: '2024-10-21', enrolments: [{ idNumber: applicant, monthlyAmountFen: 50_000 }] };
    expect((await step(yangheKey, id, approval)).json().errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    expect((await step(yangheKey, id, { ...approval, reason: '经核实车辆已于10月转让，符合条件' })).json()).toMatchObject({ status: 'approved' });
  });
});
