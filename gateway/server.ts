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
 * The only place that listens. Signs audit checkpoints while it runs; on SIGINT/SIGTERM stops accepting, lets requests
 * in flight finish — for at most JIUZHU_SHUTDOWN_SECONDS (shutdownDeadline) — signs the head and closes the store. A
 * second signal during shutdown is not caught, and ends the process at once.
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
    app.log.info({ signal, deadlineSeconds: config.shutdownSeconds }, 'shutting down');
    const deadline = shutdownDeadline(app, config.shutdownSeconds);
    try {
      stopRefreshingKeys();
      // Stops accepting at once; a delivery round under way (a partner's slow endpoint) finishes meanwhile.
      await Promise.all([app.close(), deliveries.stop()]);
      // After the requests in flight have written their entries, so the last checkpoint covers them.
      await checkpoints.stop().catch((error: unknown) => app.log.error({ err: error }, 'audit checkpoint at shutdown failed'));
      await store.close();
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    deadline.clear();
    process.exit(deadline.passed ? 1 : 0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  return { app, url };
}

/** Once the connections are closed, the rest of shutdown (audit checkpoint, store) gets this long before the process exits anyway. */
const afterDeadlineGraceMs = 3_000;

/**
 * The shutdown deadline. A client that never finishes its request (an upload trickling in, a stalled proxy) would
 * hold app.close() for ever and leave the service manager to SIGKILL us, with no checkpoint signed and nothing
 * logged; so when the deadline passes, the connections still open are closed (their requests fail, and roll back),
 * which is logged, the rest of shutdown gets a short grace, and the process exits with status 1.
 */
function shutdownDeadline(app: FastifyInstance, seconds: number): { readonly passed: boolean; clear(): void } {
  let passed = false;
  let grace: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    passed = true;
    app.log.error({ deadlineSeconds: seconds }, 'shutdown deadline passed: closing the connections still open');
    app.server.closeAllConnections();
    grace = setTimeout(() => {
      app.log.error({ graceSeconds: afterDeadlineGraceMs / 1000 }, 'shutdown still not finished after the connections were closed: exiting');
      process.exit(1);
    }, afterDeadlineGraceMs);
  }, seconds * 1000);
  return {
    get passed() {
      return passed;
    },
    clear() {
      clearTimeout(timer);
      clearTimeout(grace);
    },
  };
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
