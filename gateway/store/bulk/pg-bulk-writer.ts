import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { redactDatabaseError } from '../database-errors.js';
import { BulkCheckError, type BulkCheck, type BulkOptions, type BulkTable, type BulkValue, type BulkWriter } from './bulk-writer.js';

/** Buffered COPY text per table is flushed, all tables in declaration order, once this much is pending. */
const flushBytes = 4 * 1024 * 1024;

/**
 * COPY FROM STDIN in text format, one transaction. Tables are locked against concurrent writers for the
 * duration (ids are reserved from MAX(id) and the sequences are moved past them at commit). Buffers are
 * flushed in the order the tables were given, so parents always land before the children that refer to them.
 */
export async function openPgBulkWriter(knex: Knex, tables: readonly BulkTable[], options: BulkOptions = {}): Promise<BulkWriter> {
  const client = (await knex.client.acquireConnection()) as pg.Client;
  const ids = new Map<string, number>();
  const buffers = new Map<string, string[]>(tables.map((t) => [t.name, []]));
  let pending = 0;
  let suspended: Suspended | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${tables.map((t) => `"${t.name}"`).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    let empty = true;
    for (const table of tables) {
      const { rows } = await client.query(`SELECT ${table.columns[0] === 'id' ? 'COALESCE(MAX(id), 0)::int' : 'COUNT(*)::int'} AS n FROM "${table.name}"`);
      if (table.columns[0] === 'id') ids.set(table.name, rows[0].n);
      if (rows[0].n > 0 && !table.keepIndexes) empty = false;
    }
    if (options.rebuildWhenEmpty && empty) suspended = await suspendConstraints(client, tables.filter((t) => !t.keepIndexes).map((t) => t.name));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await knex.client.releaseConnection(client);
    throw error;
  }

  const flush = async () => {
    for (const table of tables) {
      const lines = buffers.get(table.name)!;
      if (lines.length === 0) continue;
      const copy = client.query(copyStreams.from(`COPY "${table.name}" (${table.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`));
      await pipeline(Readable.from([lines.join('')]), copy);
      buffers.set(table.name, []);
    }
    pending = 0;
  };

  let open = true;
  const release = async () => {
    open = false;
    await knex.client.releaseConnection(client);
  };

  const writer: BulkWriter = {
    nextId(table) {
      const next = (ids.get(table) ?? 0) + 1;
      ids.set(table, next);
      return next;
    },
    async write(table, row) {
      const buffer = buffers.get(table);
      if (!buffer) throw new Error(`bulk writer was not opened for table ${table}`);
      const line = `${row.map(copyText).join('\t')}\n`;
      buffer.push(line);
      pending += line.length;
      if (pending >= flushBytes) await guarded(flush);
    },
    async writeMany(table, rows) {
      for (const row of rows) await writer.write(table, row);
    },
    async run(sql, bindings) {
      let n = 0;
      return guarded(async () => {
        await flush();
        return (await client.query(sql.replace(/\?/g, () => `$${++n}`), bindings as BulkValue[])).rows;
      });
    },
    async commit() {
      if (!open) return;
      try {
        await guarded(flush);
        if (suspended) await guarded(() => restore(client, suspended!, options.checks ?? []));
        for (const table of tables) {
          if (table.columns[0] !== 'id') continue;
          await client.query(`SELECT setval(pg_get_serial_sequence('"${table.name}"', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM "${table.name}"), 1))`);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await release();
      }
    },
    async rollback() {
      if (!open) return;
      try {
        await client.query('ROLLBACK');
      } finally {
        await release();
      }
    },
  };
  return writer;
}

/** pg's COPY errors quote the failing row in `where`/`detail`; strip them like every other database error. */
async function guarded<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof Error) redactDatabaseError(error);
    throw error;
  }
}

/** COPY text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyText(value: BulkValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

interface Suspended {
  constraints: { table: string; name: string; definition: string; kind: 'u' | 'f' }[];
  indexes: string[];
  triggers: { table: string; name: string }[];
}

/**
 * Drops the tables' unique and foreign-key constraints and plain indexes, and disables their triggers.
 * PostgreSQL DDL is transactional, so a rollback restores all of it.
 */
async function suspendConstraints(client: pg.Client, tableNames: readonly string[]): Promise<Suspended> {
  const relations = tableNames.map((name) => `"${name}"`);
  const { rows: constraints } = await client.query(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS definition, contype AS kind
       FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND contype IN ('u', 'f')`,
    [relations],
  );
  const { rows: indexes } = await client.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`,
    [relations],
  );
  const { rows: triggers } = await client.query(
    `SELECT tgrelid::regclass::text AS table, tgname AS name FROM pg_trigger WHERE tgrelid = ANY($1::regclass[]) AND NOT tgisinternal`,
    [relations],
  );
  for (const c of constraints.filter((c) => c.kind === 'f')) await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
  for (const c of constraints.filter((c) => c.kind === 'u')) await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
  for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
  for (const t of triggers) await client.query(`ALTER TABLE ${t.table} DISABLE TRIGGER "${t.name}"`);
  return { constraints, indexes: indexes.map((i) => i.definition), triggers };
}

async function restore(client: pg.Client, suspended: Suspended, checks: readonly BulkCheck[]): Promise<void> {
  for (const definition of suspended.indexes) await client.query(definition);
  for (const c of suspended.constraints.filter((c) => c.kind === 'u')) await client.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.definition}`);
  for (const c of suspended.constraints.filter((c) => c.kind === 'f')) await client.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.definition}`);
  for (const check of checks) {
    const { rows } = await client.query(check.sql);
    if (rows.length > 0) throw new BulkCheckError(check);
  }
  for (const t of suspended.triggers) await client.query(`ALTER TABLE ${t.table} ENABLE TRIGGER "${t.name}"`);
}
