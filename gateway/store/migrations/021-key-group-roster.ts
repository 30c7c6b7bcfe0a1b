import type { Knex } from 'knex';

/**
 * The 重点人群花名册 (seed 004 §三(一): "形成重点人群花名册，并根据事后发现或接到新的救助线索进行动态调整"): the
 * households a township adds to the roster beyond those filed 救助观察 in a discovery case (which the roster reads from
 * discovery_cases), each with why, who and when, and — when it leaves the roster — why, who and when. A row is never
 * deleted, so the roster of a past day stays answerable; a household is on the roster at most once at a time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('key_group_entries', (t) => {
    t.increments('id');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('township_code', 9).notNullable().references('code').inTable('regions');
    t.date('added_on').notNullable();
    t.string('reason', 1000).notNullable();
    t.string('added_by', 80).notNullable();
    t.date('removed_on').nullable();
    t.string('removal_reason', 1000).nullable();
    t.string('removed_by', 80).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['township_code']);
    t.index(['household_id']);
    t.check('removed_on IS NULL OR removed_on >= added_on', [], 'key_group_entries_dates_ordered');
    t.check('(removed_on IS NULL) = (removal_reason IS NULL)', [], 'key_group_entries_removal_has_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('key_group_entries');
}
