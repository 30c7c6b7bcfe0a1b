import type { Knex } from 'knex';

/**
 * Casework between units: first-responder cases and their referrals (首问负责制, 转介, seed 003), escalation to the
 * county meeting (一事一议, seed 002), and applications taken in one township and decided in another (一城通办,
 * seed 001).
 * - referral_cases: owned by the unit first approached (region_code + owner_unit) until closed. Its origin is a
 *   warning, an active-discovery case or a home visit by id, or a walk-in; plain integers without foreign keys,
 *   because those tables belong to other parts of the monitoring work and a case must outlive their rework.
 *   Like every table holding ID numbers, read and written only through its repository;
 * - referrals: one need referred to one department, due on due_on (working days from configuration);
 * - referral_transitions: every change of a referral with who, when and why;
 * - case_escalations: the county meeting's agenda item and decision;
 * - applications: accepted by one township, routed to the household's registration township; the state the
 *   steps leave behind (last step, notice dates, deadline) is kept on the row so lists need no replay;
 * - application_steps: every step with its deadline, who, when and why;
 * - application_enrolments: the enrolments an approval created.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referral_cases', (t) => {
    t.increments('id');
    t.string('origin_type', 10).notNullable();
    t.integer('origin_id').nullable();
    t.string('subject_id_number', 18).notNullable();
    t.string('subject_name', 50).notNullable();
    t.integer('person_id').nullable().references('id').inTable('persons');
    t.integer('household_id').nullable().references('id').inTable('households');
    t.string('region_code', 12).notNullable();
    t.string('owner_unit', 100).notNullable();
    t.string('summary', 1000).notNullable();
    t.date('opened_on').notNullable();
    t.string('status', 8).notNullable();
    t.date('closed_on').nullable();
    t.string('close_reason', 1000).nullable();
    t.string('actor_label', 80).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['region_code', 'status']);
    t.index(['subject_id_number']);
    t.index(['origin_type', 'origin_id']);
    t.check("origin_type IN ('warning', 'discovery', 'visit', 'walk-in')", [], 'referral_cases_origin_known');
    t.check("(origin_type = 'walk-in') = (origin_id IS NULL)", [], 'referral_cases_origin_id_iff_not_walk_in');
    t.check("status IN ('open', 'closed')", [], 'referral_cases_status_known');
  });

  await knex.schema.createTable('referrals', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('referral_cases');
    t.string('department', 10).notNullable();
    t.string('need', 1000).notNullable();
    t.boolean('urgent').notNullable();
    t.date('sent_on').notNullable();
    t.date('due_on').notNullable();
    t.string('status', 10).notNullable();
    t.date('accepted_on').nullable();
    t.date('finished_on').nullable();
    t.string('decline_reason', 1000).nullable();
    t.string('outcome', 1000).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['case_id']);
    t.index(['status', 'due_on']);
    t.index(['department', 'status']);
    t.check("status IN ('sent', 'accepted', 'done', 'declined')", [], 'referrals_status_known');
  });

  await knex.schema.createTable('referral_transitions', (t) => {
    t.increments('id');
    t.integer('referral_id').notNullable().references('id').inTable('referrals');
    t.string('from_status', 10).nullable();
    t.string('to_status', 10).notNullable();
    t.date('effective_on').notNullable();
    t.string('reason', 1000).nullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['referral_id']);
  });

  await knex.schema.createTable('case_escalations', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('referral_cases');
    t.date('escalated_on').notNullable();
    t.string('reason', 1000).notNullable();
    t.string('status', 8).notNullable();
    t.date('meeting_on').nullable();
    t.string('decision', 2000).nullable();
    t.string('escalated_by', 80).nullable();
    t.string('decided_by', 80).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['case_id']);
    t.check("status IN ('pending', 'decided')", [], 'case_escalations_status_known');
  });

  await knex.schema.createTable('applications', (t) => {
    t.increments('id');
    t.string('procedure', 30).notNullable();
    t.string('category', 3).nullable();
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.integer('applicant_person_id').notNullable().references('id').inTable('persons');
    t.string('accepting_region', 12).notNullable();
    t.string('registration_region', 12).notNullable();
    t.date('accepted_on').notNullable();
    t.date('due_on').notNullable();
    t.boolean('extended').notNullable();
    t.string('reason', 1000).nullable();
    t.string('status', 10).notNullable();
    t.string('last_step', 12).notNullable();
    t.date('last_step_on').notNullable();
    t.date('notice_starts_on').nullable();
    t.date('notice_ends_on').nullable();
    t.integer('proposed_monthly_amount_fen').nullable();
    t.date('decided_on').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // Both townships see the application: each side's list is a range scan on its own column.
    t.index(['accepting_region', 'status']);
    t.index(['registration_region', 'status']);
    t.index(['notice_starts_on']);
    t.index(['decided_on']);
    t.check("status IN ('open', 'approved', 'rejected', 'withdrawn')", [], 'applications_status_known');
  });

  // One open application per household and procedure: under 一城通办 both townships may take one, and the second is refused.
  await knex.raw("CREATE UNIQUE INDEX applications_one_open_per_household ON applications (household_id, procedure) WHERE status = 'open'");

  await knex.schema.createTable('application_steps', (t) => {
    t.increments('id');
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('step', 12).notNullable();
    t.date('effective_on').notNullable();
    t.date('due_on').nullable();
    t.string('reason', 1000).nullable();
    t.text('detail').nullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    t.string('actor_role', 12).nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['application_id']);
  });

  await knex.schema.createTable('application_enrolments', (t) => {
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments');
    t.primary(['application_id', 'enrolment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['application_enrolments', 'application_steps', 'applications', 'case_escalations', 'referral_transitions', 'referrals', 'referral_cases']) {
    await knex.schema.dropTableIfExists(table);
  }
}
