import type { Knex } from 'knex';

/**
 * What a key writes stays within its region (issue 10, findings 1, 2 and 7):
 * - batches.region_code: the region of the key (or the operator's `--region`) that uploaded the file. Only keys whose
 *   region contains it read the batch and its rejected rows, and only comparison runs whose region overlaps it read
 *   its facts, so one county's upload never raises warnings in another. Batches from before this migration were
 *   uploaded without a bound and become nationwide ('000000'): only nationwide keys read them.
 * - a batch is the same batch only for the same feed: the content digest is unique per (source, region, sm3), not
 *   alone, so the same bytes sent to another feed are imported there rather than answered "duplicate" of the first.
 * - comparison_runs.region_code: the region a run was bounded to; incremental runs continue from the last run of
 *   the same region.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.string('region_code', 12).notNullable().defaultTo('000000');
  });
  await knex.schema.alterTable('batches', (t) => {
    t.dropUnique(['sm3']);
    t.unique(['source', 'region_code', 'sm3']);
    t.index(['sm3']);
  });
  await knex.schema.alterTable('comparison_runs', (t) => {
    t.string('region_code', 12).notNullable().defaultTo('000000');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('comparison_runs', (t) => {
    t.dropColumn('region_code');
  });
  await knex.schema.alterTable('batches', (t) => {
    t.dropIndex(['sm3']);
    t.dropUnique(['source', 'region_code', 'sm3']);
    t.unique(['sm3']);
  });
  await knex.schema.alterTable('batches', (t) => {
    t.dropColumn('region_code');
  });
}
