import type { FastifyInstance } from 'fastify';
import { checkReadiness } from '../operations/readiness.js';
import { problemResponses } from '../plugins/app/schemas.js';

const readinessAnswer = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not-ready'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'ok', 'detail'],
        properties: {
          name: { type: 'string', enum: ['database', 'migrations', 'keys'] },
          ok: { type: 'boolean' },
          detail: { type: 'string', description: 'What was found; for a failed check, what to do about it' },
        },
      },
    },
  },
} as const;

/**
 * Liveness and readiness, for a service manager and a load balancer, without a key. /health answers as long as the
 * process runs its event loop — it reads nothing, so a database outage does not get a healthy process restarted;
 * /ready says whether it can do its work now.
 */
export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', {
    config: { public: true },
    schema: {
      operationId: 'getHealth',
      summary: 'Liveness: the process answers (no key needed; reads nothing, see /ready)',
      description:
        'Answers 200 while the process runs its event loop, without reading the database, so a service manager restarts only a hung process; needs no key and writes nothing to the audit log. GET /ready says whether the gateway can do its work.',
      tags: ['system'],
      security: [],
      response: {
        200: {
          description: 'The process runs',
          type: 'object',
          additionalProperties: false,
          required: ['status', 'database'],
          properties: {
            status: { type: 'string', enum: ['ok'] },
            database: { type: 'string', enum: ['sqlite', 'pg'], description: 'The configured kind of store (not checked here: /ready checks it)' },
          },
        },
        ...problemResponses,
      },
    },
    handler: async () => ({ status: 'ok' as const, database: fastify.store.dialect }),
  });

  fastify.get('/ready', {
    config: { public: true },
    schema: {
      operationId: 'getReadiness',
      summary: 'Readiness: the database answers, no migration is pending, our key pair opens with the master key (no key needed)',
      description: '200 when every check passes, 503 naming the one(s) that failed. Each check gives up after 3 s.',
      tags: ['system'],
      security: [],
      response: { 200: { ...readinessAnswer, description: 'Every check passed' }, 503: { ...readinessAnswer, description: 'At least one check failed: see which' }, ...problemResponses },
    },
    handler: async (_request, reply) => {
      const { ready, checks } = await checkReadiness({ knex: fastify.store.knex, ownKeys: fastify.exchange.ownKeys });
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  });
}
