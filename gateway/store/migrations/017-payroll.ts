import type { Knex } from 'knex';

/**
 * The monthly payment roll (月结发放册, issue 12):
 * - enrolments.tekun_support: 供养方式 of a 特困 enrolment, 'concentrated' (集中, in an institution) or 'dispersed' (分散,
 *   at home); the care standard depends on it. Null for other categories, and for 特困 enrolments recorded before it
 *   existed — the roll refuses to guess and names them.
 * - household_income_changes: a household income verified by a warning's benefit-adjusted outcome, with the month it
 *   applies from: the roll recomputes months already closed from it (补发 or 追回).
 * - payroll_submissions: a township's 月结 handed to the bureau (seed 002: 各乡镇(街道)……按时完成月结发放册), with the
 *   digest of the lines it saw, so the bureau cannot close over lines the township never saw.
 * - payroll_rolls: a closed month of one county (seed 002: 民政局……及时完成救助对象月结数据): its totals, the SM3
 *   digest of its canonical document (payroll/roll-document.ts) and the SM2 signature over it.
 * - payroll_lines: the lines of a closed roll, written once at closing and never changed (triggers below). A line is
 *   one household's money for one month (`for_month`): the month's own benefit, or a 补发 / 追回 for an earlier one.
 *   `inputs` keeps what the calculation used, so a later recomputation of that month (a standard raised after the
 *   fact, a death reported late) starts from the household as it was then. The account is copied as a field
 *   ciphertext: a re-export shows the account the money went to even after the household changes it.
 * - payroll_changes: the month-over-month change list (新增, 调整, 渐退, 停发 with why) as it stood when the roll closed.
 * - payroll_bank_returns / payroll_bank_results: the bank's return files (回盘) and what each said of each payment.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('enrolments', (t) => {
    t.string('tekun_support', 12).nullable();
  });

  await knex.schema.createTable('household_income_changes', (t) => {
    t.increments('id');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.bigInteger('income_fen').notNullable();
    t.string('effective_month', 7).notNullable();
    t.integer('warning_id').nullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.index(['household_id']);
  });

  await knex.schema.createTable('payroll_submissions', (t) => {
    t.increments('id');
    t.string('county_code', 6).notNullable();
    t.string('month', 7).notNullable();
    t.string('township_code', 9).notNullable();
    t.integer('households').notNullable();
    t.bigInteger('total_fen').notNullable();
    t.string('lines_sm3', 64).notNullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.string('submitted_by', 80).notNullable();
    t.unique(['month', 'township_code']);
  });

  await knex.schema.createTable('payroll_rolls', (t) => {
    t.increments('id');
    t.string('county_code', 6).notNullable();
    t.string('month', 7).notNullable();
    t.integer('households').notNullable();
    t.integer('persons').notNullable();
    t.integer('lines').notNullable();
    t.bigInteger('total_fen').notNullable();
    t.string('standards_sm3', 64).notNullable();
    t.string('document_sm3', 64).notNullable();
    t.text('signature').notNullable();
    t.string('key_id', 80).notNullable();
    t.timestamp('closed_at', { useTz: true }).notNullable();
    t.string('closed_by', 80).notNullable();
    t.unique(['county_code', 'month']);
  });

  await knex.schema.createTable('payroll_lines', (t) => {
    t.bigIncrements('id');
    t.integer('roll_id').notNullable().references('id').inTable('payroll_rolls');
    t.integer('line_no').notNullable();
    t.string('for_month', 7).notNullable();
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.integer('payee_person_id').notNullable().references('id').inTable('persons');
    t.string('township_code', 9).notNullable();
    t.string('village_code', 12).notNullable();
    t.string('category', 3).notNullable();
    t.integer('persons_covered').notNullable();
    t.bigInteger('basic_fen').notNullable();
    t.bigInteger('add_on_fen').notNullable();
    t.bigInteger('care_fen').notNullable();
    t.bigInteger('total_fen').notNullable();
    t.string('change_mark', 4).nullable();
    t.string('remark', 500).nullable();
    t.integer('gradual_exit_months_after').nullable();
    t.text('explanation').notNullable();
    t.text('inputs').notNullable();
    t.string('bank_name', 60).nullable();
    t.string('account_name', 60).nullable();
    t.text('account_cipher').nullable();
    t.unique(['roll_id', 'line_no']);
    t.index(['household_id', 'for_month']);
  });

  await knex.schema.createTable('payroll_changes', (t) => {
    t.bigIncrements('id');
    t.integer('roll_id').notNullable().references('id').inTable('payroll_rolls');
    t.integer('household_id').notNullable();
    t.string('household_no', 40).notNullable();
    t.string('payee_name', 50).notNullable();
    t.string('township_code', 9).notNullable();
    t.string('village_code', 12).notNullable();
    t.string('programme', 6).notNullable();
    t.string('mark', 4).notNullable();
    t.bigInteger('previous_fen').notNullable();
    t.bigInteger('current_fen').notNullable();
    t.string('reason', 500).notNullable();
    t.index(['roll_id']);
  });

  await knex.schema.createTable('payroll_bank_returns', (t) => {
    t.increments('id');
    t.integer('roll_id').notNullable().references('id').inTable('payroll_rolls');
    t.string('layout', 60).notNullable();
    t.string('file_sm3', 64).notNullable().unique();
    t.string('file_name', 255).nullable();
    t.integer('paid').notNullable();
    t.integer('failed').notNullable();
    t.integer('returned').notNullable();
    t.timestamp('imported_at', { useTz: true }).notNullable();
    t.string('imported_by', 80).notNullable();
  });

  await knex.schema.createTable('payroll_bank_results', (t) => {
    t.bigIncrements('id');
    t.integer('return_id').notNullable().references('id').inTable('payroll_bank_returns');
    t.integer('roll_id').notNullable().references('id').inTable('payroll_rolls');
    t.integer('household_id').notNullable();
    t.integer('payee_person_id').notNullable();
    t.string('reference', 40).notNullable();
    t.string('status', 10).notNullable();
    t.string('reason', 200).nullable();
    t.bigInteger('amount_fen').notNullable();
    t.unique(['roll_id', 'reference']);
  });

  await createImmutabilityGuards(knex);
}

/**
 * A closed roll is never changed: corrections go through a later month's 补发 / 扣回. The guards stop an UPDATE or
 * DELETE through any path, the API's or a hand-run SQL statement's. Two exceptions: the re-encryption of
 * account_cipher by a data-key rotation (it changes the ciphertext, not the account), and the one update that completes
 * a roll inside its closing transaction — its totals, digest and signature, written while the signature is still ''.
 */
const immutableLineColumns = [
  'roll_id', 'line_no', 'for_month', 'household_id', 'payee_person_id', 'township_code', 'village_code', 'category', 'persons_covered',
  'basic_fen', 'add_on_fen', 'care_fen', 'total_fen', 'change_mark', 'remark', 'gradual_exit_months_after', 'explanation', 'inputs',
  'bank_name', 'account_name',
];
const immutableRollColumns = [
  'county_code', 'month', 'households', 'persons', 'lines', 'total_fen', 'standards_sm3', 'document_sm3', 'signature', 'key_id', 'closed_at', 'closed_by',
];
const refusal = 'a closed payroll roll cannot be changed';

async function createImmutabilityGuards(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION payroll_closed_is_immutable() RETURNS trigger AS $$
      BEGIN
        -- Nested: PL/pgSQL does not short-circuit, and payroll_lines has no signature column.
        IF TG_TABLE_NAME = 'payroll_rolls' AND TG_OP = 'UPDATE' THEN
          IF OLD.signature = '' THEN RETURN NEW; END IF;
        END IF;
        RAISE EXCEPTION '${refusal}' USING ERRCODE = 'P0001';
      END $$ LANGUAGE plpgsql`);
    for (const [table, columns] of [['payroll_lines', immutableLineColumns], ['payroll_rolls', immutableRollColumns]] as const) {
      await knex.raw(`CREATE TRIGGER ${table}_immutable_update BEFORE UPDATE OF ${columns.join(', ')} ON ${table} FOR EACH ROW EXECUTE FUNCTION payroll_closed_is_immutable()`);
      await knex.raw(`CREATE TRIGGER ${table}_immutable_delete BEFORE DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION payroll_closed_is_immutable()`);
    }
    return;
  }
  await knex.raw(`CREATE TRIGGER payroll_lines_immutable_update BEFORE UPDATE OF ${immutableLineColumns.join(', ')} ON payroll_lines BEGIN SELECT RAISE(ABORT, '${refusal}'); END`);
  await knex.raw(`CREATE TRIGGER payroll_rolls_immutable_update BEFORE UPDATE OF ${immutableRollColumns.join(', ')} ON payroll_rolls WHEN OLD.signature <> '' BEGIN SELECT RAISE(ABORT, '${refusal}'); END`);
  for (const table of ['payroll_lines', 'payroll_rolls']) {
    await knex.raw(`CREATE TRIGGER ${table}_immutable_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${refusal}'); END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['payroll_lines', 'payroll_rolls']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_immutable_update${knex.client.config.client === 'pg' ? ` ON ${table}` : ''}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_immutable_delete${knex.client.config.client === 'pg' ? ` ON ${table}` : ''}`);
  }
  if (knex.client.config.client === 'pg') await knex.raw('DROP FUNCTION IF EXISTS payroll_closed_is_immutable()');
  for (const table of ['payroll_bank_results', 'payroll_bank_returns', 'payroll_changes', 'payroll_lines', 'payroll_rolls', 'payroll_submissions', 'household_income_changes']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('enrolments', (t) => {
    t.dropColumn('tekun_support');
  });
}
