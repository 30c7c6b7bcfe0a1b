import { randomBytes } from 'node:crypto';
import { openDataKeyring } from '../../gateway/keystore/data-keys.js';
import { createStore, type Dialect, type Store, type StoreConnection } from '../../gateway/store/connect.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { attachKeyring } from '../../gateway/store/personal-data.js';
import { syncReferenceData } from '../../gateway/store/reference-data/sync.js';

/**
 * Store tests run once per dialect: SQLite always, PostgreSQL when TEST_PG_URL is set (.ci/run sets it
 * when the server answers). Each store gets its own schema, so parallel files and runs never meet.
 */
export const dialects: Dialect[] = process.env.TEST_PG_URL ? ['sqlite', 'pg'] : ['sqlite'];

export interface TestConnection extends StoreConnection {
  /** Closes the connection and drops everything this test store created. */
  dispose(): Promise<void>;
}

export interface TestStore extends Store, TestConnection {
  /** The master key its data keys are sealed with (a fresh one per store unless given). */
  masterKey: Buffer;
}

/** A fresh, migrated store with its data keys, as openMigratedStore makes one. */
export async function openTestStore(dialect: Dialect, options: { referenceData?: boolean; masterKey?: Buffer } = {}): Promise<TestStore> {
  const { masterKey = randomBytes(32) } = options;
  const connection = await openTestConnection(dialect, options);
  const store = await withDataKeys(connection, masterKey);
  return { ...store, masterKey, dispose: () => connection.dispose() };
}

/**
 * A fresh, migrated store whose data keys are not made yet: for the tests of making them. `upTo` stops after that
 * migration, for the tests of a later one on a store of an earlier release.
 */
export async function openTestConnection(dialect: Dialect, options: { referenceData?: boolean; upTo?: string } = {}): Promise<TestConnection> {
  const { referenceData = true } = options;
  let store: StoreConnection;
  let dropSchema: (() => Promise<void>) | undefined;
  if (dialect === 'sqlite') {
    store = createStore({ client: 'sqlite', filename: ':memory:' });
  } else {
    const url = process.env.TEST_PG_URL;
    if (!url) throw new Error('TEST_PG_URL is not set');
    const schema = `jiuzhu_test_${randomBytes(6).toString('hex')}`;
    const admin = createStore({ client: 'pg', connectionString: url });
    await admin.knex.raw(`CREATE SCHEMA ${schema}`);
    await admin.close();
    store = createStore({ client: 'pg', connectionString: url, searchPath: schema });
    dropSchema = async () => {
      const cleaner = createStore({ client: 'pg', connectionString: url });
      await cleaner.knex.raw(`DROP SCHEMA ${schema} CASCADE`);
      await cleaner.close();
    };
  }
  // A new store holds nothing to encrypt, so migrating it needs no master key.
  await migrateToLatest(store.knex, {}, options.upTo);
  if (referenceData) await syncReferenceData(store.knex);
  return {
    ...store,
    async dispose() {
      await store.close();
      await dropSchema?.();
    },
  };
}

/** A connection to a migrated store, with the data keys it needs as the gateway opens them (a second process's view). */
export async function withDataKeys(connection: StoreConnection, masterKey: Buffer): Promise<Store> {
  const keyring = await openDataKeyring({ knex: connection.knex, masterKey });
  attachKeyring(connection.knex, keyring);
  return { ...connection, keyring };
}
