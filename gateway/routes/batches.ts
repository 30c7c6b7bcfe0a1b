import type { FastifyInstance } from 'fastify';
import { csvBom, csvLine } from '../exports/csv-export.js';
import { ProblemError } from '../errors.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, problemResponses, ref } from '../plugins/app/schemas.js';
import type { Batch } from '../../schemas/types/index.js';

/** Rejects carry the raw cells of refused rows — personal data — so only those who fix feeds read them. */
const rejectReaders = new Set(['integrator', 'admin', 'auditor']);


export default async function batchRoutes(fastify: FastifyInstance): Promise<void> {
  const { knex } = fastify.store;

  fastify.get<{ Params: { id: number } }>('/v1/batches/:id', {
    schema: {
      summary: 'One batch: its source, content digest, status and counts (no personal data)',
      tags: ['feeds'],
      params: idParams,
      response: { 200: ref('batch'), ...problemResponses },
    },
    handler: async (request) => {
      actorOf(request);
      const row = await knex('batches').where('id', request.params.id).first();
      if (!row) throw new ProblemError('not-found', `no batch ${request.params.id}`);
      const batch: Batch = {
        id: row.id, source: row.source, period: row.period, sm3: row.sm3, fileName: row.file_name, status: row.status, receivedAt: row.received_at,
        rowsTotal: row.rows_total, accepted: row.accepted, rejected: row.rejected, skipped: row.skipped, refusal: row.refusal,
      };
      return batch;
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/batches/:id/rejects', {
    config: { audit: 'batch.rejects.read' },
    schema: {
      summary: 'The rows a batch refused, as CSV (UTF-8 with BOM): location (line N or Sheet!A7), reason, then the row as it was',
      tags: ['feeds'],
      params: idParams,
      produces: ['text/csv'],
      response: { 200: { type: 'string', description: 'text/csv' }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      if (!rejectReaders.has(actor.role)) throw new ProblemError('forbidden', `role ${actor.role} does not read rejected rows`);
      const batch = await knex('batches').where('id', request.params.id).first('id', 'file_name');
      if (!batch) throw new ProblemError('not-found', `no batch ${request.params.id}`);
      const rejects = await knex('batch_rejects').where('batch_id', batch.id).orderBy('id');
      let csv = csvBom + csvLine(['文件 file', '位置 location', '原因 reason', '原始数据 row']);
      for (const reject of rejects) {
        const raw: unknown = reject.raw ? JSON.parse(reject.raw) : [];
        const cells = Array.isArray(raw) ? raw.map(String) : Object.entries(raw as Record<string, string>).map(([k, v]) => `${k}=${v}`);
        csv += csvLine([batch.file_name, reject.location, reject.reason, ...cells]);
      }
      await request.auditRead({ view: null, subjectPersonIds: [] }, { type: 'batch', id: String(batch.id) });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="batch-${batch.id}-rejects.csv"`).send(csv);
    },
  });
}
