import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { DataKeyring } from '../keystore/data-keys.js';
import { stripBoundValuesFromErrors } from './database-errors.js';
import { BetterSqlite3CachingClient } from './sqlite-client.js';

export type Dialect = 'sqlite' | 'pg';

/** A connection to the database, migrated or not, without the data keys. */
export interface StoreConnection {
  knex: Knex;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * The store as the gateway uses it: the connection and the data keys its personal fields are encrypted and indexed
 * under (gateway/store/personal-data.ts), which also ride on `knex` for the repositories.
 */
export interface Store extends StoreConnection {
  keyring: DataKeyring;
}

/**
 * Dates are calendar dates (Asia/Shanghai), so they must stay 'YYYY-MM-DD' strings: pg would turn
 * DATE into a JS Date at local midnight and shift it a day in some time zones. Counts and sums come
 * back as BIGINT strings; instants become ISO strings as SQLite stores them. every figure here fits a double exactly, and a value that would not is an error.
 */
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value: string) => new Date(value).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`integer ${value} exceeds the safe range`);
  return parsed;
});

/**
 * knex prints its warnings with console.log — on stdout, where a command's report goes — and prints a failed
 * connection there with its stack before the same error reaches the caller. Warnings go to stderr instead, and
 * that one is left to the caller, which names the database and the driver's reason in one sentence.
 */
const knexLog = {
  warn(message: unknown) {
    if (typeof message === 'string' && message.startsWith('Acquire connection error')) return;
    process.stderr.write(`knex: ${String(message)}\n`);
  },
  error(message: unknown) {
    process.stderr.write(`knex: ${String(message)}\n`);
  },
  deprecate(method: string, alternative: string) {
    process.stderr.write(`knex: ${method} is deprecated, use ${alternative}\n`);
  },
  debug() {},
};

export function createStore(database: DatabaseConfig): StoreConnection {
  const knex = database.client === 'sqlite' ? sqliteKnex(database.filename) : pgKnex(database);
  stripBoundValuesFromErrors(knex);
  return { knex, dialect: database.client, close: () => knex.destroy() };
}

function sqliteKnex(filename: string): Knex {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  return knexFactory({
    // knex's better-sqlite3 client, keeping prepared statements (sqlite-client.ts).
    client: BetterSqlite3CachingClient as unknown as typeof Knex.Client,
    connection: { filename },
    useNullAsDefault: true,
    log: knexLog,
    pool: {
      // One writer at a time is SQLite's model; a single pooled connection keeps transactions serial
      // instead of failing with SQLITE_BUSY.
      min: 1,
      max: 1,
      afterCreate(connection: { pragma(sql: string): unknown }, done: (error: Error | null, connection: unknown) => void) {
        try {
          connection.pragma('journal_mode = WAL');
          connection.pragma('synchronous = NORMAL');
          connection.pragma('foreign_keys = ON');
          connection.pragma('busy_timeout = 5000');
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
  });
}

function pgKnex(database: { connectionString: string; searchPath?: string }): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: database.connectionString },
    searchPath: database.searchPath ? [database.searchPath] : undefined,
    pool: { min: 0, max: 10 },
    log: knexLog,
  });
}
