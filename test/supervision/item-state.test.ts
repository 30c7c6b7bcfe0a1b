import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { tasksFiledBy } from '../../gateway/filing/index.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { storeItemState } from '../../gateway/supervision/item-state.js';
import { defaultOverdueContext } from '../../gateway/supervision/overdue-items.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { idNumber } from '../helpers/monitoring.js';

/**
 * The items a 督办 can name that test/gateway/supervision.test.ts does not close through the API: a unit's progress
 * sheet (done once every task of it is filed) and a household's visit (done by a counted visit on or after the due
 * date, or one recorded since whatever day it carries).
 */
describe.each(dialects)('supervision items read from the store on %s', (dialect) => {
  let store: TestStore;
  const context = defaultOverdueContext();
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('reads a unit’s progress sheet as owed by the county until every task of it is filed', async () => {
    const items = storeItemState(store.knex, context);
    const programme = context.programmes.all.find((p) => p.id === 'yongning')!;
    const ref = 'yongning:2024-09:mz';
    expect(await items.read('progress-sheet', ref, '2024-10-21')).toEqual({ townshipCode: '640121', dueOn: '2024-10-05', open: true, personId: null });
    const tasks = tasksFiledBy(programme, 'mz');
    const at = new Date('2024-10-22T02:00:00Z');
    for (const task of tasks.slice(0, -1)) {
      await store.knex('progress_entries').insert({ programme: 'yongning', period: '2024-09', unit_code: 'mz', task_number: task.number, progress: '已落实', first_filed_at: at, filed_at: at, filed_by: 'test' });
    }
    expect(await items.done('progress-sheet', ref, '2024-10-22')).toBe(false);
    const last = tasks[tasks.length - 1]!;
    await store.knex('progress_entries').insert({ programme: 'yongning', period: '2024-09', unit_code: 'mz', task_number: last.number, progress: '已落实', first_filed_at: at, filed_at: at, filed_by: 'test' });
    expect(await items.done('progress-sheet', ref, '2024-10-22')).toBe(true);
    expect(await items.read('progress-sheet', 'yongning:2024-09:nobody', '2024-10-22')).toBeUndefined();
    expect(await items.read('progress-sheet', 'yongning:2023-01:mz', '2024-10-22')).toBeUndefined();
  });

  it('reads a visit as open while the household is due that day, and done by a counted visit on or after it', async () => {
    const items = storeItemState(store.knex, context);
    const householdId = await registerHousehold(store.knex, commandLineActor('test'), {
      registeredRegionCode: '640121100200', residenceRegionCode: '640121100200', address: '杨和镇王太村',
      members: [{ idNumber: idNumber('640121', '1950-05-05', 61), name: '马德福', relation: '02', enrolments: [{ category: '120', startDate: '2024-01-01', monthlyAmountFen: 50_000 }] }],
    });
    // 低保 from 1 January, visited once a calendar quarter: the first quarter's visit is due by 31 March.
    const open = await items.read('visit', `${householdId}@2024-03-31`, '2024-04-05');
    expect(open).toMatchObject({ townshipCode: '640121100', dueOn: '2024-03-31', open: true });
    // A ref naming another day than the household's due date names no item.
    expect(await items.read('visit', `${householdId}@2024-04-01`, '2024-04-05')).toBeUndefined();
    const visit = (visitedOn: string, kind: string, recordedAt: string) => store.knex('home_visits').insert({
      client_visit_id: `v-${visitedOn}-${kind}`, body_sm3: '0'.repeat(64), household_id: householdId, region_code: '640121100200', visitor_kind: 'township-staff',
      visitor_name: '孙民政', visited_on: visitedOn, kind, person_seen: true, findings: '走访', needs_found: '[]', hardship_found: false, recorded_at: new Date(recordedAt),
    });
    // A visit the township made on 28 March but recorded only on 10 April closes the item named on 5 April.
    expect(await items.done('visit', `${householdId}@2024-03-31`, '2024-04-05')).toBe(false);
    await visit('2024-03-28', 'home', '2024-04-10T08:00:00Z');
    expect(await items.done('visit', `${householdId}@2024-03-31`, '2024-04-10')).toBe(true);
  });
});
