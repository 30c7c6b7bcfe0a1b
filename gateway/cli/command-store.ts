import { activeSigningKey } from '../audit/checkpoint-keys.js';
import { createAuditCheckpointer } from '../audit/checkpoints.js';
import { loadConfig, type Config } from '../config.js';
import { createExchange } from '../keystore/exchange.js';
import { loadMasterKey } from '../keystore/master-key.js';
import type { Store } from '../store/connect.js';
import { openMigratedStore, type OpenStoreOptions } from '../store/open-store.js';
import { readAuditHead } from '../store/repositories/audit-log.js';
import { exitStatus } from './cli-failure.js';
import { note } from './output.js';

/**
 * Opens the configured store for a command — every one but `migrate`, which appends nothing, and `serve`, whose
 * server signs on its own. Closing it signs an audit checkpoint when the command appended entries, so what a
 * command did is covered by a signature as it ends, not only when a server next signs. Only the commands that set a
 * store up (`seed`, `demo`) pass `create`; every other one refuses a store that is not there (exit status 3).
 */
export async function openCommandStore(config: Config = loadConfig(), options: OpenStoreOptions = {}): Promise<{ store: Store; applied: string[] }> {
  const { store, applied } = await openMigratedStore(config, { create: options.create ?? false });
  let headAtOpen: number;
  try {
    headAtOpen = (await readAuditHead(store.knex))?.seq ?? 0;
  } catch (error) {
    await store.close();
    throw error;
  }
  const close = async () => {
    try {
      if (((await readAuditHead(store.knex))?.seq ?? 0) > headAtOpen) {
        const { ownKeys } = createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) });
        await createAuditCheckpointer({ knex: store.knex, signingKey: activeSigningKey(ownKeys, store.knex) }).checkpoint();
      }
    } catch (error) {
      // The entries are in the chain either way; the next command or a running server signs them.
      note(`jiuzhu: this command's audit entries are not signed yet: ${(error as Error).message}`);
      process.exitCode ||= exitStatus.keys;
    } finally {
      await store.close();
    }
  };
  return { store: { ...store, close }, applied };
}

/** Runs `work` on the configured store, then closes it (signing the command's audit entries) whether or not work threw. */
export async function withCommandStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const { store } = await openCommandStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
