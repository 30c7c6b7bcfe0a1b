import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { transitionWarning } from '../../gateway/engine/warning-workflow.js';
import { findChangesWithoutApproval } from '../../gateway/oversight/changes-without-approval.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import type { WarningTransitionRequest } from '../../schemas/types/index.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, keyOf, personIdOf } from '../helpers/monitoring.js';

const county = '640121';
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };
const township: Actor = { keyId: null, role: 'admin', regionCode: county, label: '杨和镇 经办人' };
const people = {
  approved: idNumber(county, '1950-01-01', 11),
  direct: idNumber(county, '1951-02-02', 12),
  imported: idNumber(county, '1952-03-03', 13),
  stopped: idNumber(county, '1953-04-04', 14),
  adjusted: idNumber(county, '1954-05-05', 15),
  legacy: idNumber(county, '1955-06-06', 16),
  handEdited: idNumber(county, '1956-07-07', 17),
  wrongWarning: idNumber(county, '1957-08-08', 18),
};

describe.each(dialects)('enrolment changes without approval on %s', (dialect) => {
  let store: TestStore;
  let noChangeWarning = 0;
  const enrolmentOf = async (subject: string) => Number((await store.knex('enrolments').where('person_id', await personIdOf(store.knex, subject)).first('id')).id);
  const resolve = async (subject: string, resolution: WarningTransitionRequest) => {
    const id = Number((await store.knex('warnings').where({ rule_id: 'recipient-household-vehicle', subject_key: keyOf(store.knex, subject) }).first('id')).id);
    const now = () => new Date('2024-08-26T02:00:00Z');
    await transitionWarning(store.knex, township, id, { to: 'verifying', reason: '入户核查' }, { now });
    await transitionWarning(store.knex, township, id, resolution, { now });
    return id;
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const knex = store.knex;
    const village = (await knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    const enrolment = { category: '120', startDate: '2024-01-01' };
    for (const [key, name] of Object.entries({ approved: '审批甲', direct: '直登乙', imported: '导入丙', stopped: '停保丁', adjusted: '调整戊', legacy: '旧调己', handEdited: '手改庚', wrongWarning: '错记辛' })) {
      await addHousehold(knex, village, [{ idNumber: people[key as keyof typeof people], name, enrolment }]);
    }
    // Every enrolment above was written by household intake; the approved one gets the approval behind it, the
    // imported one the batch of a roster load, as an approval and the seed load would have written them.
    const approvedPerson = await personIdOf(knex, people.approved);
    const household = Number((await knex('persons').where('id', approvedPerson).first('household_id')).household_id);
    const now = new Date().toISOString();
    const [application] = await knex('applications').insert({
      procedure: 'dibao', category: '120', household_id: household, applicant_person_id: approvedPerson, accepting_region: village, registration_region: village, investigating_region: village,
      accepted_on: '2023-12-01', due_on: '2023-12-31', extended: false, status: 'approved', last_step: 'approval', last_step_on: '2024-01-01', decided_on: '2024-01-01', created_at: now, updated_at: now,
    }, ['id']);
    await knex('application_enrolments').insert({ application_id: Number(application.id), enrolment_id: await enrolmentOf(people.approved) });
    const batch = await addFacts(knex, 'jinmin-roster', []);
    await knex('enrolments').where('id', await enrolmentOf(people.imported)).update({ batch_id: batch });

    await addFacts(knex, 'vehicles', [people.stopped, people.adjusted, people.legacy, people.wrongWarning].map((subject, n) => (
      { kind: 'vehicle-registered' as const, idNumber: subject, period: '2024-08', attributes: { plate: `宁A·1000${n}`, vehicleType: '小型轿车' } })));
    await runComparison(store, { period: '2024-08', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-08-20' });
    await resolve(people.stopped, { to: 'resolved', outcome: 'stopped', appliesTo: 'person', reason: '车辆价值超标，停保' });
    await resolve(people.adjusted, { to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'person', newAmountFen: 40_000, reason: '车辆折价计入收入' });
    await resolve(people.legacy, { to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'person', newAmountFen: 45_000, reason: '车辆折价计入收入' });
    // An event written before the detail named its warning: only the resolving transition's instant and actor tie them.
    await knex('enrolment_events').where({ enrolment_id: await enrolmentOf(people.legacy), kind: 'amount-changed' }).update({ detail: JSON.stringify({ fromFen: 60_000, toFen: 45_000 }) });
    noChangeWarning = await resolve(people.wrongWarning, { to: 'resolved', outcome: 'no-change', reason: '车辆已转让' });

    // Written straight to the database: an amount raised and an end date, no decision behind either.
    const handEdited = await enrolmentOf(people.handEdited);
    await knex('enrolments').where('id', handEdited).update({ monthly_amount_fen: 80_000, end_date: '2024-08-15', end_reason: '迁出' });
    await knex('enrolment_events').insert({ enrolment_id: handEdited, kind: 'amount-changed', at: '2024-08-05T03:00:00.000Z', actor: 'db admin', detail: JSON.stringify({ fromFen: 60_000, toFen: 80_000 }) });
    // An end that names a warning resolved as no change: the warning did not decide it.
    const wrong = await enrolmentOf(people.wrongWarning);
    await knex('enrolments').where('id', wrong).update({ end_date: '2024-08-27', end_reason: '停保' });
    await knex('enrolment_events').insert({ enrolment_id: wrong, kind: 'ended', at: '2024-08-27T03:00:00.000Z', actor: '杨和镇 经办人', detail: JSON.stringify({ endDate: '2024-08-27', warningId: noChangeWarning }) });
  });
  afterAll(async () => store.dispose());

  it('lists starts without an approval, and ends and amount changes without the warning outcome that decides them', async () => {
    const { rows, importedLeftOut } = await findChangesWithoutApproval(store.knex, county, '2024-08');
    expect(importedLeftOut).toBe(1);
    const listed = rows.map((r) => `${r.name} ${r.kind} ${r.missing}`).sort();
    expect(listed).toEqual([
      '停保丁 start direct-start', '手改庚 amount amount-without-warning', '手改庚 end ended-without-event', '手改庚 start direct-start',
      '旧调己 start direct-start', '直登乙 start direct-start', '调整戊 start direct-start', '错记辛 end ended-without-warning', '错记辛 start direct-start',
    ].sort());
    const handAmount = rows.find((r) => r.name === '手改庚' && r.kind === 'amount')!;
    expect(handAmount).toMatchObject({ fromFen: 60_000, toFen: 80_000, actor: 'db admin', effectiveOn: '2024-08-05', recordedAt: '2024-08-05T03:00:00.000Z' });
    expect(rows.find((r) => r.name === '手改庚' && r.kind === 'end')).toMatchObject({ effectiveOn: '2024-08-15', recordedAt: null, actor: null, endReason: '迁出' });
    expect(rows.find((r) => r.name === '错记辛' && r.kind === 'end')).toMatchObject({ namedWarningId: noChangeWarning, actor: '杨和镇 经办人' });
    expect(rows.find((r) => r.name === '直登乙')).toMatchObject({ effectiveOn: '2024-01-01', actor: 'test', toFen: 60_000 });
  });

  it('counts only changes that took effect by the end of the month, and only in the region', async () => {
    const july = await findChangesWithoutApproval(store.knex, county, '2024-07');
    expect(july.rows.every((r) => r.kind === 'start')).toBe(true);
    expect(july.rows).toHaveLength(6);
    expect((await findChangesWithoutApproval(store.knex, '500114', '2024-08')).rows).toEqual([]);
  });

  it('renders each change with who recorded it and why it is listed', async () => {
    const csv = (await produceReport(store.knex, auditor, { template: 'compliance-changes-without-approval', period: '2024-08', format: 'csv', now: new Date('2024-09-02T02:00:00Z') })).bytes.toString('utf8');
    const lines = csv.split('\r\n');
    expect(lines.find((l) => l.includes('手改庚') && l.includes('金额调整'))).toContain('金额调整：600.00元→800.00元,2024-08-05,2024-08-05 11:00,db admin,金额调整未关联待遇调整的预警处置');
    expect(lines.find((l) => l.includes('手改庚') && l.includes('终止'))).toContain('终止：迁出,2024-08-15,,无记录,无停保决定');
    expect(lines.find((l) => l.includes('错记辛') && l.includes('终止'))).toContain(`（所记预警${noChangeWarning}未作此处置）`);
    expect(lines.find((l) => l.includes('直登乙'))).toContain(people.direct);
    expect(csv).not.toContain('审批甲');
    expect(csv).not.toContain('导入丙');
  });
});
