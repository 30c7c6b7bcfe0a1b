import type { Knex } from 'knex';

/**
 * Dynamic monitoring (动态监测): comparison runs, the warnings (预警) they raise and what happens to them.
 * - comparison_runs: one row per run of the rule set over the facts, with what it considered and raised per rule;
 * - warnings: one per (rule, subject, period) — a subject is an ID number, in the register or not (a non-recipient
 *   with high medical self-pay is exactly whom active discovery looks for). Pushed to region_code (the township of
 *   residence, or a county), due on due_on (working days, official holiday calendar). Like every table holding ID
 *   numbers, read and written only through its repository, so field encryption changes one place;
 * - warning_evidence: the facts behind each warning. A fact that is evidence of a warning of a rule never raises
 *   that rule again, so a vehicle registered years ago is reported once, not every month;
 * - warning_transitions: every change of state with who, when and why (the audit log holds the request too);
 * - comparison_matches: a run's working set (matches before grouping, deduplication and exemptions), emptied
 *   when the run ends.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comparison_runs', (t) => {
    t.increments('id');
    t.string('period', 7).notNullable();
    t.string('mode', 12).notNullable();
    t.string('rule_set', 40).notNullable();
    t.string('rule_set_sm3', 64).notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.string('status', 10).notNullable();
    t.integer('after_batch_id').nullable();
    t.integer('through_batch_id').nullable();
    t.integer('warnings_raised').notNullable().defaultTo(0);
    t.text('by_rule').nullable();
    t.string('actor', 80).nullable();
    t.index(['period']);
    t.check("status IN ('running', 'finished', 'failed')", [], 'comparison_runs_status_known');
    t.check("mode IN ('full', 'incremental')", [], 'comparison_runs_mode_known');
  });

  await knex.schema.createTable('warnings', (t) => {
    t.increments('id');
    t.integer('run_id').notNullable().references('id').inTable('comparison_runs');
    t.string('rule_id', 60).notNullable();
    t.string('period', 7).notNullable();
    t.string('subject_id_number', 18).notNullable();
    t.string('subject_name', 50).nullable();
    t.integer('person_id').nullable().references('id').inTable('persons');
    t.integer('household_id').nullable().references('id').inTable('households');
    t.string('region_code', 12).nullable();
    t.string('handling_unit', 10).notNullable();
    t.string('severity', 6).notNullable();
    t.string('suggested_action', 30).notNullable();
    t.string('refer_to', 20).nullable();
    t.bigInteger('measured').nullable();
    t.bigInteger('threshold').nullable();
    t.string('status', 10).notNullable();
    t.string('outcome', 20).nullable();
    t.string('outcome_reason', 1000).nullable();
    t.date('raised_on').notNullable();
    t.date('due_on').notNullable();
    t.date('resolved_on').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // Deduplication: the same person, rule and period is one warning, however often a run repeats.
    t.unique(['rule_id', 'subject_id_number', 'period']);
    t.index(['region_code', 'status']);
    t.index(['status', 'due_on']);
    t.index(['subject_id_number']);
    t.index(['run_id']);
    t.check("status IN ('pending', 'verifying', 'resolved')", [], 'warnings_status_known');
    t.check("severity IN ('high', 'medium', 'low')", [], 'warnings_severity_known');
  });

  await knex.schema.createTable('warning_evidence', (t) => {
    t.integer('warning_id').notNullable().references('id').inTable('warnings');
    t.bigInteger('fact_id').notNullable().references('id').inTable('facts');
    t.primary(['warning_id', 'fact_id']);
    t.index(['fact_id']);
  });

  await knex.schema.createTable('warning_transitions', (t) => {
    t.increments('id');
    t.integer('warning_id').notNullable().references('id').inTable('warnings');
    t.string('from_status', 10).notNullable();
    t.string('to_status', 10).notNullable();
    t.string('outcome', 20).nullable();
    t.string('reason', 1000).nullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['warning_id']);
  });

  await knex.schema.createTable('comparison_matches', (t) => {
    t.integer('run_id').notNullable();
    t.string('rule_id', 60).notNullable();
    t.bigInteger('fact_id').notNullable();
    t.string('subject_id_number', 18).notNullable();
    t.string('subject_name', 50).nullable();
    t.integer('person_id').nullable();
    t.integer('household_id').nullable();
    t.string('group_key', 40).notNullable();
    t.bigInteger('measure').nullable();
    t.bigInteger('threshold').nullable();
    t.integer('divisor').nullable();
    t.integer('is_new').notNullable();
    t.string('exemption', 60).nullable();
    t.index(['run_id', 'rule_id', 'group_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['comparison_matches', 'warning_transitions', 'warning_evidence', 'warnings', 'comparison_runs']) {
    await knex.schema.dropTableIfExists(table);
  }
}
