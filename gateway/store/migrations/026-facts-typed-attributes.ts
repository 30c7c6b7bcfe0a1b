import type { Knex } from 'knex';
import { fieldCiphertextPrefix } from '../../crypto/field-cipher.js';
import { typedAttributeColumnNames, typedAttributes } from '../typed-attributes.js';

/**
 * facts.attr_code and facts.attr_flag (issue 15): typed copies of the attributes the rules filter on, so a comparison
 * run tests a column instead of parsing every row's JSON once per condition. Which attribute of which kind goes in
 * which column is declared in typed-attributes.ts; writers fill them beside attributesAtRest.
 *
 * Existing rows are backfilled here by one UPDATE per (kind, attribute), with the database's own JSON functions, on
 * the same terms as typedAttributeColumns: strings as they are, booleans as 1/0, anything else NULL — and a value
 * stored as a field ciphertext (it held an ID number) stays NULL, never copied. ADD COLUMN of a nullable column
 * rewrites nothing on either database; the UPDATEs write a new version of each row of those kinds (on PostgreSQL, about
 * half the table in the bench's mix: vacuum afterwards on a big store).
 *
 * No index: the columns are tested on rows a rule already reads by kind and window (measured in docs/benchmarks.md).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('facts', (t) => {
    t.text('attr_code').nullable();
    t.integer('attr_flag').nullable();
  });
  const pg = knex.client.config.client === 'pg';
  for (const column of typedAttributeColumnNames) {
    const { type, attributes } = typedAttributes[column];
    for (const [kind, attribute] of Object.entries(attributes)) {
      const bindings = type === 'boolean' ? [kind] : [kind, `${fieldCiphertextPrefix}%`];
      await knex.raw(pg ? backfillPg(column, type, attribute) : backfillSqlite(column, type, attribute), bindings);
    }
  }
  if (pg) {
    // A code means something only within its kind ('2' is a disability grade, 'jy' a department), but the planner takes
    // kind and attr_code as independent: it put a kind's grade-1–2 certificates at 2 rows of 385, chose a plan that
    // re-read the evidence once per fact, and the rule took 4.3 s instead of 0.15. Statistics on the pair (their
    // common combinations) make the estimate 207. ANALYZE fills them now (it samples a fixed number of rows, about a
    // second at any size) rather than at autovacuum's next visit.
    await knex.raw('CREATE STATISTICS facts_kind_typed_attributes (mcv) ON kind, attr_code, attr_flag FROM facts');
    await knex.raw('ANALYZE facts');
  }
}

/** SQLite: json_type tells a JSON string from a number, true/false from 1/0. Binds the kind, and for a string the ciphertext pattern. */
function backfillSqlite(column: string, type: 'string' | 'boolean', attribute: string): string {
  const path = `'$.${attribute}'`;
  return type === 'boolean'
    ? `UPDATE facts SET ${column} = CASE json_type(attributes, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
        WHERE kind = ? AND json_type(attributes, ${path}) IN ('true', 'false')`
    : `UPDATE facts SET ${column} = json_extract(attributes, ${path})
        WHERE kind = ? AND json_type(attributes, ${path}) = 'text' AND json_extract(attributes, ${path}) NOT LIKE ?`;
}

/** PostgreSQL (attributes is jsonb since migration 025). Binds the kind, and for a string the ciphertext pattern. */
function backfillPg(column: string, type: 'string' | 'boolean', attribute: string): string {
  return type === 'boolean'
    ? `UPDATE facts SET ${column} = CASE attributes -> '${attribute}' WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END
        WHERE kind = ? AND jsonb_typeof(attributes -> '${attribute}') = 'boolean'`
    : `UPDATE facts SET ${column} = attributes ->> '${attribute}'
        WHERE kind = ? AND jsonb_typeof(attributes -> '${attribute}') = 'string' AND (attributes ->> '${attribute}') NOT LIKE ?`;
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') await knex.raw('DROP STATISTICS IF EXISTS facts_kind_typed_attributes');
  await knex.schema.alterTable('facts', (t) => {
    t.dropColumn('attr_code');
    t.dropColumn('attr_flag');
  });
}
