import type { Knex } from 'knex';

/**
 * Replay protection: a nonce is accepted once per sender. Nonces older than the clock-skew window can be
 * pruned, because an envelope that old is refused as stale before its nonce is looked at.
 */
export async function isNonceSeen(db: Knex | Knex.Transaction, senderId: string, nonce: Buffer): Promise<boolean> {
  return (await db('envelope_nonces').where({ sender_id: senderId, nonce: nonce.toString('hex') }).first('nonce')) !== undefined;
}

/** Records the nonce; false when it was already there (a concurrent replay lost the race). */
export async function claimNonce(trx: Knex.Transaction, senderId: string, nonce: Buffer, signingTime: Date): Promise<boolean> {
  // ON CONFLICT DO NOTHING rather than catching the unique violation: in PostgreSQL that would abort the transaction.
  const inserted = await trx('envelope_nonces')
    .insert({ sender_id: senderId, nonce: nonce.toString('hex'), signing_time: signingTime.toISOString(), seen_at: new Date().toISOString() })
    .onConflict(['sender_id', 'nonce'])
    .ignore()
    .returning('nonce');
  return inserted.length === 1;
}

/** Called after each accepted envelope, so the table holds one clock-skew window's worth of nonces, not all of them ever. */
export async function pruneNonces(db: Knex, olderThan: Date): Promise<number> {
  return db('envelope_nonces').where('seen_at', '<', olderThan.toISOString()).delete();
}
