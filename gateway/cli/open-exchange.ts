import { commandLineActor } from '../access/actor.js';
import { loadConfig } from '../config.js';
import { createExchange, type Exchange } from '../keystore/exchange.js';
import { loadMasterKey } from '../keystore/master-key.js';
import type { Store } from '../store/connect.js';
import { recordAudit, type AuditRecord } from '../store/repositories/audit-log.js';
import { openCommandStore } from './command-store.js';

/** Runs a command against the configured store and keystore, closing the store whatever happens. */
export async function withExchange<T>(work: (exchange: Exchange, store: Store, audit: (record: AuditRecord) => Promise<number>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { store } = await openCommandStore(config);
  try {
    const exchange = createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) });
    return await work(exchange, store, (record) => recordAudit(store.knex, commandLineActor(), record));
  } finally {
    await store.close();
  }
}
