import type { Knex } from 'knex';

/**
 * Spot checks (抽查, issue 13). Seed 000: "检查抽查"; seed 001 (南开): "案卷抽查".
 * - spot_check_draws: one random sample of a region's population (enrolled households, resolved warnings, decided
 *   applications) for a period. It keeps everything a later reader needs to re-run it: the seed, the population rule,
 *   the period, the size rule, the population's count and the SM3 of its sorted references. A redraw never replaces
 *   a draw: the old one is kept and marked superseded (by whom, when, why) and the new one names it (`redraw_of`).
 * - spot_check_items: the sampled items in sample order (`position`), each with its SM3 sort key, household and
 *   township.
 * - spot_check_results: what checking an item found. Never updated: a correction is a new version with its reason,
 *   so the history stays; an item's result is its highest version.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('spot_check_draws', (t) => {
    t.increments('id');
    t.string('region_code', 12).notNullable();
    t.string('population', 30).notNullable();
    t.string('period', 10).notNullable();
    t.date('period_from').notNullable();
    t.date('period_to').notNullable();
    t.string('size_rule', 200).notNullable();
    t.string('seed', 32).notNullable();
    t.boolean('seed_given').notNullable();
    t.integer('population_count').notNullable();
    t.string('population_sm3', 64).notNullable();
    t.integer('sample_size').notNullable();
    t.string('drawn_by', 80).notNullable();
    t.timestamp('drawn_at', { useTz: true }).notNullable();
    t.integer('redraw_of').nullable().references('id').inTable('spot_check_draws');
    t.string('superseded_by', 80).nullable();
    t.timestamp('superseded_at', { useTz: true }).nullable();
    t.string('supersede_reason', 1000).nullable();
    t.index(['region_code', 'period']);
    t.unique(['redraw_of']);
    t.check("population IN ('enrolled-households', 'resolved-warnings', 'decided-applications')", [], 'spot_check_draws_population_known');
  });
  await knex.schema.createTable('spot_check_items', (t) => {
    t.increments('id');
    t.integer('draw_id').notNullable().references('id').inTable('spot_check_draws');
    t.integer('position').notNullable();
    t.string('item_ref', 60).notNullable();
    t.string('sort_key', 64).notNullable();
    t.integer('household_id').nullable().references('id').inTable('households');
    t.string('township_code', 12).notNullable();
    t.unique(['draw_id', 'position']);
    t.unique(['draw_id', 'item_ref']);
    t.index(['township_code']);
  });
  await knex.schema.createTable('spot_check_results', (t) => {
    t.increments('id');
    t.integer('item_id').notNullable().references('id').inTable('spot_check_items');
    t.integer('version').notNullable();
    t.string('result', 12).notNullable();
    t.string('findings', 2000).nullable();
    t.string('checker', 80).notNullable();
    t.date('checked_on').notNullable();
    t.string('correction_reason', 1000).nullable();
    t.string('recorded_by', 80).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.unique(['item_id', 'version']);
    t.check("result IN ('passed', 'problem', 'unverifiable')", [], 'spot_check_results_known');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('spot_check_results');
  await knex.schema.dropTable('spot_check_items');
  await knex.schema.dropTable('spot_check_draws');
}
