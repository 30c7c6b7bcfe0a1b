import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { findDuplicateAid } from '../../gateway/oversight/duplicate-assistance.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addHousehold, idNumber, personIdOf } from '../helpers/monitoring.js';

const county = '640121';
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };
const twice = idNumber(county, '1960-02-02', 41);
const once = idNumber(county, '1961-03-03', 42);

describe.each(dialects)('duplicate aid on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    await addHousehold(store.knex, village, [{ idNumber: twice, name: '两头甲' }]);
    await addHousehold(store.knex, village, [{ idNumber: once, name: '分期乙' }]);
    const p1 = await personIdOf(store.knex, twice);
    const p2 = await personIdOf(store.knex, once);
    const householdOf = new Map((await store.knex('persons').whereIn('id', [p1, p2]).select('id', 'household_id')).map((r: { id: number; household_id: number }) => [Number(r.id), Number(r.household_id)]));
    const record = (personId: number, department: string, type: string, on: string, fen: number) => ({
      person_id: personId, household_id: householdOf.get(personId), department, assistance_type: type, amount_fen: fen, assisted_on: on, note: null, batch_id: null, created_at: new Date(),
    });
    await store.knex('assistance_records').insert([
      // Same person, same type, same month, two departments: 多头救助.
      record(p1, '县民政局', '08', '2024-07-03', 100_000), record(p1, '县总工会', '08', '2024-07-20', 50_000),
      // Same type from two departments but in different months: not the same period.
      record(p1, '县民政局', '09', '2024-06-03', 10_000), record(p1, '县残联', '09', '2024-07-03', 10_000),
      // One department twice in a month: its own instalments.
      record(p2, '县民政局', '08', '2024-07-01', 20_000), record(p2, '县民政局', '08', '2024-07-15', 20_000),
    ]);
  });
  afterAll(async () => store.dispose());

  it('groups by person, aid type and month, and keeps only groups from more than one department', async () => {
    const found = await findDuplicateAid(store.knex, county, '2024-08');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ personId: await personIdOf(store.knex, twice), assistanceType: '08', month: '2024-07', records: 2, totalFen: 150_000 });
    expect([...found[0]!.departments].sort()).toEqual(['县总工会', '县民政局'].sort());
    expect(await findDuplicateAid(store.knex, county, '2024-06')).toHaveLength(0);
  });

  it('renders the case for the auditor, with the ID number the role may see', async () => {
    const csv = (await produceReport(store.knex, auditor, { template: 'compliance-duplicates', period: '2024-08', format: 'csv', now: new Date('2024-09-02T02:00:00Z') })).bytes.toString('utf8');
    const line = csv.split('\r\n').find((l) => l.includes('两头甲'))!;
    expect(line).toContain('多部门同类救助');
    expect(line).toContain(twice);
    expect(line).toContain('1500.00');
    expect(csv).not.toContain('分期乙');
  });
});
