import { exchangeConfigFrom, type Config, type DatabaseConfig } from '../../gateway/config.js';

/**
 * The benchmark's stores are built by one process and compared by another, so they share one master key: a fixed one,
 * as a deployment's is, here written into the code since the data is generated and belongs to nobody.
 */
export const benchMasterKeyHex = 'a5'.repeat(32);

export function benchStoreConfig(database: DatabaseConfig): Pick<Config, 'database' | 'exchange'> {
  return { database, exchange: exchangeConfigFrom({ JIUZHU_MASTER_KEY: benchMasterKeyHex }) };
}
