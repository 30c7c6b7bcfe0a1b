import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../gateway/app.js';
import { exchangeConfigFrom, type ExchangeConfig } from '../../gateway/config.js';
import { createExchange, type Exchange } from '../../gateway/keystore/exchange.js';
import type { Dialect } from '../../gateway/store/connect.js';
import { createApiKey } from '../../gateway/store/repositories/api-keys.js';
import type { Role } from '../../schemas/types/index.js';
import { openTestStore, type TestStore } from './dialects.js';

export interface TestApp {
  app: FastifyInstance;
  store: TestStore;
  exchange: Exchange;
  /** A fresh API key's `Authorization` header for the role and region (and, for a liaison officer, the filing unit). */
  authAs(role: Role, regionCode: string, unitCode?: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

export const testPartyId = 'jiuzhu-test';

/** The app on a fresh, migrated store with the reference data loaded; no port. */
/**
 * `authFailureLimit`: failed authentications per client address a minute before 429. Every injected request comes
 * from 127.0.0.1, so tests that send many bad keys on purpose would trip the real limit (20); it is out of the way
 * unless a test sets it.
 */
export async function buildTestApp(
  dialect: Dialect,
  options: { now?: () => Date; exchange?: Partial<ExchangeConfig>; authFailureLimit?: number; logger?: AppOptions['logger']; filingProgrammes?: AppOptions['filingProgrammes']; casework?: AppOptions['casework']; feeds?: AppOptions['feeds']; trustProxy?: AppOptions['trustProxy'] } = {},
): Promise<TestApp> {
  const store = await openTestStore(dialect);
  const exchange = createExchange({
    knex: store.knex,
    config: { ...exchangeConfigFrom({ JIUZHU_PARTY_ID: testPartyId }), ...options.exchange },
    masterKey: store.masterKey,
    now: options.now,
  });
  const app = await buildApp({
    store, exchange, now: options.now, authFailureLimit: options.authFailureLimit ?? 1_000_000, logger: options.logger, filingProgrammes: options.filingProgrammes, casework: options.casework, feeds: options.feeds, trustProxy: options.trustProxy,
  });
  return {
    app,
    store,
    exchange,
    async authAs(role, regionCode, unitCode) {
      const { secret } = await createApiKey(store.knex, { role, regionCode, unitCode, label: `test ${role} ${regionCode}${unitCode ? ` ${unitCode}` : ''}` });
      return { authorization: `Bearer ${secret}` };
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}
