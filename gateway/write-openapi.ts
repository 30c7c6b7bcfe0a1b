/**
 * Writes openapi.yaml from the route schemas (`npm run openapi`). The document is built by the same app
 * that serves requests, on a throw-away in-memory store; test/gateway/openapi.test.ts fails when the
 * checked-in file differs.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { exchangeConfigFrom } from './config.js';
import { createExchange } from './keystore/exchange.js';
import { projectPath } from './project-files.js';
import { openMigratedStore } from './store/open-store.js';

export const openapiFile = projectPath('openapi.yaml');

export async function renderOpenapi(): Promise<string> {
  const masterKey = randomBytes(32);
  const exchange = exchangeConfigFrom({ JIUZHU_MASTER_KEY: masterKey.toString('hex') });
  const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: ':memory:' }, exchange });
  const app = await buildApp({ store, exchange: createExchange({ knex: store.knex, config: exchange, masterKey }) });
  try {
    return app.swagger({ yaml: true });
  } finally {
    await app.close();
    await store.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(openapiFile, await renderOpenapi());
  console.log(`wrote ${openapiFile}`);
}
