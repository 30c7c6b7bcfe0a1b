import type { FastifyInstance } from 'fastify';
import { problemResponses } from '../plugins/app/schemas.js';

export default async function metricsRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get('/metrics', {
    // A Prometheus on the same machine scrapes without a key; from elsewhere (or through a proxy) it takes an admin key.
    config: { access: 'readMetrics', openToLoopback: true },
    schema: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics: requests by route and status, imports, comparison runs, deliveries, the audit head, the process',
      description: 'Open without a key to a client on this machine (127.0.0.1, ::1, not forwarded by a proxy for another client); otherwise an admin key.',
      tags: ['system'],
      produces: ['text/plain'],
      response: { 200: { type: 'string', description: 'Prometheus text exposition format 0.0.4' }, ...problemResponses },
    },
    handler: async (_request, reply) => reply.type(fastify.metrics.registry.contentType).send(await fastify.metrics.scrape()),
  });
}
