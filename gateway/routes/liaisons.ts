import type { FastifyInstance } from 'fastify';
import { unitInScope } from '../filing/filing-access.js';
import { viewLiaisonRoster } from '../filing/filing-views.js';
import { fileLiaisonContacts } from '../filing/liaison-roster.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref, schemaBase } from '../plugins/app/schemas.js';
import type { LiaisonEntryInput } from '../../schemas/types/index.js';
import { unitCodeParam, type FilingRouteOptions } from './progress.js';

const rosterRow = { $ref: `${schemaBase}liaison-roster.schema.json#/definitions/row` } as const;

/**
 * 附件1 《分层分类社会救助工作各部门(单位)联络人》 (seed 002 §三(二): each responsible unit names 1 分管领导 and 1 工作人员;
 * "附件1请于6月5日前报送至永宁县民政局"): filed once, then kept current.
 */
export default async function liaisonRoutes(fastify: FastifyInstance, options: FilingRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const { programmes, now } = options;

  fastify.put<{ Params: { unit: string }; Body: LiaisonEntryInput }>('/v1/liaisons/:unit', {
    config: { audit: 'liaison.file', access: 'fileReturns' },
    schema: {
      operationId: 'fileLiaisons',
      summary: 'File or update a unit’s 分管领导 and 工作人员 (附件1); 201 the first time, 200 after',
      description: 'By the unit’s liaison key, its township’s key, or an admin whose region holds it. Phones are stored encrypted. Whether the roster was '
        + 'on time is read from the unit’s first filing; updates keep it current.',
      tags: ['filing'],
      params: { type: 'object', required: ['unit'], properties: { unit: unitCodeParam } },
      body: ref('liaison-entry-input'),
      response: { 200: rosterRow, 201: rosterRow, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const target = unitInScope(programmes, actor, request.params.unit);
      const result = await fileLiaisonContacts(knex, actor, target, request.body, { now: now() });
      if (result.changed) request.markAudited();
      const roster = await viewLiaisonRoster(knex, programmes, actor);
      const row = roster.programmes.find((p) => p.programme === target.programme.id)!.units.find((u) => u.unit.code === target.unit.code);
      return reply.code(result.created ? 201 : 200).send(row);
    },
  });

  fastify.get('/v1/liaisons', {
    config: { audit: 'liaison.list', access: 'readReturns' },
    schema: {
      operationId: 'getLiaisonRoster',
      summary: 'The liaison roster (附件1) of every unit within the key’s region, filed or not, on time or late',
      description: 'Phones in full to roles that see phones, to the lead unit’s liaison key and to a unit’s own key; masked to others.',
      tags: ['filing'],
      response: { 200: ref('liaison-roster'), ...problemResponses },
    },
    handler: async (request) => viewLiaisonRoster(knex, programmes, actorOf(request)),
  });
}
