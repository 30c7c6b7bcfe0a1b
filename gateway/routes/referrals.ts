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
      operationId: 'openReferralCase',
      summary: 'Open a first-responder case (首问负责) from a warning, a discovery case, a visit or a walk-in, with its first referrals',
      description: 'Roles that write the register open the case in the office that first heard of the need, within their region, and refer each need to '
        + 'its department; each referral is due within the department’s working days (config/time-limits). Answers 201 with the case and its '
        + 'location.',
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
      operationId: 'getReferralCase',
      summary: 'A case with its referrals (and their history) and escalations',
      description: 'Returns a first-responder case owned within the key’s region (404 otherwise), with each referral’s deadline and whether it is overdue '
        + 'today; the read is written to the audit log.',
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
      operationId: 'addReferral',
      summary: 'Refer one more need of the case to a department; due in the department’s working days',
      description: 'Roles that write the register add a referral to an open case within their region, due within that department’s working days; answers '
        + '201 with the case as it now stands.',
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
      operationId: 'escalateReferralCase',
      summary: 'Take the case to the county meeting (一事一议): on, reason',
      description: 'Roles that write the register put a case no department can solve before the county meeting, giving the day and the reason; the case '
        + 'cannot be closed until the meeting has decided.',
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
      operationId: 'decideEscalation',
      summary: 'Record the county meeting’s decision: on (the meeting day), decision',
      description: 'Roles that write the register record what the county meeting decided on an escalation of a case within their region, and on which day; '
        + 'answers the case as it now stands.',
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
      operationId: 'closeReferralCase',
      summary: 'Close the case once every referral is done or declined and no escalation awaits the meeting',
      description: 'Roles that write the register close a case within their region, with the day and the reason, once nothing is left with a department or '
        + 'the meeting; a closed case takes no more referrals.',
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
      operationId: 'listReferrals',
      summary: 'Referrals of cases owned within the key’s region, a page at a time; overdue=true lists those still with the department after their deadline',
      description: 'Lists referrals across cases, optionally one region, department or status, judged overdue as of a day (today by default), ordered by '
        + 'id; the read is written to the audit log.',
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
      operationId: 'transitionReferral',
      summary: 'Record the department’s answer: accepted, done (with the outcome) or declined (with the reason)',
      description: 'Roles that write the register record, for a referral of a case within their region, what the department answered and when; answers the '
        + 'whole case as it now stands.',
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
