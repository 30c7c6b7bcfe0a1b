import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

/** 2024 National Day: 10-01 to 10-07 off; Sunday 09-29 and Saturday 10-12 are working days. */
const yanghe = '640121100';
const wangyuan = '640121102';
const student = idNumber('640121', '2007-06-01', 31);
const walkIn = idNumber('640121', '1961-11-20', 32);
/** Registered in 黔江 (500114), another county and province. */
const elsewhere = idNumber('500114', '1980-03-03', 33);
/** Registered and living in 望远镇, another township of the county. */
const wangyuanResident = idNumber('640121', '1990-07-07', 34);

describe.each(dialects)('referrals (首问负责, 转介, 一事一议) on %s', (dialect) => {
  let t: TestApp;
  let yangheKey: { authorization: string };
  let wangyuanKey: { authorization: string };
  /** A discovery case of 杨和镇 the cases below come from, and one of 望远镇, which 杨和镇 must not be able to name. */
  let discoveryId: number;
  let foreignDiscoveryId: number;

  async function discover(key: { authorization: string }, township: string): Promise<number> {
    const response = await t.app.inject({ method: 'POST', url: '/v1/discoveries', headers: key, payload: {
      discoverer: { name: '网格员' }, townshipCode: township, subject: { name: '走访对象' }, familySituation: '困难', suspectedAssistance: ['linshi'], discoveredOn: '2024-09-26',
    } });
    if (response.statusCode !== 201) throw new Error(response.body);
    return response.json().id as number;
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-12-20T02:00:00Z') });
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: idNumber('640121', '1975-02-02', 30), name: '杨桂花', enrolment: { category: '120', startDate: '2023-01-01' } }, { idNumber: student, name: '杨小龙' }]);
    await addHousehold(t.store.knex, '500114001001', [{ idNumber: elsewhere, name: '刘远' }]);
    await addHousehold(t.store.knex, '640121102001', [{ idNumber: wangyuanResident, name: '王立' }]);
    yangheKey = await t.authAs('township', yanghe);
    wangyuanKey = await t.authAs('township', wangyuan);
    discoveryId = await discover(yangheKey, yanghe);
    foreignDiscoveryId = await discover(wangyuanKey, wangyuan);
  });
  afterAll(async () => t.close());

  async function openCase(body: Record<string, unknown>, key = yangheKey) {
    return t.app.inject({ method: 'POST', url: '/v1/referrals/cases', headers: key, payload: {
      origin: { type: 'discovery', id: discoveryId }, subjectIdNumber: student, subjectName: '杨小龙', regionCode: yanghe, ownerUnit: '杨和镇社会救助服务站',
      summary: '低保家庭高中生，未享受教育救助', openedOn: '2024-09-27', ...body,
    } });
  }
  async function transition(id: number, body: Record<string, unknown>, key = yangheKey) {
    return t.app.inject({ method: 'POST', url: `/v1/referrals/${id}/transitions`, headers: key, payload: body });
  }

  it('opens a case owned by the first responder, with referrals due in working days across National Day', async () => {
    const response = await openCase({ referrals: [{ department: 'jy', need: '申请高中国家助学金' }, { department: 'yb', need: '门诊慢特病报销', urgent: true, sentOn: '2024-09-30' }] });
    expect(response.statusCode, response.body).toBe(201);
    const opened = response.json();
    expect(opened).toMatchObject({
      origin: { type: 'discovery', id: discoveryId },
      subject: { idNumber: `640121********${student.slice(-4)}`, idNumberMasked: true, name: '杨小龙', householdId: expect.any(Number) },
      region: { code: yanghe }, ownerUnit: '杨和镇社会救助服务站', status: 'open', escalations: [],
    });
    // 教育局 10 working days from Friday 09-27: 09-29 (make-up Sunday), 09-30, 10-08 … 10-12 (make-up Saturday) … 10-16.
    // Urgent: one working day from Monday 09-30 is Tuesday 10-08, after the holiday.
    expect(opened.referrals.map((r: { department: { code: string; name: string }; sentOn: string; dueOn: string; status: string }) => [r.department, r.sentOn, r.dueOn, r.status])).toEqual([
      [{ code: 'jy', name: '教育局' }, '2024-09-27', '2024-10-16', 'sent'],
      [{ code: 'yb', name: '医疗保障局' }, '2024-09-30', '2024-10-08', 'sent'],
    ]);
    expect(opened.referrals[0].transitions).toEqual([expect.objectContaining({ from: null, to: 'sent', on: '2024-09-27' })]);
  });

  it('refuses an unknown department, an origin without its id, and a region outside the key', async () => {
    const unknown = await openCase({ referrals: [{ department: 'xx', need: '?' }] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'referral-unknown-department', errors: [{ pointer: '/referrals/0/department' }] });
    const noId = await openCase({ origin: { type: 'visit' } });
    expect(noId.statusCode).toBe(400);
    expect(noId.json().errors).toEqual([expect.objectContaining({ pointer: '/origin/id' })]);
    const walkInWithId = await openCase({ origin: { type: 'walk-in', id: 3 } });
    expect(walkInWithId.statusCode).toBe(400);
    expect((await openCase({ regionCode: wangyuan })).statusCode).toBe(403);
  });

  it('moves a referral sent → accepted → done, refuses other moves, and asks why when late or declined', async () => {
    const { referrals } = (await t.app.inject({ method: 'GET', url: '/v1/referrals/cases/1', headers: yangheKey })).json();
    const [education, insurance] = referrals as { id: number }[];
    expect((await transition(education!.id, { to: 'accepted', on: '2024-10-08' })).statusCode).toBe(200);
    const again = await transition(education!.id, { to: 'accepted', on: '2024-10-09' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('referral-transition-illegal');
    expect((await transition(education!.id, { to: 'done', on: '2024-10-10' })).json().errors).toEqual([expect.objectContaining({ pointer: '/outcome' })]);
    const done = (await transition(education!.id, { to: 'done', on: '2024-10-10', outcome: '已落实国家助学金 2,000 元/年' })).json();
    expect(done.referrals[0]).toMatchObject({ status: 'done', acceptedOn: '2024-10-08', finishedOn: '2024-10-10', outcome: '已落实国家助学金 2,000 元/年', overdue: false });
    expect(done.referrals[0].transitions.map((x: { from: string | null; to: string }) => `${x.from}→${x.to}`)).toEqual(['null→sent', 'sent→accepted', 'accepted→done']);

    const lateDecline = await transition(insurance!.id, { to: 'declined', on: '2024-10-09' });
    expect(lateDecline.json().errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    const declined = (await transition(insurance!.id, { to: 'declined', on: '2024-10-09', reason: '未办理门诊慢特病认定，需先到定点医院鉴定' })).json();
    expect(declined.referrals[1]).toMatchObject({ status: 'declined', declineReason: '未办理门诊慢特病认定，需先到定点医院鉴定', finishedOn: '2024-10-09' });
    const audit = await t.store.knex('audit_log').where({ action: 'referral.transition', outcome: 'ok' }).select('detail').orderBy('id');
    expect(audit.map((a) => a.detail)).toEqual(['sent → accepted on 2024-10-08', 'accepted → done on 2024-10-10', 'sent → declined on 2024-10-09: 未办理门诊慢特病认定，需先到定点医院鉴定']);
  });

  it('lists overdue referrals as of a day, within the key’s region only', async () => {
    const { id } = (await openCase({ origin: { type: 'walk-in' }, subjectIdNumber: walkIn, subjectName: '李长贵', summary: '独居老人，房屋漏雨', openedOn: '2024-10-08',
      referrals: [{ department: 'zj', need: '危房改造', sentOn: '2024-10-08' }, { department: 'ts', need: '慈善临时帮扶', sentOn: '2024-10-08' }] })).json();
    const query = async (asOf: string, key = yangheKey) => (await t.app.inject({ method: 'GET', url: `/v1/referrals?overdue=true&asOf=${asOf}`, headers: key })).json();
    // 住建局 10 working days from 10-08: 09, 10, 11, 12 (make-up Saturday), 14, 15, 16, 17, 18, 21.
    expect((await query('2024-10-21')).items).toEqual([]);
    expect((await query('2024-10-22')).items.map((r: { caseId: number; department: { code: string }; dueOn: string; overdue: boolean }) => [r.caseId, r.department.code, r.dueOn, r.overdue])).toEqual([[id, 'zj', '2024-10-21', true]]);
    expect((await query('2024-10-22', wangyuanKey)).items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/v1/referrals/cases/${id}`, headers: wangyuanKey })).statusCode).toBe(404);
    expect((await transition(1, { to: 'accepted', on: '2024-10-09' }, wangyuanKey)).statusCode).toBe(404);
  });

  it('escalates to the county meeting, records its decision, and closes only when nothing is open', async () => {
    const { id, referrals } = (await openCase({ origin: { type: 'discovery', id: discoveryId }, subjectIdNumber: walkIn, subjectName: '李长贵', summary: '火灾后无房可住', openedOn: '2024-11-01',
      referrals: [{ department: 'yj', need: '受灾人员救助', sentOn: '2024-11-01' }] })).json();
    const close = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/close`, headers: yangheKey, payload: body });
    const refused = await close({ on: '2024-11-04', reason: '已救助' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe(`case ${id} still has 1 referral(s) open (${referrals[0].id})`);
    await transition(referrals[0].id, { to: 'done', on: '2024-11-05', outcome: '发放受灾救助 3,000 元' });

    const escalate = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/escalations`, headers: yangheKey, payload: body });
    expect((await escalate({ on: '2024-11-06' })).json().errors).toEqual([expect.objectContaining({ pointer: '/reason' })]);
    const escalated = await escalate({ on: '2024-11-06', reason: '重建住房费用超出临时救助标准' });
    expect(escalated.statusCode).toBe(201);
    const [escalation] = escalated.json().escalations;
    expect(escalation).toMatchObject({ escalatedOn: '2024-11-06', status: 'pending', meetingOn: null, decision: null });
    expect((await escalate({ on: '2024-11-07', reason: '再议' })).statusCode).toBe(409);
    expect((await close({ on: '2024-11-07', reason: '已救助' })).json().detail).toBe(`case ${id} awaits the county meeting's decision on escalation ${escalation.id}`);

    const decide = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/escalations/${escalation.id}/decision`, headers: yangheKey, payload: body });
    expect((await decide({ on: '2024-11-05', decision: '给予临时救助 20,000 元' })).statusCode).toBe(400);
    const decided = (await decide({ on: '2024-11-12', decision: '一事一议：给予临时救助 20,000 元，慈善总会资助 10,000 元' })).json();
    expect(decided.escalations[0]).toMatchObject({ status: 'decided', meetingOn: '2024-11-12', decision: '一事一议：给予临时救助 20,000 元，慈善总会资助 10,000 元' });
    expect((await decide({ on: '2024-11-13', decision: '改' })).statusCode).toBe(409);
    const closed = await close({ on: '2024-11-15', reason: '救助已落实' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closedOn: '2024-11-15', closeReason: '救助已落实' });
    expect((await t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/referrals`, headers: yangheKey, payload: { department: 'cl', need: '残疾评定' } })).statusCode).toBe(409);
  });

  it('refuses an origin the key cannot see exactly as a missing one', async () => {
    for (const origin of [{ type: 'warning', id: 987654 }, { type: 'discovery', id: foreignDiscoveryId }, { type: 'discovery', id: 987654 }, { type: 'visit', id: 987654 }]) {
      const refused = await openCase({ origin });
      expect(refused.statusCode, JSON.stringify(origin)).toBe(404);
      expect(refused.json()).toMatchObject({ code: 'not-found', detail: `no ${origin.type} ${origin.id} within ${yanghe}`, errors: [{ pointer: '/origin/id', detail: 'not found' }] });
    }
    expect(await t.store.knex('referral_cases').whereIn('origin_id', [987654, foreignDiscoveryId]).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('links the subject to the register only within the key’s region, and names the household only to keys that hold it', async () => {
    const outside = (await openCase({ subjectIdNumber: elsewhere, subjectName: '刘远', openedOn: '2024-12-02' })).json();
    expect(outside.subject).toMatchObject({ name: '刘远', householdId: null });
    expect(await t.store.knex('referral_cases').where('id', outside.id).first('person_id', 'household_id')).toEqual({ person_id: null, household_id: null });
    // A county key links a case it owns in 杨和镇 to a household of 望远镇; 杨和镇's key sees the case but not the household.
    const county = await t.authAs('township', '640121');
    const linked = (await openCase({ subjectIdNumber: wangyuanResident, subjectName: '王立', openedOn: '2024-12-02' }, county)).json();
    expect(linked.subject.householdId).toEqual(expect.any(Number));
    const seenByYanghe = (await t.app.inject({ method: 'GET', url: `/v1/referrals/cases/${linked.id}`, headers: yangheKey })).json();
    expect(seenByYanghe.subject).toMatchObject({ name: '王立', householdId: null });
  });

  it('lets one of a close and a new referral racing on a case win, never both', async () => {
    const { id } = (await openCase({ origin: { type: 'walk-in' }, subjectIdNumber: walkIn, subjectName: '李长贵', summary: '临时困难', openedOn: '2024-12-02' })).json();
    const [closed, referred] = await Promise.all([
      t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/close`, headers: yangheKey, payload: { on: '2024-12-03', reason: '已解决' } }),
      t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/referrals`, headers: yangheKey, payload: { department: 'mz', need: '临时救助', sentOn: '2024-12-03' } }),
    ]);
    expect([closed.statusCode, referred.statusCode].sort()).toEqual(closed.statusCode === 200 ? [200, 409] : [201, 409]);
    const status = (await t.store.knex('referral_cases').where('id', id).first('status')).status;
    const open = await t.store.knex('referrals').where({ case_id: id }).whereIn('status', ['sent', 'accepted']).count({ n: '*' });
    // Never a closed case with a referral still open.
    expect(status === 'closed' ? Number(open[0]!.n) : 0).toBe(0);
  });

  it('keeps one escalation pending per case, even when two are sent at once', async () => {
    const { id } = (await openCase({ origin: { type: 'walk-in' }, subjectIdNumber: walkIn, subjectName: '李长贵', summary: '重病', openedOn: '2024-12-02' })).json();
    const escalate = () => t.app.inject({ method: 'POST', url: `/v1/referrals/cases/${id}/escalations`, headers: yangheKey, payload: { on: '2024-12-03', reason: '超出政策' } });
    const answers = await Promise.all([escalate(), escalate()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json()).toMatchObject({ code: 'referral-transition-illegal', detail: expect.stringMatching(/still awaits the meeting$/) });
    const [pending] = await t.store.knex('case_escalations').where({ case_id: id, status: 'pending' }).count({ n: '*' });
    expect(Number(pending!.n)).toBe(1);
  });

  it('shows full ID numbers only to roles whose policy says so, and no personal data to liaison officers', async () => {
    const auditor = await t.authAs('auditor', '640121');
    expect((await t.app.inject({ method: 'GET', url: '/v1/referrals/cases/1', headers: auditor })).json().subject).toMatchObject({ idNumber: student, idNumberMasked: false });
    const liaison = await t.authAs('liaison', '640121');
    expect((await t.app.inject({ method: 'GET', url: '/v1/referrals', headers: liaison })).statusCode).toBe(403);
    expect((await openCase({}, auditor)).statusCode).toBe(403);
  });
});
