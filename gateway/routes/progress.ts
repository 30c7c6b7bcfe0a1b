import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { unitInScope } from '../filing/filing-access.js';
import type { FilingProgrammes, ProgrammeUnit } from '../filing/filing-programme.js';
import { viewCompleteness, viewProgressSheet } from '../filing/filing-views.js';
import { approveProgressSheet, fileProgress, reopenProgressSheet } from '../filing/progress-filing.js';
import { unitProgressSheet } from '../filing/progress-sheets.js';
import { actorOf } from '../plugins/app/auth.js';
import { periodQuery, problemResponses, ref, schemaBase } from '../plugins/app/schemas.js';
import type { ProgressEntryInput, ProgressSheet, SheetReopening } from '../../schemas/types/index.js';

export interface FilingRouteOptions {
  /** The filing programmes (config/filing/*.json), loaded once by the app. */
  programmes: FilingProgrammes;
  /** The clock: filing times are its instants, "today" its date in Asia/Shanghai. */
  now: () => Date;
}

/** A unit of a filing programme as it appears in URLs: a short code (mz) or a township's division code. */
export const unitCodeParam = { type: 'string', pattern: '^[a-z0-9]{2,20}$', description: 'A unit of the filing programme: mz, ny … or a township’s code' } as const;

export interface SheetParams {
  period: string;
  unit: string;
}

export const sheetParams = {
  type: 'object',
  required: ['period', 'unit'],
  properties: { period: { ...periodQuery, description: 'The month reported on (YYYY-MM)' }, unit: unitCodeParam },
} as const;

const taskParams = {
  type: 'object',
  required: ['period', 'unit', 'task'],
  properties: { ...sheetParams.properties, task: { type: 'integer', minimum: 1, maximum: 200, description: 'The task’s number in the programme (1–15 for Yongning)' } },
} as const;

const sheetTask = { $ref: `${schemaBase}progress-sheet.schema.json#/definitions/task` } as const;

const periodParams = { type: 'object', required: ['period'], properties: { period: sheetParams.properties.period } } as const;

/**
 * The monthly progress sheets (附件2 落实进度表, seed 002 §三(二): "附件2按月填报任务落实进度,每月5日前将上一月落实进度表报送至
 * 民政局"): filing a task's progress, a unit's sheet with its objective status, the lead unit's approval and reopening,
 * and who has not filed.
 */
export default async function progressRoutes(fastify: FastifyInstance, options: FilingRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const { programmes, now } = options;

  /** A lead-unit decision on the sheet the request names, audited in its own transaction; answered with the sheet as it then is. */
  async function decide(request: FastifyRequest<{ Params: SheetParams }>, decision: (actor: Actor, target: ProgrammeUnit, at: Date) => Promise<void>): Promise<ProgressSheet> {
    const actor = actorOf(request);
    const at = now();
    await decision(actor, unitInScope(programmes, actor, request.params.unit), at);
    request.markAudited();
    return viewProgressSheet(knex, programmes, actor, request.params, todayInShanghai(at));
  }

  fastify.put<{ Params: { period: string; unit: string; task: number }; Body: ProgressEntryInput }>('/v1/progress/:period/:unit/:task', {
    config: { audit: 'progress.file', access: 'fileReturns' },
    schema: {
      operationId: 'fileProgressEntry',
      summary: 'File a unit’s progress on one task for the month (落实进度); 201 the first time, 200 after',
      description: 'By the unit’s liaison key (bound to it with `jiuzhu keys create --role liaison --unit CODE`), the township key of a township unit, or '
        + 'an admin whose region holds the unit. 422 filing-task-not-assigned for a task the unit does not report on; 409 filing-sheet-approved once the '
        + 'lead unit has approved the sheet, 409 filing-closed after the entry period (the programme’s days after the due date) unless the sheet was '
        + 'reopened; 422 filing-not-open before the month begins. Filing the same text again changes nothing.',
      tags: ['filing'],
      params: taskParams,
      body: ref('progress-entry-input'),
      response: { 200: sheetTask, 201: sheetTask, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { period, unit, task } = request.params;
      const target = unitInScope(programmes, actor, unit);
      const at = now();
      const result = await fileProgress(knex, actor, target, period, [{ taskNumber: task, progress: request.body.progress, note: request.body.note ?? null }], { now: at, how: 'filed through the API' });
      if (result.filed.length > 0) request.markAudited();
      const sheet = await unitProgressSheet(knex, target.programme, period, unit, todayInShanghai(at));
      return reply.code(result.firstFiled.length > 0 ? 201 : 200).send(sheet.tasks.find((t) => t.number === task));
    },
  });

  fastify.get<{ Params: SheetParams }>('/v1/progress/:period/:unit', {
    config: { access: 'readReturns' },
    schema: {
      operationId: 'getProgressSheet',
      summary: 'A unit’s progress sheet for the month: each task with what was filed, last month’s text, and the sheet’s status',
      description: 'The status is objective: missing, incomplete, on-time or late by the Shanghai date each task was first filed against the due day; '
        + 'approved (locked) or not; whether entries are taken today.',
      tags: ['filing'],
      params: sheetParams,
      response: { 200: ref('progress-sheet'), ...problemResponses },
    },
    handler: async (request) => viewProgressSheet(knex, programmes, actorOf(request), request.params, todayInShanghai(now())),
  });

  fastify.post<{ Params: SheetParams }>('/v1/progress/:period/:unit/approval', {
    config: { audit: 'progress.approve', access: 'approveReturns' },
    schema: {
      operationId: 'approveProgressSheet',
      summary: 'Approve a unit’s complete sheet for the month (lead unit): it locks until reopened',
      description: 'By the liaison key of the programme’s lead unit (民政局) or an admin whose region holds the county. 409 filing-sheet-incomplete while a '
        + 'task has no entry; 409 filing-sheet-approved when already approved.',
      tags: ['filing'],
      params: sheetParams,
      response: { 200: ref('progress-sheet'), ...problemResponses },
    },
    handler: async (request) => decide(request, (actor, target, at) => approveProgressSheet(knex, actor, target, request.params.period, { now: at })),
  });

  fastify.post<{ Params: SheetParams; Body: SheetReopening }>('/v1/progress/:period/:unit/reopening', {
    config: { audit: 'progress.reopen', access: 'approveReturns' },
    schema: {
      operationId: 'reopenProgressSheet',
      summary: 'Reopen an approved sheet, with a reason (lead unit): entries are taken again until it is approved again',
      description: 'Every reopening is counted on the sheet and written to the audit log with its reason. 409 filing-sheet-not-approved for a sheet not approved.',
      tags: ['filing'],
      params: sheetParams,
      body: ref('sheet-reopening'),
      response: { 200: ref('progress-sheet'), ...problemResponses },
    },
    handler: async (request) => decide(request, (actor, target, at) => reopenProgressSheet(knex, actor, target, request.params.period, request.body.reason, { now: at })),
  });

  fastify.get<{ Params: { period: string } }>('/v1/progress/:period/missing', {
    config: { access: 'readReturns' },
    schema: {
      operationId: 'listMissingProgress',
      summary: 'Units whose sheet for the month still lacks a task, with the tasks missing and whether they are overdue: the reminder list',
      description: 'Roles that read the filing round (admin, township, liaison, auditor) get the units within their region that have not filed every task '
        + 'for the month, so the lead unit knows whom to remind before the due day.',
      tags: ['filing'],
      params: periodParams,
      response: { 200: ref('filing-completeness'), ...problemResponses },
    },
    handler: async (request) => viewCompleteness(knex, programmes, actorOf(request), { period: request.params.period, today: todayInShanghai(now()), notComplete: true }),
  });

  fastify.get<{ Params: { period: string } }>('/v1/progress/:period/completeness', {
    config: { access: 'readReturns' },
    schema: {
      operationId: 'getProgressCompleteness',
      summary: 'Every unit’s sheet for the month: filed on time, late, incomplete or missing, and approved or not',
      description: 'Roles that read the filing round get, for every unit within their region, how its sheet for the month stands against the due day, '
        + 'judged on today’s date in Asia/Shanghai.',
      tags: ['filing'],
      params: periodParams,
      response: { 200: ref('filing-completeness'), ...problemResponses },
    },
    handler: async (request) => viewCompleteness(knex, programmes, actorOf(request), { period: request.params.period, today: todayInShanghai(now()) }),
  });
}
