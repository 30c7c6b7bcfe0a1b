import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { viewWarning, viewWarningList, type ViewedWarnings } from '../engine/warning-views.js';
import { transitionWarning } from '../engine/warning-workflow.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, periodQuery, problemResponses, ref } from '../plugins/app/schemas.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { WarningStatus, WarningTransitionRequest } from '../../schemas/types/index.js';

export interface WarningRouteOptions {
  /** The holiday calendar deadlines and overdue counts use; config/holidays/cn.json unless given. */
  calendar?: WorkingCalendar;
  /** The clock: "today" for overdue lists and resolution dates is its date in Asia/Shanghai. */
  now: () => Date;
}

interface ListQuery {
  township?: string;
  status?: WarningStatus;
  rule?: string;
  overdue?: boolean;
  period?: string;
  after?: number;
  limit: number;
}


export default async function warningRoutes(fastify: FastifyInstance, options: WarningRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const calendar = options.calendar ?? loadWorkingCalendar();
  const today = () => todayInShanghai(options.now());

  /**
   * Like auditRead, plus the warning ids: a subject outside the register (active discovery) has no person id, so
   * "who looked at this warning" is answered by the ids in the detail.
   */
  async function auditWarningRead(request: FastifyRequest, viewed: ViewedWarnings<unknown>, resourceId?: string): Promise<void> {
    await recordAudit(knex, request.actor, {
      action: request.routeOptions.config.audit!,
      outcome: 'ok',
      subjectPersonIds: viewed.subjectPersonIds,
      regionCode: viewed.regionCode,
      resourceType: 'warning',
      resourceId,
      detail: `warnings ${viewed.warningIds.join(', ') || 'none'}`,
    });
    request.markAudited();
  }

  fastify.get<{ Querystring: ListQuery }>('/v1/warnings', {
    config: { audit: 'warning.list', access: 'readPersonalData' },
    schema: {
      operationId: 'listWarnings',
      summary: 'Warnings (预警) within the key’s region, a page at a time (keyset: pass the last id as `after`)',
      description: 'A township key sees its township’s warnings; a county key its county’s, county-handled ones included. Warnings not yet '
        + 'assigned to a region are shown to county-or-wider keys of the region that issued the subject’s ID number.',
      tags: ['monitoring'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$', description: 'Narrow to one township (within the key’s region)' },
          status: { type: 'string', enum: ['pending', 'verifying', 'resolved'] },
          rule: { type: 'string', pattern: '^[a-z][a-z0-9-]{2,60}$', description: 'Only warnings of this rule' },
          overdue: { type: 'boolean', description: 'true: open warnings past their due date as of today (Asia/Shanghai); false: all others' },
          period: { ...periodQuery, description: 'Only warnings of this compared month' },
          after: { type: 'integer', minimum: 0 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
        },
      },
      response: { 200: ref('warning-list'), ...problemResponses },
    },
    handler: async (request) => {
      const { township, status, rule, overdue, period, after, limit } = request.query;
      const viewed = await viewWarningList(knex, actorOf(request), {
        regionCode: township, status, ruleId: rule, overdue, period, afterId: after, limit, today: today(),
      }, calendar);
      await auditWarningRead(request, viewed);
      const items = viewed.view;
      return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/warnings/:id', {
    config: { audit: 'warning.read', access: 'readPersonalData' },
    schema: {
      operationId: 'getWarning',
      summary: 'One warning with the facts behind it and its transitions; the ID number masked unless the role needs it',
      description: 'Returns a warning the key may see (404 otherwise), with the facts and rule that raised it, its due date on the working-day calendar '
        + 'and every transition so far; the warning ids read are written to the audit log.',
      tags: ['monitoring'],
      params: idParams,
      response: { 200: ref('warning'), ...problemResponses },
    },
    handler: async (request) => {
      const viewed = await viewWarning(knex, actorOf(request), request.params.id, calendar, today());
      await auditWarningRead(request, viewed, String(request.params.id));
      return viewed.view;
    },
  });

  fastify.post<{ Params: { id: number }; Body: WarningTransitionRequest }>('/v1/warnings/:id/transitions', {
    // The transition writes its own audit line inside its transaction.
    config: { audit: 'warning.transition', access: 'writeRegister' },
    schema: {
      operationId: 'transitionWarning',
      summary: 'Verify (pending → verifying) or resolve (verifying → resolved, with an outcome and a reason) a warning',
      description: 'Roles that write the register (township, admin, integrator), within their region. stopped ends the current basic-living '
        + 'enrolments of the person or household on the resolution date; benefit-adjusted sets their monthly amount; both reach the 金民 '
        + 'monthly change set, and act only on enrolments granted within the key’s region (else 422 warning-outcome-not-applicable: the '
        + 'registration place acts). enrolmentId narrows them to one, and is required to stop on a resolve-conflict warning. 409 warning-transition-illegal for a move the workflow does not allow, 409 warning-changed when another '
        + 'request moved the warning first.',
      tags: ['monitoring'],
      params: idParams,
      body: ref('warning-transition'),
      response: { 201: ref('warning'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      await transitionWarning(knex, actor, request.params.id, request.body, { now: options.now });
      request.markAudited();
      const { view } = await viewWarning(knex, actor, request.params.id, calendar, today());
      return reply.code(201).header('location', `/v1/warnings/${request.params.id}`).send(view);
    },
  });
}
