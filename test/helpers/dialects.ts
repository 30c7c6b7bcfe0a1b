import { randomBytes } from 'node:crypto';
import { createStore, type Dialect, type Store } from '../../gateway/store/connect.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { syncReferenceData } from '../../gateway/store/reference-data/sync.js';

/**
 * Store tests run once per dialect: SQLite always, PostgreSQL when TEST_PG_URL is set (.ci/run sets it
 * when the server answers). Each store gets its own schema, so parallel files and runs never meet.
 */
export const dialects: Dialect[] = process.env.TEST_PG_URL ? ['sqlite', 'pg'] : ['sqlite'];

export interface TestStore extends Store {
  /** Closes the connection and drops everything this test store created. */
  dispose(): Promise<void>;
}

export async function openTestStore(dialect: Dialect, options: { migrate?: boolean; referenceData?: boolean } = {}): Promise<TestStore> {
  const { migrate = true, referenceData = true } = options;
  let store: Store;
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
  if (migrate) await migrateToLatest(store.knex);
  if (migrate && referenceData) await syncReferenceData(store.knex);
  return {
    ...store,
    async dispose() {
      await store.close();
      await dropSchema?.();
    },
  };
}
