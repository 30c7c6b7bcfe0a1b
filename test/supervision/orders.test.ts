import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { circularFigures } from '../../gateway/supervision/circular.js';
import { assessmentList, createOrder, listOrders, orderState, recordReason, type ItemKind, type ItemState } from '../../gateway/supervision/orders.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const calendar = loadWorkingCalendar();
const county: Actor = { keyId: null, role: 'admin', regionCode: '370502', label: 'county admin' };
const township: Actor = { keyId: null, role: 'township', regionCode: '370502001', label: 'township 001' };

/** Items stand in for the casework tables (item-state.ts reads the real ones; test/gateway/supervision.test.ts uses it). */
function fakeItems(items: Record<string, { townshipCode: string; dueOn: string }>, done: Set<string>): ItemState {
  const read: ItemState['read'] = async (kind: ItemKind, ref: string) => {
    const item = items[`${kind}:${ref}`];
    return item && { ...item, open: !done.has(`${kind}:${ref}`), personId: null };
  };
  return { read, done: async (kind, ref, today) => !(await read(kind, ref, today))?.open };
}

const kinds: [ItemKind, string][] = [
  ['warning', '11'],
  ['visit', '7@2024-09-01'],
  ['referral', '3'],
  ['application-step', '5:investigated'],
  ['progress-sheet', 'p:2024-08:mz'],
];

describe.each(dialects)('supervision orders on %s', (dialect) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(dialect, { referenceData: false });
  });
  afterEach(async () => {
    await store.dispose();
  });

  const base = { request: '请于期限内办结', issuedOn: '2024-09-27', workingDays: 5 };
  const overdueItems = Object.fromEntries(kinds.map(([k, r]) => [`${k}:${r}`, { townshipCode: '370502001', dueOn: '2024-09-20' }]));

  it('issues a 督办 on each kind of overdue item to the township that owes it, due after working days across National Day, audited', async () => {
    const items = fakeItems(overdueItems, new Set());
    for (const [itemKind, itemRef] of kinds) {
      const order = await createOrder(store.knex, county, calendar, items, { ...base, itemKind, itemRef });
      // 09-29 (make-up Sunday), 09-30, 10-08, 10-09, 10-10.
      expect(order).toMatchObject({ dueOn: '2024-10-10', townshipCode: '370502001', issuedBy: 'county admin' });
      expect(await orderState(order, items, '2024-09-27')).toBe('open');
    }
    expect((await listOrders(store.knex, '370502')).map((o) => o.itemKind)).toEqual(kinds.map(([k]) => k));
    expect(await listOrders(store.knex, '370503')).toEqual([]);
    const audit = await store.knex('audit_log').where({ action: 'supervision.order' }).select('actor_label', 'resource_id', 'detail');
    expect(audit).toHaveLength(5);
    expect(audit[0]).toMatchObject({ actor_label: 'county admin', detail: expect.stringContaining('督办 warning 11 (due 2024-09-20)') });
  });

  it('refuses an item not yet due or done, an unknown one, one outside the key’s region, a second 督办, and a township’s key', async () => {
    const done = new Set(['warning:13']);
    const items = fakeItems({
      'warning:11': { townshipCode: '370502001', dueOn: '2024-09-20' },
      'warning:12': { townshipCode: '370502001', dueOn: '2024-09-27' },
      'warning:13': { townshipCode: '370502001', dueOn: '2024-09-20' },
      'warning:14': { townshipCode: '370503001', dueOn: '2024-09-20' },
    }, done);
    const order = (ref: string, actor = county) => createOrder(store.knex, actor, calendar, items, { ...base, itemKind: 'warning', itemRef: ref });
    await expect(order('12')).rejects.toMatchObject({ code: 'supervision-conflict', message: expect.stringContaining('due 2024-09-27') });
    await expect(order('13')).rejects.toMatchObject({ code: 'supervision-conflict', message: expect.stringContaining('done') });
    await expect(order('99')).rejects.toMatchObject({ code: 'not-found' });
    await expect(order('14')).rejects.toMatchObject({ code: 'not-found' });
    await expect(order('11', township)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(order('14', { ...township, role: 'admin' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(order('11', { ...township, role: 'admin' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('issued by the county') });
    const first = await order('11');
    await expect(order('11')).rejects.toMatchObject({ code: 'supervision-conflict', message: expect.stringContaining(`督办 ${first.id}`) });
    expect(await listOrders(store.knex, '')).toHaveLength(1);
  });

  it('takes a township’s reason once, never on a done item, and lists for assessment only what is undone without a reason', async () => {
    const done = new Set<string>();
    const items = fakeItems(overdueItems, done);
    const justified = await createOrder(store.knex, county, calendar, items, { ...base, itemKind: 'warning', itemRef: '11' });
    const finished = await createOrder(store.knex, county, calendar, items, { ...base, itemKind: 'referral', itemRef: '3' });
    await store.knex('supervision_reminders').insert({
      number: '370502督〔2024〕1号', issued_on: '2024-10-11', township_code: '370502001', document_sm3: '0'.repeat(64), issued_by: 'county admin',
      items: JSON.stringify(kinds.map(([itemKind, itemRef]) => ({ itemKind, itemRef }))),
    });
    const assessed = async (year: number) => (await assessmentList(store.knex, items, { year, regionPrefix: '370502', today: '2024-10-20' })).map((e) => `${e.itemKind}:${e.itemRef}`);
    expect(await assessed(2024)).toEqual(kinds.map(([k, r]) => `${k}:${r}`));

    const reason = { reason: '当事人外出务工，无法入户', at: new Date('2024-10-12T02:00:00Z'), today: '2024-10-12' };
    await expect(recordReason(store.knex, { ...township, regionCode: '370502002' }, items, justified.id, reason)).rejects.toMatchObject({ code: 'not-found' });
    await expect(recordReason(store.knex, { ...township, role: 'auditor' }, items, justified.id, reason)).rejects.toMatchObject({ code: 'forbidden' });
    const withReason = await recordReason(store.knex, township, items, justified.id, reason);
    expect(withReason).toMatchObject({ reason: reason.reason, reasonBy: 'township 001' });
    expect(await orderState(withReason, items, '2024-10-12')).toBe('reason-recorded');
    await expect(recordReason(store.knex, township, items, justified.id, { ...reason, reason: '改个理由' })).rejects.toMatchObject({ code: 'supervision-conflict' });
    done.add('referral:3');
    await expect(recordReason(store.knex, township, items, finished.id, reason)).rejects.toMatchObject({ code: 'supervision-conflict', message: expect.stringContaining('is done') });
    expect(Number((await store.knex('audit_log').where({ action: 'supervision.reason' }).count({ n: '*' }).first())!.n)).toBe(1);

    const left = await assessmentList(store.knex, items, { year: 2024, regionPrefix: '370502', today: '2024-10-20' });
    expect(left.map((e) => `${e.itemKind}:${e.itemRef}`)).toEqual(['visit:7@2024-09-01', 'application-step:5:investigated', 'progress-sheet:p:2024-08:mz']);
    expect(left[0]).toMatchObject({ townshipCode: '370502001', reminderNumber: '370502督〔2024〕1号', remindedOn: '2024-10-11' });
    expect(await assessed(2025)).toEqual([]);

    expect(await circularFigures(store.knex, items, { regionPrefix: '370502', from: '2024-09-01', to: '2024-10-31', today: '2024-10-20' })).toEqual([
      { townshipCode: '370502001', orders: 2, remindersIssued: 1, stillNotDone: 1, reasonsRecorded: 1 },
    ]);
    expect(await circularFigures(store.knex, items, { regionPrefix: '370502', from: '2024-11-01', to: '2024-11-30', today: '2024-10-20' })).toEqual([]);
  });
});
