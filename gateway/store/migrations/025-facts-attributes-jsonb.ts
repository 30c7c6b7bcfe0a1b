import type { Knex } from 'knex';

/**
 * PostgreSQL only: facts.attributes becomes jsonb (issue 15). The rules filter on attributes (settlement type,
 * residential use, roster category …); as text, every condition parsed the row's JSON again, about 0.7 µs a row per
 * rule. jsonb is parsed once, at insert. SQLite keeps its text column: json_extract there parses either way.
 *
 * Writers are unchanged (a JSON text inserts into jsonb, by COPY too); readers take the attributes as an object or as
 * text (storedAttributes in fact-attributes.ts), since node-postgres hands jsonb back parsed. jsonb keeps no key
 * order, whitespace or duplicate keys: nothing compares or hashes the attributes' text (batches are deduplicated on
 * the file's SM3; the data-key rotation compares cells as jsonb).
 *
 * Cost on a big store: ALTER COLUMN … TYPE rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock —
 * no reads or writes of facts until it commits — and needs the table's size again on disk meanwhile. A 1,000,000-row
 * copy of facts with three indexes took 6.7 s here (2 cores): count about 10 s per million facts, and upgrade a store
 * of tens of millions with the gateways stopped (docs/operations.md, "Upgrading a big store to migration 025").
 * Inside the migration's transaction, a failure leaves the text column as it was.
 */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE facts ALTER COLUMN attributes TYPE jsonb USING attributes::jsonb');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('ALTER TABLE facts ALTER COLUMN attributes TYPE text USING attributes::text');
}
