import type { FastifyInstance } from 'fastify';
import type { SupervisionOrderInput, SupervisionReasonInput, SupervisionReminderInput } from '../../schemas/types/index.js';
import { isWithinScope, scopePrefix } from '../access/region-scope.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, problemResponses, ref } from '../plugins/app/schemas.js';
import { reportContentTypes } from '../reports/produce-report.js';
import { storeItemState } from '../supervision/item-state.js';
import { assessmentList, createOrder, listOrders, orderState, recordReason, type SupervisionOrder } from '../supervision/orders.js';
import { listOverdueItems, type OverdueContext } from '../supervision/overdue-items.js';
import { issueWrittenReminder, listReminders, reminderDocument } from '../supervision/written-reminders.js';

const regionPattern = '^([0-9]{6}|[0-9]{9}|[0-9]{12})$';
const regionQuery = { type: 'object', additionalProperties: false, properties: { region: { type: 'string', pattern: regionPattern } } } as const;

export interface SupervisionRouteOptions {
  context: OverdueContext;
  now?: () => Date;
}

/**
 * Supervision (docs/supervision.md): what is overdue, the county's 督办 on it, the townships' reasons, written
 * reminders kept as issued, and the follow-up for the yearly assessment. Every read names people and is audited;
 * every change is audited inside its transaction.
 */
export default async function supervisionRoutes(fastify: FastifyInstance, options: SupervisionRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const { context } = options;
  const items = storeItemState(knex, context);
  const today = (): string => todayInShanghai(options.now?.() ?? new Date());

  /** The region a request names, inside the key's own (a township key reads its township). */
  function regionOf(keyRegion: string, region: string | undefined): string {
    const chosen = region ?? keyRegion;
    if (!isWithinScope(keyRegion, chosen)) throw new ProblemError('out-of-scope', `region ${chosen} is outside this key's region ${keyRegion}`);
    return chosen;
  }

  async function withState(order: SupervisionOrder, on: string): Promise<SupervisionOrder & { state: string }> {
    return { ...order, state: await orderState(order, items, on) };
  }

  fastify.get<{ Querystring: { region?: string } }>('/v1/supervision/overdue', {
    config: { audit: 'supervision.overdue', access: 'readSupervision' },
    schema: {
      operationId: 'listOverdueItems',
      summary: 'Everything of a county or township past its deadline today: warnings, visits, referrals, application steps, progress sheets',
      description: 'Roles that read supervision (admin, township, auditor) list every item of a region within their own that is past its deadline today '
        + '(Asia/Shanghai), as the county needs it before it issues a 督办; the persons behind the items are written to the audit log.',
      tags: ['supervision'],
      querystring: regionQuery,
      response: { 200: ref('supervision-overdue'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const asOf = today();
      const regionCode = regionOf(actor.regionCode, request.query.region);
      const found = await listOverdueItems(knex, actor, { regionCode, asOf }, context);
      await request.auditRead({ view: null, regionCode, subjectPersonIds: found.flatMap((i) => (i.personId === null ? [] : [i.personId])) });
      return { asOf, items: found.map(({ personId: _personId, ...item }) => item) };
    },
  });

  fastify.post<{ Body: SupervisionOrderInput }>('/v1/supervision/orders', {
    config: { audit: 'supervision.order', access: 'superviseCasework' },
    schema: {
      operationId: 'issueSupervisionOrder',
      summary: 'Issue a 督办 on an overdue item (a key of the county): to the township that owes it, with what is asked and by when',
      description: 'Only an admin key of the county issues it, on an item that is overdue today; the answer is 201 with the order, its deadline in working '
        + 'days (5 unless given) and its state.',
      tags: ['supervision'],
      body: ref('supervision-order-input'),
      response: { 201: ref('supervision-order'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const on = today();
      const { itemKind, itemRef, request: asked, workingDays = 5 } = request.body;
      const order = await createOrder(knex, actor, context.settings.calendar, items, { itemKind, itemRef, request: asked, workingDays, issuedOn: on });
      request.markAudited();
      return reply.code(201).send(await withState(order, on));
    },
  });

  fastify.get<{ Querystring: { region?: string; state?: 'open' | 'done' | 'reason-recorded' } }>('/v1/supervision/orders', {
    config: { audit: 'supervision.order-list', access: 'readSupervision' },
    schema: {
      operationId: 'listSupervisionOrders',
      summary: 'The 督办 addressed inside a region, each with its state read from the item',
      description: 'Roles that read supervision list the orders addressed to townships within a region of their own, optionally only those open, done or '
        + 'with a reason recorded; the state is read from the item today, never stored.',
      tags: ['supervision'],
      querystring: { ...regionQuery, properties: { ...regionQuery.properties, state: { type: 'string', enum: ['open', 'done', 'reason-recorded'] } } },
      response: { 200: ref('supervision-order-list'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const on = today();
      const regionCode = regionOf(actor.regionCode, request.query.region);
      const orders = await listOrders(knex, scopePrefix(regionCode));
      const listed = await Promise.all(orders.map((o) => withState(o, on)));
      await request.auditRead({ view: null, regionCode, subjectPersonIds: [] });
      return { items: request.query.state ? listed.filter((o) => o.state === request.query.state) : listed };
    },
  });

  fastify.post<{ Params: { id: number }; Body: SupervisionReasonInput }>('/v1/supervision/orders/:id/reason', {
    config: { audit: 'supervision.reason', access: 'answerSupervision' },
    schema: {
      operationId: 'recordSupervisionReason',
      summary: 'Record the township’s 正当理由 on a 督办 addressed to it (once; refused on an item already done)',
      description: 'A township key (or an admin) records the reason why an order addressed within its region cannot be met in time; the order is answered '
        + 'with its new state.',
      tags: ['supervision'],
      params: idParams,
      body: ref('supervision-reason-input'),
      response: { 200: ref('supervision-order'), ...problemResponses },
    },
    handler: async (request) => {
      const on = today();
      const order = await recordReason(knex, actorOf(request), items, request.params.id, { reason: request.body.reason, at: options.now?.() ?? new Date(), today: on });
      request.markAudited();
      return withState(order, on);
    },
  });

  fastify.post<{ Body: SupervisionReminderInput }>('/v1/supervision/reminders', {
    config: { audit: 'supervision.reminder', access: 'superviseCasework' },
    schema: {
      operationId: 'issueWrittenReminder',
      summary: 'Issue a township’s written reminder (书面提醒) of everything it has overdue today: numbered, kept as issued with its SM3',
      description: 'Only an admin key of the county issues it; the reminder lists the township’s overdue items as of today, its XLSX document is kept as '
        + 'issued, and the answer is 201 with the document’s location.',
      tags: ['supervision'],
      body: ref('supervision-reminder-input'),
      response: { 201: ref('supervision-reminder'), ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const issued = await issueWrittenReminder(knex, actor, { townshipCode: request.body.township, today: today() }, context);
      request.markAudited();
      return reply.code(201).header('location', `/v1/supervision/reminders/${issued.id}/document`).send({
        id: issued.id, number: issued.number, issuedOn: issued.issuedOn, townshipCode: issued.townshipCode, documentSm3: issued.documentSm3, issuedBy: actor.label,
        items: issued.items.map(({ kind, ref: itemRef, personId: _personId, ...rest }) => ({ itemKind: kind, itemRef, ...rest })),
      });
    },
  });

  fastify.get<{ Querystring: { region?: string } }>('/v1/supervision/reminders', {
    config: { audit: 'supervision.reminder-list', access: 'readSupervision' },
    schema: {
      operationId: 'listWrittenReminders',
      summary: 'The written reminders issued inside a region, newest first, with the items each listed',
      description: 'Roles that read supervision list the written reminders of a region within their own, with the number, day and SM3 of each and the '
        + 'items it listed.',
      tags: ['supervision'],
      querystring: regionQuery,
      response: { 200: ref('supervision-reminder-list'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const regionCode = regionOf(actor.regionCode, request.query.region);
      const reminders = await listReminders(knex, regionCode);
      await request.auditRead({ view: null, regionCode, subjectPersonIds: [] });
      return { items: reminders.map((r) => ({ ...r, items: r.items.map(({ personId: _personId, ...item }) => item) })) };
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/supervision/reminders/:id/document', {
    config: { audit: 'supervision.reminder-document', access: 'readSupervision' },
    schema: {
      operationId: 'getWrittenReminderDocument',
      summary: 'A written reminder’s document as issued (XLSX), checked against its recorded SM3',
      description: 'Roles that read supervision download a reminder of their region exactly as it was issued, with its SM3 in X-Content-SM3; the persons '
        + 'it names are written to the audit log.',
      tags: ['supervision'],
      params: idParams,
      response: { 200: { description: 'The XLSX as issued', content: { [reportContentTypes.xlsx]: { schema: { type: 'string', format: 'binary' } } } }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { reminder, document } = await reminderDocument(knex, request.params.id, actor.regionCode);
      await request.auditRead({ view: null, regionCode: reminder.townshipCode, subjectPersonIds: reminder.items.flatMap((i) => (typeof i.personId === 'number' ? [i.personId] : [])) }, { type: 'supervision-reminder', id: String(reminder.id) });
      const fileName = encodeURIComponent(`书面提醒_${reminder.number}.xlsx`);
      return reply.header('content-type', reportContentTypes.xlsx).header('content-disposition', `attachment; filename*=UTF-8''${fileName}`)
        .header('x-content-sm3', reminder.documentSm3).send(document);
    },
  });

  fastify.get<{ Querystring: { region?: string; year: number } }>('/v1/supervision/assessment', {
    config: { audit: 'supervision.assessment', access: 'readSupervision' },
    schema: {
      operationId: 'getSupervisionAssessment',
      summary: 'For 年度目标考核: items listed in a written reminder that year, still not done, with no reason recorded',
      description: 'Roles that read supervision get, for a year and a region within their own, the items a written reminder listed that are still not done '
        + 'and have no reason recorded, as the annual target assessment counts them.',
      tags: ['supervision'],
      querystring: { ...regionQuery, required: ['year'], properties: { ...regionQuery.properties, year: { type: 'integer', minimum: 2000, maximum: 2099 } } },
      response: { 200: ref('supervision-assessment'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const regionCode = regionOf(actor.regionCode, request.query.region);
      const entries = await assessmentList(knex, items, { year: request.query.year, regionPrefix: scopePrefix(regionCode), today: today() });
      await request.auditRead({ view: null, regionCode, subjectPersonIds: [] });
      return { year: request.query.year, items: entries };
    },
  });
}
