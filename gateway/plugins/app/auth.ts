import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../access/actor.js';
import { isLoopbackClient } from '../../access/loopback-client.js';
import { createAuthFailureTracker, describeAuthFailures, type AuthFailureTracker } from '../../access/auth-failures.js';
import { requireCapability, type Capability } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import { findActiveApiKey } from '../../store/repositories/api-keys.js';
import { recordAudit } from '../../store/repositories/audit-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; reading it elsewhere is a bug. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Only /health, /ready and the API documentation are public. */
    public?: boolean;
    /** Open without a key to a client on this machine (/metrics, for a local Prometheus); others need `access`. */
    openToLoopback?: boolean;
    /** The capability a route needs (role-policy.ts). Every route but the public ones declares one, or the app does not start. */
    access?: Capability;
  }
}

/** Swagger UI serves its page and assets under this prefix; they hold no data. */
export const docsPrefix = '/docs';

export interface AuthOptions {
  /** Failed authentications allowed per client address and window before it gets 429 (default 20 a minute). */
  failureLimit?: number;
  failureWindowMs?: number;
  now?: () => Date;
}

/**
 * API keys (`Authorization: Bearer KEY`), looked up by their SM3 digest. Runs for every route, including unknown
 * URLs, unless the route is public — so a route added later cannot forget auth — and then checks the route's
 * capability against the key's role, all before the body is read or validated: a key whose role may not use a
 * route learns nothing of what that route accepts.
 *
 * Failed attempts are counted per client address (auth-failures.ts): too many and the address gets 429 for the
 * rest of the window, and each window's failures become one audit line, written once a minute and at close.
 */
export default fp(
  async function auth(fastify: FastifyInstance, options: AuthOptions) {
    const failures: AuthFailureTracker = createAuthFailureTracker({
      limit: options.failureLimit ?? 20,
      windowMs: options.failureWindowMs ?? 60_000,
      now: options.now,
    });
    const writeSummaries = async (everything: boolean) => {
      for (const summary of failures.takeSummaries(everything)) {
        await recordAudit(fastify.store.knex, null, { action: 'auth.failed', outcome: 'denied', detail: describeAuthFailures(summary) });
      }
    };
    const timer = setInterval(() => {
      writeSummaries(false).catch((error: unknown) => fastify.log.error({ err: error }, 'could not write the failed-authentication summary'));
    }, 60_000);
    timer.unref();
    fastify.addHook('onClose', async () => {
      clearInterval(timer);
      await writeSummaries(true);
    });

    fastify.addHook('onRoute', (route) => {
      if (route.config?.public === true || route.url === docsPrefix || route.url.startsWith(`${docsPrefix}/`)) return;
      if (!route.config?.access) throw new Error(`route ${[route.method].flat().join(',')} ${route.url} declares no access capability (config.access)`);
    });

    fastify.decorateRequest('actor', null);
    fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (isPublic(request)) return;
      const retryAfter = failures.refusal(request.ip);
      if (retryAfter > 0) {
        reply.header('retry-after', String(retryAfter));
        throw new ProblemError('too-many-requests', `too many failed authentications from this address; try again in ${retryAfter} s`);
      }
      const secret = bearerToken(request.headers.authorization);
      if (secret === undefined) {
        failures.recordFailure(request.ip, request.headers.authorization === undefined ? 'no key' : 'malformed Authorization header');
        throw new ProblemError('unauthenticated', 'send an API key as "Authorization: Bearer KEY"');
      }
      const key = await findActiveApiKey(fastify.store.knex, secret);
      if (!key) {
        failures.recordFailure(request.ip, 'unknown or revoked key');
        throw new ProblemError('unauthenticated', 'the API key is unknown or revoked');
      }
      request.actor = { keyId: key.id, role: key.role, regionCode: key.regionCode, unitCode: key.unitCode, label: key.label, requestId: request.id };
      const access = request.routeOptions.config?.access;
      if (access) requireCapability(request.actor, access);
    });
  },
  { name: 'auth', dependencies: ['store', 'problem-details'] },
);

function isPublic(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.public === true) return true;
  if (request.routeOptions.config?.openToLoopback === true && isLoopbackClient(request)) return true;
  const route = request.routeOptions.url;
  return route !== undefined && (route === docsPrefix || route.startsWith(`${docsPrefix}/`));
}

/** The key of `Bearer KEY`; undefined for anything else (no header, another scheme, spaces inside the key). */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The actor of an authenticated route; throws if a route somehow ran without one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ProblemError('unauthenticated', 'no API key');
  return request.actor;
}
