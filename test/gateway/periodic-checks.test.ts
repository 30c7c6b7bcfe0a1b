import { findChangesWithoutApproval } from '../../gateway/oversight/changes-without-approval.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import type { MemberInput } from '../../schemas/types/index.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';

/**
 * 定期核查 (seed 001 step 3.3): 杨和镇 (640121100) checks its enrolled households living outside it — one in 李俊镇,
 * one in 黔江 (another province) — and not the one living at home nor 李俊镇's own. Checks fall due every 6 months
 * (config/time-limits periodicChecks, an example).
 */
const yanghe = '640121100';
const lijun = '640121101';

describe.each(dialects)('periodic checks (定期核查) on %s', (dialect) => {
  let t: TestApp;
  let yangheKey: { authorization: string };
  const households: Record<'inLijun' | 'atHome' | 'lijunOwn' | 'faraway', number> = { inLijun: 0, atHome: 0, lijunOwn: 0, faraway: 0 };

  async function addEnrolled(registered: string, residence: string, sequence: number, names: [string, ...string[]], startDate: string): Promise<number> {
    return registerHousehold(t.store.knex, commandLineActor('test'), {
      registeredRegionCode: registered, residenceRegionCode: residence, address: '地址',
      members: names.map((name, index) => ({
        idNumber: idNumber('640121', '1960-01-01', sequence + index), name, relation: index === 0 ? '02' : '10',
        enrolments: [{ category: '120' as const, startDate, monthlyAmountFen: 50_000 }],
      })) as [MemberInput, ...MemberInput[]],
    });
  }
  async function check(key: { authorization: string }, householdId: number, body: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url: `/v1/households/${householdId}/periodic-checks`, headers: key, payload: body });
  }
  async function list(asOf: string, key = yangheKey) {
    return t.app.inject({ method: 'GET', url: `/v1/periodic-checks?township=${yanghe}&asOf=${asOf}`, headers: key });
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => new Date('2024-12-20T02:00:00Z') });
    yangheKey = await t.authAs('township', yanghe);
    households.inLijun = await addEnrolled('640121100200', '640121101001', 71, ['马守仁', '杨桂芳'], '2024-01-10');
    households.atHome = await addEnrolled('640121100200', '640121100200', 73, ['马守义'], '2024-01-10');
    households.lijunOwn = await addEnrolled('640121101001', '640121100200', 74, ['李有福'], '2024-01-10');
    households.faraway = await addEnrolled('640121100201', '500114001001', 75, ['丁海军'], '2024-06-01');
  });
  afterAll(async () => t.close());

  it('lists the township’s enrolled households living outside it, due 6 months after enrolment when never checked', async () => {
    const response = await list('2024-07-15');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ township: yanghe, asOf: '2024-07-15', everyMonths: 6 });
    expect(response.json().items).toEqual([
      { householdId: households.inLijun, names: ['马守仁', '杨桂芳'], registeredRegion: '640121100200', residenceRegion: '640121101001', enrolledSince: '2024-01-10', monthlyAmountFen: 100_000, lastCheck: null, dueOn: '2024-07-10', due: true },
      { householdId: households.faraway, names: ['丁海军'], registeredRegion: '640121100201', residenceRegion: '500114001001', enrolledSince: '2024-06-01', monthlyAmountFen: 50_000, lastCheck: null, dueOn: '2024-12-01', due: false },
    ]);
    // Another township's key does not see 杨和镇's list; the read of names is audited.
    expect((await list('2024-07-15', await t.authAs('township', lijun))).statusCode).toBe(403);
    const reads = await t.store.knex('audit_log').where({ action: 'household.periodic-check-list', outcome: 'ok' }).count({ n: '*' });
    expect(Number(reads[0]!.n)).toBe(1);
  });

  it('records 不变 and moves the next check on by 6 months', async () => {
    const recorded = await check(yangheKey, households.inLijun, { checkedOn: '2024-07-16', result: 'unchanged', reason: '居住地协助入户，收入无变化' });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ householdId: households.inLijun, checkedOn: '2024-07-16', result: 'unchanged', monthlyAmountFen: null, endedEnrolmentIds: [], adjusted: [] });
    const item = (await list('2024-07-20')).json().items.find((i: { householdId: number }) => i.householdId === households.inLijun);
    expect(item).toMatchObject({ lastCheck: { checkedOn: '2024-07-16', result: 'unchanged' }, dueOn: '2025-01-16', due: false });
  });

  it('applies 减发 to the register as a warning’s benefit-adjusted does, and refuses a change the wrong way or to the same amount', async () => {
    const wrongWay = await check(yangheKey, households.inLijun, { checkedOn: '2024-08-01', result: 'decreased', monthlyAmountFen: 60_000, reason: '收入减少' });
    expect(wrongWay.statusCode).toBe(422);
    expect(wrongWay.json()).toMatchObject({ code: 'periodic-check-not-applicable', detail: '减发 to 60000 fen would raise an amount of 50000 fen' });
    const same = await check(yangheKey, households.inLijun, { checkedOn: '2024-08-01', result: 'increased', monthlyAmountFen: 50_000, reason: '无变化' });
    expect(same.json()).toMatchObject({ code: 'periodic-check-not-applicable', errors: [{ pointer: '/monthlyAmountFen' }] });
    expect((await check(yangheKey, households.inLijun, { checkedOn: '2024-08-01', result: 'decreased', reason: '收入增加' })).json().errors).toEqual([expect.objectContaining({ pointer: '/monthlyAmountFen' })]);
    // Nothing of the refused attempts reached the register.
    expect(await t.store.knex('enrolments').where({ household_id: households.inLijun }).pluck('monthly_amount_fen')).toEqual([50_000, 50_000]);

    const decreased = await check(yangheKey, households.inLijun, { checkedOn: '2024-08-01', result: 'decreased', monthlyAmountFen: 40_000, effectiveMonth: '2024-09', reason: '子女在外务工收入增加' });
    expect(decreased.statusCode, decreased.body).toBe(201);
    const enrolments = await t.store.knex('enrolments').where({ household_id: households.inLijun }).orderBy('id').select('id', 'monthly_amount_fen');
    expect(enrolments.map((e: { monthly_amount_fen: number }) => e.monthly_amount_fen)).toEqual([40_000, 40_000]);
    expect(decreased.json().adjusted).toEqual(enrolments.map((e: { id: number }) => ({ enrolmentId: e.id, fromFen: 50_000, toFen: 40_000 })));
    // The same 'amount-changed' event a resolved warning writes, which the 金民 change set and the roll read, naming its
    // cause as a warning's names its warning (oversight/changes-without-approval.ts reads it).
    const events = await t.store.knex('enrolment_events').whereIn('enrolment_id', enrolments.map((e: { id: number }) => e.id)).where({ kind: 'amount-changed' }).pluck('detail');
    expect(events.map((d: string) => JSON.parse(d))).toEqual([{ fromFen: 50_000, toFen: 40_000, effectiveMonth: '2024-09', periodicCheck: true }, { fromFen: 50_000, toFen: 40_000, effectiveMonth: '2024-09', periodicCheck: true }]);
    // The check is the decision behind the change: the auditors' list of changes without approval leaves it out.
    // (The events are stamped with the machine's clock, so the month asked about is this one.)
    const unexplained = await findChangesWithoutApproval(t.store.knex, '640121', new Date().toISOString().slice(0, 7));
    expect(unexplained.rows.filter((r) => enrolments.some((e: { id: number }) => e.id === r.enrolmentId) && r.kind === 'amount')).toEqual([]);
    expect(unexplained.rows.some((r) => r.missing === 'direct-start')).toBe(true);
    const audit = await t.store.knex('audit_log').where({ action: 'household.periodic-check', resource_id: String(households.inLijun), outcome: 'ok' }).orderBy('id').pluck('detail');
    expect(audit).toEqual([
      '定期核查 2024-07-16: 不变',
      `定期核查 2024-08-01: 减发; enrolment ${enrolments[0].id} 50000 → 40000 fen; enrolment ${enrolments[1].id} 50000 → 40000 fen`,
    ]);
  });

  it('applies 停发 by ending the enrolments on the day of the check, and the household leaves the list', async () => {
    const stopped = await check(yangheKey, households.faraway, { checkedOn: '2024-12-02', result: 'stopped', reason: '已在黔江购房定居，家庭收入超标' });
    expect(stopped.statusCode, stopped.body).toBe(201);
    const [enrolment] = await t.store.knex('enrolments').where({ household_id: households.faraway }).select('id', 'end_date', 'end_reason');
    expect(enrolment).toMatchObject({ end_date: '2024-12-02', end_reason: '定期核查停发：已在黔江购房定居，家庭收入超标' });
    expect(stopped.json().endedEnrolmentIds).toEqual([enrolment.id]);
    const ended = await t.store.knex('enrolment_events').where({ enrolment_id: enrolment.id, kind: 'ended' }).first('detail');
    expect(JSON.parse(ended.detail)).toEqual({ endDate: '2024-12-02', endReason: '定期核查停发：已在黔江购房定居，家庭收入超标', periodicCheck: true });
    expect((await list('2024-12-03')).json().items.map((i: { householdId: number }) => i.householdId)).toEqual([households.inLijun]);
    // Nothing left to stop.
    expect((await check(yangheKey, households.faraway, { checkedOn: '2024-12-10', result: 'stopped', reason: '再次停发' })).statusCode).toBe(422);
  });

  it('checks only households registered within the key’s region and living outside their township of registration', async () => {
    const atHome = await check(yangheKey, households.atHome, { checkedOn: '2024-08-01', result: 'unchanged', reason: '核查' });
    expect(atHome.statusCode).toBe(422);
    expect(atHome.json().detail).toBe(`household ${households.atHome} lives in its township of registration (${yanghe}); the periodic check is for households living outside it`);
    // 李俊镇's household lives in 杨和镇: 杨和镇 is its residence, not its registration, and does not check it.
    expect((await check(yangheKey, households.lijunOwn, { checkedOn: '2024-08-01', result: 'unchanged', reason: '核查' })).statusCode).toBe(404);
    expect((await check(await t.authAs('township', lijun), households.inLijun, { checkedOn: '2024-08-01', result: 'unchanged', reason: '核查' })).statusCode).toBe(404);
    expect((await check(yangheKey, households.inLijun, { checkedOn: '2024-12-21', result: 'unchanged', reason: '核查' })).json().errors).toEqual([expect.objectContaining({ pointer: '/checkedOn' })]);
    expect((await check(await t.authAs('auditor', '640121'), households.inLijun, { checkedOn: '2024-08-01', result: 'unchanged', reason: '核查' })).statusCode).toBe(403);
  });
});
