import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../gateway/config.js';
import type { Store } from '../../gateway/store/connect.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { freshPgSchema } from './pg-schema.js';

/** A new, migrated store for one benchmark case: a SQLite file in a temp dir, or a throw-away PostgreSQL schema. */
export async function openFreshBenchStore(dialect: string): Promise<{ store: Store; dispose(): Promise<void> }> {
  let database: DatabaseConfig;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-bench-'));
    database = { client: 'sqlite', filename: join(dir, 'bench.db') };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = await freshPgSchema();
    database = { client: 'pg', connectionString: schema.url, searchPath: schema.name };
    cleanup = schema.drop;
  }
  const { store } = await openMigratedStore(database);
  return {
    store,
    async dispose() {
      await store.close();
      await cleanup();
    },
  };
}
