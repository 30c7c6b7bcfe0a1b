import type { FastifyInstance } from 'fastify';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { recordVisit, viewHouseholdVisits, viewVisit } from '../casework/home-visits.js';
import { assignVillages, createAssistant, viewAssistant, viewAssistants } from '../casework/village-assistants.js';
import { loadVisitPolicy } from '../casework/visit-policy.js';
import { listVisitsDue } from '../casework/visits-due.js';
import type { LoadedRuleSet } from '../engine/rule-set.js';
import { actorOf } from '../plugins/app/auth.js';
import { dateQuery, idParams, problemResponses, ref } from '../plugins/app/schemas.js';
import type { HomeVisitCreate, VillageAssistantCreate, VillageAssignment, VisitPolicy } from '../../schemas/types/index.js';

export interface VisitRouteOptions {
  /** config/visits/default.json unless given. */
  policy?: VisitPolicy;
  /** The comparison rules, so the policy's trigger rules are checked against them. */
  rules?: LoadedRuleSet;
  calendar?: WorkingCalendar;
  now?: () => Date;
}

export default async function visitRoutes(fastify: FastifyInstance, options: VisitRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const policy = options.policy ?? loadVisitPolicy(undefined, { ruleIds: options.rules?.ruleSet.rules.map((r) => r.id) });
  const calendar = options.calendar ?? loadWorkingCalendar();
  const today = () => todayInShanghai(options.now?.() ?? new Date());

  fastify.post<{ Body: HomeVisitCreate }>('/v1/visits', {
    config: { audit: 'visit.record', access: 'writeRegister' },
    schema: {
      operationId: 'recordVisit',
      summary: 'Record a home visit (走访) as a visiting app sends it; idempotent by the app’s visitId (201 first, 200 on a repeat)',
      description: 'Roles that write the register record a visit to a household within their region, with who visited and what was found; a visiting app '
        + 'may resend the same visitId after a lost answer without creating a second visit.',
      tags: ['casework'],
      body: ref('home-visit-create'),
      response: { 200: ref('home-visit'), 201: ref('home-visit'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const recorded = await recordVisit(knex, actor, request.body, today());
      request.markAudited();
      const { view } = await viewVisit(knex, actor, recorded.id);
      return reply.code(recorded.replayed ? 200 : 201).header('location', `/v1/visits/${recorded.id}`).send(view);
    },
  });

  fastify.get<{ Querystring: { household: number; from?: string; to?: string } }>('/v1/visits', {
    config: { audit: 'visit.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listVisits',
      summary: 'A household’s visits, latest first',
      description: 'Lists the recorded visits to one household within the key’s region, optionally between two dates; the read is written to the audit '
        + 'log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['household'],
        properties: { household: { type: 'integer', minimum: 1 }, from: dateQuery, to: dateQuery },
      },
      response: {
        200: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', items: ref('home-visit') } } },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const { household, from, to } = request.query;
      const viewed = await viewHouseholdVisits(knex, actorOf(request), household, { from, to });
      await request.auditRead(viewed, { type: 'household', id: String(household) });
      return { items: viewed.view };
    },
  });

  fastify.get<{ Querystring: { township?: string; assistant?: number; asOf?: string; overdue?: boolean; limit: number } }>('/v1/visits/due', {
    config: { audit: 'visit.due', access: 'readPersonalData' },
    schema: {
      operationId: 'listVisitsDue',
      summary: 'Households due for a visit as of a date, per township or per village assistant, soonest first, with the overdue flagged',
      description: 'Works out, under the visit policy (config/visits) and the working-day calendar, which households of a township or of one assistant’s '
        + 'villages are due for a visit and when, so the township can plan its rounds; the read is written to the audit log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$', description: 'Required (or assistant) for a key wider than a county' },
          assistant: { type: 'integer', minimum: 1, description: 'Only the villages this assistant covers on asOf' },
          asOf: { ...dateQuery, description: 'Today (Asia/Shanghai) when absent' },
          overdue: { type: 'boolean', description: 'Only households whose visit is overdue' },
          limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
        },
      },
      response: { 200: ref('home-visit-due'), ...problemResponses },
    },
    handler: async (request) => {
      const { township, assistant, asOf, overdue, limit } = request.query;
      const { list, headPersonIds } = await listVisitsDue(knex, actorOf(request), policy, calendar, {
        asOf: asOf ?? today(), townshipCode: township, assistantId: assistant, overdueOnly: overdue === true, limit,
      });
      await request.auditRead({ view: list, subjectPersonIds: headPersonIds, regionCode: township });
      return list;
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/visits/:id', {
    config: { audit: 'visit.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getVisit',
      summary: 'One recorded visit',
      description: 'Returns a visit to a household within the key’s region (404 otherwise); the read is written to the audit log.',
      tags: ['casework'],
      params: idParams,
      response: { 200: ref('home-visit'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewVisit(knex, actorOf(request), request.params.id);
      await request.auditRead(viewed, { type: 'home-visit', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.post<{ Body: VillageAssistantCreate }>('/v1/visit-assistants', {
    config: { audit: 'visit-assistant.create', access: 'writeRegister' },
    schema: {
      operationId: 'createVisitAssistant',
      summary: 'Add a village social-assistance assistant (村级社会救助协理员) and the villages of their township they cover',
      description: 'Roles that write the register add an assistant of a township within their region, with the villages they cover from a day on; '
        + 'due-visit lists can then be drawn per assistant.',
      tags: ['casework'],
      body: ref('home-visit-assistant-create'),
      response: { 201: ref('home-visit-assistant'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const id = await createAssistant(knex, actor, request.body, today());
      request.markAudited();
      return reply.code(201).header('location', `/v1/visit-assistants/${id}`).send(await viewAssistant(knex, actor, id, request.body.since ?? today()));
    },
  });

  fastify.get<{ Querystring: { township?: string; on?: string } }>('/v1/visit-assistants', {
    config: { audit: 'visit-assistant.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listVisitAssistants',
      summary: 'Village assistants within the key’s region, with the villages each covers on a day',
      description: 'Lists the assistants of the key’s region (or one township) with the villages each covers on the given day, today by default; the read '
        + 'is written to the audit log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { township: { type: 'string', pattern: '^[0-9]{9}$' }, on: { ...dateQuery, description: 'Today when absent' } },
      },
      response: {
        200: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', items: ref('home-visit-assistant') } } },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const items = await viewAssistants(knex, actorOf(request), { townshipCode: request.query.township, on: request.query.on ?? today() });
      // Staff, not citizens: the line records who listed them, with no person of the register.
      await request.auditRead({ view: items, subjectPersonIds: [], regionCode: request.query.township });
      return { items };
    },
  });

  fastify.put<{ Params: { id: number }; Body: VillageAssignment }>('/v1/visit-assistants/:id/villages', {
    config: { audit: 'visit-assistant.assign', access: 'writeRegister' },
    schema: {
      operationId: 'setVisitAssistantVillages',
      summary: 'Set the villages an assistant covers from a day on (those dropped end the day before)',
      description: 'Roles that write the register replace an assistant’s villages from a day on; a village dropped stays covered until the day before, so '
        + 'the days already past keep the coverage they had.',
      tags: ['casework'],
      params: idParams,
      body: ref('home-visit-assignment'),
      response: { 200: ref('home-visit-assistant'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      await assignVillages(knex, actor, request.params.id, request.body, today());
      request.markAudited();
      return viewAssistant(knex, actor, request.params.id, request.body.since ?? today());
    },
  });
}
