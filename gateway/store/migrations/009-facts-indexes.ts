import type { Knex } from 'knex';

/**
 * Facts indexed for the comparison engine (issue 5 bench, `npm run bench -- --only compare`). Each rule reads the
 * facts of a few kinds, then probes other facts of the same subject (`without`, the ex-poor threshold, incremental
 * runs). Migration 003 indexed (kind, subject_id_number) and (subject_id_number):
 * - a rule's scan of (kind, subject_id_number) visits a kind's rows in ID-number order, so SQLite fetched each from
 *   a random place in the table — 0.42 s for the 370,000 medical settlements of a 1M-fact store, 0.06 s through an
 *   index on kind alone, whose rows come in rowid (load) order. PostgreSQL reads either through a bitmap;
 * - the probes by subject want (subject_id_number, kind), which also serves every lookup by ID number alone, so
 *   the (subject_id_number) index it replaces was redundant.
 * The table keeps four indexes, so imports maintain (or rebuild) as many as before.
 *
 * facts.source, which repeats the batch's source, stays: no query filters on it, so it costs no index, and
 * dropping it would change every fact writer and reader for about 12 bytes a row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('facts', (t) => {
    t.index(['kind'], 'facts_kind_index');
    t.index(['subject_id_number', 'kind'], 'facts_subject_id_number_kind_index');
  });
  await knex.schema.alterTable('facts', (t) => {
    t.dropIndex(['kind', 'subject_id_number'], 'facts_kind_subject_id_number_index');
    t.dropIndex(['subject_id_number'], 'facts_subject_id_number_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('facts', (t) => {
    t.index(['kind', 'subject_id_number'], 'facts_kind_subject_id_number_index');
    t.index(['subject_id_number'], 'facts_subject_id_number_index');
  });
  await knex.schema.alterTable('facts', (t) => {
    t.dropIndex(['kind'], 'facts_kind_index');
    t.dropIndex(['subject_id_number', 'kind'], 'facts_subject_id_number_kind_index');
  });
}
