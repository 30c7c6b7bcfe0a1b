import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { requireFilingFor, unitInScope } from '../filing/filing-access.js';
import { fileProgress } from '../filing/progress-filing.js';
import { writeProgressForm } from '../filing/progress-form.js';
import { progressFormReaderLimits, readProgressForm } from '../filing/progress-form-upload.js';
import { unitProgressSheet } from '../filing/progress-sheets.js';
import { viewProgressSheet } from '../filing/filing-views.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses, ref } from '../plugins/app/schemas.js';
import { sheetParams, type FilingRouteOptions, type SheetParams } from './progress.js';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const maxFormBytes = progressFormReaderLimits.maxFileBytes!;

/**
 * The progress sheet's round trip through Excel: a unit downloads its form for the month, prefilled with its tasks and
 * last month's text, fills in 本月落实进度 and 备注 offline, and posts the workbook back. Everything the form holds
 * beyond those two columns must come back as it went out (progress-form-upload.ts), or nothing is filed.
 */
export default async function progressFormRoutes(fastify: FastifyInstance, options: FilingRouteOptions): Promise<void> {
  const { knex } = fastify.store;
  const { programmes, now } = options;
  fastify.addContentTypeParser([xlsxType, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: maxFormBytes }, (_request, body, done) => done(null, body));
  await fastify.register(multipart, { limits: { files: 1, fileSize: maxFormBytes } });

  fastify.get<{ Params: SheetParams }>('/v1/progress/:period/:unit/form.xlsx', {
    config: { access: 'readReturns' },
    schema: {
      operationId: 'getProgressForm',
      summary: 'The unit’s progress form for the month as an XLSX workbook: its tasks, last month’s text, and the columns to fill in',
      description: 'A4 landscape, one page wide, title and header repeated on every page. Only 本月落实进度 and 备注 are read back when it is posted '
        + 'to the same URL; the sheet is protected (without a password) against slips elsewhere. The columns are inferred: the seed gives the annex’s title only.',
      tags: ['filing'],
      params: sheetParams,
      response: {
        200: { description: 'The form', content: { [xlsxType]: { schema: { type: 'string', format: 'binary' } } } },
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const at = now();
      const sheet = await viewProgressSheet(knex, programmes, actor, request.params, todayInShanghai(at));
      const bytes = await writeProgressForm(programmes.unit(sheet.unit.code)!.programme, sheet, { generatedAt: at });
      const { period, unit } = sheet;
      return reply
        .type(xlsxType)
        .header('content-disposition', `attachment; filename="progress-${period}-${unit.code}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${unit.name}${period}落实进度表.xlsx`)}`)
        .send(bytes);
    },
  });

  fastify.post<{ Params: SheetParams }>('/v1/progress/:period/:unit/form.xlsx', {
    config: { audit: 'progress.upload', access: 'fileReturns' },
    schema: {
      operationId: 'uploadProgressForm',
      summary: 'File the month’s progress from the filled-in form (the XLSX as the body, or the one file of a multipart upload)',
      description: 'Rows are matched by task number. 422 file-refused, naming each cell (e.g. "G7: …"), for another unit’s or month’s form, a changed '
        + 'header, a column added, a task the unit does not report on or given twice, or a text over its limit; nothing is filed then. Rows whose '
        + '本月落实进度 is empty are left as they are. Posting the same workbook again changes nothing. The same refusals as filing one task apply '
        + '(approved, closed, not the key’s unit).',
      tags: ['filing'],
      params: sheetParams,
      response: { 200: ref('progress-form-upload'), ...problemResponses },
    },
    handler: async (request) => {
      const actor = actorOf(request);
      const { period } = request.params;
      const target = unitInScope(programmes, actor, request.params.unit);
      requireFilingFor(actor, target);
      const { programme, unit } = target;
      const upload = await receiveWorkbook(request);
      const at = now();
      const before = await unitProgressSheet(knex, programme, period, unit.code, todayInShanghai(at));
      let read;
      try {
        read = await readProgressForm({ fileName: upload.fileName, bytes: upload.bytes }, programme, before);
      } catch (error) {
        if (error instanceof ProblemError) request.auditNote = `workbook ${upload.fileName} refused`;
        throw error;
      }
      const result = await fileProgress(knex, actor, target, period, read.filings, { now: at, how: `form ${upload.fileName} uploaded` });
      if (result.filed.length > 0) request.markAudited();
      const after = await unitProgressSheet(knex, programme, period, unit.code, todayInShanghai(at));
      return { period, unit: after.unit, filed: result.filed, unchanged: result.unchanged, blank: read.blank, status: after.status };
    },
  });
}

/** The workbook's bytes: the raw body, or the one file of a multipart form. */
async function receiveWorkbook(request: FastifyRequest): Promise<{ fileName: string; bytes: Buffer }> {
  if (request.isMultipart()) {
    const part = await request.file();
    if (!part) throw new ProblemError('validation-failed', 'the multipart form has no file');
    const bytes = await part.toBuffer();
    return { fileName: part.filename || 'form.xlsx', bytes };
  }
  if (!Buffer.isBuffer(request.body)) throw new ProblemError('unsupported-media-type', `send the workbook as ${xlsxType} or as a multipart/form-data file`);
  return { fileName: 'form.xlsx', bytes: request.body };
}
