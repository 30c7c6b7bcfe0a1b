import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import type { FeedCatalogue } from '../../adapters/kit/feed-mappings.js';
import { fileSource } from '../crypto/byte-source.js';
import type { EnvelopeHeader } from '../crypto/envelope.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { ProblemError } from '../errors.js';
import { importFeedFile } from '../feeds/import-feed.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses } from '../plugins/app/schemas.js';
import { recordAudit } from '../store/repositories/audit-log.js';

/** Files larger than this are refused while they stream in; feeds are monthly files of some hundred MB at most. */
export const maxUploadBytes = 2 * 1024 ** 3;

const importResult = {
  type: 'object',
  additionalProperties: false,
  required: ['batchId', 'source', 'accepted', 'rejected', 'skipped', 'duplicate'],
  properties: {
    batchId: { type: ['integer', 'null'], description: 'null for a dry run, and for a duplicate of a batch of a wider region (which this key may not read)' },
    source: { type: 'string' },
    accepted: { type: 'integer', description: 'Rows that became facts' },
    rejected: { type: 'integer', description: 'Rows refused, each with location and reason (GET /v1/batches/{id}/rejects)' },
    skipped: { type: 'integer', description: 'Title, blank and totals rows' },
    duplicate: { type: 'boolean', description: 'The same content was imported before; nothing changed' },
    dryRun: { type: 'boolean' },
    sender: { type: 'string', description: 'For an enveloped upload: the partner that signed it' },
    sampleRejects: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { location: { type: 'string' }, reason: { type: 'string' } } } },
  },
} as const;

export interface FeedRouteOptions {
  /** The same feeds `jiuzhu import` reads by: the packaged mappings with the deployment's folder laid over them. */
  feeds: FeedCatalogue;
}

export default async function feedRoutes(fastify: FastifyInstance, options: FeedRouteOptions): Promise<void> {
  // In this scope every body arrives as a stream, whatever its type: files are written to disk and read from
  // there, never parsed by fastify (a JSON feed is a file to import, not a request body).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await fastify.register(multipart, { limits: { files: 1, fileSize: maxUploadBytes } });

  fastify.post<{ Params: { source: string }; Querystring: { dryRun?: boolean } }>('/v1/feeds/:source/batches', {
    config: { audit: 'feed.upload', access: 'importFeeds' },
    schema: {
      operationId: 'importBatch',
      summary: 'Import a department file as a batch: as the raw body, as a multipart upload, or in a GM/T 0010 envelope',
      description: [
        'Send the file as the body (text/csv, an XLSX/XLS, JSON, NDJSON or XML content type, or application/octet-stream) or as the one file of a',
        'multipart/form-data upload. In an envelope (`application/pkcs7-mime`, or a multipart file named *.p7m) it must be signed by a registered',
        'partner allowed to upload to `source`, within the clock-skew window, with a fresh nonce, and sealed to this gateway. Rows become facts or',
        'rejects with their location; the whole file is one transaction; the same content twice to the same feed is the same batch. The batch',
        'belongs to the key’s region: rows about register persons whose household lies wholly outside it are rejected, and only comparison runs',
        'over an overlapping region read its facts. `dryRun=true` reports what the file would do and writes nothing (an envelope’s nonce is not',
        'spent, so the same envelope can then be sent for real).',
      ].join(' '),
      tags: ['feeds'],
      params: { type: 'object', required: ['source'], properties: { source: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,40}$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: false } } },
      response: { 200: importResult, 201: importResult, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const { source } = request.params;
      const dryRun = request.query.dryRun === true;
      const workDir = await mkdtemp(join(tmpdir(), 'jiuzhu-upload-'));
      try {
        const upload = await receive(request, join(workDir, 'upload'));
        let path = upload.path;
        let envelope: EnvelopeHeader | undefined;
        if (upload.enveloped) {
          path = join(workDir, 'content');
          envelope = await openEnvelopeToFile(fastify, request, upload.path, path, source);
        }
        const sender = envelope?.senderId;
        let result;
        try {
          result = await importFeedFile(fastify.store, { source, feeds: options.feeds, input: { fileName: upload.fileName, path }, actor, dryRun });
        } catch (error) {
          if (error instanceof AdapterError) {
            fastify.metrics.countRefusedImport(source);
            request.auditNote = `file refused: ${error.code}`;
            throw new ProblemError('file-refused', error.message);
          }
          throw error;
        }
        // The envelope's nonce is spent only now that the import went through: a dry run, or a file refused whole, leaves
        // the sender free to send the same envelope again.
        if (envelope && !dryRun) await spendNonce(fastify, request, envelope);
        request.markAudited();
        if (result.duplicate || result.dryRun) {
          await recordAudit(fastify.store.knex, actor, {
            action: 'feed.upload',
            outcome: 'ok',
            resourceType: 'batch',
            resourceId: result.batchId === null ? undefined : String(result.batchId),
            detail: result.dryRun ? `dry run of ${upload.fileName}` : `duplicate of batch ${result.batchId ?? 'of a wider region'}`,
          });
        }
        fastify.metrics.countImport(source, result);
        const { batchId, accepted, rejected, skipped, duplicate, sampleRejects } = result;
        return reply.code(duplicate || dryRun ? 200 : 201).send({ batchId, source, accepted, rejected, skipped, duplicate, dryRun, ...(sender ? { sender } : {}), ...(dryRun ? { sampleRejects } : {}) });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  });
}

/** Writes the upload to `path`: the raw body, or the one file of a multipart form. */
async function receive(request: FastifyRequest, path: string): Promise<{ path: string; fileName: string; enveloped: boolean }> {
  const contentType = request.headers['content-type'] ?? '';
  if (request.isMultipart()) {
    const part = await request.file();
    if (!part) throw new ProblemError('validation-failed', 'the multipart form has no file');
    try {
      await writeLimited(part.file, path);
    } catch (error) {
      // The part's stream closes early when the body ends before the form's closing boundary: the client's
      // mistake (or a cut connection), not ours.
      if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        throw new ProblemError('validation-failed', 'the multipart body ends before its closing boundary', [{ in: 'body', pointer: '/', detail: 'incomplete multipart form' }]);
      }
      throw error;
    }
    if (part.file.truncated) throw new ProblemError('payload-too-large', `files are at most ${maxUploadBytes} bytes`);
    return { path, fileName: part.filename || 'upload', enveloped: part.mimetype.startsWith('application/pkcs7-mime') || /\.p7m$/i.test(part.filename) };
  }
  if (!contentType) throw new ProblemError('unsupported-media-type', 'say what the body is with Content-Type');
  await writeLimited(request.body as Readable, path);
  const fileName = /filename="?([^";]+)"?/.exec(String(request.headers['content-disposition'] ?? ''))?.[1] ?? 'upload';
  return { path, fileName, enveloped: contentType.startsWith('application/pkcs7-mime') };
}

async function writeLimited(body: Readable, path: string): Promise<void> {
  let received = 0;
  await pipeline(
    body,
    async function* limit(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        received += chunk.length;
        if (received > maxUploadBytes) throw new ProblemError('payload-too-large', `files are at most ${maxUploadBytes} bytes`);
        yield chunk;
      }
    },
    createWriteStream(path, { mode: 0o600 }),
  );
}

/**
 * Opens an enveloped upload into a private temp file (readers need a file: a workbook is read whole). The
 * directory is removed when the request ends, whatever happens.
 */
async function openEnvelopeToFile(fastify: FastifyInstance, request: FastifyRequest, envelopePath: string, contentPath: string, source: string): Promise<EnvelopeHeader> {
  const envelope = await fileSource(envelopePath);
  try {
    return await fastify.exchange.openToFile(envelope, contentPath, { forSource: source, spendNonce: false });
  } catch (error) {
    throw envelopeProblem(request, error);
  } finally {
    await envelope.close();
  }
}

async function spendNonce(fastify: FastifyInstance, request: FastifyRequest, envelope: EnvelopeHeader): Promise<void> {
  try {
    await fastify.exchange.spendNonce(envelope);
  } catch (error) {
    throw envelopeProblem(request, error);
  }
}

/** An envelope's refusal as the problem it answers, noted for the audit line; anything else passes through. */
function envelopeProblem(request: FastifyRequest, error: unknown): unknown {
  if (!(error instanceof EnvelopeError)) return error;
  request.auditNote = `envelope ${error.refusal}`;
  return new ProblemError(`envelope-${error.refusal}`, error.message);
}
