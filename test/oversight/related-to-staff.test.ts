import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { transitionWarning } from '../../gateway/engine/warning-workflow.js';
import { findStaffRelatedRecipients } from '../../gateway/oversight/staff-related.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, keyOf, personIdOf } from '../helpers/monitoring.js';

const county = '640121';
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };
const countyActor: Actor = { keyId: null, role: 'admin', regionCode: county, label: '县民政局 复核员' };
const people = {
  sister: idNumber(county, '1975-04-04', 11),
  cadre: idNumber(county, '1972-02-02', 12),
  head: idNumber(county, '1950-05-05', 21),
  clerk: idNumber(county, '1980-06-06', 22),
  stranger: idNumber(county, '1960-07-07', 31),
  former: idNumber(county, '1958-08-08', 41),
  husband: idNumber(county, '1973-09-09', 13),
};

describe.each(dialects)('recipients related to staff on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    // The cadre's sister heads a 低保 household of two: one case, one row, both enrolments on it.
    await addHousehold(store.knex, village, [
      { idNumber: people.sister, name: '关系甲', enrolment: { category: '120', startDate: '2024-02-01' } },
      { idNumber: people.husband, name: '丈夫甲', enrolment: { category: '120', startDate: '2024-02-01' } },
    ]);
    // The head is enrolled; the clerk, a civil-affairs worker, lives in the household without an enrolment of his own.
    await addHousehold(store.knex, village, [{ idNumber: people.head, name: '户主乙', enrolment: { category: '120', startDate: '2023-05-01' } }, { idNumber: people.clerk, name: '民政丙' }]);
    await addHousehold(store.knex, village, [{ idNumber: people.stranger, name: '无关丁', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    await addHousehold(store.knex, village, [{ idNumber: people.former, name: '已退戊', enrolment: { category: '120', startDate: '2023-01-01', endDate: '2024-06-30' } }]);
    const roster = [
      { kind: 'staff-relation' as const, idNumber: people.cadre, name: '村干部己', period: '2024-08', attributes: { role: 'village-cadre', unit: '杨和镇王太村村委会 主任' } },
      { kind: 'staff-relation' as const, idNumber: people.sister, name: '关系甲', period: '2024-08', attributes: { role: 'relative', relatedIdNumber: people.cadre, relation: '兄妹' } },
      { kind: 'staff-relation' as const, idNumber: people.clerk, name: '民政丙', period: '2024-08', attributes: { role: 'civil-affairs-staff', unit: '永宁县民政局社会救助股' } },
      { kind: 'staff-relation' as const, idNumber: people.former, name: '已退戊', period: '2024-08', attributes: { role: 'relative', relatedIdNumber: people.cadre, relation: '兄弟' } },
    ];
    // The roster is filed again the next month: the same connections, not new ones.
    await addFacts(store.knex, 'staff-roster', roster);
    await addFacts(store.knex, 'staff-roster', roster);
    await runComparison(store, { period: '2024-08', mode: 'full', rules: loadRuleSet(), actor: commandLineActor('test'), today: '2024-08-20' });
    const clerkWarning = await store.knex('warnings').where({ rule_id: 'recipient-related-to-staff', subject_key: keyOf(store.knex, people.clerk) }).first('id');
    const now = () => new Date('2024-08-26T02:00:00Z');
    await transitionWarning(store.knex, countyActor, Number(clerkWarning.id), { to: 'verifying', reason: '县局复核' }, { now });
    await transitionWarning(store.knex, countyActor, Number(clerkWarning.id), { to: 'resolved', outcome: 'no-change', reason: '户主乙2023年纳入时民政丙尚未入职，审批程序完整' }, { now });
  });
  afterAll(async () => store.dispose());

  it('lists each enrolled recipient the roster connects to staff once, with the staff member and the warning', async () => {
    // Ordered by village and household number, which the register gives: compare by name.
    const rows = (await findStaffRelatedRecipients(store.knex, county, '2024-08')).sort((a, b) => a.name.localeCompare(b.name));
    expect(rows.map((r) => [r.name, r.filedName, r.role, r.relation, r.staffName, r.staffUnit])).toEqual([
      ['关系甲', '关系甲', 'relative', '兄妹', '村干部己', '杨和镇王太村村委会 主任'],
      ['户主乙', '民政丙', 'civil-affairs-staff', null, '民政丙', '永宁县民政局社会救助股'],
    ]);
    expect(rows[0]!.warning).toMatchObject({ status: 'pending', outcome: null, resolvedBy: null });
    expect(rows[0]!.enrolments.map((e) => e.personId)).toEqual([await personIdOf(store.knex, people.sister), await personIdOf(store.knex, people.husband)]);
    expect(rows[1]!.warning).toMatchObject({ status: 'resolved', outcome: 'no-change', resolvedOn: '2024-08-26', resolvedBy: '县民政局 复核员' });
    expect(rows[1]!.personId).toBe(await personIdOf(store.knex, people.head));
  });

  it('leaves out recipients whose enrolment ended before the month, and months before any enrolment', async () => {
    expect((await findStaffRelatedRecipients(store.knex, county, '2024-06')).map((r) => r.name).sort()).toEqual(['关系甲', '户主乙', '已退戊'].sort());
    expect(await findStaffRelatedRecipients(store.knex, county, '2022-12')).toEqual([]);
    expect(await findStaffRelatedRecipients(store.knex, '500114', '2024-08')).toEqual([]);
  });

  it('renders the rows for the auditor with the relation, the unit and how the warning was handled', async () => {
    const csv = (await produceReport(store.knex, auditor, { template: 'compliance-related-to-staff', period: '2024-08', format: 'csv', now: new Date('2024-09-02T02:00:00Z') })).bytes.toString('utf8');
    const sister = csv.split('\r\n').find((l) => l.includes('关系甲'))!;
    expect(sister).toContain('本人为近亲属（兄妹）');
    expect(sister).toContain('村干部己（村（社区）干部），杨和镇王太村村委会 主任');
    expect(sister).toContain('待核查');
    expect(sister).toContain('农村最低生活保障，2024-02-01起；同户在保2人,1200.00');
    expect(csv).not.toContain('丈夫甲');
    expect(sister).toContain(people.sister);
    const head = csv.split('\r\n').find((l) => l.includes('户主乙'))!;
    expect(head).toContain('同户成员民政丙（本人未在保）为民政工作人员');
    expect(head).toContain('已办结（无需处置）');
    expect(head).toContain('审批程序完整（2024-08-26，县民政局 复核员）');
    expect(csv).not.toContain('无关丁');
    expect(csv).not.toContain('已退戊');
  });
});
