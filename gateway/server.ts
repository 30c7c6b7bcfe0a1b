import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadFeedCatalogue } from '../adapters/kit/feed-mappings.js';
import { maskIdNumbersInUrl } from './access/masking.js';
import { buildApp } from './app.js';
import { activeSigningKey } from './audit/checkpoint-keys.js';
import { createAuditCheckpointer } from './audit/checkpoints.js';
import { loadRuleSet } from './engine/rule-set.js';
import type { Config } from './config.js';
import { createGatewayDeliveryQueue } from './deliveries/gateway-queue.js';
import type { DeliveryQueue } from './deliveries/delivery-queue.js';
import type { Exchange } from './keystore/exchange.js';
import type { Store } from './store/connect.js';

/**
 * The only place that listens. Signs audit checkpoints while it runs; on SIGINT/SIGTERM lets requests in flight
 * finish, signs the head and closes the store.
 */
export async function startServer(config: Config, store: Store, exchange: Exchange): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    store,
    exchange,
    rules: loadRuleSet(config.rulesFile),
    feeds: loadFeedCatalogue({ deploymentDir: config.feedsDir }),
    trustProxy: config.trustProxy,
    logger: serverLoggerOptions(config.logLevel),
  });
  const url = await app.listen({ host: config.host, port: config.port });
  const deliveries = startDeliveryRounds(createGatewayDeliveryQueue(store, exchange), app.log);
  // A rotation elsewhere (jiuzhu keys rotate-data-key) makes a new field key; this process takes it up within the interval.
  const stopRefreshingKeys = store.keyring.startRefreshing(config.exchange.dataKeyRefreshSeconds * 1000, (error) => app.log.error({ err: error }, 'could not reread the data keys'));
  const checkpoints = createAuditCheckpointer({ knex: store.knex, signingKey: activeSigningKey(exchange.ownKeys, store.knex), log: app.log });
  checkpoints.start();
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    stopRefreshingKeys();
    await deliveries.stop();
    await app.close();
    // After the requests in flight have written their entries, so the last checkpoint covers them.
    await checkpoints.stop().catch((error: unknown) => app.log.error({ err: error }, 'audit checkpoint at shutdown failed'));
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  return { app, url };
}

/**
 * What the server logs of a request: method, URL with any ID number masked (GET /v1/persons/{idNumber} carries one),
 * host and client address — no headers, so no API key. `stream` is for tests that read the log.
 */
export function serverLoggerOptions(level: string, stream?: { write(line: string): void }) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: maskIdNumbersInUrl(request.url), host: request.host, remoteAddress: request.ip }),
    },
  };
}

/**
 * Sends what is due once a minute. Several gateway processes may run this at once: the queue leases each
 * delivery, so none is sent twice. A round that fails is logged and the next one tries again.
 */
function startDeliveryRounds(queue: DeliveryQueue, log: FastifyInstance['log'], intervalMs = 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = queue.runDue().then(
      (result) => {
        if (result.delivered.length + result.retrying.length + result.dead.length > 0) log.info({ deliveries: result }, 'delivery round');
      },
      (error: unknown) => log.error({ err: error }, 'delivery round failed'),
    );
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
