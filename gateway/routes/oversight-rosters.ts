import type { FastifyInstance } from 'fastify';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { loadVisitPolicy } from '../casework/visit-policy.js';
import { listEconomicChecks, type CheckReading } from '../oversight/economic-checks.js';
import { addToKeyGroup, keyGroupFrequency, listKeyGroup, removeFromKeyGroup } from '../oversight/key-group-roster.js';
import { actorOf } from '../plugins/app/auth.js';
import { dateQuery, problemResponses, ref } from '../plugins/app/schemas.js';
import type { KeyGroupAddition, KeyGroupRemoval, VisitPolicy } from '../../schemas/types/index.js';

export interface OversightRosterRouteOptions {
  /** config/visits/default.json unless given: its keyGroup sets the roster's visit frequency. */
  policy?: VisitPolicy;
  now?: () => Date;
}

const township = { type: 'string', pattern: '^[0-9]{9}$', description: 'One township (9 digits); needed by a key wider than a county.' } as const;

/** The economic checks of every recipient (seed 002 task 3) and the 重点人群花名册 (seed 004). */
export default async function oversightRosterRoutes(fastify: FastifyInstance, options: OversightRosterRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const policy = options.policy ?? loadVisitPolicy();
  const today = () => todayInShanghai(options.now?.() ?? new Date());

  fastify.get<{ Querystring: { township?: string; asOf?: string; reading?: CheckReading; short?: boolean } }>('/v1/economic-checks', {
    config: { audit: 'economic-check.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listEconomicChecks',
      summary: 'Households enrolled in basic-living assistance with their economic checks this year (家庭经济状况信息监测, seed 002: at least 2 a year)',
      description: 'A check is a finished comparison run covering the household\'s region, or a home visit in person, on a day the household was enrolled. `short=true` lists only households short of checks. `reading=half-year` is local practice (one check per half year), not the seed\'s words.',
      tags: ['oversight'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { township, asOf: dateQuery, reading: { type: 'string', enum: ['year', 'half-year'], default: 'year' }, short: { type: 'boolean' } },
      },
      response: { 200: ref('economic-check-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { township: townshipCode, asOf, reading = 'year', short } = request.query;
      const day = asOf ?? today();
      const { items, headPersonIds } = await listEconomicChecks(knex, actorOf(request), { asOf: day, townshipCode, reading, shortOnly: short === true });
      const view = {
        asOf: day, reading, total: items.length, short: items.filter((i) => i.shortfall > 0).length,
        items: items.map(({ headPersonId: _head, ...item }) => item),
      };
      await request.auditRead({ view, subjectPersonIds: headPersonIds, regionCode: townshipCode });
      return view;
    },
  });

  fastify.get<{ Querystring: { township?: string; asOf?: string } }>('/v1/key-group', {
    config: { audit: 'key-group.list', access: 'readPersonalData' },
    schema: {
      operationId: 'getKeyGroupRoster',
      summary: 'The 重点人群花名册 on a day (seed 004), with each household\'s monthly visit due, soonest first',
      description: 'Lists the households on the key-group roster of the key’s region (or one township) as of a day, today by default, with the monthly '
        + 'visit each is due and how many are overdue; the read is written to the audit log.',
      tags: ['oversight'],
      querystring: { type: 'object', additionalProperties: false, properties: { township, asOf: dateQuery } },
      response: { 200: ref('key-group'), ...problemResponses },
    },
    handler: async (request) => {
      const day = request.query.asOf ?? today();
      const { items, headPersonIds } = await listKeyGroup(knex, actorOf(request), policy, { asOf: day, townshipCode: request.query.township });
      const view = {
        asOf: day, everyMonths: keyGroupFrequency(policy), total: items.length, overdue: items.filter((i) => i.overdue).length,
        items: items.map(({ headPersonId: _head, ...item }) => item),
      };
      await request.auditRead({ view, subjectPersonIds: headPersonIds, regionCode: request.query.township });
      return view;
    },
  });

  fastify.post<{ Body: KeyGroupAddition }>('/v1/key-group', {
    config: { audit: 'key-group.add', access: 'writeRegister' },
    schema: {
      operationId: 'addToKeyGroup',
      summary: 'A township puts a household living in its region on the 重点人群花名册, with the reason (201; 200 with the entry it already has)',
      description: 'Roles that write the register add a household living within their region to the roster from the day given (today by default); asking '
        + 'again for a household already on it changes nothing and answers its entry.',
      tags: ['oversight'],
      body: ref('key-group-addition'),
      response: { 200: ref('key-group-entry'), 201: ref('key-group-entry'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const { entry, created } = await addToKeyGroup(knex, actorOf(request), request.body, today());
      request.markAudited();
      return reply.code(created ? 201 : 200).send(entry);
    },
  });

  fastify.post<{ Params: { householdId: number }; Body: KeyGroupRemoval }>('/v1/key-group/:householdId/removal', {
    config: { audit: 'key-group.remove', access: 'writeRegister' },
    schema: {
      operationId: 'removeFromKeyGroup',
      summary: 'A township takes a household off the 重点人群花名册, with the reason (a household filed 救助观察 too)',
      description: 'Roles that write the register end a household’s place on the roster of their region on the day given (today by default), with the '
        + 'reason; the entry is kept with its end date and answered.',
      tags: ['oversight'],
      params: { type: 'object', required: ['householdId'], properties: { householdId: { type: 'integer', minimum: 1 } } },
      body: ref('key-group-removal'),
      response: { 200: ref('key-group-entry'), ...problemResponses },
    },
    handler: async (request) => {
      const entry = await removeFromKeyGroup(knex, actorOf(request), request.params.householdId, request.body, today());
      request.markAudited();
      return entry;
    },
  });
}
