import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { redactDatabaseError } from '../database-errors.js';
import { BulkCheckError, type BulkCheck, type BulkOptions, type BulkTable, type BulkValue, type BulkWriter } from './bulk-writer.js';

/** Rows per multi-row INSERT, and the most values one statement binds (SQLite allows 32,766 since 3.32). */
const rowsPerStatement = 50;
const maxBoundValues = 999;

/**
 * better-sqlite3 prepared INSERTs inside one BEGIN IMMEDIATE … COMMIT on knex's only connection (the pool
 * holds one), so no other write can interleave and a crash leaves the WAL uncommitted.
 */
export async function openSqliteBulkWriter(knex: Knex, tables: readonly BulkTable[], options: BulkOptions = {}): Promise<BulkWriter> {
  const connection = (await knex.client.acquireConnection()) as Database.Database;
  const statements = new Map<string, Database.Statement>();
  const groups = new Map<string, { rows: number; statement: Database.Statement; values: BulkValue[] }>();
  const ids = new Map<string, number>();
  let suspended: SchemaObject[] = [];
  const rebuildable = tables.filter((t) => !t.keepIndexes);
  const rebuild = options.rebuildWhenEmpty === true && rebuildable.every((t) => connection.prepare(`SELECT 1 FROM "${t.name}" LIMIT 1`).get() === undefined);
  try {
    // Foreign keys are checked row by row while on; in rebuild mode restore() checks them all at once
    // instead. The pragma cannot change inside a transaction, so it is set before BEGIN.
    if (rebuild) connection.pragma('foreign_keys = OFF');
    connection.exec('BEGIN IMMEDIATE');
    if (rebuild) suspended = suspendIndexesAndTriggers(connection, rebuildable.map((t) => t.name));
    for (const table of tables) {
      const placeholders = table.columns.map(() => '?').join(', ');
      const insert = `INSERT INTO "${table.name}" (${table.columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
      statements.set(table.name, connection.prepare(`${insert}(${placeholders})`));
      // Binding and stepping one statement per row costs more than SQLite's own work for a row: writeMany binds
      // rowsPerStatement rows to one multi-row INSERT instead (about half the time per row for facts).
      const rows = Math.max(1, Math.min(rowsPerStatement, Math.floor(maxBoundValues / table.columns.length)));
      groups.set(table.name, {
        rows,
        statement: connection.prepare(`${insert}${Array.from({ length: rows }, () => `(${placeholders})`).join(', ')}`),
        values: new Array<BulkValue>(rows * table.columns.length),
      });
      if (table.columns[0] === 'id') {
        const row = connection.prepare(`SELECT COALESCE(MAX(id), 0) AS max FROM "${table.name}"`).get() as { max: number };
        ids.set(table.name, row.max);
      }
    }
  } catch (error) {
    if (connection.inTransaction) connection.exec('ROLLBACK');
    connection.pragma('foreign_keys = ON');
    await knex.client.releaseConnection(connection);
    throw error;
  }

  let open = true;
  const finish = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (!open) return;
    open = false;
    try {
      if (sql === 'COMMIT' && rebuild) restore(connection, suspended, rebuildable.map((t) => t.name), options.checks ?? []);
      if (connection.inTransaction) connection.exec(sql);
    } catch (error) {
      if (connection.inTransaction) connection.exec('ROLLBACK');
      if (error instanceof Error && !(error instanceof BulkCheckError)) redactDatabaseError(error);
      throw error;
    } finally {
      connection.pragma('foreign_keys = ON');
      await knex.client.releaseConnection(connection);
    }
  };

  return {
    nextId(table) {
      const next = (ids.get(table) ?? 0) + 1;
      ids.set(table, next);
      return next;
    },
    async write(table, row: readonly BulkValue[]) {
      const statement = statements.get(table);
      if (!statement) throw new Error(`bulk writer was not opened for table ${table}`);
      try {
        statement.run(row as BulkValue[]);
      } catch (error) {
        if (error instanceof Error) redactDatabaseError(error);
        throw error;
      }
    },
    async writeMany(table, rows) {
      const statement = statements.get(table);
      const group = groups.get(table);
      if (!statement || !group) throw new Error(`bulk writer was not opened for table ${table}`);
      try {
        // Whole groups through the multi-row statement, the rest one row at a time.
        let at = 0;
        for (; at + group.rows <= rows.length; at += group.rows) {
          let i = 0;
          for (let r = at; r < at + group.rows; r++) {
            const row = rows[r]!;
            for (let c = 0; c < row.length; c++) group.values[i++] = row[c]!;
          }
          group.statement.run(group.values);
        }
        for (; at < rows.length; at++) statement.run(rows[at] as BulkValue[]);
      } catch (error) {
        if (error instanceof Error) redactDatabaseError(error);
        throw error;
      }
    },
    async run(sql, bindings) {
      try {
        const statement = connection.prepare(sql);
        if (statement.reader) return statement.all(bindings as BulkValue[]) as Record<string, unknown>[];
        statement.run(bindings as BulkValue[]);
        return [];
      } catch (error) {
        if (error instanceof Error) redactDatabaseError(error);
        throw error;
      }
    },
    commit: () => finish('COMMIT'),
    rollback: () => finish('ROLLBACK'),
  };
}

interface SchemaObject {
  type: 'index' | 'trigger';
  name: string;
  sql: string;
}

/** Drops the tables' indexes and triggers (SQLite DDL is transactional: a rollback brings them back). */
function suspendIndexesAndTriggers(connection: Database.Database, tableNames: readonly string[]): SchemaObject[] {
  const objects = connection
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (${tableNames.map(() => '?').join(', ')})`)
    .all(...tableNames) as SchemaObject[];
  for (const object of objects) connection.exec(`DROP ${object.type.toUpperCase()} "${object.name}"`);
  return objects;
}

/**
 * Rebuilds the indexes (a duplicate fails the unique ones), checks every foreign key of the loaded tables and
 * the rules the triggers stood for, then restores the triggers.
 */
function restore(connection: Database.Database, objects: readonly SchemaObject[], tableNames: readonly string[], checks: readonly BulkCheck[]): void {
  for (const index of objects.filter((o) => o.type === 'index')) connection.exec(index.sql);
  for (const table of tableNames) {
    if (connection.prepare(`PRAGMA foreign_key_check("${table}")`).get() !== undefined) {
      throw new BulkCheckError({ description: `a row of ${table} refers to a missing parent`, sql: '' });
    }
  }
  for (const check of checks) {
    if (connection.prepare(check.sql).get() !== undefined) throw new BulkCheckError(check);
  }
  for (const trigger of objects.filter((o) => o.type === 'trigger')) connection.exec(trigger.sql);
}
