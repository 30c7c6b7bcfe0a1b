import type { Knex } from 'knex';
import type { CheckpointFields } from '../../audit/chain-format.js';
import type { AuditHead } from './audit-log.js';

/** A signed head of the audit chain (audit/checkpoints.ts). */
export interface AuditCheckpoint extends CheckpointFields {
  keyId: string;
  /** DER, over checkpointText(this). */
  signature: Buffer;
}

interface CheckpointRow {
  position: number | string;
  head_hash: string;
  signed_at: string;
  key_id: string;
  key_fingerprint: string;
  signature: Buffer;
}

function checkpointOf(row: CheckpointRow): AuditCheckpoint {
  return {
    position: Number(row.position), head: row.head_hash, at: row.signed_at, keyId: row.key_id, keyFingerprint: row.key_fingerprint,
    signature: Buffer.from(row.signature),
  };
}

/** False when a checkpoint of that position exists already: another process signed the same head first. */
export async function insertCheckpoint(knex: Knex, checkpoint: AuditCheckpoint): Promise<boolean> {
  const inserted = await knex('audit_checkpoints')
    .insert({
      position: checkpoint.position, head_hash: checkpoint.head, signed_at: checkpoint.at, key_id: checkpoint.keyId,
      key_fingerprint: checkpoint.keyFingerprint, signature: checkpoint.signature,
    })
    .onConflict('position')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** Checkpoints by position, a page at a time. */
export async function* checkpointsInOrder(knex: Knex, range: { from?: number; to?: number } = {}): AsyncGenerator<AuditCheckpoint> {
  let after = (range.from ?? 1) - 1;
  for (;;) {
    const query = knex('audit_checkpoints').where('position', '>', after).orderBy('position').limit(1000);
    if (range.to !== undefined) query.andWhere('position', '<=', range.to);
    const rows: CheckpointRow[] = await query;
    if (rows.length === 0) return;
    for (const row of rows) yield checkpointOf(row);
    after = Number(rows.at(-1)!.position);
  }
}

/** The last checkpoint at or before a position, or the first at or after it. */
export async function nearestCheckpoint(knex: Knex, position: number, direction: 'at-or-before' | 'at-or-after'): Promise<AuditCheckpoint | undefined> {
  const row: CheckpointRow | undefined = await knex('audit_checkpoints')
    .where('position', direction === 'at-or-before' ? '<=' : '>=', position)
    .orderBy('position', direction === 'at-or-before' ? 'desc' : 'asc')
    .first();
  return row ? checkpointOf(row) : undefined;
}

export interface ChainEnds {
  /** The head row (undefined when it is missing). */
  head: AuditHead | undefined;
  lastEntry: number;
  lastCheckpoint: { position: number; at: string } | undefined;
}

/** The head, the last entry and the last checkpoint, read in one statement so they are of one moment. */
export async function readChainEnds(knex: Knex): Promise<ChainEnds> {
  const head = () => knex('audit_head').where('id', 1);
  const row = await knex
    .select({
      head_seq: head().select('seq'),
      head_hash: head().select('hash'),
      last_entry: knex('audit_log').max('seq'),
      last_position: knex('audit_checkpoints').max('position'),
      last_at: knex('audit_checkpoints').orderBy('position', 'desc').limit(1).select('signed_at'),
    })
    .first();
  return {
    head: row.head_seq == null ? undefined : { seq: Number(row.head_seq), hash: row.head_hash },
    lastEntry: Number(row.last_entry ?? 0),
    lastCheckpoint: row.last_position == null ? undefined : { position: Number(row.last_position), at: row.last_at },
  };
}
