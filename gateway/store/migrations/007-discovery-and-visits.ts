import type { Knex } from 'knex';

/**
 * Active discovery (主动发现, seed 004) and home visits (走访, seed 000).
 * - village_assistants / assistant_villages: the 社会救助协理员 of each township (seed 004 §一(二): at least one per
 *   village) and which villages each covers, with dates, so "who was to visit this household in March" stays
 *   answerable after a reassignment;
 * - home_visits: one row per visit a visiting app reports, idempotent by the app's own visit id (client_visit_id)
 *   with the SM3 of what it sent, so a retry is recognised and a different body under the same id is refused;
 * - discovery_cases: every column of 黔江区社会救助主动发现救助对象明细表 (seed 004's annex) — method, discoverer,
 *   township, the person and family, family situation, suspected assistance, investigation, result with the date
 *   of inclusion, notes — plus the filing (新增救助群众 / 救助观察群众) and its reason (seed 004 §二(四)). A case
 *   comes from at most one warning and at most one visit. Like every table holding ID numbers, read and written
 *   only through its repository;
 * - discovery_case_events: each step of a case's life with who and when (the audit log holds the request too).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('village_assistants', (t) => {
    t.increments('id');
    t.string('name', 50).notNullable();
    t.string('township_code', 9).notNullable().references('code').inTable('regions');
    t.string('unit', 80).nullable();
    t.date('retired_on').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['township_code']);
  });

  await knex.schema.createTable('assistant_villages', (t) => {
    t.increments('id');
    t.integer('assistant_id').notNullable().references('id').inTable('village_assistants');
    t.string('village_code', 12).notNullable().references('code').inTable('regions');
    t.date('start_date').notNullable();
    t.date('end_date').nullable();
    t.index(['village_code']);
    t.index(['assistant_id']);
    t.check('end_date IS NULL OR end_date >= start_date', [], 'assistant_villages_dates_ordered');
  });

  await knex.schema.createTable('home_visits', (t) => {
    t.increments('id');
    t.string('client_visit_id', 64).notNullable().unique();
    t.string('body_sm3', 64).notNullable();
    t.integer('household_id').notNullable().references('id').inTable('households');
    t.string('region_code', 12).notNullable();
    t.string('visitor_kind', 20).notNullable();
    t.integer('assistant_id').nullable().references('id').inTable('village_assistants');
    t.string('visitor_name', 50).notNullable();
    t.string('visitor_unit', 80).nullable();
    t.date('visited_on').notNullable();
    t.string('kind', 10).notNullable();
    t.boolean('person_seen').notNullable();
    t.string('findings', 2000).notNullable();
    t.string('needs_found', 400).notNullable();
    t.string('needs_note', 500).nullable();
    t.boolean('hardship_found').notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    // The due list asks "last visit of each household up to a date": one index range per household.
    t.index(['household_id', 'visited_on']);
    t.index(['region_code', 'visited_on']);
    t.check("visitor_kind IN ('village-assistant', 'township-staff')", [], 'home_visits_visitor_kind_known');
    t.check("kind IN ('home', 'elsewhere', 'phone')", [], 'home_visits_kind_known');
  });

  await knex.schema.createTable('discovery_cases', (t) => {
    t.increments('id');
    t.string('method', 12).notNullable();
    t.string('discoverer_name', 50).notNullable();
    t.string('discoverer_unit', 80).nullable();
    t.string('township_code', 9).notNullable().references('code').inTable('regions');
    t.string('subject_id_number', 18).nullable();
    t.string('subject_name', 50).notNullable();
    t.integer('person_id').nullable().references('id').inTable('persons');
    t.integer('household_id').nullable().references('id').inTable('households');
    t.integer('family_member_count').nullable();
    t.string('family_situation', 2000).notNullable();
    t.string('suspected_assistance', 400).notNullable();
    t.date('discovered_on').notNullable();
    t.integer('warning_id').nullable().unique().references('id').inTable('warnings');
    t.integer('visit_id').nullable().unique().references('id').inTable('home_visits');
    t.string('status', 14).notNullable();
    t.string('investigator_name', 50).nullable();
    t.string('investigator_unit', 80).nullable();
    t.date('investigated_on').nullable();
    t.string('investigation_findings', 2000).nullable();
    t.string('result', 12).nullable();
    t.date('included_on').nullable();
    t.string('included_assistance', 400).nullable();
    t.string('filing', 16).nullable();
    t.string('filing_reason', 1000).nullable();
    t.date('concluded_on').nullable();
    t.string('notes', 1000).nullable();
    t.string('created_by', 80).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['township_code', 'status']);
    t.index(['discovered_on']);
    t.index(['subject_id_number']);
    t.check("method IN ('home-visit', 'data-push', 'work')", [], 'discovery_cases_method_known');
    t.check("status IN ('open', 'investigating', 'concluded')", [], 'discovery_cases_status_known');
    t.check("result IS NULL OR result IN ('ineligible', 'included')", [], 'discovery_cases_result_known');
    t.check("filing IS NULL OR filing IN ('newly-assisted', 'observation', 'none')", [], 'discovery_cases_filing_known');
    // 纳入救助范畴 carries its date (seed 004's 办理结果 column: "纳入救助范畴和纳入时间").
    t.check("result IS NULL OR result <> 'included' OR included_on IS NOT NULL", [], 'discovery_cases_inclusion_dated');
  });

  await knex.schema.createTable('discovery_case_events', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('discovery_cases');
    t.string('from_status', 14).nullable();
    t.string('to_status', 14).notNullable();
    t.string('actor_label', 80).nullable();
    t.integer('actor_key_id').nullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['case_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['discovery_case_events', 'discovery_cases', 'home_visits', 'assistant_villages', 'village_assistants']) {
    await knex.schema.dropTableIfExists(table);
  }
}
