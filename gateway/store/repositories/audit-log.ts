import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { asStored, canonicalEntryBytes, chainedEntryOf, chainHash, subjectsByEntry, type AuditLogRow, type ChainedEntry } from '../../audit/chain-format.js';
import type { AuditEntry } from '../../../schemas/types/index.js';

export interface AuditRecord {
  action: string;
  outcome: AuditEntry['outcome'];
  resourceType?: string;
  resourceId?: string;
  subjectPersonIds?: readonly number[];
  regionCode?: string;
  detail?: string;
}

/**
 * Runs one statement (`?` placeholders) on the connection of the transaction an append belongs to and returns
 * the rows it gives back. A knex transaction is adapted to it, and a BulkWriter is one, so a bulk load appends
 * its entry inside its own transaction.
 */
export interface StatementRunner {
  run(sql: string, bindings: readonly (string | number | null)[]): Promise<Record<string, unknown>[]>;
}

/**
 * Appends one entry to the audit chain. Changes call it inside their own transaction, near its end, so a change
 * and its entry commit or roll back together; reads call it before the response leaves, and it then runs in a
 * short transaction of its own.
 */
export async function recordAudit(db: Knex | Knex.Transaction, actor: Actor | null, record: AuditRecord): Promise<number> {
  if (db.isTransaction) return appendAuditEntry(knexRunner(db as Knex.Transaction), actor, record);
  return db.transaction((trx) => appendAuditEntry(knexRunner(trx), actor, record));
}

/**
 * Three statements, the first of which takes the lock: moving the head row (a row lock on PostgreSQL, the
 * write lock on SQLite) puts every append in one order, across processes too, so two transactions can never
 * both extend the same entry; the unique position is a second guard. The lock is held until the caller's
 * transaction commits — which is why changes append at the end of theirs.
 */
export async function appendAuditEntry(db: StatementRunner, actor: Actor | null, record: AuditRecord): Promise<number> {
  const [head] = await db.run('UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash', []);
  if (!head) throw new Error('the audit log has no head row (migration 013-audit-chain)');
  const text = (value: string | undefined | null) => (value == null ? null : asStored(value));
  // Taken under the lock, so times rise with positions on any one clock.
  const row: AuditLogRow = {
    seq: Number(head.seq),
    at: new Date().toISOString(),
    actor_key_id: actor?.keyId ?? null,
    actor_role: actor?.role ?? null,
    actor_label: text(actor?.label),
    action: asStored(record.action),
    outcome: record.outcome,
    resource_type: text(record.resourceType),
    resource_id: text(record.resourceId),
    region_code: text(record.regionCode),
    request_id: text(actor?.requestId),
    detail: record.detail === undefined ? null : asStored(truncate(record.detail, 1000)),
  };
  const subjects = [...new Set(record.subjectPersonIds ?? [])];
  const previous = String(head.hash);
  const hash = chainHash(previous, canonicalEntryBytes(chainedEntryOf(row, subjects)));
  const columns = Object.keys(row);
  const [inserted] = await db.run(
    `INSERT INTO audit_log (${columns.join(', ')}, prev_hash, hash) VALUES (${columns.map(() => '?').join(', ')}, ?, ?) RETURNING id`,
    [...Object.values(row), previous, hash],
  );
  await db.run('UPDATE audit_head SET hash = ? WHERE id = 1', [hash]);
  const id = Number(inserted!.id);
  for (let i = 0; i < subjects.length; i += 400) {
    const chunk = subjects.slice(i, i + 400);
    await db.run(`INSERT INTO audit_subjects (audit_id, person_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flatMap((personId) => [id, personId]));
  }
  return id;
}

/** Cut before hashing, so the hash covers what is stored. */
function truncate(value: string, length: number): string {
  if (value.length <= length) return value;
  const cut = value.slice(0, length);
  // Never split a surrogate pair, which would leave half a character.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function knexRunner(trx: Knex.Transaction): StatementRunner {
  return {
    async run(sql, bindings) {
      const result = await trx.raw(sql, bindings as (string | number | null)[]);
      // better-sqlite3 gives the rows; pg a result with them.
      return Array.isArray(result) ? result : (result.rows ?? []);
    },
  };
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export async function readAuditHead(knex: Knex): Promise<AuditHead | undefined> {
  const row = await knex('audit_head').where('id', 1).first('seq', 'hash');
  return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
}

export interface StoredAuditEntry {
  prevHash: string;
  hash: string;
  entry: ChainedEntry;
}

/**
 * Entries in chain order, a page at a time, so a reader of a million entries holds one page. Ordered by
 * (seq, id) and paged on both, so a position that appears twice is read twice, not skipped.
 */
export async function* auditEntriesInOrder(knex: Knex, range: { from?: number; to?: number; pageSize?: number } = {}): AsyncGenerator<StoredAuditEntry> {
  const pageSize = range.pageSize ?? 1000;
  let after: { seq: number; id: number } | undefined;
  for (;;) {
    const query = knex('audit_log').orderBy([{ column: 'seq' }, { column: 'id' }]).limit(pageSize);
    if (after) {
      const { seq, id } = after;
      // `seq >= ?` first: with the OR alone, SQLite cannot see a range in bound parameters and reads the index
      // from its start for every page (a million entries took 100 s to verify instead of 30).
      query.where('seq', '>=', seq).andWhere((q) => q.where('seq', '>', seq).orWhere('id', '>', id));
    } else if (range.from !== undefined) {
      query.where('seq', '>=', range.from);
    }
    if (range.to !== undefined) query.andWhere('seq', '<=', range.to);
    const rows: (AuditLogRow & { id: number; prev_hash: string; hash: string })[] = await query;
    if (rows.length === 0) return;
    const subjects = subjectsByEntry(await knex('audit_subjects').whereIn('audit_id', rows.map((r) => r.id)).select('audit_id', 'person_id'));
    for (const row of rows) {
      yield { prevHash: row.prev_hash, hash: row.hash, entry: chainedEntryOf(row, subjects.get(Number(row.id)) ?? []) };
    }
    const last = rows.at(-1)!;
    after = { seq: Number(last.seq), id: Number(last.id) };
  }
}
