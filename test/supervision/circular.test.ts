import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { circularFigures } from '../../gateway/supervision/circular.js';
import { createOrder, issueReminder, recordReason, type ItemKind, type ItemState } from '../../gateway/supervision/orders.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const calendar = loadWorkingCalendar();

describe.each(dialects)('通报 figures on %s', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect, { referenceData: false });
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('counts per township the orders, reminders, items still not done and reasons recorded in the period', async () => {
    const done = new Set(['warning:2']);
    const items: ItemState = {
      overdue: async () => true,
      done: async (kind: ItemKind, ref: string) => done.has(`${kind}:${ref}`),
    };
    const base = { request: '请办结', workingDays: 5, issuedBy: 'county-admin', actorRegion: '370502' } as const;
    await createOrder(store.knex, calendar, items, { ...base, itemKind: 'warning', itemRef: '1', townshipCode: '370502001', issuedOn: '2024-10-08' });
    await createOrder(store.knex, calendar, items, { ...base, itemKind: 'warning', itemRef: '2', townshipCode: '370502001', issuedOn: '2024-10-09' });
    const third = await createOrder(store.knex, calendar, items, { ...base, itemKind: 'referral', itemRef: '3', townshipCode: '370502002', issuedOn: '2024-10-09' });
    await createOrder(store.knex, calendar, items, { ...base, itemKind: 'referral', itemRef: '4', townshipCode: '370502002', issuedOn: '2024-11-04' });
    await recordReason(store.knex, third.id, { reason: '部门已受理,等待结果', by: 'township', at: new Date(), actorRegion: '370502002' });
    await issueReminder(store.knex, { number: 'R-1', issuedOn: '2024-10-20', townshipCode: '370502001', items: [], document: Buffer.from('x'), issuedBy: 'county-admin' });

    expect(await circularFigures(store.knex, items, { regionPrefix: '370502', from: '2024-10-01', to: '2024-10-31' })).toEqual([
      { townshipCode: '370502001', orders: 2, remindersIssued: 1, stillNotDone: 1, reasonsRecorded: 0 },
      { townshipCode: '370502002', orders: 1, remindersIssued: 0, stillNotDone: 1, reasonsRecorded: 1 },
    ]);
    expect(await circularFigures(store.knex, items, { regionPrefix: '370502002', from: '2024-11-01', to: '2024-11-30' })).toEqual([
      { townshipCode: '370502002', orders: 1, remindersIssued: 0, stillNotDone: 1, reasonsRecorded: 0 },
    ]);
  });
});
