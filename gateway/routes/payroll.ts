import type { FastifyInstance } from 'fastify';
import { isWithinScope } from '../access/region-scope.js';
import { activeSigningKey } from '../audit/checkpoint-keys.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { bankFileOfRoll, importBankReturn, payerNameOf, queueBankFile } from '../payroll/bank-payments.js';
import { createGatewayDeliveryQueue } from '../deliveries/gateway-queue.js';
import { findBankFileLayout, loadBankFileLayouts } from '../payroll/bank-file-layouts.js';
import { loadBenefitStandards } from '../payroll/benefit-standards.js';
import { closeRoll, countyOf, submitTownshipRoll, summariseRoll, totalsOfClosedRoll, writeRollDocument } from '../payroll/payroll-months.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';
import { produceReport } from '../reports/produce-report.js';
import { findClosedRoll } from '../store/repositories/payroll-rolls.js';
import { contentDisposition } from './reports.js';

export interface PayrollRouteOptions {
  /** The clock: submission and closing times, and the document date of exported files. */
  now?: () => Date;
}

/** A bank's return file: a line per payment, so even a province's month stays well under this. */
const maxReturnBytes = 64 * 1024 * 1024;

const monthParams = {
  type: 'object',
  required: ['month'],
  additionalProperties: false,
  properties: { month: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'The benefit month, YYYY-MM' } },
} as const;

const regionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { region: { type: 'string', pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$', description: 'A region of the county (default: the key\'s own); the roll is the county\'s' } },
} as const;

interface RollQuery {
  township?: string;
  format?: 'json' | 'xlsx' | 'csv';
  purpose?: string;
}

/**
 * The monthly payment roll (月结发放册): townships submit their part, the bureau closes and signs the month, finance
 * takes the signed document. Totals and files follow the key's region: a township key sees its township.
 */
export default async function payrollRoutes(fastify: FastifyInstance, options: PayrollRouteOptions): Promise<void> {
  const now = () => options.now?.() ?? new Date();

  fastify.get<{ Params: { month: string }; Querystring: RollQuery }>('/v1/payroll/:month', {
    config: { access: 'readPersonalData', audit: 'payroll.read' },
    schema: {
      operationId: 'getPayroll',
      summary: '月结发放册: the month\'s roll for the key\'s county or township — totals by township and the households it cannot pay (JSON), or the printable roll (XLSX, CSV) with subtotals per village and township; an open month is a preview computed now, a closed one the signed roll',
      description: 'Roles that may see personal data read the roll of their county or one of its townships: JSON gives the totals and the households held '
        + 'back, XLSX and CSV give the printable roll; every read is written to the audit log, a file with its SM3.',
      tags: ['payroll'],
      params: monthParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          township: { type: 'string', pattern: '^[0-9]{9}$', description: 'One township of the county (default: the key\'s region)' },
          format: { type: 'string', enum: ['json', 'xlsx', 'csv'], default: 'json' },
          purpose: { type: 'string', maxLength: 200, description: 'Why the file is taken; kept in the audit log' },
        },
      },
      produces: ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'],
      response: { 200: { description: 'The totals (JSON) or the roll file', anyOf: [ref('payroll-summary'), { type: 'string', format: 'binary' }] }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const region = request.query.township ?? actor.regionCode;
      if (!isWithinScope(actor.regionCode, region)) throw new ProblemError('out-of-scope', `township ${region} is outside this key's region ${actor.regionCode}`);
      const format = request.query.format ?? 'json';
      if (format === 'json') {
        const summary = await summariseRoll(fastify.store.knex, loadBenefitStandards(), countyOf(region), request.params.month, region.length >= 9 ? region.slice(0, 9) : undefined);
        request.auditNote = `${summary.status} roll ${summary.countyCode}/${summary.month}: ${summary.households} households, ${summary.totalFen} fen`;
        return summary;
      }
      const report = await produceReport(fastify.store.knex, actor, {
        template: 'payroll-roll', period: request.params.month, region, format, purpose: request.query.purpose, now: now(),
      });
      request.markAudited();
      return reply.type(report.contentType).header('content-disposition', contentDisposition(report.fileName)).header('x-content-sm3', report.sm3).send(report.bytes);
    },
  });

  fastify.post<{ Params: { month: string; township: string } }>('/v1/payroll/:month/townships/:township/submission', {
    config: { access: 'submitRoll' },
    schema: {
      operationId: 'submitTownshipPayroll',
      summary: 'A township hands its month\'s roll to the bureau: the lines as computed now, their count, money and SM3 digest; submitting again after a correction replaces the earlier submission',
      description: 'A township key (or an admin of the county) submits the township’s part of the month’s roll, recording the lines as the register gives '
        + 'them now with their count, total and SM3, so the bureau can close the month once every township has done so.',
      tags: ['payroll'],
      params: {
        type: 'object', required: ['month', 'township'], additionalProperties: false,
        properties: { ...monthParams.properties, township: { type: 'string', pattern: '^[0-9]{9}$' } },
      },
      response: { 200: ref('payroll-submission'), ...problemResponses },
    },
    handler: async (request) => submitTownshipRoll(fastify.store.knex, actorOf(request), loadBenefitStandards(), request.params.month, request.params.township, now()),
  });

  fastify.post<{ Params: { month: string }; Querystring: { region?: string } }>('/v1/payroll/:month/close', {
    config: { access: 'closeRoll' },
    schema: {
      querystring: regionQuery,
      operationId: 'closePayroll',
      summary: 'The bureau closes the county\'s month (民政局完成月结): once every township has submitted the lines the register gives now, the roll is stored for good, its canonical document digested with SM3 and signed with SM2; afterwards nothing changes it, and corrections go through a later month\'s 补发 or 追回',
      description: 'Only an admin key of the county may close the month; the answer is the closed roll’s signature view (totals, SM3 digest, SM2 '
        + 'signature, public key and the openssl commands to check them). A township whose submission no longer matches the register holds the '
        + 'close back.',
      tags: ['payroll'],
      params: monthParams,
      response: { 200: ref('payroll-signature'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const county = countyKeyFor(actor, request.query.region, 'close a month\'s roll');
      const key = await activeSigningKey(fastify.exchange.ownKeys, fastify.store.knex)();
      const roll = await closeRoll(fastify.store.knex, actor, loadBenefitStandards(), county, request.params.month, key, now());
      return signatureView(roll, await publicKeyPem(roll.keyId));
    },
  });

  fastify.get<{ Params: { month: string }; Querystring: { region?: string } }>('/v1/payroll/:month/signature', {
    config: { access: 'readFigures' },
    schema: {
      querystring: regionQuery,
      operationId: 'getPayrollSignature',
      summary: 'How to check the closed roll of the key\'s county: its totals, the SM3 digest and SM2 signature of its document, the public key, and the openssl commands',
      description: 'Any role may read how to verify a closed roll of a region within its own; it shows totals and signatures only, no payee, and answers '
        + '409 payroll-not-ready while the month is open.',
      tags: ['payroll'],
      params: monthParams,
      response: { 200: ref('payroll-signature'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const region = request.query.region ?? actor.regionCode;
      if (!isWithinScope(actor.regionCode, region)) throw new ProblemError('out-of-scope', `region ${region} is outside this key's region ${actor.regionCode}`);
      const roll = await closedRollOf(region, request.params.month);
      return signatureView(roll, await publicKeyPem(roll.keyId));
    },
  });

  fastify.get<{ Params: { month: string }; Querystring: { region?: string } }>('/v1/payroll/:month/document', {
    config: { access: 'payRoll', audit: 'payroll.document' },
    schema: {
      querystring: regionQuery,
      operationId: 'getPayrollDocument',
      summary: 'The signed document of the closed roll (CSV, UTF-8 with BOM, ID numbers and accounts in full): the bytes whose SM3 and SM2 signature GET /v1/payroll/{month}/signature gives; byte for byte the same at every export',
      description: 'Only a finance key of the county takes the document; it names every payee with ID number and account in full, so each payee is written '
        + 'to the audit log. The X-Content-SM3 header repeats the digest that was signed.',
      tags: ['payroll'],
      params: monthParams,
      produces: ['text/csv'],
      response: { 200: { type: 'string', format: 'binary', description: 'roll.csv' }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const roll = await closedRollOf(countyKeyFor(actor, request.query.region, 'take the signed roll of a whole county'), request.params.month);
      const parts: Buffer[] = [];
      await writeRollDocument(fastify.store.knex, { id: roll.id, countyCode: roll.countyCode, month: roll.month, totals: totalsOfClosedRoll(roll) }, (chunk) => void parts.push(chunk));
      // The document names every payee with the ID number in full: the audit line names them all.
      const payees: { id: number }[] = await fastify.store.knex('payroll_lines').where('roll_id', roll.id).distinct('payee_person_id as id');
      await request.auditRead({ view: null, subjectPersonIds: payees.map((p) => Number(p.id)), regionCode: roll.countyCode }, { type: 'payroll-roll', id: `${roll.countyCode}/${roll.month}` });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', contentDisposition(`月结发放册_${roll.countyCode}_${roll.month}.csv`))
        .header('x-content-sm3', roll.documentSm3).send(Buffer.concat(parts));
    },
  });

  fastify.addContentTypeParser(['application/octet-stream', 'text/plain'], { parseAs: 'buffer', bodyLimit: maxReturnBytes }, (_request, body, done) => done(null, body));

  fastify.get<{ Params: { month: string }; Querystring: { region?: string; layout: string } }>('/v1/payroll/:month/bank-file', {
    config: { access: 'payRoll', audit: 'payroll.bank-file' },
    schema: {
      operationId: 'getBankFile',
      summary: 'The paying bank\'s disbursement file (代发文件) of the closed month, in the layout named (config/bank-files): one payment per payee, the net of its lines; the header declares the count and total first, and the file is read back and checked against them before it is answered',
      description: 'Only a finance key of the county takes the bank file, in a layout from config/bank-files; the answer carries the file’s SM3, payment '
        + 'count and total in headers, and every payee is written to the audit log.',
      tags: ['payroll'],
      params: monthParams,
      querystring: {
        type: 'object', additionalProperties: false, required: ['layout'],
        properties: { ...regionQuery.properties, layout: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,59}$', description: 'A bank file layout, e.g. example-fixed-gbk' } },
      },
      produces: ['application/octet-stream'],
      response: { 200: { type: 'string', format: 'binary', description: 'The bank file' }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const roll = await closedRollOf(countyKeyFor(actor, request.query.region, 'take the bank file of a whole county'), request.params.month);
      const { bytes, payments } = await bankFileOfRoll(fastify.store.knex, roll, layoutNamed(request.query.layout), await payerNameOf(fastify.store.knex, roll.countyCode));
      await request.auditRead({ view: null, subjectPersonIds: payments.payments.map((p) => p.payeePersonId), regionCode: roll.countyCode }, { type: 'payroll-bank-file', id: `${roll.countyCode}/${roll.month}/${request.query.layout}` });
      return reply.type('application/octet-stream')
        .header('content-disposition', contentDisposition(`代发_${roll.countyCode}_${roll.month}_${request.query.layout}.txt`))
        .header('x-content-sm3', createSm3().update(bytes).digest('hex'))
        .header('x-control-count', String(payments.payments.length))
        .header('x-control-total-fen', String(payments.totalFen))
        .send(bytes);
    },
  });

  fastify.post<{ Params: { month: string }; Querystring: { region?: string }; Body: { layout: string; partner: string } }>('/v1/payroll/:month/bank-file/delivery', {
    config: { access: 'payRoll' },
    schema: {
      operationId: 'deliverBankFile',
      summary: 'Queue the closed month\'s bank file for the paying bank, a registered partner: sealed for it at each attempt (OpenPGP or a GM/T 0010 envelope, as the partner takes) and delivered with retries by the delivery queue',
      description: 'Only a finance key of the county queues the delivery; the answer is 202 with the queued delivery, and the delivery queue seals and '
        + 'sends the file to the partner, retrying a failed attempt later until it gives the delivery up as dead.',
      tags: ['payroll'],
      params: monthParams,
      querystring: regionQuery,
      body: {
        type: 'object', additionalProperties: false, required: ['layout', 'partner'],
        properties: { layout: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,59}$' }, partner: { type: 'string', minLength: 1, maxLength: 80, description: 'The bank\'s partner id (jiuzhu partners list)' } },
      },
      response: {
        202: {
          type: 'object', additionalProperties: false, required: ['deliveryId', 'count', 'totalFen', 'sm3'],
          properties: { deliveryId: { type: 'integer' }, count: { type: 'integer' }, totalFen: { type: 'integer' }, sm3: { type: 'string' } },
        },
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const roll = await closedRollOf(countyKeyFor(actor, request.query.region, 'send the bank file of a whole county'), request.params.month);
      const queue = createGatewayDeliveryQueue(fastify.store, fastify.exchange);
      const queued = await queueBankFile({ knex: fastify.store.knex, exchange: fastify.exchange, queue }, actor, roll, layoutNamed(request.body.layout), request.body.partner);
      return reply.code(202).send(queued);
    },
  });

  fastify.post<{ Params: { month: string }; Querystring: { region?: string; layout: string; fileName?: string }; Body: Buffer }>('/v1/payroll/:month/bank-returns', {
    config: { access: 'payRoll', audit: 'payroll.bank-return' },
    schema: {
      operationId: 'importBankReturn',
      summary: 'Import the bank\'s return file (回盘) of the closed month: each payment paid, failed (with the bank\'s reason) or returned (退票). Refused whole (422 bank-return-refused, every bad line named) when a line is malformed, repeated, unknown, or its amount or account differs from what was sent, or it contradicts an earlier return; the same file again changes nothing. A failed or returned payment is paid again by the next month\'s roll as 补发',
      description: 'Only a finance key of the county imports the return, sent as the raw body (application/octet-stream or text/plain) in a layout from '
        + 'config/bank-files; the answer counts the payments paid, failed, returned and still unanswered.',
      tags: ['payroll'],
      params: monthParams,
      querystring: {
        type: 'object', additionalProperties: false, required: ['layout'],
        properties: {
          ...regionQuery.properties,
          layout: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,59}$' },
          fileName: { type: 'string', maxLength: 255, description: 'The file\'s name, for the audit log and the refusal' },
        },
      },
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['returnId', 'duplicate', 'paid', 'failed', 'returned', 'unanswered'],
          properties: {
            returnId: { type: 'integer' }, duplicate: { type: 'boolean', description: 'The same file was imported before: nothing changed' },
            paid: { type: 'integer' }, failed: { type: 'integer' }, returned: { type: 'integer' },
            unanswered: { type: 'integer', description: 'Payments of the month no return file has answered yet' },
          },
        },
        ...problemResponses,
      },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const roll = await closedRollOf(countyKeyFor(actor, request.query.region, 'import the bank\'s return of a whole county'), request.params.month);
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw new ProblemError('validation-failed', 'send the return file as the body (application/octet-stream or text/plain)', [{ in: 'body', pointer: '/', detail: 'empty' }]);
      }
      const imported = await importBankReturn(fastify.store.knex, actor, roll, layoutNamed(request.query.layout), request.body, request.query.fileName ?? null, now());
      request.markAudited();
      return imported;
    },
  });

  async function closedRollOf(region: string, month: string) {
    const roll = await findClosedRoll(fastify.store.knex, countyOf(region), month);
    if (!roll) throw new ProblemError('payroll-not-ready', `the roll of ${countyOf(region)} for ${month} is not closed yet`);
    return roll;
  }

  async function publicKeyPem(keyId: string): Promise<string> {
    return (await fastify.exchange.ownKeys.list()).find((k) => k.id === keyId)?.publicKey ?? '';
  }
}

/**
 * The county a county-wide act addresses: the region asked for must be within the key's, and the key must be a
 * county's (or wider) — a township key may neither close the county's month nor take every township's payees.
 */
function countyKeyFor(actor: ReturnType<typeof actorOf>, region: string | undefined, what: string): string {
  const asked = region ?? actor.regionCode;
  if (!isWithinScope(actor.regionCode, asked)) throw new ProblemError('out-of-scope', `region ${asked} is outside this key's region ${actor.regionCode}`);
  if (actor.regionCode.length > 6) throw new ProblemError('forbidden', `a key of ${actor.regionCode} cannot ${what}: it takes a key of the county`);
  if (asked.length < 6) throw new ProblemError('validation-failed', `name the county: ${asked} is wider than one county`, [{ in: 'query', parameter: 'region', detail: 'a county, township or village code' }]);
  return countyOf(asked);
}

function layoutNamed(name: string) {
  try {
    return findBankFileLayout(name);
  } catch (error) {
    throw new ProblemError('validation-failed', (error as Error).message, [{ in: 'query', parameter: 'layout', detail: `known: ${[...loadBankFileLayouts().keys()].join(', ')}` }]);
  }
}

function signatureView(roll: NonNullable<Awaited<ReturnType<typeof findClosedRoll>>>, publicKeyPem: string) {
  return {
    countyCode: roll.countyCode, month: roll.month, households: roll.households, persons: roll.persons, lines: roll.lines, totalFen: roll.totalFen,
    closedAt: roll.closedAt, closedBy: roll.closedBy, documentSm3: roll.documentSm3, signature: roll.signature, keyId: roll.keyId, publicKeyPem,
    verify: [
      'openssl dgst -sm3 -r roll.csv',
      'openssl pkeyutl -verify -pubin -inkey key.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in roll.csv -sigfile roll.sig',
    ],
  };
}
