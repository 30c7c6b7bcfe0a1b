import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../gateway/config.js';
import type { Store } from '../../gateway/store/connect.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { benchStoreConfig } from './bench-keys.js';
import { storeInClear } from './clear-keyring.js';
import { freshPgSchema } from './pg-schema.js';

/**
 * A new, migrated store for one benchmark case: a SQLite file in a temp dir, or a throw-away PostgreSQL schema. With
 * `clear`, its personal fields are written in clear (clear-keyring.ts): the baseline that encryption is measured against.
 */
export async function openFreshBenchStore(dialect: string, options: { clear?: boolean } = {}): Promise<{ store: Store; dispose(): Promise<void> }> {
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
  const { store: opened } = await openMigratedStore(benchStoreConfig(database));
  const store = options.clear ? storeInClear(opened) : opened;
  return {
    store,
    async dispose() {
      await store.close();
      await cleanup();
    },
  };
}
