import { existsSync } from 'node:fs';
import type { Knex } from 'knex';
import { describeDatabase, type Config, type DatabaseConfig } from '../config.js';
import { openDataKeyring } from '../keystore/data-keys.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { createStore, type Store, type StoreConnection } from './connect.js';
import { migrateToLatest, pendingMigrations } from './migrations/index.js';
import { attachKeyring } from './personal-data.js';
import { syncReferenceData } from './reference-data/sync.js';
import { isUnreachableDatabaseError, missingStore, StoreError, unreachableStore } from './store-errors.js';

export interface OpenStoreOptions {
  /**
   * Whether a store that is not there yet may be made: true for the commands that set one up (`migrate`, `seed`,
   * `demo`, `serve`). Otherwise a mistyped JIUZHU_DB or an unmounted volume would be met with a new, empty store —
   * and a new master key beside it — instead of an error naming the file looked for.
   */
  create?: boolean;
}

/**
 * Opens the configured store and brings it up to date: migrations (which encrypt what an older store held in clear),
 * then the shipped reference data, then the data keys, opened with the master key (created with the store).
 */
export async function openMigratedStore(config: Pick<Config, 'database' | 'exchange'>, options: OpenStoreOptions = { create: true }): Promise<{ store: Store; applied: string[] }> {
  if (!options.create) refuseMissingSqliteFile(config.database);
  const connection = createStore(config.database);
  try {
    if (!options.create) await refuseUninitialisedStore(connection.knex, config.database);
    // Even a command that sets up makes no new master key for a store that holds keys sealed with another: restored
    // without its key file, it would get a key that opens none of them, left beside it to mislead the next attempt.
    const masterKey = loadMasterKey(config.exchange, { create: options.create && !(await holdsSealedKeys(connection.knex)) });
    const applied = await migrateToLatest(connection.knex, { masterKey });
    await syncReferenceData(connection.knex);
    const keyring = await openDataKeyring({ knex: connection.knex, masterKey });
    attachKeyring(connection.knex, keyring);
    return { store: { ...connection, keyring }, applied };
  } catch (error) {
    await connection.close();
    throw storeFailure(config.database, error, `cannot prepare ${describeDatabase(config.database)}`);
  }
}

/**
 * Opens the configured store as it is, changing nothing and opening no data key: for `jiuzhu audit verify`, which an
 * auditor may run without the master key and which must not write to what it checks. Refuses a store that is
 * not there or not migrated yet, since its tables would not be those the check reads.
 */
export async function openStoreAsItIs(config: Pick<Config, 'database'>): Promise<StoreConnection> {
  refuseMissingSqliteFile(config.database);
  const connection = createStore(config.database);
  try {
    await refuseUninitialisedStore(connection.knex, config.database);
    const pending = await pendingMigrations(connection.knex);
    if (pending.length > 0) throw new Error(`it lacks migration(s) ${pending.join(', ')}; run \`jiuzhu migrate\` first`);
    return connection;
  } catch (error) {
    await connection.close();
    throw storeFailure(config.database, error, `cannot open ${describeDatabase(config.database)}`);
  }
}

/** Checked before connecting, because opening a SQLite file that is not there creates it. */
function refuseMissingSqliteFile(database: DatabaseConfig): void {
  if (database.client === 'sqlite' && database.filename !== ':memory:' && !existsSync(database.filename)) throw missingStore(database);
}

/** knex's own bookkeeping table is the first a migration creates: without it, the database was never a jiuzhu store. */
async function refuseUninitialisedStore(knex: Knex, database: DatabaseConfig): Promise<void> {
  if (!(await knex.schema.hasTable('knex_migrations'))) throw missingStore(database);
}

async function holdsSealedKeys(knex: Knex): Promise<boolean> {
  for (const table of ['data_keys', 'own_keys']) {
    if ((await knex.schema.hasTable(table)) && (await knex(table).first())) return true;
  }
  return false;
}

function storeFailure(database: DatabaseConfig, error: unknown, context: string): Error {
  if (error instanceof StoreError) return error;
  if (isUnreachableDatabaseError(error)) return unreachableStore(database, error);
  return new Error(`${context}: ${(error as Error).message}`, { cause: error });
}
