import type { Knex } from 'knex';

/**
 * The filing round (填报) of a programme in config/filing/ (issue 11; seed 002 §三(二) for Yongning):
 * - api_keys.unit_code: a liaison officer's key is bound to the one unit it files for (`jiuzhu keys create --role
 *   liaison --unit mz`);
 * - liaison_contacts: 附件1, each unit's 分管领导 and 工作人员 with post and phone, one current row per unit (the audit
 *   log keeps what it said before). Phones are field ciphertexts like persons' phones (personal-data.ts);
 * - progress_entries: 附件2, one unit's progress on one task for one month. first_filed_at never changes once set:
 *   whether a sheet was on time is read from it, so correcting a text later does not make a punctual unit late;
 * - progress_sheets: what the lead unit decided about one unit's month — approved (which locks it) and how often it
 *   was reopened, with the last reason; the audit log keeps every approval and reopening;
 * - quarterly_summaries: 季度工作小结, one text per unit and quarter.
 * Rows name their programme by its id and their unit by its code in that programme's file.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.string('unit_code', 20).nullable();
  });

  const filedColumns = (t: Knex.CreateTableBuilder) => {
    t.timestamp('first_filed_at', { useTz: true }).notNullable();
    t.timestamp('filed_at', { useTz: true }).notNullable();
    t.string('filed_by', 80).notNullable();
    t.integer('filed_by_key_id').nullable();
  };

  await knex.schema.createTable('liaison_contacts', (t) => {
    t.increments('id');
    t.string('programme', 40).notNullable();
    t.string('unit_code', 20).notNullable();
    t.string('leader_name', 50).notNullable();
    t.string('leader_post', 80).notNullable();
    t.text('leader_phone_cipher').notNullable();
    t.string('staff_name', 50).notNullable();
    t.string('staff_post', 80).notNullable();
    t.text('staff_phone_cipher').notNullable();
    filedColumns(t);
    t.unique(['programme', 'unit_code']);
  });

  await knex.schema.createTable('progress_entries', (t) => {
    t.increments('id');
    t.string('programme', 40).notNullable();
    t.string('period', 7).notNullable();
    t.string('unit_code', 20).notNullable();
    t.integer('task_number').notNullable();
    t.text('progress').notNullable();
    t.string('note', 500).nullable();
    filedColumns(t);
    t.unique(['programme', 'period', 'unit_code', 'task_number']);
  });

  await knex.schema.createTable('progress_sheets', (t) => {
    t.increments('id');
    t.string('programme', 40).notNullable();
    t.string('period', 7).notNullable();
    t.string('unit_code', 20).notNullable();
    t.timestamp('approved_at', { useTz: true }).nullable();
    t.string('approved_by', 80).nullable();
    t.integer('approved_by_key_id').nullable();
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.timestamp('reopened_at', { useTz: true }).nullable();
    t.string('reopened_by', 80).nullable();
    t.string('reopen_reason', 500).nullable();
    t.unique(['programme', 'period', 'unit_code']);
    t.check('reopen_count >= 0', [], 'progress_sheets_reopen_count_not_negative');
    t.check('(approved_at IS NULL) = (approved_by IS NULL)', [], 'progress_sheets_approval_has_approver');
  });

  await knex.schema.createTable('quarterly_summaries', (t) => {
    t.increments('id');
    t.string('programme', 40).notNullable();
    t.string('quarter', 7).notNullable();
    t.string('unit_code', 20).notNullable();
    t.text('summary').notNullable();
    filedColumns(t);
    t.unique(['programme', 'quarter', 'unit_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['quarterly_summaries', 'progress_sheets', 'progress_entries', 'liaison_contacts']) await knex.schema.dropTable(table);
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('unit_code');
  });
}
