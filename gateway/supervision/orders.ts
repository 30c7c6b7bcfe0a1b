import type { Knex } from 'knex';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { addWorkingDays } from '../calendar/working-days.js';
import { sm3Hex } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';

/**
 * 督办 (seed 001: "镇街受理处置,区级预警督办") and written reminders (书面提醒, seed 004: "凡是通过书面提醒后,又无正当理由
 * 仍未办理的,为未做到“应保尽保、应救尽救”"). Whether an item was done is never stored here: the caller reads it from
 * the item itself (a warning's status, a referral's status, …) through an `ItemState`.
 */
export type ItemKind = 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';

/** Reads the item itself: whether it is overdue today, and whether it has been done since. */
export interface ItemState {
  overdue(kind: ItemKind, ref: string, today: string): Promise<boolean>;
  done(kind: ItemKind, ref: string): Promise<boolean>;
}

export interface SupervisionOrder {
  id: number;
  itemKind: ItemKind;
  itemRef: string;
  townshipCode: string;
  request: string;
  issuedOn: string;
  dueOn: string;
  issuedBy: string;
  reason: string | null;
  reasonBy: string | null;
}

export interface OrderInput {
  itemKind: ItemKind;
  itemRef: string;
  townshipCode: string;
  request: string;
  issuedOn: string;
  /** Working days the township is given (an example value of local practice; no seed sets one). */
  workingDays: number;
  issuedBy: string;
  /** The region code of the county key issuing it: the township must lie inside it. */
  actorRegion: string;
}

function toDate(value: unknown): string {
  if (value instanceof Date) {
    const y = value.getFullYear();
    const m = String(value.getMonth() + 1).padStart(2, '0');
    const d = String(value.getDate()).padStart(2, '0');
    return `${y}-${m}-${d}`;
  }
  return String(value).slice(0, 10);
}

function toOrder(row: Record<string, unknown>): SupervisionOrder {
  return {
    id: Number(row.id),
    itemKind: row.item_kind as ItemKind,
    itemRef: String(row.item_ref),
    townshipCode: String(row.township_code),
    request: String(row.request),
    issuedOn: toDate(row.issued_on),
    dueOn: toDate(row.due_on),
    issuedBy: String(row.issued_by),
    reason: (row.reason as string | null) ?? null,
    reasonBy: (row.reason_by as string | null) ?? null,
  };
}

/** Issues a 督办 on an overdue item of a township inside the issuing key's region. */
export async function createOrder(knex: Knex, calendar: WorkingCalendar, items: ItemState, input: OrderInput): Promise<SupervisionOrder> {
  if (!input.townshipCode.startsWith(input.actorRegion)) {
    throw new ProblemError('out-of-scope', `township ${input.townshipCode} is outside region ${input.actorRegion}`);
  }
  if (!(await items.overdue(input.itemKind, input.itemRef, input.issuedOn))) {
    throw new ProblemError('casework-inconsistent', `${input.itemKind} ${input.itemRef} is not overdue on ${input.issuedOn}`);
  }
  const dueOn = addWorkingDays(calendar, input.issuedOn, input.workingDays);
  const [row] = await knex('supervision_orders')
    .insert({
      item_kind: input.itemKind,
      item_ref: input.itemRef,
      township_code: input.townshipCode,
      request: input.request,
      issued_on: input.issuedOn,
      due_on: dueOn,
      issued_by: input.issuedBy,
    })
    .returning('*');
  return toOrder(row as Record<string, unknown>);
}

export async function listOrders(knex: Knex, regionPrefix: string): Promise<SupervisionOrder[]> {
  const rows = await knex('supervision_orders').where('township_code', 'like', `${regionPrefix}%`).orderBy('id');
  return rows.map((r: Record<string, unknown>) => toOrder(r));
}

/** The township records its 正当理由 for an order of its own. */
export async function recordReason(knex: Knex, id: number, input: { reason: string; by: string; at: Date; actorRegion: string }): Promise<SupervisionOrder> {
  const row = (await knex('supervision_orders').where({ id }).first()) as Record<string, unknown> | undefined;
  if (!row) throw new ProblemError('not-found', `no 督办 ${id}`);
  if (!String(row.township_code).startsWith(input.actorRegion)) throw new ProblemError('out-of-scope', `督办 ${id} is outside region ${input.actorRegion}`);
  await knex('supervision_orders').where({ id }).update({ reason: input.reason, reason_by: input.by, reason_at: input.at });
  return toOrder({ ...row, reason: input.reason, reason_by: input.by });
}

export type OrderState = 'open' | 'done' | 'reason-recorded';

export async function orderState(order: SupervisionOrder, items: ItemState): Promise<OrderState> {
  if (await items.done(order.itemKind, order.itemRef)) return 'done';
  return order.reason !== null ? 'reason-recorded' : 'open';
}

export interface ReminderItem {
  itemKind: ItemKind;
  itemRef: string;
}

/** Records a written reminder as issued, with the SM3 of its document and the items it listed. */
export async function issueReminder(
  knex: Knex,
  input: { number: string; issuedOn: string; townshipCode: string; items: ReminderItem[]; document: Uint8Array; issuedBy: string },
): Promise<{ id: number; documentSm3: string }> {
  const documentSm3 = sm3Hex(input.document);
  const [row] = await knex('supervision_reminders')
    .insert({
      number: input.number,
      issued_on: input.issuedOn,
      township_code: input.townshipCode,
      items: JSON.stringify(input.items),
      document_sm3: documentSm3,
      issued_by: input.issuedBy,
    })
    .returning('id');
  const id = typeof row === 'object' && row !== null ? Number((row as { id: unknown }).id) : Number(row);
  return { id, documentSm3 };
}

export interface AssessmentEntry extends ReminderItem {
  townshipCode: string;
  reminderNumber: string;
  remindedOn: string;
}

/**
 * The follow-up for 年度目标考核: items listed in a reminder issued in `year` inside the region, still not done and
 * with no 正当理由 recorded on a 督办 of the same item.
 */
export async function assessmentList(knex: Knex, items: ItemState, input: { year: number; regionPrefix: string }): Promise<AssessmentEntry[]> {
  const reminders = await knex('supervision_reminders')
    .where('township_code', 'like', `${input.regionPrefix}%`)
    .andWhere('issued_on', '>=', `${input.year}-01-01`)
    .andWhere('issued_on', '<=', `${input.year}-12-31`)
    .orderBy('id');
  const out: AssessmentEntry[] = [];
  const seen = new Set<string>();
  for (const reminder of reminders as Record<string, unknown>[]) {
    for (const item of JSON.parse(String(reminder.items)) as ReminderItem[]) {
      const key = `${item.itemKind}:${item.itemRef}`;
      if (seen.has(key)) continue;
      if (await items.done(item.itemKind, item.itemRef)) continue;
      const justified = await knex('supervision_orders').where({ item_kind: item.itemKind, item_ref: item.itemRef }).whereNotNull('reason').first();
      if (justified) continue;
      seen.add(key);
      out.push({ ...item, townshipCode: String(reminder.township_code), reminderNumber: String(reminder.number), remindedOn: toDate(reminder.issued_on) });
    }
  }
  return out;
}
