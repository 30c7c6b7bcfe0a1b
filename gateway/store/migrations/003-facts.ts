import type { Knex } from 'knex';

/**
 * Facts from feeds, and the rows each batch refused.
 * - facts: one canonical fact per accepted row (a row may yield none when its kind maps to nothing). The
 *   subject's ID number is kept even when the person is not in the register — a non-recipient with high
 *   medical self-pay is exactly whom active discovery looks for — and, like persons.id_number, is read and
 *   written only by its repository (facts.ts), so field encryption changes one place.
 * - batch_rejects: file location (line N, Sheet!A7, record N), the reason a clerk can act on, and the raw
 *   cells so the row can be fixed and sent again; readable only through the audited API.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('batches', (t) => {
    t.text('detail').nullable();
  });

  await knex.schema.createTable('facts', (t) => {
    t.bigIncrements('id');
    t.integer('batch_id').notNullable().references('id').inTable('batches');
    t.string('source', 40).notNullable();
    t.string('kind', 40).notNullable();
    t.string('subject_id_number', 18).notNullable();
    t.string('subject_name', 50).nullable();
    t.integer('person_id').nullable().references('id').inTable('persons');
    t.date('occurred_on').nullable();
    t.string('period', 7).nullable();
    t.bigInteger('amount_fen').nullable();
    t.text('attributes').notNullable();
    t.string('location', 80).notNullable();
    t.index(['kind', 'subject_id_number']);
    t.index(['subject_id_number']);
    t.index(['person_id']);
    t.index(['batch_id']);
  });

  await knex.schema.createTable('batch_rejects', (t) => {
    t.bigIncrements('id');
    t.integer('batch_id').notNullable().references('id').inTable('batches');
    t.string('location', 80).notNullable();
    t.string('reason', 1000).notNullable();
    t.text('raw').nullable();
    t.index(['batch_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('batch_rejects');
  await knex.schema.dropTableIfExists('facts');
  await knex.schema.alterTable('batches', (t) => {
    t.dropColumn('detail');
  });
}
