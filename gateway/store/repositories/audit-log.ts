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

/** One entry to append: who did it and what. */
export interface PendingAuditEntry {
  actor: Actor | null;
  record: AuditRecord;
}

/** Appends one entry to the audit chain (see appendAuditEntries) and returns its id. */
export async function appendAuditEntry(db: StatementRunner, actor: Actor | null, record: AuditRecord): Promise<number> {
  const [id] = await appendAuditEntries(db, [{ actor, record }]);
  return id!;
}

/** An entry's columns in the order they are inserted, then the chain's two. */
const entryColumns = ['seq', 'at', 'actor_key_id', 'actor_role', 'actor_label', 'action', 'outcome', 'resource_type', 'resource_id', 'region_code', 'request_id',
  'detail'] as const satisfies readonly (keyof AuditLogRow)[];
const auditLogColumns = [...entryColumns, 'prev_hash', 'hash'];
/** Rows per INSERT: 14 values each, well inside SQLite's and PostgreSQL's limits on bound values. */
const rowsPerInsert = 200;

/**
 * Appends entries to the audit chain in the order given and returns their ids in that order. Four statements
 * whatever the number of entries (more only past 200 entries or 400 subjects), the first of which takes the lock:
 * moving the head row (a row lock on PostgreSQL, the write lock on SQLite) puts every append in one order, across
 * processes too, so two transactions can never both extend the same entry; the unique position is a second
 * guard. The lock is held until the caller's transaction commits — which is why changes append at the end of
 * theirs, and why reads append together (audit-group-commit.ts).
 */
export async function appendAuditEntries(db: StatementRunner, entries: readonly PendingAuditEntry[]): Promise<number[]> {
  if (entries.length === 0) return [];
  const [head] = await db.run('UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash', [entries.length]);
  if (!head) throw new Error('the audit log has no head row (migration 013-audit-chain)');
  const text = (value: string | undefined | null) => (value == null ? null : asStored(value));
  const firstSeq = Number(head.seq) - entries.length + 1;
  let previous = String(head.hash);
  const rows: (string | number | null)[][] = [];
  const subjectsBySeq = new Map<number, number[]>();
  for (const [index, { actor, record }] of entries.entries()) {
    // Taken under the lock, so times rise with positions on any one clock.
    const row: AuditLogRow = {
      seq: firstSeq + index,
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
    const hash = chainHash(previous, canonicalEntryBytes(chainedEntryOf(row, subjects)));
    rows.push([...entryColumns.map((column) => row[column]), previous, hash]);
    subjectsBySeq.set(firstSeq + index, subjects);
    previous = hash;
  }
  const idBySeq = new Map<number, number>();
  for (let i = 0; i < rows.length; i += rowsPerInsert) {
    const chunk = rows.slice(i, i + rowsPerInsert);
    // RETURNING gives no promise of order, so each id is matched to its entry by position.
    const inserted = await db.run(
      `INSERT INTO audit_log (${auditLogColumns.join(', ')}) VALUES ${chunk.map(() => `(${auditLogColumns.map(() => '?').join(', ')})`).join(', ')} RETURNING id, seq`,
      chunk.flat(),
    );
    for (const { id, seq } of inserted) idBySeq.set(Number(seq), Number(id));
  }
  await db.run('UPDATE audit_head SET hash = ? WHERE id = 1', [previous]);
  const pairs = [...subjectsBySeq].flatMap(([seq, subjects]) => subjects.map((personId) => [idBySeq.get(seq)!, personId]));
  for (let i = 0; i < pairs.length; i += 400) {
    const chunk = pairs.slice(i, i + 400);
    await db.run(`INSERT INTO audit_subjects (audit_id, person_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flat());
  }
  return entries.map((_, index) => idBySeq.get(firstSeq + index)!);
}

/** Cut before hashing, so the hash covers what is stored. */
function truncate(value: string, length: number): string {
  if (value.length <= length) return value;
  const cut = value.slice(0, length);
  // Never split a surrogate pair, which would leave half a character.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export function knexRunner(trx: Knex.Transaction): StatementRunner {
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
