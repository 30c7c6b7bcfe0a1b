import type { FastifyInstance } from 'fastify';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, problemResponses, ref } from '../plugins/app/schemas.js';
import { registerHousehold } from '../register/household-intake.js';
import { viewHousehold, viewHouseholdList } from '../register/register-views.js';
import type { HouseholdCreate } from '../../schemas/types/index.js';

const regionPattern = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$';

export default async function householdRoutes(fastify: FastifyInstance): Promise<void> {
  const { knex } = fastify.store;

  fastify.get<{ Querystring: { region?: string; category?: string; after?: number; limit: number } }>('/v1/households', {
    config: { audit: 'household.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listHouseholds',
      summary: 'Households within the key’s region, a page at a time (keyset: pass the last id as `after`)',
      description: 'Lists households registered (户籍地) or living (居住地) within the key’s region, optionally narrowed to a township, a village or a current '
        + 'enrolment category, ordered by id; the read is written to the audit log.',
      tags: ['register'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          region: { type: 'string', pattern: regionPattern, description: 'Narrow to a township or village' },
          category: { type: 'string', pattern: '^[0-9]{3}$', description: 'Only households with a current enrolment in this business code' },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['items', 'next'],
          properties: {
            items: { type: 'array', items: ref('household-summary') },
            next: { type: ['integer', 'null'], description: 'Pass as `after` for the next page; null on the last page' },
          },
        },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const { region, category, after, limit } = request.query;
      const viewed = await viewHouseholdList(knex, actorOf(request), { regionCode: region, category, afterId: after, limit });
      await request.auditRead(viewed);
      const items = viewed.view;
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  fastify.post<{ Body: HouseholdCreate }>('/v1/households', {
    config: { audit: 'household.create', access: 'writeRegister' },
    schema: {
      operationId: 'createHousehold',
      summary: 'Add a household with its members (and optionally their enrolments and benefit accounts); all or nothing',
      description: 'Roles that write the register (township, admin, integrator) add a household within their region; ID numbers are checked against GB '
        + '11643 and coded values against their tables, and nothing is stored unless every member, enrolment and account is valid. Answers 201 '
        + 'with the household and its location.',
      tags: ['register'],
      body: ref('household-create'),
      response: { 201: ref('household'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await registerHousehold(knex, actor, request.body);
      request.markAudited();
      const { view } = await viewHousehold(knex, actor, id);
      return reply.code(201).header('location', `/v1/households/${id}`).send(view);
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/households/:id', {
    config: { audit: 'household.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getHousehold',
      summary: 'One household with its members; ID numbers and accounts masked unless the role needs them',
      description: 'Returns the household with its members, enrolments and benefit accounts when it lies within the key’s region (404 otherwise, as if it '
        + 'did not exist); the read is written to the audit log with the persons it shows.',
      tags: ['register'],
      params: idParams,
      response: { 200: ref('household'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewHousehold(knex, actorOf(request), request.params.id);
      await request.auditRead(viewed, { type: 'household', id: String(request.params.id) });
      return viewed.view;
    },
  });
}
