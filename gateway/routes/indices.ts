import type { FastifyInstance } from 'fastify';
import { previousPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { loadIndexFormula, type LoadedIndexFormula } from '../indices/index-formula.js';
import { viewHouseholdIndices, viewIndicesList } from '../indices/index-views.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, periodQuery, problemResponses, ref, schemaBase } from '../plugins/app/schemas.js';

const periodProperty = { ...periodQuery, description: 'The month scored, YYYY-MM (default: last month)' };

/** The poverty and need indices (贫困指数, 需救助指数, seed 003). The formula is config/indices/default.json unless given. */
export interface IndexRouteOptions {
  formula?: LoadedIndexFormula;
  /** The clock: the default month is the one before today's in Asia/Shanghai. */
  now?: () => Date;
}

export default async function indexRoutes(fastify: FastifyInstance, options: IndexRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const formula = options.formula ?? loadIndexFormula();
  const lastMonth = () => previousPeriod(todayInShanghai(options.now?.() ?? new Date()));

  fastify.get<{ Params: { id: number }; Querystring: { period?: string } }>('/v1/households/:id/indices', {
    config: { audit: 'indices.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getHouseholdIndices',
      summary: 'A household’s poverty index and need index for a month, each component with its raw value, score, weight, contribution and why it counts',
      description: 'Scores one household within the key’s region under the configured index formula (贫困指数, 需救助指数) for a month, last month by default, and '
        + 'shows how each component contributed; the read is written to the audit log.',
      tags: ['monitoring'],
      params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { period: periodProperty } },
      response: { 200: ref('household-indices'), ...problemResponses },
    },
    handler: async (request) => {
      const period = request.query.period ?? lastMonth();
      const viewed = await viewHouseholdIndices(knex, actorOf(request), request.params.id, period, formula);
      await request.auditRead(viewed, { type: 'household', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.get<{ Querystring: { township?: string; period?: string; minPoverty?: number; minNeed?: number; order: 'need' | 'poverty'; limit: number } }>('/v1/indices', {
    config: { audit: 'indices.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listHouseholdIndices',
      summary: 'Households living in the key’s region (or a township or village of it) ranked by need or poverty index, for active discovery (主动发现)',
      description: 'Ranks the households of a region by the chosen index, highest first, optionally only those at or above a minimum, so a township can '
        + 'decide whom to visit; a key wider than a county must name a township. The read is written to the audit log.',
      tags: ['monitoring'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          township: { type: 'string', pattern: '^([0-9]{9}|[0-9]{12})$', description: 'A township (9 digits) or a village (12) within the key’s region; required for a key wider than a county' },
          period: periodProperty,
          minPoverty: { type: 'number', minimum: 0, maximum: 100, description: 'Only households whose poverty index is at least this' },
          minNeed: { type: 'number', minimum: 0, maximum: 100, description: 'Only households whose need index is at least this' },
          order: { type: 'string', enum: ['need', 'poverty'], default: 'need', description: 'The index ranked on, highest first' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: { $ref: `${schemaBase}household-indices.schema.json#/definitions/list` }, ...problemResponses },
    },
    handler: async (request) => {
      const { township, period, minPoverty, minNeed, order, limit } = request.query;
      const viewed = await viewIndicesList(
        knex,
        actorOf(request),
        { regionCode: township, period: period ?? lastMonth(), minPoverty, minNeed, order, limit },
        formula,
      );
      await request.auditRead(viewed, { type: 'region', id: viewed.view.regionCode });
      return viewed.view;
    },
  });
}
