import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { createExchange } from './keystore/exchange.js';
import { loadMasterKey } from './keystore/master-key.js';
import type { Store } from './store/connect.js';

/** The only place that listens. Closes the app and the store on SIGINT/SIGTERM, letting requests in flight finish. */
export async function startServer(config: Config, store: Store): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    store,
    exchange: createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) }),
    logger: {
      level: config.logLevel,
      // Authorization headers carry API keys; never log them.
      redact: ['req.headers.authorization'],
    },
  });
  const url = await app.listen({ host: config.host, port: config.port });
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  return { app, url };
}
