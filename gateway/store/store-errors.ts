import { describeDatabase, type DatabaseConfig } from '../config.js';

/**
 * Why the configured store could not be used: there is none where the configuration points (`missing`), or the
 * database could not be reached or opened (`unreachable`). The CLI gives both their own exit status, so a script
 * can tell "set JIUZHU_DB right or run `jiuzhu migrate`" from a failed command (docs/cli.md).
 */
export type StoreFailure = 'missing' | 'unreachable';

export class StoreError extends Error {
  readonly failure: StoreFailure;

  constructor(failure: StoreFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.failure = failure;
  }
}

/** A store that is not there: the SQLite file is absent, or the database holds no jiuzhu schema. */
export function missingStore(database: DatabaseConfig): StoreError {
  const where = database.client === 'sqlite'
    ? `no store at ${describeDatabase(database)} (the file does not exist)`
    : `${describeDatabase(database)} holds no jiuzhu store (no migrations were ever applied)`;
  const variable = database.client === 'sqlite' ? 'JIUZHU_DB' : 'DATABASE_URL';
  return new StoreError('missing', `${where}; create it with \`jiuzhu migrate\`, or point ${variable} at the existing store`);
}

/**
 * Driver and pool failures that mean the database itself is out of reach, not that a statement failed: network
 * errors from Node, PostgreSQL's connection-time SQLSTATEs (28xxx authentication, 3D000 no such database, 57P0x
 * shutting down), SQLite's can't-open and not-a-database, and knex's pool timeout.
 */
const unreachableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  '28000', '28P01', '3D000', '57P01', '57P02', '57P03',
  'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_PERM', 'SQLITE_READONLY',
]);

/** Node's network codes say little to an operator; PostgreSQL's own messages ('database "x" does not exist') say enough. */
const reasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused — is PostgreSQL running and listening there?',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

export function isUnreachableDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && unreachableCodes.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnreachableDatabaseError);
  return (error as { name?: unknown } | null)?.name === 'KnexTimeoutError';
}

/**
 * One sentence: where (host and port, the URL with its password masked), then the driver's reason and code. Node
 * reports a refused `localhost` as an AggregateError of both addresses tried, whose own message is empty.
 */
export function unreachableStore(database: DatabaseConfig, error: unknown): StoreError {
  const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = String((first as { code?: unknown }).code ?? (first as { name?: unknown }).name ?? 'error');
  const reason = `${reasons[code] ?? ((first as Error).message || String(first))} (${code})`;
  const where = database.client === 'pg' ? `PostgreSQL at ${hostAndPort(database.connectionString)} (DATABASE_URL ${maskedUrl(database.connectionString)})` : describeDatabase(database);
  return new StoreError('unreachable', `cannot reach ${where}: ${reason}`, { cause: error });
}

function hostAndPort(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  } catch {
    return 'an unreadable address';
  }
}

function maskedUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(not a URL)';
  }
}
