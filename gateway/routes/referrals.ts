import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReferralCaseClose, ReferralCaseCreate, ReferralEscalationInput, ReferralInput, ReferralTransitionInput } from '../../schemas/types/index.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { defaultCaseworkSettings, type CaseworkSettings } from '../casework/casework-settings.js';
import { decideEscalation, escalateCase } from '../casework/referrals/escalations.js';
import { closeCase, openCase } from '../casework/referrals/first-responder-cases.js';
import { referNeed, transitionReferral } from '../casework/referrals/referral-handling.js';
import { viewCase, viewReferralList } from '../casework/referrals/referral-views.js';
import { findReferral } from '../store/repositories/referrals.js';
import { ProblemError } from '../errors.js';
import { actorOf } from '../plugins/app/auth.js';
import { dateQuery, problemResponses, ref } from '../plugins/app/schemas.js';

const regionPattern = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$';
const caseParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** First-responder cases (首问负责制), referrals to departments (转介) and escalation to the county meeting (一事一议). */
export default async function referralRoutes(fastify: FastifyInstance, options: { settings?: CaseworkSettings; now?: () => Date } = {}): Promise<void> {
  const { knex } = fastify.store;
  const settings = options.settings ?? defaultCaseworkSettings();
  /** The app's clock (tests fix it), as a calendar date in Asia/Shanghai. */
  const today = (): string => todayInShanghai(options.now?.() ?? new Date());

  /** After a change, the case as it now stands; the change itself was audited inside its transaction. */
  async function answerWithCase(request: FastifyRequest, caseId: number): Promise<unknown> {
    request.markAudited();
    return (await viewCase(knex, actorOf(request), caseId, { settings, today: today() })).view;
  }

  fastify.post<{ Body: ReferralCaseCreate }>('/v1/referrals/cases', {
    config: { audit: 'referral-case.create', access: 'writeRegister' },
    schema: {
      summary: 'Open a first-responder case (首问负责) from a warning, a discovery case, a visit or a walk-in, with its first referrals',
      tags: ['casework'],
      body: ref('referral-case-create'),
      response: { 201: ref('referral-case'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const id = await openCase(knex, actorOf(request), request.body, { settings, today: today() });
      return reply.code(201).header('location', `/v1/referrals/cases/${id}`).send(await answerWithCase(request, id));
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/referrals/cases/:id', {
    config: { audit: 'referral-case.read', access: 'readPersonalData' },
    schema: {
      summary: 'A case with its referrals (and their history) and escalations',
      tags: ['casework'],
      params: caseParams,
      response: { 200: ref('referral-case'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewCase(knex, actorOf(request), request.params.id, { settings, today: today() });
      await request.auditRead(viewed, { type: 'referral-case', id: String(request.params.id) });
      return viewed.view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: ReferralInput }>('/v1/referrals/cases/:id/referrals', {
    config: { audit: 'referral.create', access: 'writeRegister' },
    schema: {
      summary: 'Refer one more need of the case to a department; due in the department’s working days',
      tags: ['casework'],
      params: caseParams,
      body: ref('referral-input'),
      response: { 201: ref('referral-case'), ...problemResponses },
    },
    handler: async (request, reply) => {
      await referNeed(knex, actorOf(request), request.params.id, request.body, { settings, today: today() });
      return reply.code(201).send(await answerWithCase(request, request.params.id));
    },
  });

  fastify.post<{ Params: { id: number }; Body: ReferralEscalationInput }>('/v1/referrals/cases/:id/escalations', {
    config: { audit: 'referral-case.escalate', access: 'writeRegister' },
    schema: {
      summary: 'Take the case to the county meeting (一事一议): on, reason',
      tags: ['casework'],
      params: caseParams,
      body: ref('referral-escalation-input'),
      response: { 201: ref('referral-case'), ...problemResponses },
    },
    handler: async (request, reply) => {
      await escalateCase(knex, actorOf(request), request.params.id, request.body, { today: today() });
      return reply.code(201).send(await answerWithCase(request, request.params.id));
    },
  });

  fastify.post<{ Params: { id: number; escalationId: number }; Body: ReferralEscalationInput }>('/v1/referrals/cases/:id/escalations/:escalationId/decision', {
    config: { audit: 'referral-case.decide', access: 'writeRegister' },
    schema: {
      summary: 'Record the county meeting’s decision: on (the meeting day), decision',
      tags: ['casework'],
      params: { type: 'object', required: ['id', 'escalationId'], properties: { id: { type: 'integer', minimum: 1 }, escalationId: { type: 'integer', minimum: 1 } } },
      body: ref('referral-escalation-input'),
      response: { 200: ref('referral-case'), ...problemResponses },
    },
    handler: async (request) => {
      await decideEscalation(knex, actorOf(request), request.params.id, request.params.escalationId, request.body, { today: today() });
      return answerWithCase(request, request.params.id);
    },
  });

  fastify.post<{ Params: { id: number }; Body: ReferralCaseClose }>('/v1/referrals/cases/:id/close', {
    config: { audit: 'referral-case.close', access: 'writeRegister' },
    schema: {
      summary: 'Close the case once every referral is done or declined and no escalation awaits the meeting',
      tags: ['casework'],
      params: caseParams,
      body: ref('referral-case-close'),
      response: { 200: ref('referral-case'), ...problemResponses },
    },
    handler: async (request) => {
      await closeCase(knex, actorOf(request), request.params.id, request.body, { today: today() });
      return answerWithCase(request, request.params.id);
    },
  });

  fastify.get<{ Querystring: { region?: string; department?: string; status?: 'sent' | 'accepted' | 'done' | 'declined'; overdue?: boolean; asOf?: string; after?: number; limit: number } }>('/v1/referrals', {
    config: { audit: 'referral.list', access: 'readPersonalData' },
    schema: {
      summary: 'Referrals of cases owned within the key’s region, a page at a time; overdue=true lists those still with the department after their deadline',
      tags: ['casework'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          region: { type: 'string', pattern: regionPattern },
          department: { type: 'string', pattern: '^[a-z]{2,10}$' },
          status: { type: 'string', enum: ['sent', 'accepted', 'done', 'declined'] },
          overdue: { type: 'boolean' },
          asOf: { ...dateQuery, description: 'The day overdue is judged on; today (Asia/Shanghai) when absent' },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: ref('referral-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { region, department, status, overdue, asOf = today(), after, limit } = request.query;
      const viewed = await viewReferralList(knex, actorOf(request), { regionCode: region, department, status, overdue, asOf, afterId: after, limit }, settings);
      await request.auditRead(viewed);
      const items = viewed.view;
      return { asOf, items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  fastify.post<{ Params: { id: number }; Body: ReferralTransitionInput }>('/v1/referrals/:id/transitions', {
    config: { audit: 'referral.transition', access: 'writeRegister' },
    schema: {
      summary: 'Record the department’s answer: accepted, done (with the outcome) or declined (with the reason)',
      tags: ['casework'],
      params: caseParams,
      body: ref('referral-transition'),
      response: { 200: ref('referral-case'), ...problemResponses },
    },
    handler: async (request) => {
      await transitionReferral(knex, actorOf(request), request.params.id, request.body, { today: today() });
      const referral = await findReferral(knex, request.params.id);
      if (!referral) throw new ProblemError('not-found', `no referral ${request.params.id}`);
      return answerWithCase(request, referral.caseId);
    },
  });
}
