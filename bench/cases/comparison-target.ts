import type { DatabaseConfig } from '../../gateway/config.js';
import { createStore, type Store } from '../../gateway/store/connect.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { benchStoreConfig } from './bench-keys.js';
import { storeInClear } from './clear-keyring.js';

/**
 * Where the comparison benchmark keeps its store between processes — built by one, compared by the next, each
 * with its own peak RSS: `sqlite:<file>` or `pg:<schema>` (a schema of BENCH_PG_URL, TEST_PG_URL or the local
 * test database, created by `createTarget` and dropped by `dropTarget`). `sqlite+clear:` and `pg+clear:` are the
 * same with personal fields in clear (clear-keyring.ts): the baseline encryption and blind indexes are measured against.
 */
export function targetDatabase(target: string): DatabaseConfig {
  const [kind, ...rest] = target.split(':');
  const where = rest.join(':');
  const client = kind?.replace(/\+clear$/, '');
  if (client === 'sqlite' && where) return { client: 'sqlite', filename: where };
  if (client === 'pg' && /^[a-z_][a-z0-9_]*$/.test(where)) return { client: 'pg', connectionString: pgUrl(), searchPath: where };
  throw new Error(`a comparison target is sqlite:<file> or pg:<schema name> (or sqlite+clear:, pg+clear:), not "${target}"`);
}

/** The target's store, opened as the gateway opens one — or with its personal fields in clear, for a +clear target. */
export async function openTarget(target: string): Promise<Store> {
  const { store } = await openMigratedStore(benchStoreConfig(targetDatabase(target)));
  return target.split(':')[0]!.endsWith('+clear') ? storeInClear(store) : store;
}

export function targetDialect(target: string): 'sqlite' | 'pg' {
  return targetDatabase(target).client;
}

export function pgUrl(): string {
  return process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Makes a PostgreSQL target's schema; a SQLite file is made when the store opens. */
export async function createTarget(target: string): Promise<void> {
  const database = targetDatabase(target);
  if (database.client !== 'pg') return;
  const admin = createStore({ client: 'pg', connectionString: database.connectionString });
  try {
    await admin.knex.raw(`CREATE SCHEMA ${database.searchPath}`);
  } finally {
    await admin.close();
  }
}

export async function dropTarget(target: string): Promise<void> {
  const database = targetDatabase(target);
  if (database.client !== 'pg') return;
  const admin = createStore({ client: 'pg', connectionString: database.connectionString });
  try {
    await admin.knex.raw(`DROP SCHEMA IF EXISTS ${database.searchPath} CASCADE`);
  } finally {
    await admin.close();
  }
}
