import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { ProblemError } from '../../gateway/errors.js';
import {
  assessmentList,
  createOrder,
  issueReminder,
  listOrders,
  orderState,
  recordReason,
  type ItemKind,
  type ItemState,
} from '../../gateway/supervision/orders.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const calendar = loadWorkingCalendar();

/** Items stand in for the casework tables: which are overdue, which were done since. */
function fakeItems(overdue: string[], done: Set<string>): ItemState {
  return {
    overdue: async (kind: ItemKind, ref: string) => overdue.includes(`${kind}:${ref}`),
    done: async (kind: ItemKind, ref: string) => done.has(`${kind}:${ref}`),
  };
}

const kinds: [ItemKind, string][] = [
  ['warning', '11'],
  ['visit', '7:dibao'],
  ['referral', '3'],
  ['application-step', '5:review'],
  ['progress-sheet', '370502001:2024-09'],
];

describe.each(dialects)('supervision orders on %s', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect, { referenceData: false });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const base = { townshipCode: '370502001', request: '请于期限内办结', issuedOn: '2024-09-27', workingDays: 5, issuedBy: 'county-admin', actorRegion: '370502' };

  it('issues a 督办 on each kind of overdue item, due after working days across National Day', async () => {
    const items = fakeItems(kinds.map(([k, r]) => `${k}:${r}`), new Set());
    for (const [itemKind, itemRef] of kinds) {
      const order = await createOrder(store.knex, calendar, items, { ...base, itemKind, itemRef });
      // 09-29 (make-up Sunday), 09-30, 10-08, 10-09, 10-10.
      expect(order.dueOn).toBe('2024-10-10');
      expect(await orderState(order, items)).toBe('open');
    }
    expect((await listOrders(store.knex, '370502')).map((o) => o.itemKind)).toEqual(kinds.map(([k]) => k));
    expect(await listOrders(store.knex, '370503')).toEqual([]);
  });

  it('refuses an item not overdue, and a township outside the key’s region', async () => {
    const items = fakeItems(['warning:11'], new Set());
    await expect(createOrder(store.knex, calendar, items, { ...base, itemKind: 'warning', itemRef: '12' })).rejects.toThrow(ProblemError);
    await expect(createOrder(store.knex, calendar, items, { ...base, itemKind: 'warning', itemRef: '11', townshipCode: '370503001' })).rejects.toThrow(/outside/);
    expect(await listOrders(store.knex, '')).toEqual([]);
  });

  it('derives done from the item and lists for assessment only what is undone without a reason', async () => {
    const done = new Set<string>();
    const items = fakeItems(['warning:1', 'warning:2', 'referral:3'], done);
    const justified = await createOrder(store.knex, calendar, items, { ...base, itemKind: 'warning', itemRef: '2' });
    const reminder = await issueReminder(store.knex, {
      number: '督办提醒〔2024〕1号',
      issuedOn: '2024-10-11',
      townshipCode: '370502001',
      items: [
        { itemKind: 'warning', itemRef: '1' },
        { itemKind: 'warning', itemRef: '2' },
        { itemKind: 'referral', itemRef: '3' },
      ],
      document: Buffer.from('document'),
      issuedBy: 'county-admin',
    });
    expect(reminder.documentSm3).toMatch(/^[0-9a-f]{64}$/);
    expect((await assessmentList(store.knex, items, { year: 2024, regionPrefix: '370502' })).map((e) => `${e.itemKind}:${e.itemRef}`)).toEqual([
      'warning:1',
      'warning:2',
      'referral:3',
    ]);

    done.add('referral:3');
    await expect(recordReason(store.knex, justified.id, { reason: '当事人外出务工,无法入户', by: 'township', at: new Date(), actorRegion: '370503' })).rejects.toThrow(ProblemError);
    const withReason = await recordReason(store.knex, justified.id, { reason: '当事人外出务工,无法入户', by: 'township', at: new Date(), actorRegion: '370502001' });
    expect(await orderState(withReason, items)).toBe('reason-recorded');

    const left = await assessmentList(store.knex, items, { year: 2024, regionPrefix: '370502' });
    expect(left.map((e) => `${e.itemKind}:${e.itemRef}`)).toEqual(['warning:1']);
    expect(left[0]).toMatchObject({ townshipCode: '370502001', reminderNumber: '督办提醒〔2024〕1号', remindedOn: '2024-10-11' });
    expect(await assessmentList(store.knex, items, { year: 2025, regionPrefix: '370502' })).toEqual([]);
  });
});
