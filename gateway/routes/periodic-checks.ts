import type { FastifyInstance } from 'fastify';
import type { PeriodicCheckInput } from '../../schemas/types/index.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { defaultCaseworkSettings, type CaseworkSettings } from '../casework/casework-settings.js';
import { recordPeriodicCheck, viewPeriodicChecks } from '../casework/periodic-checks.js';
import { actorOf } from '../plugins/app/auth.js';
import { dateQuery, idParams, problemResponses, ref } from '../plugins/app/schemas.js';

/** 定期核查 (seed 001 step 3.3): the registration township's periodic check of its households living elsewhere. */
export default async function periodicCheckRoutes(fastify: FastifyInstance, options: { settings?: CaseworkSettings; now?: () => Date } = {}): Promise<void> {
  const { knex } = fastify.store;
  const settings = options.settings ?? defaultCaseworkSettings();
  const today = (): string => todayInShanghai(options.now?.() ?? new Date());

  fastify.get<{ Querystring: { township: string; asOf?: string } }>('/v1/periodic-checks', {
    config: { audit: 'household.periodic-check-list', access: 'readPersonalData' },
    schema: {
      operationId: 'listPeriodicChecks',
      summary: 'The households registered in a township and living outside it with a basic-living enrolment running: the last 定期核查 of each and whether one is due',
      description: '户籍地对在辖区外具有本辖区户籍的社会救助家庭定期核查. How often a check falls due is configuration (an example of local practice).',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['township'],
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$', description: 'The township of registration' },
          asOf: { ...dateQuery, description: 'The day running enrolments and due checks are judged on; today (Asia/Shanghai) when absent' },
        },
      },
      response: { 200: ref('periodic-check-list'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewPeriodicChecks(knex, actorOf(request), request.query.township, request.query.asOf ?? today(), settings);
      await request.auditRead(viewed, { type: 'periodic-check', id: request.query.township });
      return viewed.view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: PeriodicCheckInput }>('/v1/households/:id/periodic-checks', {
    config: { audit: 'household.periodic-check', access: 'writeRegister' },
    schema: {
      operationId: 'recordPeriodicCheck',
      summary: 'Record a 定期核查 of a household living outside its township of registration, and apply its result: 不变, 增发 or 减发 (a new monthly amount), 停发',
      description: 'Roles that write the register, for the township of registration, record a periodic check with its result and apply it to the running '
        + 'basic-living enrolment; answers 201 with the check as recorded.',
      tags: ['casework'],
      params: idParams,
      body: ref('periodic-check-input'),
      response: { 201: ref('periodic-check'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const check = await recordPeriodicCheck(knex, actorOf(request), request.params.id, request.body, { today: today() });
      request.markAudited();
      return reply.code(201).send(check);
    },
  });
}
