import type { Knex } from 'knex';

/**
 * The warnings workflow (预警核查处置) needs two facts about each warning's deadline that migration 005 did not keep:
 * - deadline_working_days: the rule's time limit as it stood when the warning was raised — rules are data and a
 *   county may shorten or lengthen a limit later, which must not move deadlines already pushed to the townships;
 * - due_provisional: due_on ran into a year whose holiday notice was not yet in the calendar, so it counted that
 *   year's Mondays to Fridays (addWorkingDaysProvisionally) and is worked out again once the year is added.
 * Warnings raised before this migration have no recorded limit (NULL) and are never recomputed: their due dates
 * stay as pushed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('warnings', (t) => {
    t.integer('deadline_working_days').nullable();
    t.boolean('due_provisional').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('warnings', (t) => {
    t.dropColumn('due_provisional');
    t.dropColumn('deadline_working_days');
  });
}
