import type { Knex } from 'knex';

/**
 * The register: regions, households, persons, their benefit accounts, enrolments with history,
 * the assistance chain, batches, API keys and the audit log.
 *
 * Persons are referred to everywhere by the internal `persons.id`; only `persons.id_number` holds the
 * citizen ID number, and only the persons repository reads it. Field encryption at rest (SM4 with a
 * blind index) will replace that one column without touching any other table.
 *
 * Instants are written by the application as ISO 8601 UTC strings (timestamptz in PostgreSQL, text in
 * SQLite); calendar dates are DATE / 'YYYY-MM-DD'. Money is integer fen.
 */

/** Basic-living business codes (code table assistance-category, basicLiving = true): 低保 110/120, 特困 130/131/132. */
const basicLivingCategories = ['110', '120', '130', '131', '132'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.string('code', 12).primary();
    t.string('name', 80).notNullable();
    t.string('full_name', 200).notNullable();
    t.string('level', 10).notNullable();
    t.string('parent_code', 12).nullable().index();
    t.string('kind', 10).nullable();
    t.string('urban_rural', 3).nullable();
  });

  await knex.schema.createTable('code_values', (t) => {
    t.string('table_id', 40).notNullable();
    t.string('code', 20).notNullable();
    t.string('name', 80).notNullable();
    t.string('parent_code', 20).nullable();
    t.primary(['table_id', 'code']);
  });

  await knex.schema.createTable('batches', (t) => {
    t.increments('id');
    t.string('source', 40).notNullable();
    t.string('period', 7).nullable();
    t.string('sm3', 64).notNullable().unique();
    t.string('file_name', 255).nullable();
    t.string('status', 10).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.integer('rows_total').notNullable().defaultTo(0);
    t.integer('accepted').notNullable().defaultTo(0);
    t.integer('rejected').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.string('refusal', 500).nullable();
    t.string('actor', 80).nullable();
    t.index(['source', 'period']);
  });

  await knex.schema.createTable('households', (t) => {
    t.increments('id');
    t.string('household_no', 40).notNullable().unique();
    t.string('registered_region', 12).notNullable().references('code').inTable('regions');
    t.string('residence_region', 12).notNullable().references('code').inTable('regions');
    t.string('address', 200).notNullable();
    t.integer('monthly_income_fen').nullable();
    t.integer('batch_id').nullable().references('id').inTable('batches');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // Region scope is a code-prefix range on these two columns (see region-scope.ts).
    t.index(['registered_region']);
    t.index(['residence_region']);
  });

  await knex.schema.createTable('persons', (t) => {
    t.increments('id');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('id_number', 18).notNullable().unique();
    t.string('name', 50).notNullable();
    t.string('gender', 1).notNullable();
    t.date('birth_date').notNullable();
    t.string('relation', 2).notNullable();
    t.string('ethnicity', 2).nullable();
    t.string('marital_status', 2).nullable();
    t.string('health', 2).nullable();
    t.string('disability_category', 1).nullable();
    t.string('disability_grade', 1).nullable();
    t.string('labour_ability', 2).nullable();
    t.string('self_care_ability', 1).nullable();
    t.integer('monthly_income_fen').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['household_id']);
  });

  await knex.schema.createTable('bank_accounts', (t) => {
    t.increments('id');
    t.integer('person_id').notNullable().unique().references('id').inTable('persons');
    t.string('bank_name', 60).notNullable();
    t.string('account_number', 32).notNullable();
    t.string('account_name', 60).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('enrolments', (t) => {
    t.increments('id');
    t.integer('person_id').notNullable().references('id').inTable('persons');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('category', 3).notNullable();
    t.string('region_code', 12).notNullable();
    t.date('start_date').notNullable();
    t.date('end_date').nullable();
    t.string('end_reason', 200).nullable();
    t.integer('monthly_amount_fen').nullable();
    t.integer('batch_id').nullable().references('id').inTable('batches');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['person_id']);
    t.index(['household_id']);
    t.index(['category', 'end_date']);
    t.check('end_date IS NULL OR end_date >= start_date', [], 'enrolments_dates_ordered');
  });
  await knex.schema.createTable('enrolment_events', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments');
    t.string('kind', 20).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('actor', 80).nullable();
    t.text('detail').nullable();
    t.index(['enrolment_id']);
  });

  await knex.schema.createTable('assistance_records', (t) => {
    t.increments('id');
    t.integer('person_id').notNullable().references('id').inTable('persons');
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('department', 20).notNullable();
    t.string('assistance_type', 20).notNullable();
    t.integer('amount_fen').notNullable();
    t.date('assisted_on').notNullable();
    t.string('note', 500).nullable();
    t.integer('batch_id').nullable().references('id').inTable('batches');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['person_id', 'assisted_on']);
    t.index(['assisted_on']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id');
    t.string('key_hash', 64).notNullable().unique();
    t.string('key_hint', 16).notNullable();
    t.string('role', 12).notNullable();
    t.string('region_code', 12).notNullable();
    t.string('label', 80).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id');
    t.timestamp('at', { useTz: true }).notNullable().index();
    t.integer('actor_key_id').nullable().index();
    t.string('actor_role', 12).nullable();
    t.string('actor_label', 80).nullable();
    t.string('action', 60).notNullable().index();
    t.string('resource_type', 40).nullable();
    t.string('resource_id', 40).nullable();
    t.string('region_code', 12).nullable();
    t.string('outcome', 10).notNullable();
    t.string('request_id', 40).nullable();
    t.string('detail', 1000).nullable();
  });

  // Who read or changed whose data: one row per person touched, so "who looked at this person" is a lookup.
  await knex.schema.createTable('audit_subjects', (t) => {
    t.integer('audit_id').notNullable().references('id').inTable('audit_log');
    t.integer('person_id').notNullable();
    t.primary(['audit_id', 'person_id']);
    t.index(['person_id']);
  });

  if (knex.client.config.client === 'pg') await createPgEnrolmentGuard(knex);
  else await createSqliteEnrolmentGuard(knex);
}

/**
 * At most one basic-living category per person at a time (DOMAIN.md; GB 金民 business codes). A trigger
 * rather than application code alone, so no writer — adapter, CLI or a hand-run SQL fix — can break it.
 * end_date is inclusive; NULL means open-ended.
 */
async function createSqliteEnrolmentGuard(knex: Knex): Promise<void> {
  const basic = basicLivingCategories.map((c) => `'${c}'`).join(',');
  for (const event of ['INSERT', 'UPDATE']) {
    await knex.raw(`
      CREATE TRIGGER enrolments_one_basic_living_${event.toLowerCase()} BEFORE ${event} ON enrolments
      BEGIN
        SELECT RAISE(ABORT, 'basic-living enrolments overlap')
        WHERE NEW.category IN (${basic}) AND EXISTS (
          SELECT 1 FROM enrolments e
          WHERE e.person_id = NEW.person_id AND e.id IS NOT NEW.id AND e.category IN (${basic})
            AND e.start_date <= COALESCE(NEW.end_date, '9999-12-31')
            AND COALESCE(e.end_date, '9999-12-31') >= NEW.start_date);
      END`);
  }
}

async function createPgEnrolmentGuard(knex: Knex): Promise<void> {
  const basic = basicLivingCategories.map((c) => `'${c}'`).join(',');
  // Locking the person row serialises concurrent enrolment writes for that person, so two transactions
  // cannot each see "no overlap" and both commit.
  await knex.raw(`
    CREATE FUNCTION enrolments_one_basic_living() RETURNS trigger AS $$
    BEGIN
      IF NEW.category IN (${basic}) THEN
        PERFORM 1 FROM persons WHERE id = NEW.person_id FOR UPDATE;
        IF EXISTS (
          SELECT 1 FROM enrolments e
          WHERE e.person_id = NEW.person_id AND e.id IS DISTINCT FROM NEW.id AND e.category IN (${basic})
            AND e.start_date <= COALESCE(NEW.end_date, DATE '9999-12-31')
            AND COALESCE(e.end_date, DATE '9999-12-31') >= NEW.start_date) THEN
          RAISE EXCEPTION 'basic-living enrolments overlap' USING ERRCODE = 'P0001';
        END IF;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await knex.raw(`
    CREATE TRIGGER enrolments_one_basic_living BEFORE INSERT OR UPDATE ON enrolments
    FOR EACH ROW EXECUTE FUNCTION enrolments_one_basic_living()`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS enrolments_one_basic_living ON enrolments');
    await knex.raw('DROP FUNCTION IF EXISTS enrolments_one_basic_living()');
  }
  for (const table of [
    'audit_subjects', 'audit_log', 'api_keys', 'assistance_records', 'enrolment_events', 'enrolments',
    'bank_accounts', 'persons', 'households', 'batches', 'code_values', 'regions',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
