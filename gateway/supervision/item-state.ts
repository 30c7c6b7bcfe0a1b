import type { Knex } from 'knex';
import { openStatuses } from '../store/repositories/warnings.js';
import type { ItemKind, ItemState } from './orders.js';

function asDate(value: unknown): string {
  if (value instanceof Date) {
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return String(value).slice(0, 10);
}

const openReferral = ['sent', 'accepted'];

/**
 * Reads a 督办's item from the store: a warning (open while pending or verifying, as the overdue list counts it) and a
 * referral (open while sent or accepted, as isReferralOverdue counts it). Visits, application steps and progress sheets
 * are not read yet: an order on them is refused as not overdue (unfinished, issue 13).
 */
export function storeItemState(knex: Knex): ItemState {
  async function read(kind: ItemKind, ref: string): Promise<{ open: boolean; dueOn: string } | undefined> {
    const id = Number(ref);
    if (!Number.isInteger(id)) return undefined;
    if (kind === 'warning') {
      const row = (await knex('warnings').where({ id }).first('status', 'due_on')) as { status: string; due_on: unknown } | undefined;
      return row && { open: (openStatuses as readonly string[]).includes(row.status), dueOn: asDate(row.due_on) };
    }
    if (kind === 'referral') {
      const row = (await knex('referrals').where({ id }).first('status', 'due_on')) as { status: string; due_on: unknown } | undefined;
      return row && { open: openReferral.includes(row.status), dueOn: asDate(row.due_on) };
    }
    return undefined;
  }
  return {
    overdue: async (kind, ref, today) => {
      const item = await read(kind, ref);
      return item !== undefined && item.open && today > item.dueOn;
    },
    done: async (kind, ref) => {
      const item = await read(kind, ref);
      return item !== undefined && !item.open;
    },
  };
}
