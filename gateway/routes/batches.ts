import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { maskPersonalDataWithin } from '../access/masking.js';
import { isWithinScope } from '../access/region-scope.js';
import { rolePolicies } from '../access/role-policy.js';
import { csvBom, csvLine } from '../exports/csv-export.js';
import { ProblemError } from '../errors.js';
import { rejectsOfBatch } from '../store/repositories/batch-rejects.js';
import { actorOf } from '../plugins/app/auth.js';
import { idParams, problemResponses, ref } from '../plugins/app/schemas.js';
import type { Batch } from '../../schemas/types/index.js';

/**
 * A batch belongs to the region of the key that uploaded it: a key reads it only when that region lies within its
 * own, and otherwise gets the answer a missing batch gets. Rejects carry the raw cells of refused rows — personal
 * data — so only those who fix feeds (and audit them) read them (route access: readFeedBatches).
 */
interface BatchRow {
  id: number;
  source: string;
  period: string | null;
  sm3: string;
  file_name: string | null;
  status: Batch['status'];
  received_at: string;
  rows_total: number;
  accepted: number;
  rejected: number;
  skipped: number;
  refusal: string | null;
  region_code: string;
}

async function batchInScope(knex: Knex, actor: Actor, id: number): Promise<BatchRow> {
  const row: BatchRow | undefined = await knex('batches').where('id', id).first();
  if (!row || !isWithinScope(actor.regionCode, row.region_code)) throw new ProblemError('not-found', `no batch ${id} within ${actor.regionCode}`);
  return row;
}


export default async function batchRoutes(fastify: FastifyInstance): Promise<void> {
  const { knex } = fastify.store;

  fastify.get<{ Params: { id: number } }>('/v1/batches/:id', {
    config: { access: 'readFeedBatches' },
    schema: {
      operationId: 'getBatch',
      summary: 'One batch: its source, content digest, status and counts (no personal data)',
      description: 'Returns what became of an imported file: its source, SM3 digest, status and how many rows were accepted, rejected or skipped; for '
        + 'integrators, admins and auditors, on batches uploaded within their region.',
      tags: ['feeds'],
      params: idParams,
      response: { 200: ref('batch'), ...problemResponses },
    },
    handler: async (request) => {
      const row = await batchInScope(knex, actorOf(request), request.params.id);
      const batch: Batch = {
        id: row.id, source: row.source, period: row.period, sm3: row.sm3, fileName: row.file_name, status: row.status, receivedAt: row.received_at,
        rowsTotal: row.rows_total, accepted: row.accepted, rejected: row.rejected, skipped: row.skipped, refusal: row.refusal,
      };
      return batch;
    },
  });

  fastify.get<{ Params: { id: number } }>('/v1/batches/:id/rejects', {
    config: { audit: 'batch.rejects.read', access: 'readFeedBatches' },
    schema: {
      operationId: 'getBatchRejects',
      summary: 'The rows a batch refused, as CSV (UTF-8 with BOM): location (line N or Sheet!A7), reason, then the row as it was',
      description: 'Downloads the refused rows of a batch so the sending department can correct them; ID numbers and accounts in the rows are masked as '
        + 'the reader’s role requires, and the read is written to the audit log.',
      tags: ['feeds'],
      params: idParams,
      produces: ['text/csv'],
      response: { 200: { type: 'string', description: 'text/csv' }, ...problemResponses },
    },
    handler: async (request, reply) => {
      const actor = actorOf(request);
      const policy = rolePolicies[actor.role];
      const batch = await batchInScope(knex, actor, request.params.id);
      const rejects = await rejectsOfBatch(knex, batch.id);
      // The raw cells and the reasons quoting them show ID numbers and accounts as the role's policy allows.
      const shown = (text: string) => maskPersonalDataWithin(policy, text);
      let csv = csvBom + csvLine(['文件 file', '位置 location', '原因 reason', '原始数据 row']);
      for (const reject of rejects) {
        const raw: unknown = reject.raw ? JSON.parse(reject.raw) : [];
        const cells = Array.isArray(raw) ? raw.map(String) : Object.entries(raw as Record<string, string>).map(([k, v]) => `${k}=${v}`);
        csv += csvLine([batch.file_name ?? '', reject.location, shown(reject.reason), ...cells.map(shown)]);
      }
      await request.auditRead({ view: null, subjectPersonIds: [] }, { type: 'batch', id: String(batch.id) });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="batch-${batch.id}-rejects.csv"`).send(csv);
    },
  });
}
