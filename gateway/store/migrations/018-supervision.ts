import type { Knex } from 'knex';

/**
 * Supervision (督办, issue 13). Seed 001: "镇街受理处置,区级预警督办"; seed 003: "建立通报、督办、核查和奖惩等制度".
 * - supervision_orders: a county's 督办 on one overdue item (`item_kind` + `item_ref`: a warning id, a referral id, an
 *   application step, a household + visit category, a progress sheet unit + month) of one township: what is asked,
 *   by when (working days, gateway/calendar). Whether the item was done is read from the item, never stored here;
 *   a township's 正当理由 (justification) is recorded with who and when.
 * - supervision_reminders: a written reminder (书面提醒) issued to a township: number, date, the items it listed
 *   (JSON snapshot) and the SM3 of the document.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('supervision_orders', (t) => {
    t.increments('id');
    t.string('item_kind', 20).notNullable();
    t.string('item_ref', 60).notNullable();
    t.string('township_code', 12).notNullable();
    t.string('request', 1000).notNullable();
    t.date('issued_on').notNullable();
    t.date('due_on').notNullable();
    t.string('issued_by', 80).notNullable();
    t.string('reason', 1000).nullable();
    t.string('reason_by', 80).nullable();
    t.timestamp('reason_at', { useTz: true }).nullable();
    t.index(['township_code']);
    t.index(['item_kind', 'item_ref']);
  });
  await knex.schema.createTable('supervision_reminders', (t) => {
    t.increments('id');
    t.string('number', 40).notNullable().unique();
    t.date('issued_on').notNullable();
    t.string('township_code', 12).notNullable();
    t.text('items').notNullable();
    t.string('document_sm3', 64).notNullable();
    t.string('issued_by', 80).notNullable();
    t.index(['township_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('supervision_reminders');
  await knex.schema.dropTable('supervision_orders');
}
