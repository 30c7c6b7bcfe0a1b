import type { Knex } from 'knex';
import { canonicalEntryBytes, chainedEntryOf, chainHash, genesisHash, subjectsByEntry, type AuditLogRow } from '../../audit/chain-format.js';

/**
 * The audit log becomes a hash chain (docs/audit-log.md).
 * - audit_log.seq: the entry's position, 1, 2, 3 … with no gap; unique, so two writers can never both take one.
 *   prev_hash and hash: SM3 over the previous entry's hash and the entry's canonical bytes (audit/chain-format.ts).
 *   The columns default to 0 and '' only because SQLite cannot add a NOT NULL column without a default;
 *   every entry is written with them set, and `jiuzhu audit verify` names a row at position 0 as inserted.
 * - audit_head: one row, the position and hash of the last entry. Every append updates it first, so its row
 *   lock (PostgreSQL) or the write lock (SQLite) puts appends in one order across processes.
 * - audit_checkpoints: the head at a position, signed with our SM2 key; the signed text is rebuilt from the
 *   columns (checkpointText), and `signature` is the DER signature over it.
 * Entries written before this migration are chained here in id order, their subjects included, so an
 * upgraded store verifies from position 1.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.bigInteger('seq').notNullable().defaultTo(0);
    t.string('prev_hash', 64).notNullable().defaultTo('');
    t.string('hash', 64).notNullable().defaultTo('');
  });
  await knex.schema.createTable('audit_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex.schema.createTable('audit_checkpoints', (t) => {
    t.increments('id');
    t.bigInteger('position').notNullable().unique();
    t.string('head_hash', 64).notNullable();
    t.timestamp('signed_at', { useTz: true }).notNullable();
    t.string('key_id', 40).notNullable();
    t.string('key_fingerprint', 64).notNullable();
    t.binary('signature').notNullable();
  });
  const head = await chainExistingEntries(knex);
  await knex('audit_head').insert({ id: 1, seq: head.seq, hash: head.hash });
  await knex.raw('CREATE UNIQUE INDEX audit_log_seq_unique ON audit_log (seq)');
}

async function chainExistingEntries(knex: Knex): Promise<{ seq: number; hash: string }> {
  let seq = 0;
  let hash = genesisHash;
  for (let after = 0; ;) {
    const rows: (AuditLogRow & { id: number })[] = await knex('audit_log').where('id', '>', after).orderBy('id').limit(1000);
    if (rows.length === 0) return { seq, hash };
    const subjects = subjectsByEntry(await knex('audit_subjects').whereIn('audit_id', rows.map((r) => r.id)).select('audit_id', 'person_id'));
    const chained: (string | number)[][] = [];
    for (const row of rows) {
      seq += 1;
      const previous = hash;
      hash = chainHash(previous, canonicalEntryBytes(chainedEntryOf({ ...row, seq }, subjects.get(row.id) ?? [])));
      chained.push([row.id, seq, previous, hash]);
    }
    // One statement per page, as both databases read it: a statement per row takes a quarter of an hour for a
    // million entries on PostgreSQL. The casts give PostgreSQL the VALUES columns' types.
    await knex.raw(
      `WITH chained (id, seq, prev_hash, hash) AS (VALUES ${chained.map((_, i) => (i === 0 ? '(CAST(? AS bigint), CAST(? AS bigint), ?, ?)' : '(?, ?, ?, ?)')).join(', ')})
       UPDATE audit_log SET seq = chained.seq, prev_hash = chained.prev_hash, hash = chained.hash FROM chained WHERE audit_log.id = chained.id`,
      chained.flat(),
    );
    after = rows.at(-1)!.id;
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS audit_log_seq_unique');
  await knex.schema.dropTableIfExists('audit_checkpoints');
  await knex.schema.dropTableIfExists('audit_head');
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropColumn('hash');
    t.dropColumn('prev_hash');
    t.dropColumn('seq');
  });
}
