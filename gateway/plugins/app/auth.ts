import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../access/actor.js';
import { ProblemError } from '../../errors.js';
import { findActiveApiKey } from '../../store/repositories/api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route; reading it elsewhere is a bug. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Only /health and the API documentation are public. */
    public?: boolean;
  }
}

/** Swagger UI serves its page and assets under this prefix; they hold no data. */
export const docsPrefix = '/docs';

/**
 * API keys (`Authorization: Bearer KEY`), looked up by their SM3 digest. Runs for every route, including
 * unknown URLs, unless the route is marked public — so a route added later cannot forget auth.
 */
export default fp(
  async function auth(fastify: FastifyInstance) {
    fastify.decorateRequest('actor', null);
    fastify.addHook('onRequest', async (request: FastifyRequest) => {
      if (isPublic(request)) return;
      const secret = bearerToken(request.headers.authorization);
      if (!secret) throw new ProblemError('unauthenticated', 'send an API key as "Authorization: Bearer KEY"');
      const key = await findActiveApiKey(fastify.store.knex, secret);
      if (!key) throw new ProblemError('unauthenticated', 'the API key is unknown or revoked');
      request.actor = { keyId: key.id, role: key.role, regionCode: key.regionCode, label: key.label, requestId: request.id };
    });
  },
  { name: 'auth', dependencies: ['store', 'problem-details'] },
);

function isPublic(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.public === true) return true;
  const route = request.routeOptions.url;
  return route !== undefined && (route === docsPrefix || route.startsWith(`${docsPrefix}/`));
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The actor of an authenticated route; throws if a route somehow ran without one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new ProblemError('unauthenticated', 'no API key');
  return request.actor;
}
