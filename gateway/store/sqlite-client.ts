import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';

/**
 * knex's better-sqlite3 client, keeping each connection's prepared statements instead of preparing every query
 * anew: preparing is most of what a short query costs SQLite (a lookup by unique index runs in about 7 µs once
 * prepared, 17 µs when prepared each time), and an API read runs ten or so of them. knex takes a client class
 * in place of a name (`client: BetterSqlite3CachingClient`), which is how this plugs in.
 *
 * Safe because SQLite re-prepares a statement by itself when the schema changes under it, because knex runs a
 * statement to completion with all()/run() before another can start on the connection (one at a time: better-sqlite3
 * is synchronous), and because only this client holds these statements.
 */
const require = createRequire(import.meta.url);

interface KnexQueryObject {
  sql: string;
  bindings?: unknown[];
  options?: { safeIntegers?: boolean };
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}

interface BetterSqlite3ClientInstance {
  _query(connection: Database.Database, obj: KnexQueryObject): Promise<KnexQueryObject>;
  _formatBindings(bindings: unknown[] | undefined): unknown[];
}

const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3/index.js') as new (config: Knex.Config) => BetterSqlite3ClientInstance;

/** Statements kept per connection; the least recently used goes first. Queries with generated lists (IN (?, ?, …)) vary. */
const statementsPerConnection = 500;
/** Longer SQL is mostly a generated multi-row insert, seldom repeated exactly. */
const longestCachedSql = 4096;

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function preparedStatement(connection: Database.Database, sql: string): Database.Statement {
  if (sql.length > longestCachedSql) return connection.prepare(sql);
  let cache = caches.get(connection);
  if (!cache) caches.set(connection, (cache = new Map()));
  const cached = cache.get(sql);
  if (cached) {
    // Re-inserted, so the Map's order is the order of last use.
    cache.delete(sql);
    cache.set(sql, cached);
    return cached;
  }
  const statement = connection.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > statementsPerConnection) cache.delete(cache.keys().next().value!);
  return statement;
}

export class BetterSqlite3CachingClient extends BetterSqlite3Client {
  override async _query(connection: Database.Database, obj: KnexQueryObject): Promise<KnexQueryObject> {
    // A query that asks for its own integer mode changes the statement, so it gets a statement of its own.
    if (!obj.sql || !connection || typeof obj.options?.safeIntegers === 'boolean') return super._query(connection, obj);
    const statement = preparedStatement(connection, obj.sql);
    const bindings = this._formatBindings(obj.bindings);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const result = statement.run(bindings);
    obj.response = result;
    obj.context = { lastID: result.lastInsertRowid, changes: result.changes };
    return obj;
  }
}
