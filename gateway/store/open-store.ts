import { describeDatabase, type Config } from '../config.js';
import { openDataKeyring } from '../keystore/data-keys.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { createStore, type Store, type StoreConnection } from './connect.js';
import { migrateToLatest, pendingMigrations } from './migrations/index.js';
import { attachKeyring } from './personal-data.js';
import { syncReferenceData } from './reference-data/sync.js';

/**
 * Opens the configured store and brings it up to date: migrations (which encrypt what an older store held in clear),
 * then the shipped reference data, then the data keys, opened with the master key (created with the store).
 */
export async function openMigratedStore(config: Pick<Config, 'database' | 'exchange'>): Promise<{ store: Store; applied: string[] }> {
  const connection = createStore(config.database);
  try {
    const masterKey = loadMasterKey(config.exchange);
    const applied = await migrateToLatest(connection.knex, { masterKey });
    await syncReferenceData(connection.knex);
    const keyring = await openDataKeyring({ knex: connection.knex, masterKey });
    attachKeyring(connection.knex, keyring);
    return { store: { ...connection, keyring }, applied };
  } catch (error) {
    await connection.close();
    throw new Error(`cannot prepare ${describeDatabase(config.database)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Opens the configured store as it is, changing nothing and opening no data key: for `jiuzhu audit verify`, which an
 * auditor may run without the master key and which must not write to what it checks. Refuses a store that is
 * not migrated yet, since its tables would not be those the check reads.
 */
export async function openStoreAsItIs(config: Pick<Config, 'database'>): Promise<StoreConnection> {
  const connection = createStore(config.database);
  try {
    const pending = await pendingMigrations(connection.knex);
    if (pending.length > 0) throw new Error(`it lacks migration(s) ${pending.join(', ')}; run \`jiuzhu migrate\` first`);
    return connection;
  } catch (error) {
    await connection.close();
    throw new Error(`cannot open ${describeDatabase(config.database)}: ${(error as Error).message}`, { cause: error });
  }
}
