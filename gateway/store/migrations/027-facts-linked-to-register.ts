import type { Knex } from 'knex';

/**
 * Every fact whose subject is a register person points at them (facts.person_id, fact-persons.ts), as the comparison
 * now expects. Before this release a fact received before its subject was registered kept no link: they are linked
 * here, in one UPDATE (the SQL is written out, not imported, so this migration stays as it shipped).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('UPDATE facts SET person_id = p.id FROM persons p WHERE p.id_key = facts.subject_key AND facts.person_id IS NULL');
}

/** Nothing to undo: the links are what the release before would have written had the person come first. */
export async function down(): Promise<void> {}
