import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTogether } from '../../gateway/store/reads-together.js';
import { dialects, openTestConnection, type TestConnection } from '../helpers/dialects.js';

/** The most of the test's reads (`… AS n`) `knex` had sent and not yet had answered at once while `work` ran. */
async function mostInFlight(knex: Knex, work: () => Promise<unknown>): Promise<number> {
  let inFlight = 0;
  let most = 0;
  // BEGIN and COMMIT are announced but never answered through these events: only the reads are counted.
  const ours = (query: { sql?: string }) => / AS n\b/.test(query.sql ?? '');
  const sent = (query: { sql?: string }) => ours(query) && (most = Math.max(most, ++inFlight));
  const answered = (_error: unknown, query: { sql?: string }) => ours(query) && (inFlight -= 1);
  knex.on('query', sent).on('query-response', answered).on('query-error', answered);
  try {
    await work();
  } finally {
    knex.removeListener('query', sent).removeListener('query-response', answered).removeListener('query-error', answered);
  }
  return most;
}

describe.each(dialects)('readTogether (%s)', (dialect) => {
  let store: TestConnection;
  beforeAll(async () => {
    store = await openTestConnection(dialect, { referenceData: false });
  });
  afterAll(async () => store.dispose());

  // Long enough that, on a loaded machine, the pool has opened its third connection and sent the third read before the
  // first is answered (at 0.05 s a CI pass once saw only two in flight).
  const slow = dialect === 'pg' ? 'SELECT 1 AS n FROM pg_sleep(0.4)' : 'SELECT 1 AS n';
  const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows);

  it('gives each read its own result, in the order asked, on the pool and inside a transaction', async () => {
    const [one, two] = await readTogether(store.knex, () => store.knex.raw(slow), () => store.knex.raw('SELECT 2 AS n'));
    expect([rowsOf(one), rowsOf(two)]).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    await store.knex.transaction(async (trx) => {
      const [first, second] = await readTogether(trx, () => trx.raw(slow), () => trx.raw('SELECT 2 AS n'));
      expect([rowsOf(first), rowsOf(second)]).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    });
  });

  // pg queues a query sent on a busy client, warns that this is deprecated, and will refuse it in pg 9.
  it('sends a transaction its reads one at a time, and the pool its reads at once', async () => {
    const three = (db: Knex) => [() => db.raw(slow), () => db.raw(slow), () => db.raw('SELECT 2 AS n')] as const;
    expect(await mostInFlight(store.knex, () => store.knex.transaction((trx) => readTogether(trx, ...three(trx))))).toBe(1);
    expect(await mostInFlight(store.knex, () => store.knex.transaction((trx) => Promise.all(three(trx).map((read) => read()))))).toBe(3);
    expect(await mostInFlight(store.knex, () => readTogether(store.knex, ...three(store.knex)))).toBe(dialect === 'pg' ? 3 : 1);
  });
});
