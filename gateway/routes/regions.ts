import type { FastifyInstance } from 'fastify';
import { listRegions } from '../store/repositories/regions.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';

export default async function regionRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: { parent?: string; level?: 'county' | 'township' | 'village' } }>('/v1/regions', {
    config: { access: 'readFigures' },
    schema: {
      operationId: 'listRegions',
      summary: 'Counties, townships and villages in the register (GB/T 2260 and statistical division codes)',
      description: 'Lists the administrative divisions the register knows, each with its code and level, optionally only the children of one county or '
        + 'township; every role may read it, as it holds no personal data.',
      tags: ['register'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          parent: { type: 'string', pattern: '^([0-9]{6}|[0-9]{9})$', description: 'Only the children of this county or township' },
          level: { type: 'string', enum: ['county', 'township', 'village'] },
        },
      },
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { items: { type: 'array', items: ref('region') } },
        },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const rows = await listRegions(fastify.store.knex, { parentCode: request.query.parent, level: request.query.level });
      return { items: rows.map(({ fullName: _fullName, ...region }) => region) };
    },
  });
}
