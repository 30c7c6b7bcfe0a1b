import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { fileSource } from '../crypto/byte-source.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { actorOf } from '../plugins/app/auth.js';
import { problemResponses } from '../plugins/app/schemas.js';
import { recordAudit } from '../store/repositories/audit-log.js';

/** Envelopes larger than this are refused while they stream in; feeds are monthly files of some hundred MB at most. */
export const maxEnvelopeBytes = 2 * 1024 ** 3;

const uploadRoles = new Set(['integrator', 'admin']);

export default async function feedRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.post<{ Params: { source: string } }>('/v1/feeds/:source/batches', {
    config: { audit: 'feed.upload' },
    schema: {
      summary: 'Upload a feed file in a GM/T 0010 envelope (SM2-signed, SM4-encrypted) from a registered partner',
      description: [
        'The body is the DER envelope, `Content-Type: application/pkcs7-mime`. The signature must be by a registered key of a partner',
        'allowed to upload to `source`, signed within the clock-skew window, with a nonce never seen before, sealed to this gateway.',
        'The same content twice is the same batch (`duplicate: true`). Mapping the rows to facts comes with the department adapters;',
        'until then a verified file is recorded as a batch with status `received`.',
      ].join(' '),
      tags: ['feeds'],
      consumes: ['application/pkcs7-mime'],
      params: { type: 'object', required: ['source'], properties: { source: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,40}$' } } },
      response: {
        202: {
          type: 'object',
          additionalProperties: false,
          required: ['batchId', 'source', 'sender', 'sm3', 'bytes', 'duplicate', 'status'],
          properties: {
            batchId: { type: 'integer' },
            source: { type: 'string' },
            sender: { type: 'string', description: 'The partner that signed the envelope' },
            sm3: { type: 'string', description: 'SM3 of the decrypted content, hex' },
            bytes: { type: 'integer' },
            duplicate: { type: 'boolean' },
            status: { type: 'string', enum: ['received', 'applied', 'refused'] },
          },
        },
        ...problemResponses,
      },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      if (!uploadRoles.has(actor.role)) throw new ProblemError('forbidden', `role ${actor.role} cannot upload feeds`);
      if (!request.headers['content-type']?.startsWith('application/pkcs7-mime')) {
        throw new ProblemError('unsupported-media-type', 'send the envelope as application/pkcs7-mime');
      }
      const { source } = request.params;
      const workDir = await mkdtemp(join(tmpdir(), 'jiuzhu-upload-'));
      try {
        const envelopePath = join(workDir, 'envelope.der');
        await receive(request.body as Readable, envelopePath);
        const envelope = await fileSource(envelopePath);
        // The content is only hashed for now: rows are mapped with the department adapters, and decrypted
        // personal data is not written to disk for nothing.
        const digest = createSm3();
        let header;
        try {
          header = await fastify.exchange.open(envelope, (chunk) => void digest.update(chunk), { forSource: source });
        } catch (error) {
          if (error instanceof EnvelopeError) {
            request.auditNote = `envelope ${error.refusal}`;
            throw new ProblemError(`envelope-${error.refusal}`, error.message);
          }
          throw error;
        } finally {
          await envelope.close();
        }
        const sm3 = digest.digest('hex');
        const result = await fastify.store.knex.transaction(async (trx) => {
          const existing = await trx('batches').where('sm3', sm3).first('id', 'status');
          if (existing) return { batchId: existing.id as number, duplicate: true, status: existing.status };
          const [row] = await trx('batches')
            .insert({ source, sm3, status: 'received', received_at: new Date().toISOString(), rows_total: 0, accepted: 0, rejected: 0, skipped: 0, actor: `${header.senderId} via key ${actor.keyId}` })
            .returning('id');
          const batchId = (row as { id: number }).id;
          await recordAudit(trx, actor, { action: 'feed.upload', outcome: 'ok', resourceType: 'batch', resourceId: String(batchId), detail: `envelope from ${header.senderId}, ${header.contentBytes} bytes, source ${source}` });
          return { batchId, duplicate: false, status: 'received' };
        });
        if (result.duplicate) {
          await recordAudit(fastify.store.knex, actor, { action: 'feed.upload', outcome: 'ok', resourceType: 'batch', resourceId: String(result.batchId), detail: `duplicate of batch ${result.batchId}, envelope from ${header.senderId}` });
        }
        request.markAudited();
        return reply.code(202).send({ ...result, source, sender: header.senderId, sm3, bytes: header.contentBytes });
      } finally {
        await rm(workDir, { recursive: true, force: true });
      }
    },
  });
}

/** Streams the body to a file, refusing it as soon as it passes maxEnvelopeBytes. */
async function receive(body: Readable, path: string): Promise<void> {
  let received = 0;
  await pipeline(
    body,
    async function* limit(chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        received += chunk.length;
        if (received > maxEnvelopeBytes) throw new ProblemError('payload-too-large', `envelopes are at most ${maxEnvelopeBytes} bytes`);
        yield chunk;
      }
    },
    createWriteStream(path, { mode: 0o600 }),
  );
}
