import type { Knex } from 'knex';
import { keyringOf } from '../personal-data.js';

/**
 * The rows a batch refused. The reason quotes the refused cell and the raw cells are the row as sent, personal data
 * both, so both are stored encrypted (reason_cipher, raw_cipher: personal-data.ts); this module reads them back.
 */
export interface RejectRow {
  id: number;
  location: string;
  reason: string;
  /** The row as sent, JSON (cells, or a record's fields); null when nothing was kept. */
  raw: string | null;
}

/** The batch's rejected rows in file order; the first `limit` only, when given. */
export async function rejectsOfBatch(db: Knex | Knex.Transaction, batchId: number, limit?: number): Promise<RejectRow[]> {
  const rows: { id: number; location: string; reason_cipher: string; raw_cipher: string | null }[] = await db('batch_rejects')
    .where('batch_id', batchId).orderBy('id').select('id', 'location', 'reason_cipher', 'raw_cipher')
    .modify((query) => (limit === undefined ? query : query.limit(limit)));
  const keyring = keyringOf(db);
  const [reasons, raws] = await Promise.all([keyring.decryptMany(rows.map((r) => r.reason_cipher)), keyring.decryptMany(rows.map((r) => r.raw_cipher))]);
  return rows.map((row, index) => ({ id: row.id, location: row.location, reason: reasons[index]!, raw: raws[index] ?? null }));
}
