import type { FastifyInstance } from 'fastify';
import type { SpotCheckDrawInput, SpotCheckPopulation, SpotCheckRedrawInput, SpotCheckResultInput } from '../../schemas/types/index.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { drawSpotCheck, redrawSpotCheck } from '../oversight/spot-checks/draws.js';
import { recordSpotCheckResult } from '../oversight/spot-checks/results.js';
import { viewSpotCheck, viewSpotCheckList } from '../oversight/spot-checks/spot-check-views.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';

const drawParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/**
 * Spot checks (抽查; seed 000 "检查抽查", seed 001 "案卷抽查"): an admin key draws a reproducible sample of its region,
 * redraws only with a reason, and the office checking each sampled household or file records what it found.
 */
export default async function spotCheckRoutes(fastify: FastifyInstance, options: { now?: () => Date } = {}): Promise<void> {
  const { knex } = fastify.store;
  const now = (): Date => options.now?.() ?? new Date();

  fastify.post<{ Body: SpotCheckDrawInput }>('/v1/spot-checks', {
    config: { audit: 'spot-check.draw', access: 'drawSpotChecks' },
    schema: {
      operationId: 'drawSpotCheck',
      summary: 'Draw a spot-check sample (抽查) of a region for a period: enrolled households, resolved warnings or decided applications; the seed, population count and SM3 are stored',
      description: 'Only an admin key draws, within its region; the sample is reproducible from the stored seed, so anyone may later check it was not '
        + 'picked by hand. Answers 201 with the draw and its location.',
      tags: ['oversight'],
      body: ref('spot-check-draw-input'),
      response: { 201: ref('spot-check'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await drawSpotCheck(knex, actor, request.body, now());
      request.markAudited();
      return reply.code(201).header('location', `/v1/spot-checks/${id}`).send((await viewSpotCheck(knex, actor, id)).view);
    },
  });

  fastify.get<{ Querystring: { region?: string; period?: string; population?: SpotCheckPopulation; superseded?: boolean } }>('/v1/spot-checks', {
    config: { audit: 'spot-check.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listSpotChecks',
      summary: 'Spot-check draws of regions within or around the key’s region, without their items; superseded=true includes replaced draws',
      description: 'Lists draws by region, period and population, without their sampled items, so a client can pick one to open; the read is written to '
        + 'the audit log.',
      tags: ['oversight'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          region: { type: 'string', pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$' },
          period: { type: 'string', pattern: '^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4])?$' },
          population: { type: 'string', enum: ['enrolled-households', 'resolved-warnings', 'decided-applications'] },
          superseded: { type: 'boolean', default: false },
        },
      },
      response: { 200: ref('spot-check-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { region, period, population, superseded } = request.query;
      const viewed = await viewSpotCheckList(knex, actorOf(request), { regionCode: region, period, population, includeSuperseded: superseded });
      await request.auditRead(viewed);
      return { items: viewed.view };
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/spot-checks/:id', {
    config: { audit: 'spot-check.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getSpotCheck',
      summary: 'A draw with its items within the key’s region, their results and history, and the population read again (does the stored seed still give this sample?)',
      description: 'Returns a draw with the sampled items the key’s region covers (404 for a draw it cannot see), each with its result and history, and '
        + 'says whether drawing again from today’s population with the stored seed gives the same sample; the read is written to the audit log.',
      tags: ['oversight'],
      params: drawParams,
      response: { 200: ref('spot-check'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewSpotCheck(knex, actorOf(request), request.params.id);
      await request.auditRead(viewed, { type: 'spot-check', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: SpotCheckRedrawInput }>('/v1/spot-checks/:id/redraw', {
    config: { audit: 'spot-check.redraw', access: 'drawSpotChecks' },
    schema: {
      operationId: 'redrawSpotCheck',
      summary: 'Draw again with the same rule, period and size, saying why; the old draw is kept and marked superseded',
      description: 'Only an admin key redraws, within its region, giving the reason; results recorded on the old draw stay with it, and the new draw is '
        + 'answered 201 with its location.',
      tags: ['oversight'],
      params: drawParams,
      body: ref('spot-check-redraw-input'),
      response: { 201: ref('spot-check'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await redrawSpotCheck(knex, actor, request.params.id, request.body, now());
      request.markAudited();
      return reply.code(201).header('location', `/v1/spot-checks/${id}`).send((await viewSpotCheck(knex, actor, id)).view);
    },
  });

  fastify.post<{ Params: { id: number; itemId: number }; Body: SpotCheckResultInput }>('/v1/spot-checks/:id/items/:itemId/result', {
    config: { audit: 'spot-check.result', access: 'recordSpotCheckResults' },
    schema: {
      operationId: 'recordSpotCheckResult',
      summary: 'Record what checking a sampled item found (合格, 存在问题 with findings, 无法核查); a recorded result is corrected only with a reason',
      description: 'A township key records the result of its own sampled items, an admin key of any within its region; correcting a recorded result needs '
        + 'a reason, and each change is kept in the item’s history.',
      tags: ['oversight'],
      params: { type: 'object', required: ['id', 'itemId'], properties: { id: { type: 'integer', minimum: 1 }, itemId: { type: 'integer', minimum: 1 } } },
      body: ref('spot-check-result-input'),
      response: { 200: ref('spot-check'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      await recordSpotCheckResult(knex, actor, request.params.id, request.params.itemId, request.body, { today: todayInShanghai(now()), now: now() });
      // The change was audited in its transaction, naming the item's household; the answer shows the other items the
      // key sees too, so it is logged as a read of them.
      const viewed = await viewSpotCheck(knex, actor, request.params.id);
      await request.auditRead(viewed, { type: 'spot-check', id: String(request.params.id) });
      return viewed.view;
    },
  });
}
