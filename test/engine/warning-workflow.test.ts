import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { overdueWorkingDays, recomputeProvisionalDeadlines } from '../../gateway/engine/warning-deadlines.js';
import { maskIdNumbersWithin } from '../../gateway/access/masking.js';
import { viewWarning } from '../../gateway/engine/warning-views.js';
import { applyWarningTransition, checkTransitionRequest, transitionWarning } from '../../gateway/engine/warning-workflow.js';
import { ProblemError } from '../../gateway/errors.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { findWarning, isWarningInScope, listWarnings } from '../../gateway/store/repositories/warnings.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, clearMonitoringData, idNumber, keyOf } from '../helpers/monitoring.js';
import type { HouseholdCreate, WarningTransitionRequest } from '../../schemas/types/index.js';
import { calendarWith2027 as withYear2027 } from '../helpers/calendar-2027.js';

const calendar = loadWorkingCalendar();
const calendarWith2027 = withYear2027(calendar);

const county = '640121';
const township = '640121100';
const people = {
  recipient: idNumber(county, '1970-03-05', 11),
  wife: idNumber(county, '1972-08-09', 22),
  outsider: idNumber(county, '1965-01-20', 41),
  elsewhere: idNumber('110105', '1980-02-02', 61),
};
const townshipActor: Actor = { keyId: null, role: 'township', regionCode: township, label: 'test township' };

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('overdue working days', () => {
  const open = (dueOn: string) => ({ status: 'pending' as const, dueOn });

  it('counts working days after the deadline, National Day 2024’s make-up Saturday included, rest days not', () => {
    expect(overdueWorkingDays(calendar, open('2024-10-10'), '2024-10-10')).toBeNull();
    expect(overdueWorkingDays(calendar, open('2024-10-10'), '2024-10-11')).toBe(1);
    expect(overdueWorkingDays(calendar, open('2024-10-10'), '2024-10-12')).toBe(2);
    expect(overdueWorkingDays(calendar, open('2024-10-10'), '2024-10-13')).toBe(2);
    expect(overdueWorkingDays(calendar, open('2024-10-10'), '2024-10-14')).toBe(3);
    // Due the last working day before the holiday: the whole of 1–7 October counts nothing.
    expect(overdueWorkingDays(calendar, open('2024-09-30'), '2024-10-07')).toBe(0);
    expect(overdueWorkingDays(calendar, open('2024-09-30'), '2024-10-08')).toBe(1);
  });

  it('is null for a resolved warning and one not yet due', () => {
    expect(overdueWorkingDays(calendar, { status: 'resolved', dueOn: '2024-10-10' }, '2024-10-14')).toBeNull();
    expect(overdueWorkingDays(calendar, open('2024-10-16'), '2024-10-14')).toBeNull();
  });

  it('counts Monday to Friday in a year the calendar does not cover yet, instead of failing', () => {
    expect(overdueWorkingDays(calendar, open('2026-12-31'), '2027-01-04')).toBe(2);
    expect(overdueWorkingDays(calendarWith2027, open('2026-12-31'), '2027-01-04')).toBe(1);
  });
});

describe('which fields go with which transition', () => {
  const pointers = (request: Parameters<typeof checkTransitionRequest>[0]) => {
    try {
      checkTransitionRequest(request);
      return [];
    } catch (error) {
      return (error as ProblemError).errors.map((e) => e.pointer);
    }
  };

  it('names each misplaced or missing field', () => {
    expect(pointers({ to: 'verifying', reason: '核查' })).toEqual([]);
    expect(pointers({ to: 'resolved', reason: '已核实', outcome: 'no-change' })).toEqual([]);
    expect(pointers({ to: 'resolved', reason: '已核实' })).toEqual(['/outcome']);
    expect(pointers({ to: 'resolved', reason: '已核实', outcome: 'referred', appliesTo: 'person', newAmountFen: 1 })).toEqual(['/appliesTo', '/newAmountFen']);
    expect(pointers({ to: 'resolved', reason: '已核实', outcome: 'benefit-adjusted' })).toEqual(['/appliesTo', '/newAmountFen']);
    expect(pointers({ to: 'resolved', reason: '已核实', outcome: 'stopped', appliesTo: 'household', effectiveMonth: '2024-10' })).toEqual(['/effectiveMonth']);
  });
});

describe('region scope of a warning', () => {
  const warning = (regionCode: string | null, subjectIdNumber = people.elsewhere) => ({ regionCode, subjectRegion: subjectIdNumber.slice(0, 6) });

  it('shows a township its own, a county all of its own, and unassigned ones only to county-or-wider keys of the issuing region', () => {
    expect(isWarningInScope(township, warning(township))).toBe(true);
    expect(isWarningInScope(township, warning(county))).toBe(false);
    expect(isWarningInScope(county, warning(township))).toBe(true);
    expect(isWarningInScope(county, warning('640121101'))).toBe(true);
    expect(isWarningInScope('640121101', warning(township))).toBe(false);
    expect(isWarningInScope('110105', warning(null))).toBe(true);
    expect(isWarningInScope('110000', warning(null))).toBe(true);
    expect(isWarningInScope('000000', warning(null))).toBe(true);
    expect(isWarningInScope(county, warning(null))).toBe(false);
    expect(isWarningInScope('110105001', warning(null))).toBe(false);
  });
});

describe.each(dialects)('the warnings workflow on %s', (dialect) => {
  let store: TestStore;
  const rules = loadRuleSet();

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());
  beforeEach(async () => {
    await clearMonitoringData(store.knex);
    await addHousehold(store.knex, '640121100200', [
      { idNumber: people.recipient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: people.wife, name: '丁秀兰', enrolment: { category: '120', startDate: '2023-01-01' } },
    ]);
    await addFacts(store.knex, 'gongan-vehicles', [{ kind: 'vehicle-registered', idNumber: people.recipient, occurredOn: '2026-11-05', attributes: { plate: '宁A12345' } }]);
    await addFacts(store.knex, 'yibao', [
      { kind: 'medical-settlement', idNumber: people.outsider, occurredOn: '2026-11-03', amountFen: 2_500_000, attributes: { settlementType: 'inpatient' } },
      { kind: 'medical-settlement', idNumber: people.elsewhere, occurredOn: '2026-11-03', amountFen: 2_500_000, attributes: { settlementType: 'inpatient' } },
    ]);
    // Thursday 24 December 2026: a 10-working-day deadline runs into 2027, whose notice is not in the calendar.
    await runComparison(store, { period: '2026-11', mode: 'full', rules, actor: commandLineActor('test'), today: '2026-12-24' });
  });

  const warningOf = async (subject: string) => {
    const row = await store.knex('warnings').where('subject_key', keyOf(store.knex, subject)).first('id');
    return (await findWarning(store.knex, Number(row.id)))!;
  };

  it('records the rule’s time limit and whether the due date is provisional', async () => {
    const vehicle = await warningOf(people.recipient);
    // 25, 28–31 December, then 2027 counted Monday to Friday: 1, 4, 5, 6, 7 January.
    expect(vehicle).toMatchObject({ ruleId: 'recipient-household-vehicle', regionCode: township, raisedOn: '2026-12-24', dueOn: '2027-01-07', deadlineWorkingDays: 10, dueProvisional: true });
    // 15 working days end in 2027 too: 25, 28–31 Dec; 1, 4–8, 11–14 Jan.
    expect(await warningOf(people.outsider)).toMatchObject({ ruleId: 'non-recipient-inpatient-self-pay', regionCode: county, dueOn: '2027-01-14', deadlineWorkingDays: 15, dueProvisional: true });
  });

  it('lists unassigned warnings only to keys of the region that issued the ID number', async () => {
    const listed = async (scope: string) => (await listWarnings(store.knex, { scopeRegionCode: scope, today: '2026-12-24', limit: 50 })).map((w) => w.subjectIdNumber).sort();
    expect(await listed('000000')).toEqual([people.elsewhere, people.outsider, people.recipient].sort());
    expect(await listed('110105')).toEqual([people.elsewhere]);
    expect(await listed(county)).toEqual([people.outsider, people.recipient].sort());
    expect(await listed(township)).toEqual([people.recipient]);
  });

  it('recomputes provisional due dates once the calendar covers the year, with an audit line each, and leaves resolved ones alone', async () => {
    const vehicle = await warningOf(people.recipient);
    const outsider = await warningOf(people.outsider);
    await store.knex('warnings').where('id', outsider.id).update({ status: 'resolved', outcome: 'no-change', resolved_on: '2026-12-28' });

    const unchanged = await recomputeProvisionalDeadlines(store.knex, commandLineActor('test'), { calendar });
    expect(unchanged).toEqual({ examined: 2, changed: [] });

    const elsewhere = await warningOf(people.elsewhere);
    const result = await recomputeProvisionalDeadlines(store.knex, commandLineActor('test'), { calendar: calendarWith2027, now: () => new Date('2027-01-02T01:00:00Z') });
    // New Year's Day 2027 is off: the tenth working day moves from Thursday 7 to Friday 8 January, the unassigned
    // warning's fifteenth from Thursday 14 to Friday 15 January.
    expect(result).toEqual({ examined: 2, changed: [
      { warningId: vehicle.id, from: '2027-01-07', to: '2027-01-08', provisional: false },
      { warningId: elsewhere.id, from: '2027-01-14', to: '2027-01-15', provisional: false },
    ] });
    expect(await findWarning(store.knex, vehicle.id)).toMatchObject({ dueOn: '2027-01-08', dueProvisional: false });
    expect(await findWarning(store.knex, outsider.id)).toMatchObject({ dueOn: '2027-01-14', dueProvisional: true, status: 'resolved' });
    const audit = await store.knex('audit_log').where('action', 'warning.deadline-recomputed').orderBy('id').select('id', 'resource_id', 'actor_label', 'detail');
    expect(audit.map((a) => a.resource_id)).toEqual([String(vehicle.id), String(elsewhere.id)]);
    expect(audit[0]).toMatchObject({
      actor_label: 'test', detail: 'due 2027-01-07 (provisional) → 2027-01-08: 10 working days after 2026-12-24 on the calendar "cn with 2027"',
    });
    expect(await store.knex('audit_subjects').where('audit_id', audit[0].id).pluck('person_id')).toEqual([vehicle.personId]);
    expect(await recomputeProvisionalDeadlines(store.knex, commandLineActor('test'), { calendar: calendarWith2027 })).toEqual({ examined: 0, changed: [] });
  });

  it('gives the loser of a race warning-changed and writes nothing for it', async () => {
    const stale = await warningOf(people.recipient);
    await transitionWarning(store.knex, townshipActor, stale.id, { to: 'verifying', reason: '甲核查' });
    const lost = await problemOf(store.knex.transaction((trx) => applyWarningTransition(trx, townshipActor, stale, { to: 'verifying', reason: '乙核查' }, new Date())));
    expect(lost.code).toBe('warning-changed');
    expect(await store.knex('warning_transitions').where('warning_id', stale.id).pluck('reason')).toEqual(['甲核查']);
    expect(Number((await store.knex('audit_log').where('action', 'warning.transition').count({ n: '*' }).first())?.n)).toBe(1);
  });

  it('makes a concurrent move wait for the first and then lose, without overwriting it', async () => {
    const warning = await warningOf(people.recipient);
    const first = await store.knex.transaction();
    await applyWarningTransition(first, townshipActor, warning, { to: 'verifying', reason: '甲核查' }, new Date());
    const second = problemOf(transitionWarning(store.knex, townshipActor, warning.id, { to: 'verifying', reason: '乙核查' }));
    if (dialect === 'pg') await waitForLockWait(store);
    await first.commit();
    // PostgreSQL: the second read 'pending', waited on the row, and found it moved; SQLite: it waited for the connection and read 'verifying'.
    expect((await second).code).toBe(dialect === 'pg' ? 'warning-changed' : 'warning-transition-illegal');
    expect(await store.knex('warning_transitions').where('warning_id', warning.id).pluck('reason')).toEqual(['甲核查']);
  });

  it('refuses to stop or adjust the benefit of someone outside the register, and rolls the move back', async () => {
    const outsider = await warningOf(people.outsider);
    const countyActor: Actor = { ...townshipActor, regionCode: county };
    await transitionWarning(store.knex, countyActor, outsider.id, { to: 'verifying', reason: '核查' });
    const refused = await problemOf(transitionWarning(store.knex, countyActor, outsider.id, { to: 'resolved', outcome: 'stopped', appliesTo: 'person', reason: '停保' }));
    expect(refused.code).toBe('warning-outcome-not-applicable');
    expect(await findWarning(store.knex, outsider.id)).toMatchObject({ status: 'verifying', outcome: null, resolvedOn: null });
    expect(await store.knex('warning_transitions').where('warning_id', outsider.id).pluck('to_status')).toEqual(['verifying']);
  });

  it('refuses a benefit adjustment to the amount already paid', async () => {
    const vehicle = await warningOf(people.recipient);
    await transitionWarning(store.knex, townshipActor, vehicle.id, { to: 'verifying', reason: '核查' });
    const same = await problemOf(transitionWarning(store.knex, townshipActor, vehicle.id,
      { to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'household', newAmountFen: 60_000, reason: '调整' }));
    expect(same.code).toBe('warning-outcome-not-applicable');
    expect(same.message).toBe(`warning ${vehicle.id}: the monthly amount is already 60000 fen; resolve it as no-change`);
  });

  it('writes the effective month the change set reads, when given', async () => {
    const vehicle = await warningOf(people.recipient);
    const now = () => new Date('2026-12-29T03:00:00Z');
    await transitionWarning(store.knex, townshipActor, vehicle.id, { to: 'verifying', reason: '核查' }, { now });
    const result = await transitionWarning(store.knex, townshipActor, vehicle.id,
      { to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'person', newAmountFen: 52_000, effectiveMonth: '2027-01', reason: '车辆折价计入收入' }, { now });
    expect(result.warning).toMatchObject({ status: 'resolved', outcome: 'benefit-adjusted', resolvedOn: '2026-12-29' });
    expect(result.effects.adjusted).toEqual([{ enrolmentId: expect.any(Number), fromFen: 60_000, toFen: 52_000 }]);
    const event = await store.knex('enrolment_events').where({ enrolment_id: result.effects.adjusted[0]!.enrolmentId, kind: 'amount-changed' }).first('detail');
    expect(JSON.parse(event.detail)).toEqual({ fromFen: 60_000, toFen: 52_000, effectiveMonth: '2027-01', warningId: vehicle.id });
  });
});

/** Until another connection waits on a row lock: the second transaction has read and reached its UPDATE. */
async function waitForLockWait(store: TestStore): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const result = await store.knex.raw(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'update "warnings"%'`);
    if (Number(result.rows[0].n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the second transaction never waited on the warning row');
}

describe('ID numbers inside evidence values', () => {
  const holder = idNumber(county, '1975-08-23', 44);

  it('masks every valid 18-character run, as in a 残联 certificate number built from the holder’s ID number', () => {
    expect(maskIdNumbersWithin(`${holder}12`)).toBe(`${holder.slice(0, 6)}********${holder.slice(14)}12`);
    expect(maskIdNumbersWithin(`残疾证${holder}号`)).toBe(`残疾证${holder.slice(0, 6)}********${holder.slice(14)}号`);
    // Not an ID number: a wrong check character, or too short.
    const wrongCheck = `${holder.slice(0, 17)}${holder.endsWith('0') ? '1' : '0'}`;
    expect(maskIdNumbersWithin(wrongCheck)).toBe(wrongCheck);
    expect(maskIdNumbersWithin('宁(2019)永宁县不动产权第0001号')).toBe('宁(2019)永宁县不动产权第0001号');
  });
});

describe.each(dialects)('outcomes and evidence where places differ, on %s', (dialect) => {
  let store: TestStore;
  const rules = loadRuleSet();
  const resolvedAt = () => new Date('2024-10-08T02:00:00Z');
  const persons = {
    /** Registered in 500114 (重庆市黔江区), living in 杨和镇 of 永宁县. */
    registeredElsewhere: idNumber('500114', '1965-05-05', 71),
    /** Registered in 杨和镇 (640121100), living in 李俊镇 (640121101) of the same county. */
    livesInOtherTownship: idNumber(county, '1962-02-02', 81),
    conflicted: idNumber(county, '1960-06-06', 91),
    conflictedSpouse: idNumber(county, '1961-07-07', 92),
    disabled: idNumber(county, '1975-08-23', 44),
  };
  const countyActor: Actor = { keyId: null, role: 'township', regionCode: county, label: 'test county' };
  const otherTownshipActor: Actor = { keyId: null, role: 'township', regionCode: '640121101', label: 'test 李俊镇' };
  const integrator: Actor = { keyId: null, role: 'integrator', regionCode: county, label: 'test integrator' };

  const warningAbout = async (subject: string, ruleId: string) => {
    const row = await store.knex('warnings').where({ subject_key: keyOf(store.knex, subject), rule_id: ruleId }).first('id');
    return Number(row.id);
  };
  const enrolmentOf = async (subject: string) =>
    store.knex('enrolments').join('persons', 'persons.id', 'enrolments.person_id').where('persons.id_key', keyOf(store.knex, subject))
      .first('enrolments.id as id', 'enrolments.end_date as endDate', 'enrolments.region_code as regionCode');
  const verify = (actor: Actor, id: number) => transitionWarning(store.knex, actor, id, { to: 'verifying', reason: '核查' }, { now: resolvedAt });
  const resolve = (actor: Actor, id: number, request: Partial<WarningTransitionRequest>) =>
    transitionWarning(store.knex, actor, id, { to: 'resolved', reason: '核实后处置', ...request }, { now: resolvedAt });

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await clearMonitoringData(store.knex);
    const register = (registered: string, residence: string, members: { idNumber: string; name: string; enrolled: boolean }[]) =>
      registerHousehold(store.knex, commandLineActor('test'), {
        registeredRegionCode: registered, residenceRegionCode: residence, address: '测试村一组1号', monthlyIncomeFen: 50_000,
        members: members.map((m, index) => ({
          idNumber: m.idNumber, name: m.name, relation: index === 0 ? '02' : '10',
          ...(m.enrolled ? { enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 60_000 }] } : {}),
        })),
      } as HouseholdCreate);
    await register('500114001001', '640121100200', [{ idNumber: persons.registeredElsewhere, name: '张平', enrolled: true }]);
    await register('640121100200', '640121101200', [{ idNumber: persons.livesInOtherTownship, name: '李德明', enrolled: true }]);
    await register('640121100200', '640121100200', [
      { idNumber: persons.conflicted, name: '马福贵', enrolled: true },
      { idNumber: persons.conflictedSpouse, name: '丁秀兰', enrolled: true },
    ]);
    await register('640121100200', '640121100200', [{ idNumber: persons.disabled, name: '杨志强', enrolled: false }]);
    await addFacts(store.knex, 'gongan-hukou', [
      { kind: 'person-death', idNumber: persons.registeredElsewhere, occurredOn: '2024-09-20', attributes: {} },
      { kind: 'person-death', idNumber: persons.livesInOtherTownship, occurredOn: '2024-09-21', attributes: {} },
    ]);
    await addFacts(store.knex, 'jinmin', [
      { kind: 'jinmin-enrolment', idNumber: persons.conflicted, period: '2024-09', amountFen: 60_000, attributes: { category: '120', regionCode: '640105001' } },
      { kind: 'jinmin-enrolment', idNumber: persons.conflictedSpouse, period: '2024-09', amountFen: 60_000, attributes: { category: '120', regionCode: '640121100' } },
    ]);
    // A feed that stores more than the kind defines: the phone number must not reach the evidence.
    await addFacts(store.knex, 'canlian', [{
      kind: 'disability-certificate', idNumber: persons.disabled, occurredOn: '2024-09-05',
      attributes: { certificateNo: `${persons.disabled}12`, category: '4', grade: '1', phone: '13912345678' },
    }]);
    await runComparison(store, { period: '2024-09', mode: 'full', rules, actor: commandLineActor('test'), today: '2024-09-27' });
  });
  afterAll(async () => store.dispose());

  it('shows a disability certificate number with the holder’s ID number masked, and only the attributes the kind defines', async () => {
    const id = await warningAbout(persons.disabled, 'severe-disability-without-work');
    const masked = `${persons.disabled.slice(0, 6)}********${persons.disabled.slice(14)}12`;
    const township = await viewWarning(store.knex, townshipActor, id, calendar, '2024-10-08');
    expect(township.view.evidence).toEqual([expect.objectContaining({ kind: 'disability-certificate', attributes: { certificateNo: masked, category: '4', grade: '1' } })]);
    const admin = await viewWarning(store.knex, { ...townshipActor, role: 'admin', regionCode: '000000' }, id, calendar, '2024-10-08');
    expect(admin.view.evidence?.[0]?.attributes).toEqual({ certificateNo: masked, category: '4', grade: '1' });
    const full = await viewWarning(store.knex, integrator, id, calendar, '2024-10-08');
    expect(full.view.evidence?.[0]?.attributes).toEqual({ certificateNo: `${persons.disabled}12`, category: '4', grade: '1' });
  });

  it('refuses to stop a benefit the registration county granted, when the residence township resolves', async () => {
    const id = await warningAbout(persons.registeredElsewhere, 'recipient-died');
    expect((await findWarning(store.knex, id))!.regionCode).toBe(township);
    await verify(townshipActor, id);
    const refused = await problemOf(resolve(townshipActor, id, { outcome: 'stopped', appliesTo: 'person' }));
    expect(refused.code).toBe('warning-outcome-not-applicable');
    expect(refused.message).toBe(`warning ${id}: the person's basic-living enrolments were granted in 500114001001, outside ${township}; `
      + 'the registration place must stop or adjust them — record your finding with no-change or referred');
    const byCounty = await problemOf(resolve(countyActor, id, { outcome: 'benefit-adjusted', appliesTo: 'household', newAmountFen: 30_000 }));
    expect(byCounty.message).toMatch(/granted in 500114001001, outside 640121; the registration place must/);
    expect(await enrolmentOf(persons.registeredElsewhere)).toMatchObject({ endDate: null, regionCode: '500114001001' });
    expect(await findWarning(store.knex, id)).toMatchObject({ status: 'verifying', outcome: null });
    // What the residence township may record: its finding, with no change to the register.
    expect((await resolve(townshipActor, id, { outcome: 'no-change' })).warning.status).toBe('resolved');
  });

  it('lets the county stop a benefit its township granted for someone living in another of its townships, but not that township', async () => {
    const id = await warningAbout(persons.livesInOtherTownship, 'recipient-died');
    expect((await findWarning(store.knex, id))!.regionCode).toBe('640121101');
    await verify(otherTownshipActor, id);
    const refused = await problemOf(resolve(otherTownshipActor, id, { outcome: 'stopped', appliesTo: 'person' }));
    expect(refused.code).toBe('warning-outcome-not-applicable');
    expect(refused.message).toMatch(/granted in 640121100200, outside 640121101; the registration place must/);
    expect(await enrolmentOf(persons.livesInOtherTownship)).toMatchObject({ endDate: null });
    const result = await resolve(countyActor, id, { outcome: 'stopped', appliesTo: 'person' });
    const enrolment = await enrolmentOf(persons.livesInOtherTownship);
    expect(result.effects.endedEnrolmentIds).toEqual([enrolment.id]);
    expect(enrolment.endDate).toBe('2024-10-08');
  });

  it('ends only the enrolment the county names on a conflicting-enrolment warning', async () => {
    const id = await warningAbout(persons.conflicted, 'conflicting-enrolment');
    expect(await findWarning(store.knex, id)).toMatchObject({ regionCode: county, handlingUnit: 'county', suggestedAction: 'resolve-conflict' });
    await verify(countyActor, id);
    const unnamed = await problemOf(resolve(countyActor, id, { outcome: 'stopped', appliesTo: 'household' }));
    expect(unnamed.code).toBe('validation-failed');
    expect(unnamed.errors).toEqual([{ in: 'body', pointer: '/enrolmentId', detail: 'required to stop on a resolve-conflict warning: the enrolment that must not stand' }]);
    const own = await enrolmentOf(persons.conflicted);
    const spouse = await enrolmentOf(persons.conflictedSpouse);
    const notTheirs = await problemOf(resolve(countyActor, id, { outcome: 'stopped', appliesTo: 'person', enrolmentId: Number(spouse.id) }));
    expect(notTheirs.code).toBe('warning-outcome-not-applicable');
    expect(notTheirs.errors).toEqual([{ in: 'body', pointer: '/enrolmentId', detail: `one of ${own.id}` }]);
    const result = await resolve(countyActor, id, { outcome: 'stopped', appliesTo: 'household', enrolmentId: Number(own.id) });
    expect(result.effects.endedEnrolmentIds).toEqual([own.id]);
    expect((await enrolmentOf(persons.conflicted)).endDate).toBe('2024-10-08');
    expect((await enrolmentOf(persons.conflictedSpouse)).endDate).toBeNull();
  });
});
