import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { transitionWarning } from '../../gateway/engine/warning-workflow.js';
import { findAssetsKept } from '../../gateway/oversight/assets-kept.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import type { WarningTransitionRequest } from '../../schemas/types/index.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, keyOf, personIdOf } from '../helpers/monitoring.js';

const county = '640121';
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };
const township: Actor = { keyId: null, role: 'admin', regionCode: county, label: '杨和镇 经办人' };
const people = {
  carOwner: idNumber(county, '1970-03-05', 11),
  carWife: idNumber(county, '1972-08-09', 12),
  shopOwner: idNumber(county, '1968-01-01', 21),
  earner: idNumber(county, '1985-09-09', 31),
  stillChecked: idNumber(county, '1966-06-06', 41),
};

describe.each(dialects)('enrolments kept after a means-test warning on %s', (dialect) => {
  let store: TestStore;
  const warningOf = async (ruleId: string, subject: string) => Number((await store.knex('warnings').where({ rule_id: ruleId, subject_key: keyOf(store.knex, subject) }).first('id')).id);
  const handle = async (id: number, resolution: WarningTransitionRequest | null) => {
    const now = () => new Date('2024-08-26T02:00:00Z');
    await transitionWarning(store.knex, township, id, { to: 'verifying', reason: '入户核查' }, { now });
    if (resolution) await transitionWarning(store.knex, township, id, resolution, { now });
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    const enrolment = { category: '120', startDate: '2024-01-01' };
    await addHousehold(store.knex, village, [{ idNumber: people.carOwner, name: '车主甲', enrolment }, { idNumber: people.carWife, name: '妻乙', enrolment }]);
    await addHousehold(store.knex, village, [{ idNumber: people.shopOwner, name: '店主丙', enrolment }]);
    await addHousehold(store.knex, village, [{ idNumber: people.earner, name: '务工丁', enrolment }]);
    await addHousehold(store.knex, village, [{ idNumber: people.stillChecked, name: '待核戊', enrolment }]);
    await addFacts(store.knex, 'vehicles', [
      { kind: 'vehicle-registered', idNumber: people.carOwner, name: '车主甲', period: '2024-08', attributes: { plate: '宁A·12345', vehicleType: '小型轿车' } },
      { kind: 'vehicle-registered', idNumber: people.stillChecked, name: '待核戊', period: '2024-08', attributes: { plate: '宁A·54321', vehicleType: '小型轿车' } },
    ]);
    await addFacts(store.knex, 'business', [{ kind: 'business-registration', idNumber: people.shopOwner, name: '店主丙', period: '2024-08', attributes: { enterpriseName: '永宁县丙记商店', role: '经营者' } }]);
    await addFacts(store.knex, 'employment', [{ kind: 'employment', idNumber: people.earner, name: '务工丁', period: '2024-08', amountFen: 260_000, attributes: { employer: '宁夏某物流有限公司' } }]);
    await runComparison(store, { period: '2024-08', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-08-20' });

    await handle(await warningOf('recipient-household-vehicle', people.carOwner), { to: 'resolved', outcome: 'no-change', reason: '车辆已于2024年7月转让，提供转让合同' });
    await handle(await warningOf('recipient-household-business', people.shopOwner), { to: 'resolved', outcome: 'stopped', appliesTo: 'household', reason: '经营收入超标，停保' });
    await handle(await warningOf('recipient-income-above-threshold', people.earner), { to: 'resolved', outcome: 'referred', reason: '转介人社局核实劳动合同' });
    await handle(await warningOf('recipient-household-vehicle', people.stillChecked), null);
    // The earner's enrolment ends a month later, by a route this report does not judge.
    await store.knex('enrolments').where('person_id', await personIdOf(store.knex, people.earner)).update({ end_date: '2024-09-30', end_reason: '自愿退出' });
  });
  afterAll(async () => store.dispose());

  it('lists each warning resolved by an outcome that leaves the register as it was, with the household\'s kept enrolments', async () => {
    const rows = await findAssetsKept(store.knex, county, '2024-08');
    expect(rows.map((r) => [r.subjectName, r.ruleId, r.outcome, r.kept.map((e) => [e.name, e.endedOn])]).sort()).toEqual([
      ['务工丁', 'recipient-income-above-threshold', 'referred', [['务工丁', '2024-09-30']]],
      ['车主甲', 'recipient-household-vehicle', 'no-change', [['车主甲', null], ['妻乙', null]]],
    ].sort());
    const car = rows.find((r) => r.subjectName === '车主甲')!;
    expect(car).toMatchObject({ subjectPersonId: await personIdOf(store.knex, people.carOwner), resolvedOn: '2024-08-26', resolvedBy: '杨和镇 经办人', outcomeReason: '车辆已于2024年7月转让，提供转让合同' });
    expect(car.evidence.map((e) => [e.kind, e.attributes.plate])).toEqual([['vehicle-registered', '宁A·12345']]);
    expect(rows.find((r) => r.subjectName === '务工丁')).toMatchObject({ measured: 260_000, threshold: 185_000 });
  });

  it('reads the warnings of the month and before, however late resolved, and says whether the enrolment is in force now', async () => {
    expect((await findAssetsKept(store.knex, county, '2024-09')).find((r) => r.subjectName === '务工丁')!.kept).toMatchObject([{ endedOn: '2024-09-30', endReason: '自愿退出' }]);
    expect(await findAssetsKept(store.knex, county, '2024-07')).toEqual([]);
    expect(await findAssetsKept(store.knex, '500114', '2024-08')).toEqual([]);
  });

  it('renders the evidence, the decision and who took it for the auditor', async () => {
    const csv = (await produceReport(store.knex, auditor, { template: 'compliance-assets-kept', period: '2024-09', format: 'csv', now: new Date('2024-10-08T02:00:00Z') })).bytes.toString('utf8');
    const car = csv.split('\r\n').find((l) => l.includes('车主甲'))!;
    expect(car).toContain(`车主甲,${people.carOwner}`);
    expect(car).toContain('本人：车辆宁A·12345（小型轿车）');
    expect(car).toContain('无需处置：车辆已于2024年7月转让，提供转让合同');
    expect(car).toContain('2024-08-26，杨和镇 经办人');
    expect(car).toContain('农村最低生活保障；同户在保2人,1200.00,仍在保');
    const earner = csv.split('\r\n').find((l) => l.includes('务工丁'))!;
    expect(earner).toContain('本人：宁夏某物流有限公司，2024-08月工资2600.00元；月收入2600.00元，标准1850.00元（示例阈值）');
    expect(earner).toContain('已于2024-09-30终止（自愿退出）');
    expect(csv).not.toContain('店主丙');
    expect(csv).not.toContain('待核戊');
  });
});
