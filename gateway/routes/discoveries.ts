import type { FastifyInstance } from 'fastify';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { concludeCase, createDiscoveryCase, investigateCase } from '../casework/discovery-cases.js';
import { viewDiscoveryCase, viewDiscoveryCases } from '../casework/discovery-views.js';
import type { LoadedRuleSet } from '../engine/rule-set.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, periodQuery, problemResponses, ref } from '../plugins/app/schemas.js';
import type { DiscoveryCaseConclusion, DiscoveryCaseCreate, DiscoveryCaseInvestigation, DiscoveryStatus } from '../../schemas/types/index.js';


export default async function discoveryRoutes(fastify: FastifyInstance, options: { rules: LoadedRuleSet; now?: () => Date }): Promise<void> {
  const { knex } = fastify.store;
  const today = () => todayInShanghai(options.now?.() ?? new Date());

  fastify.post<{ Body: DiscoveryCaseCreate }>('/v1/discoveries', {
    config: { audit: 'discovery.create', access: 'writeRegister' },
    schema: {
      operationId: 'createDiscoveryCase',
      summary: 'Open an active discovery case (主动发现): from a warning (信息推送发现), from a visit (走访发现) or by hand (工作发现)',
      description: 'Roles that write the register (township, admin, integrator) open a case for a person or household within their region, citing the '
        + 'warning or visit it came from when there is one; the case starts open and is answered 201 with its location.',
      tags: ['casework'],
      body: ref('discovery-case-create'),
      response: { 201: ref('discovery-case'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await createDiscoveryCase(knex, actor, request.body, { today: today(), rules: options.rules });
      request.markAudited();
      const { view } = await viewDiscoveryCase(knex, actor, id);
      return reply.code(201).header('location', `/v1/discoveries/${id}`).send(view);
    },
  });

  fastify.get<{ Querystring: { township?: string; status?: DiscoveryStatus; period?: string; after?: number; limit: number } }>('/v1/discoveries', {
    config: { audit: 'discovery.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listDiscoveryCases',
      summary: 'Discovery cases within the key’s region, a page at a time (keyset: pass `next` as `after`)',
      description: 'Lists the discovery cases of the key’s region, optionally one township, one status or the month they were discovered in, ordered by '
        + 'id; the read is written to the audit log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$' },
          status: { type: 'string', enum: ['open', 'investigating', 'concluded'] },
          period: { ...periodQuery, description: 'Cases discovered in this month' },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
        },
      },
      response: { 200: ref('discovery-case-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { township, status, period, after, limit } = request.query;
      const viewed = await viewDiscoveryCases(knex, actorOf(request), { townshipCode: township, status, period, afterId: after, limit });
      await request.auditRead(viewed);
      const items = viewed.view;
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/discoveries/:id', {
    config: { audit: 'discovery.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getDiscoveryCase',
      summary: 'One discovery case with its investigation, conclusion and history; the ID number masked unless the role needs it',
      description: 'Returns the case when it lies within the key’s region (404 otherwise), with every step recorded so far; the read is written to the '
        + 'audit log.',
      tags: ['casework'],
      params: idParams,
      response: { 200: ref('discovery-case'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewDiscoveryCase(knex, actorOf(request), request.params.id);
      await request.auditRead(viewed, { type: 'discovery-case', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: DiscoveryCaseInvestigation }>('/v1/discoveries/:id/investigation', {
    config: { audit: 'discovery.investigate', access: 'writeRegister' },
    schema: {
      operationId: 'recordDiscoveryInvestigation',
      summary: 'Record the township’s home investigation (入户调查); the case moves from open to investigating',
      description: 'Roles that write the register record what the home investigation found on an open case within their region; the change is written to '
        + 'the audit log and the case is answered as it now stands.',
      tags: ['casework'],
      params: idParams,
      body: ref('discovery-case-investigation'),
      response: { 200: ref('discovery-case'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      await investigateCase(knex, actor, request.params.id, request.body, today());
      request.markAudited();
      return (await viewDiscoveryCase(knex, actor, request.params.id)).view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: DiscoveryCaseConclusion }>('/v1/discoveries/:id/conclusion', {
    config: { audit: 'discovery.conclude', access: 'writeRegister' },
    schema: {
      operationId: 'concludeDiscoveryCase',
      summary: 'Record the result (不符合救助条件 / 纳入救助范畴 with its date) and the filing (新增救助群众 / 救助观察群众 with the reason)',
      description: 'Roles that write the register conclude a case under investigation within their region: whether the household qualifies for assistance '
        + 'and how it is filed; a concluded case takes no further steps.',
      tags: ['casework'],
      params: idParams,
      body: ref('discovery-case-conclusion'),
      response: { 200: ref('discovery-case'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      await concludeCase(knex, actor, request.params.id, request.body, today());
      request.markAudited();
      return (await viewDiscoveryCase(knex, actor, request.params.id)).view;
    },
  });
}
