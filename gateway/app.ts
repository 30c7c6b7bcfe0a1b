import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { defaultCaseworkSettings, type CaseworkSettings } from './casework/casework-settings.js';
import { defaultOverdueContext } from './supervision/overdue-items.js';
import { loadRuleSet, type LoadedRuleSet } from './engine/rule-set.js';
import { loadFilingProgrammes, type FilingProgrammes } from './filing/filing-programme.js';
import type { Exchange } from './keystore/exchange.js';
import { loadFeedCatalogue, type FeedCatalogue } from '../adapters/kit/feed-mappings.js';
import type { Store } from './store/connect.js';
import auditPlugin from './plugins/app/audit.js';
import exchangePlugin from './plugins/app/exchange.js';
import authPlugin from './plugins/app/auth.js';
import problemDetailsPlugin, { clientErrorHandler, frameworkErrorHandler } from './plugins/app/problem-details.js';
import strictInputPlugin from './plugins/app/strict-input.js';
import schemasPlugin from './plugins/app/schemas.js';
import { buildResponseSerializer } from './plugins/app/response-serializer.js';
import storePlugin from './plugins/app/store.js';
import metricsPlugin from './plugins/app/metrics.js';
import requestIdPlugin, { requestIdOf } from './plugins/app/request-id.js';
import swaggerPlugin from './plugins/external/swagger.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import batchRoutes from './routes/batches.js';
import comparisonRoutes from './routes/comparisons.js';
import feedRoutes from './routes/feeds.js';
import householdRoutes from './routes/households.js';
import personRoutes from './routes/persons.js';
import regionRoutes from './routes/regions.js';
import indexRoutes from './routes/indices.js';
import warningRoutes from './routes/warnings.js';
import reportRoutes from './routes/reports.js';
import selfCheckRoutes from './routes/self-check.js';
import payrollRoutes from './routes/payroll.js';
import statisticsRoutes from './routes/statistics.js';
import discoveryRoutes from './routes/discoveries.js';
import visitRoutes from './routes/visits.js';
import oversightRosterRoutes from './routes/oversight-rosters.js';
import referralRoutes from './routes/referrals.js';
import applicationRoutes from './routes/applications.js';
import periodicCheckRoutes from './routes/periodic-checks.js';
import progressRoutes from './routes/progress.js';
import progressFormRoutes from './routes/progress-forms.js';
import liaisonRoutes from './routes/liaisons.js';
import summaryRoutes from './routes/summaries.js';
import supervisionRoutes from './routes/supervision.js';
import spotCheckRoutes from './routes/spot-checks.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the test that proves no route skips auth. */
    routeTable: readonly { method: string; url: string }[];
  }
}

export interface AppOptions {
  store: Store;
  exchange: Exchange;
  /** The feeds uploads are imported by (packaged, and the deployment's JIUZHU_FEEDS_DIR); the packaged ones unless given. */
  feeds?: FeedCatalogue;
  /** The comparison rules; config/rules/default.json unless given. */
  rules?: LoadedRuleSet;
  /** Casework time limits, the 一城通办 schemes and the holiday calendar; config/time-limits/default.json unless given. */
  casework?: CaseworkSettings;
  /** The filing programmes; config/filing/*.json unless given. */
  filingProgrammes?: FilingProgrammes;
  /** The clock (tests pin it); "today" is its date in Asia/Shanghai. */
  now?: () => Date;
  logger?: FastifyServerOptions['logger'] & object;
  /** Which proxies' X-Forwarded-For to believe for the client address (fastify `trustProxy`); none by default. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Failed authentications allowed per client address a minute before 429 (default 20). */
  authFailureLimit?: number;
}

/**
 * The whole API as one fastify instance, without a port: tests call inject(), server.ts listens.
 * Plugins load third-party first (documentation), then ours (store, problems, auth, audit), then routes.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { logger: options.logger } : {}),
    bodyLimit: 5 * 1024 * 1024,
    genReqId: requestIdOf,
    trustProxy: options.trustProxy ?? false,
    // Errors raised before any hook runs (a bad URL, an over-long parameter, a header Node's parser refuses)
    // still leave as problem+json.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: {
      // @fastify/ajv-compiler already adds ajv-formats (date, date-time).
      // Reject unknown properties instead of silently dropping them, and report every failing field at once.
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true },
    },
    schemaController: { compilersFactory: { buildSerializer: buildResponseSerializer } },
  });
  const routeTable: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url });
  });
  app.decorate('routeTable', routeTable);
  // First, so every answer carries X-Request-Id and is counted, whichever hook refuses it.
  await app.register(requestIdPlugin);
  await app.register(schemasPlugin);
  await app.register(swaggerPlugin);
  await app.register(storePlugin, { store: options.store });
  await app.register(metricsPlugin);
  await app.register(problemDetailsPlugin);
  await app.register(authPlugin, { failureLimit: options.authFailureLimit, now: options.now });
  await app.register(strictInputPlugin);
  await app.register(auditPlugin);
  await app.register(exchangePlugin, { exchange: options.exchange });
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(regionRoutes);
  await app.register(householdRoutes);
  await app.register(personRoutes);
  await app.register(feedRoutes, { feeds: options.feeds ?? loadFeedCatalogue() });
  await app.register(batchRoutes);
  // The monitoring configuration is read once here and shared, not once per route file.
  const rules = options.rules ?? loadRuleSet();
  const casework = options.casework ?? defaultCaseworkSettings();
  const { now } = options;
  await app.register(comparisonRoutes, { rules, now });
  await app.register(indexRoutes, { now });
  await app.register(warningRoutes, { now: now ?? (() => new Date()), calendar: casework.calendar });
  await app.register(statisticsRoutes, { now });
  await app.register(reportRoutes, { now });
  await app.register(selfCheckRoutes, { now });
  await app.register(payrollRoutes, { now });
  await app.register(discoveryRoutes, { rules, now });
  await app.register(visitRoutes, { rules, calendar: casework.calendar, now });
  await app.register(oversightRosterRoutes, { now });
  await app.register(referralRoutes, { settings: casework, now });
  await app.register(applicationRoutes, { settings: casework, now });
  await app.register(periodicCheckRoutes, { settings: casework, now });
  const filing = { programmes: options.filingProgrammes ?? loadFilingProgrammes(), now: now ?? (() => new Date()) };
  await app.register(progressRoutes, filing);
  await app.register(progressFormRoutes, filing);
  await app.register(liaisonRoutes, filing);
  await app.register(summaryRoutes, filing);
  await app.register(supervisionRoutes, { context: { ...defaultOverdueContext(rules, filing.programmes), settings: casework }, now });
  await app.register(spotCheckRoutes, { now });
  await app.ready();
  return app;
}
