import { describeDatabase, type DatabaseConfig } from '../config.js';
import { createStore, type Store } from './connect.js';
import { migrateToLatest } from './migrations/index.js';
import { syncReferenceData } from './reference-data/sync.js';

/** Opens the configured store and brings it up to date: migrations, then the shipped reference data. */
export async function openMigratedStore(database: DatabaseConfig): Promise<{ store: Store; applied: string[] }> {
  const store = createStore(database);
  try {
    const applied = await migrateToLatest(store.knex);
    await syncReferenceData(store.knex);
    return { store, applied };
  } catch (error) {
    await store.close();
    throw new Error(`cannot prepare ${describeDatabase(database)}: ${(error as Error).message}`, { cause: error });
  }
}
