import type { Store } from '../connect.js';
import { openPgBulkWriter } from './pg-bulk-writer.js';
import { openSqliteBulkWriter } from './sqlite-bulk-writer.js';

export type BulkValue = string | number | null;

/**
 * Loads many rows into several tables in one transaction, far faster than knex can (knex re-prepares one
 * SQL string per chunk, caps SQLite chunks at 500 rows, and prints bound values in its errors —
 * research/perf-facts.md §3). SQLite gets prepared statements on the raw connection, PostgreSQL gets COPY.
 *
 * Rows carry explicit ids taken from `nextId`, so children can point at parents before anything is
 * written. Call `write` in parent-before-child order within each logical record; the writer keeps that
 * order when it flushes. `commit` makes everything visible at once; `rollback` (or a crash) leaves the
 * store exactly as it was.
 */
export interface BulkWriter {
  /** Reserves the next id of a table (its current maximum + 1 at open, then counting up). */
  nextId(table: string): number;
  write(table: string, row: readonly BulkValue[]): Promise<void>;
  /** Many rows of one table at once: one await for a thousand rows instead of one each. */
  writeMany(table: string, rows: readonly (readonly BulkValue[])[]): Promise<void>;
  /**
   * Runs one statement (`?` placeholders) in the same transaction, after every row written so far, and returns
   * the rows it gives back (RETURNING): a load appends its audit entry through it (appendAuditEntry).
   */
  run(sql: string, bindings: readonly BulkValue[]): Promise<Record<string, unknown>[]>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface BulkTable {
  name: string;
  /** Column order of the rows passed to write(); the first must be `id` if the table has one. */
  columns: readonly string[];
  /** A side table that gets a row or two per load (batches): never rebuilt, not counted for emptiness. */
  keepIndexes?: boolean;
}

/** A query that must return no row before the load may commit; it stands in for a suspended trigger. */
export interface BulkCheck {
  description: string;
  sql: string;
}

export interface BulkOptions {
  /**
   * When every table (but those marked keepIndexes) is empty, drop their secondary indexes, unique and foreign-key constraints and
   * triggers, load, then rebuild them and run `checks` — all inside the load's transaction, so a duplicate
   * or a broken rule still refuses the whole load. Building an index once is several times faster than
   * maintaining it row by row (research/perf-facts.md §3: 377k vs 152k rows/s).
   */
  rebuildWhenEmpty?: boolean;
  /** Invariants the suspended triggers would have enforced. */
  checks?: readonly BulkCheck[];
}

export async function openBulkWriter(store: Store, tables: readonly BulkTable[], options: BulkOptions = {}): Promise<BulkWriter> {
  return store.dialect === 'sqlite' ? openSqliteBulkWriter(store.knex, tables, options) : openPgBulkWriter(store.knex, tables, options);
}

export class BulkCheckError extends Error {
  constructor(check: BulkCheck) {
    super(`bulk load refused: ${check.description}`);
    this.name = 'BulkCheckError';
  }
}
