import type { FastifyInstance } from 'fastify';
import type { ApplicationCreate, ApplicationStepInput } from '../../schemas/types/index.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { acceptApplication } from '../casework/applications/application-intake.js';
import { recordApplicationStep } from '../casework/applications/application-steps.js';
import { viewApplication, viewApplicationList } from '../casework/applications/application-views.js';
import { defaultCaseworkSettings, type CaseworkSettings } from '../casework/casework-settings.js';
import { viewNoticeList } from '../casework/applications/public-notices.js';
import { actorOf } from '../plugins/app/auth.js';
import { dateQuery, idParams, periodQuery, problemResponses, ref } from '../plugins/app/schemas.js';

const regionPattern = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$';

/** Applications for assistance taken in one township and decided in another (一城通办), their steps, and the public notices. */
export default async function applicationRoutes(fastify: FastifyInstance, options: { settings?: CaseworkSettings; now?: () => Date } = {}): Promise<void> {
  const { knex } = fastify.store;
  const settings = options.settings ?? defaultCaseworkSettings();
  /** The app's clock (tests fix it), as a calendar date in Asia/Shanghai. */
  const today = (): string => todayInShanghai(options.now?.() ?? new Date());

  fastify.post<{ Body: ApplicationCreate }>('/v1/applications', {
    config: { audit: 'application.create', access: 'writeRegister' },
    schema: {
      operationId: 'createApplication',
      summary: 'Take an application (受理) for a household in the register; it is routed to the township where the household is registered',
      description: 'Roles that write the register take an application in their township even when the household is registered elsewhere (一城通办, where the '
        + 'scheme allows it); its deadlines follow config/time-limits. Answers 201 with the application and its location.',
      tags: ['casework'],
      body: ref('application-create'),
      response: { 201: ref('application'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const day = today();
      const id = await acceptApplication(knex, actor, request.body, { settings, today: day });
      request.markAudited();
      const { view } = await viewApplication(knex, actor, id, { settings, today: day });
      return reply.code(201).header('location', `/v1/applications/${id}`).send(view);
    },
  });

  fastify.get<{ Querystring: { region?: string; status?: 'open' | 'approved' | 'rejected' | 'withdrawn'; overdue?: boolean; asOf?: string; after?: number; limit: number } }>('/v1/applications', {
    config: { audit: 'application.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listApplications',
      summary: 'Applications accepted in or routed to the key’s region, a page at a time; overdue=true lists those past a step’s or the whole deadline',
      description: 'Lists the applications either taken in or routed to the key’s region, optionally one region or status, judged overdue as of a day '
        + '(today by default), ordered by id; the read is written to the audit log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          region: { type: 'string', pattern: regionPattern, description: 'Narrow to a township (either side) or village' },
          status: { type: 'string', enum: ['open', 'approved', 'rejected', 'withdrawn'] },
          overdue: { type: 'boolean' },
          asOf: { ...dateQuery, description: 'The day overdue is judged on; today (Asia/Shanghai) when absent' },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: ref('application-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { region, status, overdue, asOf = today(), after, limit } = request.query;
      const viewed = await viewApplicationList(knex, actorOf(request), { regionCode: region, status, overdue, asOf, afterId: after, limit }, settings);
      await request.auditRead(viewed);
      const items = viewed.view;
      return { asOf, items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/applications/:id', {
    config: { audit: 'application.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getApplication',
      summary: 'One application with its steps, deadlines and next step',
      description: 'Returns an application taken in or routed to the key’s region (404 otherwise), with the deadline of each step and of the whole '
        + 'procedure; the read is written to the audit log.',
      tags: ['casework'],
      params: idParams,
      response: { 200: ref('application'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewApplication(knex, actorOf(request), request.params.id, { settings, today: today() });
      await request.auditRead(viewed, { type: 'application', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/applications/:id/steps', {
    config: { audit: 'application.read', access: 'readPersonalData' },
    schema: {
      operationId: 'listApplicationSteps',
      summary: 'The steps of an application: what, when, by whom, why',
      description: 'Returns only the recorded steps of an application within the key’s region, oldest first, for a client that shows the history; the read '
        + 'is written to the audit log.',
      tags: ['casework'],
      params: idParams,
      response: {
        200: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', items: ref('application-step') } } },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const viewed = await viewApplication(knex, actorOf(request), request.params.id, { settings, today: today() });
      await request.auditRead(viewed, { type: 'application', id: String(request.params.id) });
      return { items: viewed.view.steps };
    },
  });

  fastify.post<{ Params: { id: number }; Body: ApplicationStepInput }>('/v1/applications/:id/steps', {
    config: { audit: 'application.step', access: 'writeRegister' },
    schema: {
      operationId: 'recordApplicationStep',
      summary: 'Record the next step (启动核对, 启动入户调查, 入户调查, 传至户籍地, 初审, 公示, 民主评议, 审核确认, 档案归档), an objection to the notice, a rejection, a withdrawal or the one extension; approval enrols the members from its date',
      description: 'Roles that write the register record a step of an application within their region in the order the procedure allows; a step out of '
        + 'order is refused, and the answer is the application with its next step and deadlines.',
      tags: ['casework'],
      params: idParams,
      body: ref('application-step-input'),
      response: { 201: ref('application'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const day = today();
      await recordApplicationStep(knex, actor, request.params.id, request.body, { settings, today: day });
      request.markAudited();
      const { view } = await viewApplication(knex, actor, request.params.id, { settings, today: day });
      return reply.code(201).send(view);
    },
  });

  fastify.get<{ Querystring: { township: string; period: string } }>('/v1/notices', {
    config: { audit: 'notice.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getPublicNotice',
      summary: 'The public notice list (公示名单) of a township for a month: name, village, household size, assistance type, amount — never an ID number, phone, account or health',
      description: 'Lists, for a township and month, the applications whose public notice started then and the approvals decided then, each under the '
        + 'village it is posted in, with only what a notice board may show; the read is written to the audit log.',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['township', 'period'],
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$' },
          period: periodQuery,
        },
      },
      response: { 200: ref('application-notice'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewNoticeList(knex, actorOf(request), request.query.township, request.query.period, settings);
      await request.auditRead(viewed, { type: 'notice', id: `${request.query.township}/${request.query.period}` });
      return viewed.view;
    },
  });
}
