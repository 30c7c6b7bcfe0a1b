import type { Knex } from 'knex';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { addWorkingDays } from '../calendar/working-days.js';
import type { Actor } from '../access/actor.js';
import { isWithinScope, scopePrefix } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';

/**
 * 督办 (seed 001: "镇街受理处置,区级预警督办") and written reminders (书面提醒, seed 004: "凡是通过书面提醒后,又无正当理由
 * 仍未办理的,为未做到“应保尽保、应救尽救”"). Whether an item was done is never stored here: the caller reads it from
 * the item itself (a warning's status, a referral's status, …) through an `ItemState`.
 */
export type ItemKind = 'warning' | 'visit' | 'referral' | 'application-step' | 'progress-sheet';

/** An item as it stands: who owes it, when it was due, and whether it is still owed. */
export interface ItemReading {
  townshipCode: string;
  dueOn: string;
  open: boolean;
  /** The person the item is about, for the audit line (none for a unit's progress sheet). */
  personId: number | null;
}

/** Reads the item itself (item-state.ts): as it stands today, and whether it has been done since. */
export interface ItemState {
  /** The item as the overdue list shows it; undefined when the ref names no such item. */
  read(kind: ItemKind, ref: string, today: string): Promise<ItemReading | undefined>;
  done(kind: ItemKind, ref: string, today: string): Promise<boolean>;
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
  request: string;
  issuedOn: string;
  /** Working days the township is given (an example value of local practice; no seed sets one). */
  workingDays: number;
}

/** A date column as YYYY-MM-DD: PostgreSQL hands back a Date at local midnight, SQLite the text. */
export function toDate(value: unknown): string {
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

/**
 * Issues a 督办 on an overdue item inside the issuing key's region, addressed to whoever owes the item (its township,
 * or the county for a warning not yet pushed and a unit's progress sheet). One 督办 per item: a second one while the
 * first stands is refused, naming it.
 */
export async function createOrder(knex: Knex, actor: Actor, calendar: WorkingCalendar, items: ItemState, input: OrderInput): Promise<SupervisionOrder> {
  requireCapability(actor, 'superviseCasework');
  const item = await items.read(input.itemKind, input.itemRef, input.issuedOn);
  // An item outside the key's region looks exactly like none at all.
  if (!item || !isWithinScope(actor.regionCode, item.townshipCode)) throw new ProblemError('not-found', `no ${input.itemKind} ${input.itemRef} within ${actor.regionCode}`);
  requireCounty(actor);
  if (!item.open || input.issuedOn <= item.dueOn) {
    throw new ProblemError('supervision-conflict', `${input.itemKind} ${input.itemRef} is not overdue on ${input.issuedOn} (${item.open ? `due ${item.dueOn}` : 'done'})`);
  }
  const standing = (await knex('supervision_orders').where({ item_kind: input.itemKind, item_ref: input.itemRef }).first('id')) as { id: number } | undefined;
  if (standing) throw new ProblemError('supervision-conflict', `${input.itemKind} ${input.itemRef} is already under 督办 ${standing.id}`);
  const dueOn = addWorkingDays(calendar, input.issuedOn, input.workingDays);
  return knex.transaction(async (trx) => {
    const [row] = await trx('supervision_orders')
      .insert({
        item_kind: input.itemKind,
        item_ref: input.itemRef,
        township_code: item.townshipCode,
        request: input.request,
        issued_on: input.issuedOn,
        due_on: dueOn,
        issued_by: actor.label,
      })
      .returning('*');
    const order = toOrder(row as Record<string, unknown>);
    await recordAudit(trx, actor, {
      action: 'supervision.order', outcome: 'ok', resourceType: 'supervision-order', resourceId: String(order.id), regionCode: order.townshipCode,
      subjectPersonIds: item.personId === null ? [] : [item.personId],
      detail: `督办 ${order.itemKind} ${order.itemRef} (due ${item.dueOn}), to be done by ${order.dueOn}: ${order.request}`,
    });
    return order;
  });
}

/** 督办 is the county's (seed 001: "区级预警督办"): a key of a county or wider issues it, never a township's own key. */
export function requireCounty(actor: Actor): void {
  requireCapability(actor, 'superviseCasework');
  if (scopePrefix(actor.regionCode).length > 6) throw new ProblemError('forbidden', `督办 and written reminders are issued by the county, not by a key of ${actor.regionCode}`);
}

export async function listOrders(knex: Knex, regionPrefix: string): Promise<SupervisionOrder[]> {
  const rows = await knex('supervision_orders').where('township_code', 'like', `${regionPrefix}%`).orderBy('id');
  return rows.map((r: Record<string, unknown>) => toOrder(r));
}

export async function findOrder(knex: Knex, id: number): Promise<SupervisionOrder | undefined> {
  const row = (await knex('supervision_orders').where({ id }).first()) as Record<string, unknown> | undefined;
  return row && toOrder(row);
}

/**
 * The township records its 正当理由 for an order of its own, once: a reason stands as given (the audit log keeps who
 * and when). There is nothing to justify on an item already done.
 */
export async function recordReason(
  knex: Knex, actor: Actor, items: ItemState, id: number, input: { reason: string; at: Date; today: string },
): Promise<SupervisionOrder> {
  requireCapability(actor, 'answerSupervision');
  const order = await findOrder(knex, id);
  if (!order || !isWithinScope(actor.regionCode, order.townshipCode)) throw new ProblemError('not-found', `no 督办 ${id} within ${actor.regionCode}`);
  if (order.reason !== null) throw new ProblemError('supervision-conflict', `督办 ${id} already has a reason on record (${order.reasonBy})`);
  if (await items.done(order.itemKind, order.itemRef, input.today)) throw new ProblemError('supervision-conflict', `督办 ${id}'s ${order.itemKind} ${order.itemRef} is done: there is no delay to justify`);
  await knex.transaction(async (trx) => {
    const changed = await trx('supervision_orders').where({ id }).whereNull('reason').update({ reason: input.reason, reason_by: actor.label, reason_at: input.at });
    if (changed !== 1) throw new ProblemError('supervision-conflict', `督办 ${id} already has a reason on record`);
    await recordAudit(trx, actor, {
      action: 'supervision.reason', outcome: 'ok', resourceType: 'supervision-order', resourceId: String(id), regionCode: order.townshipCode,
      detail: `正当理由 on ${order.itemKind} ${order.itemRef}: ${input.reason}`,
    });
  });
  return { ...order, reason: input.reason, reasonBy: actor.label };
}

export type OrderState = 'open' | 'done' | 'reason-recorded';

export async function orderState(order: SupervisionOrder, items: ItemState, today: string): Promise<OrderState> {
  if (await items.done(order.itemKind, order.itemRef, today)) return 'done';
  return order.reason !== null ? 'reason-recorded' : 'open';
}

export interface ReminderItem {
  itemKind: ItemKind;
  itemRef: string;
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
export async function assessmentList(knex: Knex, items: ItemState, input: { year: number; regionPrefix: string; today: string }): Promise<AssessmentEntry[]> {
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
      if (await items.done(item.itemKind, item.itemRef, input.today)) continue;
      const justified = await knex('supervision_orders').where({ item_kind: item.itemKind, item_ref: item.itemRef }).whereNotNull('reason').first();
      if (justified) continue;
      seen.add(key);
      out.push({ ...item, townshipCode: String(reminder.township_code), reminderNumber: String(reminder.number), remindedOn: toDate(reminder.issued_on) });
    }
  }
  return out;
}
