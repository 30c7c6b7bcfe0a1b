import { writeFileSync } from 'node:fs';
import type { Actor } from '../../access/actor.js';
import type { LoadedRuleSet } from '../../engine/rule-set.js';
import { loadFilingProgrammes } from '../../filing/index.js';
import type { Store } from '../../store/connect.js';
import { storeItemState } from '../../supervision/item-state.js';
import { createOrder, recordReason } from '../../supervision/orders.js';
import { defaultOverdueContext, listOverdueItems, type OverdueItem } from '../../supervision/overdue-items.js';
import { issueWrittenReminder, reminderDocument } from '../../supervision/written-reminders.js';
import type { DemoReport } from '../demo-reports.js';

export interface DemoSupervision {
  /** The 督办 issued today (none when a run of the same day issued them already). */
  orders: { id: number; itemKind: string; itemRef: string; townshipCode: string; reason: string | null }[];
  /** The township the written reminder went to, and its number. */
  reminder: { id: number; number: string; townshipCode: string; items: number } | null;
}

/** The reminder's document as issued, written where the demo's reports go. */
export async function writeReminderDocument(store: Store, id: number, file: string): Promise<DemoReport> {
  const { reminder, document } = await reminderDocument(store.knex, id, '000000');
  writeFileSync(file, document);
  return { template: 'supervision-reminder', file, rows: reminder.items.length, sm3: reminder.documentSm3 };
}

/** The township reason the demo records on its second 督办: an ordinary one, as townships give them. */
const demoReason = '户主外出务工，已电话联系，返乡后即入户核实';

/**
 * The county supervises what its townships have left overdue, as a bureau would at the start of a month: a 督办 on the
 * township with the most overdue items — on its longest-overdue item, and on a second one for which the township
 * then records a reason — and a written reminder of everything that township has overdue. So compliance-overdue,
 * supervision-circular and the reminder all have rows. A run repeated on the same day issues nothing twice.
 */
export async function superviseDemoMonth(store: Store, options: { countyCode: string; today: string; actor: Actor; rules: LoadedRuleSet }): Promise<DemoSupervision> {
  const { knex } = store;
  const context = defaultOverdueContext(options.rules, loadFilingProgrammes());
  const issuedToday = await knex('supervision_reminders').where('township_code', 'like', `${options.countyCode}%`).andWhere('issued_on', options.today)
    .first('id', 'number', 'township_code', 'items');
  if (issuedToday) {
    return { orders: [], reminder: { id: issuedToday.id, number: issuedToday.number, townshipCode: issuedToday.township_code, items: JSON.parse(issuedToday.items).length } };
  }
  const overdue = (await listOverdueItems(knex, options.actor, { regionCode: options.countyCode, asOf: options.today }, context))
    .filter((item) => item.townshipCode.length === 9);
  const byTownship = new Map<string, OverdueItem[]>();
  for (const item of overdue) byTownship.set(item.townshipCode, [...(byTownship.get(item.townshipCode) ?? []), item]);
  const busiest = [...byTownship.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0];
  if (!busiest) return { orders: [], reminder: null };
  const [township, items] = busiest;
  const chosen = [...items].sort((a, b) => b.workingDaysLate - a.workingDaysLate || a.ref.localeCompare(b.ref)).slice(0, 2);
  const itemState = storeItemState(knex, context);
  const orders: DemoSupervision['orders'] = [];
  for (const [index, item] of chosen.entries()) {
    const order = await createOrder(knex, options.actor, context.settings.calendar, itemState, {
      itemKind: item.kind, itemRef: item.ref, request: `请于限期内办结：${item.what}，并报送办理结果`, workingDays: 5, issuedOn: options.today,
    });
    const reason = index === 1 ? (await recordReason(knex, { ...options.actor, regionCode: township, role: 'township', label: `demo ${township}` }, itemState, order.id, {
      reason: demoReason, at: new Date(`${options.today}T10:00:00+08:00`), today: options.today,
    })).reason : null;
    orders.push({ id: order.id, itemKind: order.itemKind, itemRef: order.itemRef, townshipCode: order.townshipCode, reason });
  }
  const reminder = await issueWrittenReminder(knex, options.actor, { townshipCode: township, today: options.today }, context);
  return { orders, reminder: { id: reminder.id, number: reminder.number, townshipCode: township, items: reminder.items.length } };
}
