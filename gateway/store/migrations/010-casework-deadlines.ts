import type { Knex } from 'knex';

/**
 * Casework deadlines that say when they are provisional, and one pending escalation per case.
 * - applications.due_provisional, applications.notice_ends_provisional, application_steps.due_provisional and
 *   referrals.due_provisional: the date counted a year's weekdays because the holiday calendar did not cover that
 *   year yet (a December acceptance due in January). Such dates are worked out again once the year is added
 *   (recomputeProvisionalCaseworkDeadlines), as warnings' are. Rows from before this migration default to false:
 *   008 had not been released, so no store holds provisional casework dates that were not flagged.
 * - case_escalations_one_pending: at most one escalation of a case awaits the county meeting; two people
 *   escalating at once cannot both succeed (the second gets 409). A partial unique index, which SQLite and
 *   PostgreSQL both have.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.boolean('due_provisional').notNullable().defaultTo(false);
    t.boolean('notice_ends_provisional').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('application_steps', (t) => {
    t.boolean('due_provisional').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('referrals', (t) => {
    t.boolean('due_provisional').notNullable().defaultTo(false);
  });
  await knex.raw("CREATE UNIQUE INDEX case_escalations_one_pending ON case_escalations (case_id) WHERE status = 'pending'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS case_escalations_one_pending');
  await knex.schema.alterTable('referrals', (t) => t.dropColumn('due_provisional'));
  await knex.schema.alterTable('application_steps', (t) => t.dropColumn('due_provisional'));
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('notice_ends_provisional');
    t.dropColumn('due_provisional');
  });
}
