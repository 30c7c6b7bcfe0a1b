import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { readAuditHead } from '../../store/repositories/audit-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: GatewayMetrics;
  }
}

/** What one import through the API did, as the import answers it. */
export interface ImportOutcome {
  accepted: number;
  rejected: number;
  skipped: number;
  duplicate: boolean;
  dryRun: boolean;
}

export interface GatewayMetrics {
  registry: Registry;
  /** An upload that became a batch, a duplicate of one, or a dry run; its rows by what became of them. */
  countImport(feed: string, outcome: ImportOutcome): void;
  /** An upload whose file was refused whole (unreadable, wrong layout): no batch. */
  countRefusedImport(feed: string): void;
  /** Runs a comparison, counting it and timing it whether it succeeds or fails. */
  timeComparisonRun<T>(mode: string, run: () => Promise<T>): Promise<T>;
  /** The exposition text for a scrape; the first scrape also starts the process metrics. */
  scrape(): Promise<string>;
}

/** Label for a request no route matched (404s): never the raw URL, which may hold an ID number and is unbounded. */
export const unmatchedRoute = '(unmatched)';

/**
 * Prometheus metrics, one registry per app (tests build many apps in one process; a global registry would refuse the
 * second). Counters count what passes through this process — imports and comparison runs started with the CLI run in
 * another process and are not in them; the figures every process shares (deliveries waiting or dead, the audit
 * chain's head) are read from the store at scrape time, so any gateway process reports them whole.
 */
export default fp(
  async function metrics(fastify: FastifyInstance) {
    const registry = new Registry();
    const requests = new Counter({
      name: 'jiuzhu_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status_code'] as const, registers: [registry],
    });
    const latency = new Histogram({
      name: 'jiuzhu_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'route', 'status_code'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120], registers: [registry],
    });
    const importBatches = new Counter({
      name: 'jiuzhu_import_batches_total', help: 'Feed uploads through this process, by feed and outcome (imported, duplicate, dry-run, refused)', labelNames: ['feed', 'outcome'] as const, registers: [registry],
    });
    const importRows = new Counter({
      name: 'jiuzhu_import_rows_total', help: 'Rows of feed uploads imported through this process (dry runs excluded), by feed and outcome (accepted, rejected, skipped)',
      labelNames: ['feed', 'outcome'] as const, registers: [registry],
    });
    const comparisonRuns = new Counter({
      name: 'jiuzhu_comparison_runs_total', help: 'Comparison runs started through this process, by mode and outcome (ok, failed)', labelNames: ['mode', 'outcome'] as const, registers: [registry],
    });
    const comparisonDuration = new Histogram({
      name: 'jiuzhu_comparison_run_duration_seconds', help: 'Duration of comparison runs started through this process, by mode',
      labelNames: ['mode'] as const, buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 180, 600, 1800], registers: [registry],
    });
    const knex = () => fastify.store.knex;
    const deliveryCount = async (status: string) => Number((await knex()('deliveries').where('status', status).count({ n: '*' }).first())?.n ?? 0);
    new Gauge({
      name: 'jiuzhu_deliveries_pending', help: 'Deliveries queued and not delivered yet (read from the store at scrape time)', registers: [registry],
      async collect() {
        this.set(await deliveryCount('queued'));
      },
    });
    new Gauge({
      name: 'jiuzhu_deliveries_dead_lettered', help: 'Deliveries given up after their last attempt, waiting for `jiuzhu deliveries replay` (read from the store)', registers: [registry],
      async collect() {
        this.set(await deliveryCount('dead'));
      },
    });
    new Gauge({
      name: 'jiuzhu_audit_chain_head_seq', help: 'Position of the last entry of the audit chain (read from the store); it only grows', registers: [registry],
      async collect() {
        this.set((await readAuditHead(knex()))?.seq ?? 0);
      },
    });
    let processMetricsStarted = false;

    fastify.addHook('onResponse', async (request, reply) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? unmatchedRoute, status_code: String(reply.statusCode) };
      requests.inc(labels);
      latency.observe(labels, reply.elapsedTime / 1000);
    });

    fastify.decorate('metrics', {
      registry,
      countImport(feed, outcome) {
        importBatches.inc({ feed, outcome: outcome.dryRun ? 'dry-run' : outcome.duplicate ? 'duplicate' : 'imported' });
        if (outcome.dryRun || outcome.duplicate) return;
        importRows.inc({ feed, outcome: 'accepted' }, outcome.accepted);
        importRows.inc({ feed, outcome: 'rejected' }, outcome.rejected);
        importRows.inc({ feed, outcome: 'skipped' }, outcome.skipped);
      },
      countRefusedImport(feed) {
        importBatches.inc({ feed, outcome: 'refused' });
      },
      async timeComparisonRun(mode, run) {
        const stop = comparisonDuration.startTimer({ mode });
        try {
          const result = await run();
          comparisonRuns.inc({ mode, outcome: 'ok' });
          return result;
        } catch (error) {
          comparisonRuns.inc({ mode, outcome: 'failed' });
          throw error;
        } finally {
          stop();
        }
      },
      async scrape() {
        // Started at the first scrape, not when the app is built: each start adds a GC observer and an event-loop
        // monitor to the process for good, and tests build hundreds of apps that nobody scrapes.
        if (!processMetricsStarted) {
          collectDefaultMetrics({ register: registry });
          processMetricsStarted = true;
        }
        return registry.metrics();
      },
    } satisfies GatewayMetrics);
  },
  { name: 'metrics', dependencies: ['store'] },
);
