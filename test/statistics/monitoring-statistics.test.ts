import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFigures, monitoringStatistics } from '../../gateway/statistics/monitoring-statistics.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { keyringOf } from '../../gateway/store/personal-data.js';
import { addHousehold, idNumber, keyOf, personIdOf, subjectColumns } from '../helpers/monitoring.js';

const 杨和镇 = '640121100';
const 团结西路街道 = '640121001';

interface WarningSpec {
  region: string | null;
  raisedOn: string;
  dueOn: string;
  resolvedOn?: string;
  outcome?: string;
  /** Transitions as [from, to, UTC instant]. */
  transitions?: [string, string, string][];
  /** The rule, recipient-died unless given. */
  rule?: string;
  /** The subject's ID number sequence, a new person unless given. */
  subject?: number;
}

/**
 * H1 (杨和镇 village 640121100200) visited twice in May, once finding a hardship that a discovery case concluded in
 * May solved; once in April. H3 (团结西路街道) visited in May without finding anything. A case opened by hand in May and
 * included in June; two referrals sent in May by a 杨和镇 case, one done in May and one in June.
 */
async function addCasework(knex: Knex, h1: number, h3: number, now: string): Promise<void> {
  let n = 0;
  const visit = async (householdId: number, region: string, on: string, hardship: boolean): Promise<number> => {
    n += 1;
    const [row] = await knex('home_visits').insert({
      client_visit_id: `visit-${n}`, body_sm3: '0'.repeat(64), household_id: householdId, region_code: region, visitor_kind: 'township-staff',
      visitor_name: '王干部', visited_on: on, kind: 'home', person_seen: true, findings: '正常', needs_found: '', hardship_found: hardship, recorded_at: now,
    }, ['id']);
    return row.id as number;
  };
  const found = await visit(h1, '640121100200', '2024-05-07', true);
  await visit(h1, '640121100200', '2024-05-21', false);
  await visit(h1, '640121100200', '2024-04-21', true);
  await visit(h3, '640121001001', '2024-05-09', false);
  const discovery = (fields: Record<string, unknown>) => knex('discovery_cases').insert({
    discoverer_name: '王干部', subject_name: '马甲', family_situation: '因病', suspected_assistance: 'linshi', created_at: now, updated_at: now, ...fields,
  });
  await discovery({ method: 'home-visit', township_code: 杨和镇, discovered_on: '2024-05-07', visit_id: found, status: 'concluded', result: 'ineligible', filing: 'observation', concluded_on: '2024-05-28' });
  await discovery({ method: 'work', township_code: 杨和镇, discovered_on: '2024-05-10', status: 'concluded', result: 'included', included_on: '2024-06-03', filing: 'newly-assisted', concluded_on: '2024-06-03' });
  const [referralCase] = await knex('referral_cases').insert({
    origin_type: 'walk-in', subject_key: keyOf(knex, idNumber('640121', '1960-01-01', 1)), subject_cipher: keyringOf(knex).encrypt(idNumber('640121', '1960-01-01', 1)), subject_name: '马甲', region_code: 杨和镇, owner_unit: '杨和镇社会救助站',
    summary: '孩子上学', opened_on: '2024-05-08', status: 'open', created_at: now, updated_at: now,
  }, ['id']);
  for (const [department, finished] of [['jy', '2024-05-20'], ['yb', '2024-06-04']] as const) {
    await knex('referrals').insert({ case_id: referralCase.id, department, need: '资助', urgent: false, sent_on: '2024-05-08', due_on: '2024-05-22', status: 'done', finished_on: finished, outcome: '已资助', created_at: now, updated_at: now });
  }
}

let sequence = 0;

async function addWarning(knex: Knex, runId: number, spec: WarningSpec): Promise<void> {
  sequence += 1;
  const status = spec.resolvedOn ? 'resolved' : spec.transitions?.length ? 'verifying' : 'pending';
  const now = new Date().toISOString();
  const [row] = await knex('warnings').insert({
    run_id: runId, rule_id: spec.rule ?? 'recipient-died', period: spec.raisedOn.slice(0, 7), ...subjectColumns(knex, idNumber('640121', '1950-01-01', spec.subject ?? sequence)),
    region_code: spec.region, handling_unit: 'township', severity: 'high', suggested_action: 'stop', status,
    outcome: spec.outcome ?? null, raised_on: spec.raisedOn, due_on: spec.dueOn, resolved_on: spec.resolvedOn ?? null, created_at: now, updated_at: now,
  }, ['id']);
  for (const [from, to, at] of spec.transitions ?? []) {
    await knex('warning_transitions').insert({ warning_id: row.id, from_status: from, to_status: to, actor_label: 'test', at });
  }
}

function personId(knex: Knex, id: string): Promise<number> {
  return personIdOf(knex, id);
}

describe.each(dialects)('monitoring statistics on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const { knex } = store;
    const [run] = await knex('comparison_runs').insert({
      period: '2024-05', mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: new Date().toISOString(), status: 'finished',
    }, ['id']);
    const runId = run.id as number;
    // 杨和镇: three raised in May; one of them verified and resolved (stopped), one overdue at the month's end, one due in June.
    await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2024-05-06', dueOn: '2024-05-20', resolvedOn: '2024-05-15', outcome: 'stopped', transitions: [['pending', 'verifying', '2024-05-08T02:00:00.000Z'], ['verifying', 'resolved', '2024-05-15T03:00:00.000Z']] });
    await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2024-05-06', dueOn: '2024-05-13' });
    await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2024-05-31', dueOn: '2024-06-07' });
    // Resolved straight from pending at 23:59:59 on 30 April in Shanghai: April's, not May's.
    await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2024-04-02', dueOn: '2024-04-16', resolvedOn: '2024-04-30', outcome: 'no-change', transitions: [['pending', 'resolved', '2024-04-30T15:59:59.000Z']] });
    // 团结西路街道: raised in April, verification begun at 00:30 on 1 May in Shanghai (still 30 April in UTC), resolved in June: overdue on 31 May.
    await addWarning(knex, runId, { region: 团结西路街道, raisedOn: '2024-04-20', dueOn: '2024-04-30', resolvedOn: '2024-06-03', outcome: 'benefit-adjusted', transitions: [['pending', 'verifying', '2024-04-30T16:30:00.000Z'], ['verifying', 'resolved', '2024-06-03T02:00:00.000Z']] });
    // Pushed to nobody, and pushed to another county: neither counts for 永宁县.
    await addWarning(knex, runId, { region: null, raisedOn: '2024-05-06', dueOn: '2024-05-20' });
    await addWarning(knex, runId, { region: '500114001', raisedOn: '2024-05-06', dueOn: '2024-05-20' });

    // Enrolments. H1 (杨和镇): an old recipient whose amount changed in May, and temporary assistance twice in May.
    const a = idNumber('640121', '1960-01-01', 1);
    const h1 = await addHousehold(knex, '640121100200', [{ idNumber: a, name: '马甲', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    const enrolmentA = (await knex('enrolments').where('person_id', await personId(knex, a)).first('id')).id;
    await knex('enrolment_events').insert({ enrolment_id: enrolmentA, kind: 'amount-changed', at: '2024-05-10T02:00:00.000Z', actor: 'test', detail: '{}' });
    // An adjustment on the last evening of April (Shanghai) is April's.
    await knex('enrolment_events').insert({ enrolment_id: enrolmentA, kind: 'amount-changed', at: '2024-04-30T15:00:00.000Z', actor: 'test', detail: '{}' });
    const h1Person = await personId(knex, a);
    for (const [amount, on, type] of [[150_000, '2024-05-03', 'linshi'], [200_000, '2024-05-25', 'linshi'], [90_000, '2024-05-25', 'yiliao'], [70_000, '2024-06-01', 'linshi']] as const) {
      await knex('assistance_records').insert({ person_id: h1Person, household_id: h1, department: 'minzheng', assistance_type: type, amount_fen: amount, assisted_on: on, created_at: new Date().toISOString() });
    }
    // H2 (杨和镇): two members newly enrolled in May — one household, two persons.
    await addHousehold(knex, '640121100200', [
      { idNumber: idNumber('640121', '1970-01-01', 2), name: '马乙', enrolment: { category: '120', startDate: '2024-05-10' } },
      { idNumber: idNumber('640121', '1972-01-01', 3), name: '马丙', enrolment: { category: '120', startDate: '2024-05-20' } },
    ]);
    // H3 (团结西路街道): D moved from 低保 to 特困 on 1 May (a continuation, not new); E came back after a gap (new).
    const d = idNumber('640121', '1940-01-01', 4);
    const e = idNumber('640121', '1945-01-01', 5);
    const h3 = await addHousehold(knex, '640121001001', [
      { idNumber: d, name: '李丁', enrolment: { category: '110', startDate: '2023-01-01', endDate: '2024-04-30' } },
      { idNumber: e, name: '李戊', enrolment: { category: '110', startDate: '2023-01-01', endDate: '2024-03-31' } },
    ]);
    const now = new Date().toISOString();
    await addCasework(knex, h1, h3, now);
    for (const [id, category, start] of [[d, '131', '2024-05-01'], [e, '110', '2024-05-15']] as const) {
      await knex('enrolments').insert({ person_id: await personId(knex, id), household_id: h3, category, region_code: '640121001001', start_date: start, monthly_amount_fen: 60_000, created_at: now, updated_at: now });
    }
  });
  afterAll(async () => store.dispose());

  it('counts the month per township, with Shanghai month boundaries, and sums them for the county', async () => {
    const statistics = await monitoringStatistics(store.knex, { regionCode: '640121', period: '2024-05', today: '2024-07-01' });
    expect(statistics.region).toEqual({ code: '640121', name: expect.stringContaining('永宁县') });
    const yanghe = { ...emptyFigures(), warningsPushed: 3, warningsVerified: 1, warningsHandled: 1, warningsOverdue: 1, personsWarned: 3, personsHandled: 1,
      outcomes: { ...emptyFigures().outcomes, stopped: 1 }, householdsAdjusted: 1, newlyIncludedHouseholds: 1, newlyIncludedPersons: 2,
      temporaryAssistanceCases: 2, temporaryAssistanceFen: 350_000, visits: 2, householdsVisited: 1, problemsFound: 1, problemsSolved: 1, discoveryCasesOpened: 2, referralsSent: 2, referralsDone: 1 };
    const tuanjie = { ...emptyFigures(), warningsVerified: 1, warningsOverdue: 1, newlyIncludedHouseholds: 1, newlyIncludedPersons: 1, visits: 1, householdsVisited: 1 };
    expect(statistics.byRegion.map((r) => r.code)).toEqual([团结西路街道, 杨和镇]);
    expect(statistics.byRegion[0]!.figures).toEqual(tuanjie);
    expect(statistics.byRegion[1]!.figures).toEqual(yanghe);
    expect(statistics.byRegion[1]!.name).toContain('杨和镇');
    expect(statistics.total).toEqual({ ...emptyFigures(), warningsPushed: 3, warningsVerified: 2, warningsHandled: 1, warningsOverdue: 2, personsWarned: 3, personsHandled: 1,
      outcomes: { ...emptyFigures().outcomes, stopped: 1 }, householdsAdjusted: 1, newlyIncludedHouseholds: 2, newlyIncludedPersons: 3,
      temporaryAssistanceCases: 2, temporaryAssistanceFen: 350_000, visits: 3, householdsVisited: 2, problemsFound: 1, problemsSolved: 1,
      discoveryCasesOpened: 2, referralsSent: 2, referralsDone: 1 });
  });

  it('breaks a township down by village, and a province by prefecture', async () => {
    const township = await monitoringStatistics(store.knex, { regionCode: 杨和镇, period: '2024-05', today: '2024-07-01' });
    // Warnings are pushed to the township itself, not a village: they count under its own code.
    expect(township.byRegion.map((r) => r.code)).toEqual([杨和镇, '640121100200']);
    expect(township.total.warningsPushed).toBe(3);
    expect(township.total.newlyIncludedPersons).toBe(2);
    const province = await monitoringStatistics(store.knex, { regionCode: '640000', period: '2024-05', today: '2024-07-01' });
    expect(province.byRegion.map((r) => r.code)).toEqual(['640100']);
    expect(province.total.warningsPushed).toBe(3);
  });

  it('counts April and June on their own', async () => {
    const april = await monitoringStatistics(store.knex, { regionCode: '640121', period: '2024-04', today: '2024-07-01' });
    expect(april.total).toMatchObject({ warningsPushed: 2, warningsVerified: 1, warningsHandled: 1, householdsAdjusted: 1, newlyIncludedPersons: 0 });
    expect(april.total.outcomes['no-change']).toBe(1);
    // On 30 April the 团结西路街道 warning was due that day: not yet overdue.
    expect(april.total.warningsOverdue).toBe(0);
    expect(april.total).toMatchObject({ visits: 1, problemsFound: 1, problemsSolved: 0, discoveryCasesOpened: 0, referralsSent: 0 });
    const june = await monitoringStatistics(store.knex, { regionCode: '640121', period: '2024-06', today: '2024-07-01' });
    expect(june.total).toMatchObject({ warningsPushed: 0, warningsHandled: 1, warningsOverdue: 2, temporaryAssistanceCases: 1, temporaryAssistanceFen: 70_000 });
    expect(june.total.outcomes['benefit-adjusted']).toBe(1);
    // While June is still running, on 5 June, only the warning due 13 May is overdue; the one due 7 June is not yet.
    const early = await monitoringStatistics(store.knex, { regionCode: '640121', period: '2024-06', today: '2024-06-05' });
    expect(early.total.warningsOverdue).toBe(1);
    expect(june.total).toMatchObject({ discoveryCasesOpened: 0, discoveryCasesIncluded: 1, referralsSent: 0, referralsDone: 1, visits: 0 });
  });

  it('counts persons in 人次 beside warnings in 条: one person once per day, as seed 001 counts 处置排查', async () => {
    const { knex } = store;
    const [run] = await knex('comparison_runs').insert({
      period: '2022-11', mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: new Date().toISOString(), status: 'finished',
    }, ['id']);
    const runId = run.id as number;
    // One person warned by three rules on 3 November: two warnings resolved on 10 November, the third on 18 November.
    for (const [rule, resolvedOn] of [['recipient-died', '2022-11-10'], ['recipient-household-vehicle', '2022-11-10'], ['recipient-moved-out', '2022-11-18']] as const) {
      await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2022-11-03', dueOn: '2022-11-17', resolvedOn, outcome: 'no-change', rule, subject: 901 });
    }
    // Another person, warned on 4 November and handled on 20 November.
    await addWarning(knex, runId, { region: 杨和镇, raisedOn: '2022-11-04', dueOn: '2022-11-18', resolvedOn: '2022-11-20', outcome: 'no-change', subject: 902 });
    const november = await monitoringStatistics(knex, { regionCode: '640121', period: '2022-11', today: '2024-07-01' });
    expect(november.total).toMatchObject({ warningsPushed: 4, personsWarned: 2, warningsHandled: 4, personsHandled: 3 });
  });

  it('answers zeros, not an error, for an empty month', async () => {
    const empty = await monitoringStatistics(store.knex, { regionCode: '640121', period: '2022-12', today: '2024-07-01' });
    expect(empty.byRegion).toEqual([]);
    expect(empty.total).toEqual(emptyFigures());
  });
});
