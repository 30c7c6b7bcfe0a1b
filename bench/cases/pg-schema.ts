import { randomBytes } from 'node:crypto';
import { createStore } from '../../gateway/store/connect.js';

/** A throw-away schema on BENCH_PG_URL (or TEST_PG_URL, or the local test database). */
export async function freshPgSchema(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const url = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `jiuzhu_bench_${randomBytes(4).toString('hex')}`;
  const admin = createStore({ client: 'pg', connectionString: url });
  await admin.knex.raw(`CREATE SCHEMA ${name}`);
  await admin.close();
  return {
    url,
    name,
    async drop() {
      const cleaner = createStore({ client: 'pg', connectionString: url });
      await cleaner.knex.raw(`DROP SCHEMA ${name} CASCADE`);
      await cleaner.close();
    },
  };
}
