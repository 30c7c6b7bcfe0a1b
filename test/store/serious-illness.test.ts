import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dueMembers } from '../../gateway/store/repositories/home-visits.js';
import { householdWithSeriouslyIllMemberSql, seriouslyIllMemberSql } from '../../gateway/store/serious-illness.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, clearMonitoringData, idNumber } from '../helpers/monitoring.js';

const village = '640121100200';
const people = {
  patient: idNumber('640121', '1970-03-05', 11),
  spouse: idNumber('640121', '1972-08-09', 22),
  rigid: idNumber('640121', '1965-01-20', 41),
  chronic: idNumber('640121', '1968-06-30', 51),
};

describe.each(dialects)('重病, one meaning (gateway/store/serious-illness.ts) on %s', (dialect) => {
  let store: TestStore;
  const households = { patient: 0, rigid: 0, chronic: 0 };

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());
  beforeEach(async () => {
    await clearMonitoringData(store.knex);
    households.patient = await addHousehold(store.knex, village, [
      { idNumber: people.patient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: people.spouse, name: '丁秀兰' },
    ]);
    households.rigid = await addHousehold(store.knex, village, [{ idNumber: people.rigid, name: '王某', enrolment: { category: '650', startDate: '2024-03-01', endDate: '2024-08-31' } }]);
    households.chronic = await addHousehold(store.knex, village, [{ idNumber: people.chronic, name: '李某', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await store.knex('persons').where('household_id', households.chronic).update({ health: '3' });
    await addFacts(store.knex, 'weijian', [{ kind: 'major-illness', idNumber: people.patient, occurredOn: '2024-04-10', attributes: { disease: '白血病' } }]);
  });

  const seriouslyIllHouseholds = async (day: string): Promise<number[]> => {
    const condition = householdWithSeriouslyIllMemberSql('h.id', day);
    const rows = await store.knex.raw(`SELECT h.id FROM households h WHERE ${condition.text} ORDER BY h.id`, condition.bindings);
    return (Array.isArray(rows) ? rows : rows.rows).map((r: { id: number | string }) => Number(r.id));
  };

  it('makes a member seriously ill from the day 卫健 reports a major illness, and not for a chronic illness in the health code', async () => {
    const before = await dueMembers(store.knex, [households.patient, households.chronic], '2024-04-09');
    expect(before.map((m) => m.seriouslyIll)).toEqual([false, false, false]);
    const after = await dueMembers(store.knex, [households.patient, households.chronic], '2024-04-10');
    expect(after.map((m) => [m.name, m.seriouslyIll])).toEqual([['马建国', true], ['丁秀兰', false], ['李某', false]]);
    const member = seriouslyIllMemberSql('p', '2024-12-31');
    const rows = await store.knex.raw(`SELECT COUNT(*) AS n FROM persons p WHERE ${member.text}`, member.bindings);
    expect(Number((Array.isArray(rows) ? rows : rows.rows)[0].n)).toBe(1);
  });

  it('gives a household a seriously ill member through a member’s major illness or a current 650 enrolment, not an ended one', async () => {
    expect(await seriouslyIllHouseholds('2024-02-15')).toEqual([]);
    expect(await seriouslyIllHouseholds('2024-05-01')).toEqual([households.patient, households.rigid]);
    expect(await seriouslyIllHouseholds('2024-09-01')).toEqual([households.patient]);
  });
});
