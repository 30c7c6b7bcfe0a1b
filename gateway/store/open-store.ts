import { describeDatabase, type Config } from '../config.js';
import { openDataKeyring } from '../keystore/data-keys.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { createStore, type Store } from './connect.js';
import { migrateToLatest } from './migrations/index.js';
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
