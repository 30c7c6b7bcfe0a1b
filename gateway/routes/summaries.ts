import type { FastifyInstance } from 'fastify';
import { unitInScope } from '../filing/filing-access.js';
import { fileQuarterlySummary, quarterlySummaries } from '../filing/quarterly-summaries.js';
import { viewQuarterlySummaries } from '../filing/filing-views.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref, schemaBase } from '../plugins/app/schemas.js';
import type { QuarterlySummaryInput } from '../../schemas/types/index.js';
import { unitCodeParam, type FilingRouteOptions } from './progress.js';

const quarterParam = { type: 'string', pattern: '^(19|20)[0-9]{2}-Q[1-4]$', description: 'A calendar quarter, e.g. 2024-Q2 (April to June)' } as const;
const summaryRow = { $ref: `${schemaBase}quarterly-summaries.schema.json#/definitions/row` } as const;

/** 季度工作小结 (seed 002 §三(二): "每季度末报季度工作小结"): one text per unit and quarter, due on the quarter's last day. */
export default async function summaryRoutes(fastify: FastifyInstance, options: FilingRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const { programmes, now } = options;

  fastify.put<{ Params: { quarter: string; unit: string }; Body: QuarterlySummaryInput }>('/v1/summaries/:quarter/:unit', {
    config: { audit: 'summary.file', access: 'fileReturns' },
    schema: {
      operationId: 'fileQuarterlySummary',
      summary: 'File or replace a unit’s quarterly summary; 201 the first time, 200 after',
      description: 'Taken from the quarter’s first day until the programme’s lock period after its last (409 filing-closed after; 422 filing-not-open before). '
        + 'On time when first filed by the quarter’s last day (Asia/Shanghai).',
      tags: ['filing'],
      params: { type: 'object', required: ['quarter', 'unit'], properties: { quarter: quarterParam, unit: unitCodeParam } },
      body: ref('quarterly-summary-input'),
      response: { 200: summaryRow, 201: summaryRow, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { quarter } = request.params;
      const target = unitInScope(programmes, actor, request.params.unit);
      const result = await fileQuarterlySummary(knex, actor, target, quarter, request.body.summary, { now: now() });
      if (result.changed) request.markAudited();
      const { units } = await quarterlySummaries(knex, target.programme, quarter, [target.unit.code]);
      return reply.code(result.created ? 201 : 200).send(units[0]);
    },
  });

  fastify.get<{ Params: { quarter: string } }>('/v1/summaries/:quarter', {
    config: { access: 'readReturns' },
    schema: {
      operationId: 'listQuarterlySummaries',
      summary: 'The quarter’s summaries of every unit within the key’s region, filed or not, on time or late',
      description: 'Roles that read the filing round get each unit’s summary text for the quarter with when it was first filed, and which units have filed '
        + 'nothing yet.',
      tags: ['filing'],
      params: { type: 'object', required: ['quarter'], properties: { quarter: quarterParam } },
      response: { 200: ref('quarterly-summaries'), ...problemResponses },
    },
    handler: async (request) => viewQuarterlySummaries(knex, programmes, actorOf(request), request.params.quarter),
  });
}
