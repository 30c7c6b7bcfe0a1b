import type { Knex } from 'knex';

/**
 * Written reminders keep the document as issued (issue 13): the bytes the township received, beside their SM3, so the
 * reminder can be handed out again unchanged after templates or the items themselves have moved on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('supervision_reminders', (t) => {
    t.binary('document').nullable();
    t.string('document_format', 8).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('supervision_reminders', (t) => {
    t.dropColumn('document_format');
    t.dropColumn('document');
  });
}
