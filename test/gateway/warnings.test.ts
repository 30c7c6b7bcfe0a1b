import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonthlyChangeSet } from '../../adapters/jinmin/change-set.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, personIdOf, withSubjects } from '../helpers/monitoring.js';

/** 杨和镇 (640121100) and 李俊镇 (640121101) of 永宁县 (640121). */
const county = '640121';
const township = '640121100';
const otherTownship = '640121101';

const people = {
  died: idNumber(county, '1970-03-05', 11),
  diedSpouse: idNumber(county, '1972-08-09', 22),
  carOwner: idNumber(county, '1966-02-14', 33),
  carOwnerWife: idNumber(county, '1968-07-07', 44),
  elsewhere: idNumber(county, '1958-11-11', 55),
} as const;

const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;

/** 10:00 in Shanghai on `date`: the clock the app reads "today" from. */
const at10 = (date: string) => new Date(`${date}T10:00:00+08:00`);

describe.each(dialects)('the warnings workflow through the API on %s', (dialect) => {
  let t: TestApp;
  let clock = at10('2024-10-14');
  let headers: Record<'township' | 'otherTownship' | 'county' | 'auditor' | 'liaison' | 'finance' | 'integrator', { authorization: string }>;
  let townshipKeyId: number;
  const ids = { died: 0, car: 0, elsewhere: 0 };
  const personId = (id: string) => personIdOf(t.store.knex, id);

  const get = (url: string, as: { authorization: string }) => t.app.inject({ method: 'GET', url, headers: as });
  const move = (id: number, as: { authorization: string }, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: `/v1/warnings/${id}/transitions`, headers: as, payload });
  const list = async (query: string, as = headers.county) => {
    const response = await get(`/v1/warnings${query}`, as);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items as { id: number; ruleId: string; overdueWorkingDays: number | null; subject: { idNumber: string } }[];
  };

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => clock });
    const knex = t.store.knex;
    await addHousehold(knex, '640121100200', [
      { idNumber: people.died, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: people.diedSpouse, name: '丁秀兰', enrolment: { category: '120', startDate: '2023-01-01' } },
    ]);
    await addHousehold(knex, '640121100200', [
      { idNumber: people.carOwner, name: '杨志强', enrolment: { category: '120', startDate: '2022-07-01' } },
      { idNumber: people.carOwnerWife, name: '马桂花', enrolment: { category: '120', startDate: '2022-07-01' } },
    ]);
    await addHousehold(knex, '640121101200', [{ idNumber: people.elsewhere, name: '李德明', enrolment: { category: '120', startDate: '2021-03-01' } }]);
    await addFacts(knex, 'gongan-hukou', [
      { kind: 'person-death', idNumber: people.died, occurredOn: '2024-09-20', attributes: { place: '家中' } },
      { kind: 'person-death', idNumber: people.elsewhere, occurredOn: '2024-09-18', attributes: {} },
    ]);
    await addFacts(knex, 'gongan-vehicles', [
      { kind: 'vehicle-registered', idNumber: people.carOwner, occurredOn: '2024-09-10', attributes: { plate: '宁A12345', vehicleType: '小型普通客车' } },
    ]);
    // Pushed on Friday 27 September 2024, the last working day but one before National Day.
    const report = await runComparison(t.store, { period: '2024-09', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-09-27' });
    expect(report.byRule).toMatchObject({ 'recipient-died': 2, 'recipient-household-vehicle': 1 });
    expect(report.warnings).toBe(3);
    const rows = await withSubjects(knex, await knex('warnings').select('id', 'rule_id', 'subject_cipher'));
    for (const row of rows) {
      if (row.subject === people.died) ids.died = row.id;
      if (row.subject === people.carOwner) ids.car = row.id;
      if (row.subject === people.elsewhere) ids.elsewhere = row.id;
    }
    headers = {
      township: await t.authAs('township', township),
      otherTownship: await t.authAs('township', otherTownship),
      county: await t.authAs('township', county),
      auditor: await t.authAs('auditor', county),
      liaison: await t.authAs('liaison', county),
      finance: await t.authAs('finance', county),
      integrator: await t.authAs('integrator', county),
    };
    townshipKeyId = Number((await knex('api_keys').where('label', `test township ${township}`).first('id')).id);
  });
  afterAll(async () => t.close());

  it('counts deadlines in working days across National Day 2024 and its make-up working days', async () => {
    clock = at10('2024-09-27');
    const byId = new Map((await list('')).map((w) => [w.id, w]));
    // 5 working days from Fri 27 Sep: Sun 29 Sep (make-up), Mon 30 Sep, then 1–7 Oct off, then 8, 9, 10 Oct.
    expect(byId.get(ids.died)).toMatchObject({ ruleId: 'recipient-died', raisedOn: '2024-09-27', dueOn: '2024-10-10', deadlineWorkingDays: 5, dueProvisional: false });
    // 10 working days: 29, 30 Sep, 8–11 Oct, Sat 12 Oct (make-up), 14, 15, 16 Oct.
    expect(byId.get(ids.car)).toMatchObject({ ruleId: 'recipient-household-vehicle', dueOn: '2024-10-16', deadlineWorkingDays: 10, status: 'pending', overdueWorkingDays: null });
  });

  it('lists overdue warnings with exact working days overdue, as of the injected today', async () => {
    clock = at10('2024-10-10');
    expect(await list('?overdue=true')).toEqual([]);
    clock = at10('2024-10-11');
    expect((await list('?overdue=true')).map((w) => [w.id, w.overdueWorkingDays])).toEqual([[ids.died, 1], [ids.elsewhere, 1]].sort((a, b) => a[0]! - b[0]!));
    // Saturday 12 October is a make-up working day: it counts.
    clock = at10('2024-10-12');
    expect((await list('?overdue=true', headers.township)).map((w) => [w.id, w.overdueWorkingDays])).toEqual([[ids.died, 2]]);
    // Sunday 13 October is a rest day: still 2.
    clock = at10('2024-10-13');
    expect((await list('?overdue=true', headers.township)).map((w) => w.overdueWorkingDays)).toEqual([2]);
    clock = at10('2024-10-17');
    expect((await list('?overdue=true', headers.township)).map((w) => [w.id, w.overdueWorkingDays])).toEqual([[ids.died, 6], [ids.car, 1]]);
    expect((await list('?overdue=false', headers.township)).map((w) => w.id)).toEqual([]);
    clock = at10('2024-10-14');
    expect((await list('?overdue=false', headers.township)).map((w) => w.id)).toEqual([ids.car]);
  });

  it('shows a township only its own warnings, narrows by township, rule and status, and pages by id', async () => {
    expect((await list('', headers.township)).map((w) => w.id)).toEqual([ids.died, ids.car].sort((a, b) => a - b));
    expect((await list('', headers.otherTownship)).map((w) => w.id)).toEqual([ids.elsewhere]);
    expect((await list(`?township=${otherTownship}`, headers.township))).toEqual([]);
    expect((await list(`?township=${otherTownship}`)).map((w) => w.id)).toEqual([ids.elsewhere]);
    expect((await list('?rule=recipient-household-vehicle')).map((w) => w.id)).toEqual([ids.car]);
    expect((await list('?status=verifying'))).toEqual([]);
    expect((await list('?period=2024-08'))).toEqual([]);
    const first = (await get('/v1/warnings?limit=2', headers.county)).json();
    expect(first.items).toHaveLength(2);
    const second = (await get(`/v1/warnings?limit=2&after=${first.next}`, headers.county)).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: Math.max(ids.died, ids.car, ids.elsewhere) })], next: null });
  });

  it('masks ID numbers unless the role sees them in full, refuses liaison officers, and audits reads with the persons shown', async () => {
    const [townshipView] = await list(`?rule=recipient-household-vehicle`, headers.township);
    expect(townshipView!.subject).toEqual({ idNumber: masked(people.carOwner), idNumberMasked: true, name: '杨志强', personId: await personId(people.carOwner), householdId: expect.any(Number) });
    expect((await list(`?rule=recipient-household-vehicle`, headers.auditor))[0]!.subject.idNumber).toBe(people.carOwner);
    expect((await list(`?rule=recipient-household-vehicle`, headers.integrator))[0]!.subject.idNumber).toBe(people.carOwner);
    const refused = await get('/v1/warnings', headers.liaison);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden' });
    expect((await get(`/v1/warnings/${ids.died}`, headers.liaison)).statusCode).toBe(403);

    const audit = await t.store.knex('audit_log').where('action', 'warning.list').orderBy('id', 'desc').select('id', 'outcome', 'actor_role', 'detail');
    expect(audit[0]).toMatchObject({ outcome: 'denied', actor_role: 'liaison' });
    const integratorRead = audit.find((row) => row.actor_role === 'integrator')!;
    expect(integratorRead).toMatchObject({ outcome: 'ok', detail: `warnings ${ids.car}` });
    expect(await t.store.knex('audit_subjects').where('audit_id', integratorRead.id).pluck('person_id')).toEqual([await personId(people.carOwner)]);
  });

  it('shows one warning with its evidence, and hides other townships’ warnings as missing', async () => {
    const response = await get(`/v1/warnings/${ids.car}`, headers.township);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      id: ids.car, status: 'pending', transitions: [],
      evidence: [{ kind: 'vehicle-registered', source: 'gongan-vehicles', occurredOn: '2024-09-10', period: null, amountFen: null, attributes: { plate: '宁A12345', vehicleType: '小型普通客车' } }],
    });
    const read = await t.store.knex('audit_log').where({ action: 'warning.read', resource_id: String(ids.car) }).first('id', 'outcome', 'region_code');
    expect(read).toMatchObject({ outcome: 'ok', region_code: township });
    expect(await t.store.knex('audit_subjects').where('audit_id', read.id).pluck('person_id')).toEqual([await personId(people.carOwner)]);

    const hidden = await get(`/v1/warnings/${ids.elsewhere}`, headers.township);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toMatchObject({ code: 'not-found' });
    expect((await get('/v1/warnings/999999', headers.township)).statusCode).toBe(404);
  });

  it('lives its whole life: verified, resolved as stopped, every step recorded, and the stop in the 金民 change set', async () => {
    clock = at10('2024-10-11');
    const verifying = await move(ids.died, headers.township, { to: 'verifying', reason: '已入户核实，家属提供死亡证明' });
    expect(verifying.statusCode, verifying.body).toBe(201);
    expect(verifying.headers.location).toBe(`/v1/warnings/${ids.died}`);
    expect(verifying.json()).toMatchObject({ status: 'verifying', outcome: null, resolvedOn: null, overdueWorkingDays: 1 });

    clock = at10('2024-10-14');
    const resolved = await move(ids.died, headers.township, { to: 'resolved', outcome: 'stopped', appliesTo: 'person', reason: '死亡证明、火化证明核实无误，停发低保' });
    expect(resolved.statusCode, resolved.body).toBe(201);
    const warning = resolved.json();
    expect(warning).toMatchObject({ status: 'resolved', outcome: 'stopped', outcomeReason: '死亡证明、火化证明核实无误，停发低保', resolvedOn: '2024-10-14', overdueWorkingDays: null });
    expect(warning.transitions).toEqual([
      { id: expect.any(Number), from: 'pending', to: 'verifying', outcome: null, reason: '已入户核实，家属提供死亡证明', actor: `test township ${township}`, actorKeyId: townshipKeyId, at: '2024-10-11T02:00:00.000Z' },
      { id: expect.any(Number), from: 'verifying', to: 'resolved', outcome: 'stopped', reason: '死亡证明、火化证明核实无误，停发低保', actor: `test township ${township}`, actorKeyId: townshipKeyId, at: '2024-10-14T02:00:00.000Z' },
    ]);

    const knex = t.store.knex;
    const diedId = await personId(people.died);
    const enrolments = await knex('enrolments').whereIn('person_id', [diedId, await personId(people.diedSpouse)]).orderBy('person_id').select('id', 'person_id', 'end_date', 'end_reason');
    expect(enrolments.map((e) => e.end_date)).toEqual(['2024-10-14', null]);
    expect(enrolments[0].end_reason).toBe(`预警${ids.died}核查停保：死亡证明、火化证明核实无误，停发低保`);
    const ended = await knex('enrolment_events').where({ enrolment_id: enrolments[0].id, kind: 'ended' }).select('at', 'actor');
    expect(ended.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor }))).toEqual([{ at: '2024-10-14T02:00:00.000Z', actor: `test township ${township}` }]);

    const audit = await knex('audit_log').where({ action: 'warning.transition', resource_id: String(ids.died) }).orderBy('id').select('id', 'outcome', 'actor_role', 'actor_key_id', 'region_code', 'detail');
    expect(audit.map(({ id: _id, ...rest }) => rest)).toEqual([
      { outcome: 'ok', actor_role: 'township', actor_key_id: townshipKeyId, region_code: township, detail: `pending → verifying, transition ${warning.transitions[0].id}` },
      { outcome: 'ok', actor_role: 'township', actor_key_id: townshipKeyId, region_code: township, detail: `verifying → resolved (stopped), transition ${warning.transitions[1].id}; ended enrolments ${enrolments[0].id}` },
    ]);
    expect(await knex('audit_subjects').where('audit_id', audit[1].id).pluck('person_id')).toEqual([diedId]);

    const changeSet = await buildMonthlyChangeSet(knex, { countyCode: county, period: '2024-10' });
    expect(changeSet.changes.filter((c) => c.enrolmentId === enrolments[0].id)).toEqual([
      expect.objectContaining({ changeType: 'stopped', category: '120', endMonth: '2024-10', endReason: enrolments[0].end_reason, person: expect.objectContaining({ idNumber: people.died }) }),
    ]);
  });

  it('resolves a benefit adjustment for the whole household with the amount-changed events the change set reads', async () => {
    expect((await move(ids.car, headers.township, { to: 'verifying', reason: '核查车辆登记' })).statusCode).toBe(201);
    const missing = await move(ids.car, headers.township, { to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'household', reason: '车辆价值计入收入' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([{ in: 'body', pointer: '/newAmountFen', detail: 'required for benefit-adjusted: the new monthly amount in fen' }]);

    const resolved = await move(ids.car, headers.township, {
      to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'household', newAmountFen: 45_000, householdIncomeFen: 90_000, reason: '车辆价值计入收入，调整补差',
    });
    expect(resolved.statusCode, resolved.body).toBe(201);
    const knex = t.store.knex;
    const household = [await personId(people.carOwner), await personId(people.carOwnerWife)];
    // The verified income is what the payment roll computes from, from the resolution month on (no effectiveMonth given).
    const householdId = (await knex('persons').where('id', household[0]).first('household_id')).household_id;
    expect(Number((await knex('households').where('id', householdId).first('monthly_income_fen')).monthly_income_fen)).toBe(90_000);
    expect(await knex('household_income_changes').where('household_id', householdId).select('income_fen', 'effective_month', 'warning_id'))
      .toEqual([{ income_fen: 90_000, effective_month: '2024-10', warning_id: ids.car }]);
    const enrolments = await knex('enrolments').whereIn('person_id', household).orderBy('id').select('id', 'monthly_amount_fen', 'end_date');
    expect(enrolments.map((e) => [Number(e.monthly_amount_fen), e.end_date])).toEqual([[45_000, null], [45_000, null]]);
    const events = await knex('enrolment_events').whereIn('enrolment_id', enrolments.map((e) => e.id)).where('kind', 'amount-changed').orderBy('id').select('detail');
    expect(events.map((e) => JSON.parse(e.detail))).toEqual([{ fromFen: 60_000, toFen: 45_000, warningId: ids.car }, { fromFen: 60_000, toFen: 45_000, warningId: ids.car }]);

    const changeSet = await buildMonthlyChangeSet(knex, { countyCode: county, period: '2024-10' });
    expect(changeSet.counts).toEqual({ new: 0, changed: 2, stopped: 1 });
    expect(changeSet.changes.filter((c) => c.changeType === 'changed').map((c) => [c.enrolmentId, c.previousMonthlyAmountFen, c.monthlyAmountFen, c.effectiveMonth]))
      .toEqual(enrolments.map((e) => [e.id, 60_000, 45_000, '2024-10']));
  });

  it('refuses moves the workflow does not allow with 409 warning-transition-illegal, and fields that do not fit with 400', async () => {
    const skip = await move(ids.elsewhere, headers.otherTownship, { to: 'resolved', outcome: 'no-change', reason: '已核实' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json()).toMatchObject({ code: 'warning-transition-illegal', detail: `warning ${ids.elsewhere} cannot go from pending to resolved: verify it first (to: verifying), then resolve it` });
    const reopen = await move(ids.died, headers.township, { to: 'verifying', reason: '再次核查' });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.json()).toMatchObject({ code: 'warning-transition-illegal', detail: `warning ${ids.died} cannot go from resolved to verifying: a resolved warning is final` });

    const outcomeTooEarly = await move(ids.elsewhere, headers.otherTownship, { to: 'verifying', outcome: 'stopped', reason: '核查' });
    expect(outcomeTooEarly.statusCode).toBe(400);
    expect(outcomeTooEarly.json().errors).toEqual([
      { in: 'body', pointer: '/outcome', detail: 'only when resolving' },
      { in: 'body', pointer: '/appliesTo', detail: 'required for stopped: person or household' },
    ]);
    const noReason = await move(ids.elsewhere, headers.otherTownship, { to: 'verifying' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'validation-failed' });
    const blankReason = await move(ids.elsewhere, headers.otherTownship, { to: 'verifying', reason: '   ' });
    expect(blankReason.statusCode).toBe(400);
    expect(Number((await t.store.knex('warning_transitions').where('warning_id', ids.elsewhere).count({ n: '*' }).first())?.n)).toBe(0);
    // Each refused attempt leaves an audit line: the missing amount of the previous test and the five here.
    expect(Number((await t.store.knex('audit_log').where({ action: 'warning.transition', outcome: 'invalid' }).count({ n: '*' }).first())?.n)).toBe(6);
  });

  it('lets only register writers within scope move a warning: 404 outside the scope, 403 for read-only roles', async () => {
    const outside = await move(ids.elsewhere, headers.township, { to: 'verifying', reason: '核查' });
    expect(outside.statusCode).toBe(404);
    for (const role of ['auditor', 'finance', 'liaison'] as const) {
      const refused = await move(ids.elsewhere, headers[role], { to: 'verifying', reason: '核查' });
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'forbidden' });
    }
    expect(Number((await t.store.knex('warning_transitions').where('warning_id', ids.elsewhere).count({ n: '*' }).first())?.n)).toBe(0);
    const denied = await t.store.knex('audit_log').where({ action: 'warning.transition' }).whereIn('outcome', ['denied', 'not-found']).pluck('outcome');
    expect(denied.sort()).toEqual(['denied', 'denied', 'denied', 'not-found']);
  });

  it('lets one of two simultaneous moves win; the other gets 409 and writes nothing', async () => {
    const [a, b] = await Promise.all([
      move(ids.elsewhere, headers.otherTownship, { to: 'verifying', reason: '甲核查' }),
      move(ids.elsewhere, headers.county, { to: 'verifying', reason: '乙核查' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(['warning-changed', 'warning-transition-illegal']).toContain(loser.json().code);
    expect(Number((await t.store.knex('warning_transitions').where('warning_id', ids.elsewhere).count({ n: '*' }).first())?.n)).toBe(1);
    const ok = await t.store.knex('audit_log').where({ action: 'warning.transition', resource_id: String(ids.elsewhere), outcome: 'ok' }).count({ n: '*' }).first();
    expect(Number(ok?.n)).toBe(1);
  });
});
