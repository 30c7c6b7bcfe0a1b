import type { Knex } from 'knex';
import { listOrders, orderState, type ItemState } from './orders.js';

/** One township's line of a 通报 (seed 003: "建立通报、督办、核查和奖惩等制度") for a period of issue dates. */
export interface CircularLine {
  townshipCode: string;
  orders: number;
  remindersIssued: number;
  stillNotDone: number;
  reasonsRecorded: number;
}

/** Per township inside the region: the 督办 and reminders issued from `from` to `to` (inclusive) and where they stand. */
export async function circularFigures(knex: Knex, items: ItemState, input: { regionPrefix: string; from: string; to: string; today: string }): Promise<CircularLine[]> {
  const lines = new Map<string, CircularLine>();
  const lineOf = (townshipCode: string): CircularLine => {
    let line = lines.get(townshipCode);
    if (!line) {
      line = { townshipCode, orders: 0, remindersIssued: 0, stillNotDone: 0, reasonsRecorded: 0 };
      lines.set(townshipCode, line);
    }
    return line;
  };
  for (const order of await listOrders(knex, input.regionPrefix)) {
    if (order.issuedOn < input.from || order.issuedOn > input.to) continue;
    const line = lineOf(order.townshipCode);
    line.orders += 1;
    const state = await orderState(order, items, input.today);
    if (state !== 'done') line.stillNotDone += 1;
    if (state === 'reason-recorded') line.reasonsRecorded += 1;
  }
  const reminders = (await knex('supervision_reminders')
    .where('township_code', 'like', `${input.regionPrefix}%`)
    .andWhere('issued_on', '>=', input.from)
    .andWhere('issued_on', '<=', input.to)
    .select('township_code')) as { township_code: string }[];
  for (const r of reminders) lineOf(r.township_code).remindersIssued += 1;
  return [...lines.values()].sort((a, b) => a.townshipCode.localeCompare(b.townshipCode));
}
