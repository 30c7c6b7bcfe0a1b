import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const requestIdHeader = 'x-request-id';

/**
 * What an incoming X-Request-Id may be to be kept: what proxies and tracing tools send (UUIDs, hex trace ids, base64url
 * tokens), with nothing that could split a log line or smuggle markup into it. At most 40 characters, because the audit
 * log keeps the id in a column of that width (migration 001): a UUID is 36, a W3C trace id 32.
 */
export const longestRequestId = 40;
const wellFormedRequestId = new RegExp(`^[A-Za-z0-9._:+=@/-]{1,${longestRequestId}}$`);

/**
 * The request id (fastify option `genReqId`): a well-formed X-Request-Id the client or a proxy sent, so one request can
 * be followed from the proxy's log into ours; otherwise a fresh UUID. A header sent twice, or one that fails the
 * pattern, is not echoed back: a fresh id is made.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  return typeof incoming === 'string' && wellFormedRequestId.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * Every answer carries X-Request-Id — errors, 401s and 404s included — set before any other hook can refuse the
 * request, so what a client reports can be found in the log under the same id.
 */
export default fp(
  async function requestId(fastify: FastifyInstance) {
    fastify.addHook('onRequest', async (request, reply) => {
      reply.header(requestIdHeader, request.id);
    });
  },
  { name: 'request-id' },
);
