import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../gateway/app.js';
import type { Dialect } from '../../gateway/store/connect.js';
import { createApiKey } from '../../gateway/store/repositories/api-keys.js';
import type { Role } from '../../schemas/types/index.js';
import { openTestStore, type TestStore } from './dialects.js';

export interface TestApp {
  app: FastifyInstance;
  store: TestStore;
  /** A fresh API key's `Authorization` header for the role and region. */
  authAs(role: Role, regionCode: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** The app on a fresh, migrated store with the reference data loaded; no port. */
export async function buildTestApp(dialect: Dialect): Promise<TestApp> {
  const store = await openTestStore(dialect);
  const app = await buildApp({ store });
  return {
    app,
    store,
    async authAs(role, regionCode) {
      const { secret } = await createApiKey(store.knex, { role, regionCode, label: `test ${role} ${regionCode}` });
      return { authorization: `Bearer ${secret}` };
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}
