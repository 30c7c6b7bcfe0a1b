import type { Knex } from 'knex';

type Reads<T extends readonly unknown[]> = { [K in keyof T]: () => Promise<T[K]> };

/**
 * Independent reads, at once where they can be: on the pool each takes its own connection, inside a transaction
 * (one connection) they run one after another. pg queues a query sent while another runs on the same client, warns
 * that it is deprecated, and will stop doing it in pg 9; SQLite runs one statement at a time either way.
 */
export async function readTogether<T extends readonly unknown[]>(db: Knex, ...reads: Reads<T>): Promise<T> {
  if (!db.isTransaction) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}
