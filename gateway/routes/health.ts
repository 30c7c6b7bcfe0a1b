import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', {
    config: { public: true },
    schema: {
      summary: 'Liveness and database reachability (no key needed)',
      tags: ['system'],
      security: [],
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['status', 'database'],
          properties: { status: { type: 'string', enum: ['ok'] }, database: { type: 'string', enum: ['sqlite', 'pg'] } },
        },
      },
    },
    handler: async () => {
      await fastify.store.knex.raw('select 1');
      return { status: 'ok' as const, database: fastify.store.dialect };
    },
  });
}
