import type { Knex } from 'knex';

/**
 * 一城通办 as seed 001 describes it (issue 13):
 * - applications.investigating_region: the township that investigates — the residence township under the scheme
 *   ("由居住地配合户籍地就近进行入户调查"), the registration township outside it. Applications taken before this
 *   migration were investigated by the township that accepted them, so that is what they keep;
 * - applications.objected_on: the day an objection to the notice was recorded, which calls for 民主评议;
 * - step names grow longer than 12 characters (investigation-started);
 * - household_checks: the registration township's 定期核查 of households registered with it but living elsewhere,
 *   with the result and what it changed in the register.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.string('investigating_region', 12).nullable();
    t.date('objected_on').nullable();
  });
  await knex('applications').update({ investigating_region: knex.ref('accepting_region') });
  if (knex.client.config.client === 'pg') {
    await knex.raw('ALTER TABLE applications ALTER COLUMN investigating_region SET NOT NULL');
    await knex.raw('ALTER TABLE applications ALTER COLUMN last_step TYPE varchar(30)');
    await knex.raw('ALTER TABLE application_steps ALTER COLUMN step TYPE varchar(30)');
  }
  await knex.schema.alterTable('applications', (t) => {
    t.index(['investigating_region', 'status']);
  });

  await knex.schema.createTable('household_checks', (t) => {
    t.increments('id');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('registration_region', 12).notNullable();
    t.string('residence_region', 12).notNullable();
    t.date('checked_on').notNullable();
    t.string('result', 12).notNullable();
    t.integer('monthly_amount_fen').nullable();
    t.string('reason', 1000).notNullable();
    t.text('effects').notNullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    t.string('actor_role', 12).nullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.index(['household_id', 'checked_on']);
    t.index(['registration_region']);
    t.check("result IN ('unchanged', 'increased', 'decreased', 'stopped')", [], 'household_checks_result_known');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('household_checks');
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex(['investigating_region', 'status']);
    t.dropColumn('objected_on');
    t.dropColumn('investigating_region');
  });
}
