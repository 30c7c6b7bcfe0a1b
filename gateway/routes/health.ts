import type { FastifyInstance } from 'fastify';
import { problemResponses } from '../plugins/app/schemas.js';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', {
    config: { public: true },
    schema: {
      operationId: 'getHealth',
      summary: 'Liveness and database reachability (no key needed)',
      description: 'Answers 200 with the database kind once a trivial query has gone through, so a load balancer or monitor can tell a live gateway from '
        + 'one that lost its store; needs no key and writes nothing to the audit log.',
      tags: ['system'],
      security: [],
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'database'],
          properties: { status: { type: 'string', enum: ['ok'] }, database: { type: 'string', enum: ['sqlite', 'pg'] } },
        },
        // A JSON body in another charset is refused (415) here as anywhere, and an unreachable database is a 500.
        ...problemResponses,
      },
    },
    handler: async () => {
      await fastify.store.knex.raw('select 1');
      return { status: 'ok' as const, database: fastify.store.dialect };
    },
  });
}
