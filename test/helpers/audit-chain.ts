import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../../gateway/access/actor.js';
import { activeSigningKey, keysProvenByMasterKey } from '../../gateway/audit/checkpoint-keys.js';
import { createAuditCheckpointer, type AuditCheckpointer } from '../../gateway/audit/checkpoints.js';
import { canonicalEntryBytes, chainHash, type ChainedEntry } from '../../gateway/audit/chain-format.js';
import { verifyAuditChain, type AuditVerification } from '../../gateway/audit/verify-chain.js';
import { createOwnKeys, type OwnKeys } from '../../gateway/keystore/own-keys.js';
import { recordAudit } from '../../gateway/store/repositories/audit-log.js';

export const township: Actor = { keyId: 7, role: 'township', regionCode: '640121100', label: 'test township', requestId: 'req-1' };

/** Entries of every shape the chain must cover: with and without subjects, an actor or none, a detail or none. */
export async function appendSampleEntries(knex: Knex, count: number, firstNumber = 1): Promise<void> {
  for (let n = firstNumber; n < firstNumber + count; n += 1) {
    await recordAudit(knex, n % 5 === 0 ? null : township, {
      action: n % 3 === 0 ? 'household.read' : 'warning.transition',
      outcome: n % 7 === 0 ? 'denied' : 'ok',
      resourceType: 'warning',
      resourceId: String(n),
      regionCode: '640121100',
      subjectPersonIds: n % 2 === 0 ? [n + 1000, n + 500] : [],
      detail: n % 4 === 0 ? undefined : `entry ${n}: 已核实 "quoted" \\ back\nslash`,
    });
  }
}

export interface ChainKeys {
  masterKey: Buffer;
  ownKeys: OwnKeys;
  checkpointer: AuditCheckpointer;
  /** Verifies through `db` (a transaction holding the tampering), believing the keys this master key proves there. */
  verify(db?: Knex): Promise<AuditVerification>;
}

/** Our keys under a fresh master key, and a checkpointer signing with them. */
export function chainKeys(knex: Knex): ChainKeys {
  const masterKey = randomBytes(32);
  const keysOn = (db: Knex) => createOwnKeys({ knex: db, masterKey, partyId: 'jiuzhu-test', keyGraceDays: 30 });
  const ownKeys = keysOn(knex);
  return {
    masterKey,
    ownKeys,
    checkpointer: createAuditCheckpointer({ knex, signingKey: activeSigningKey(ownKeys, knex) }),
    verify: async (db = knex) => verifyAuditChain(db, (await keysProvenByMasterKey(keysOn(db))).proven),
  };
}

/** The hash an entry would carry, as a forger who knows the published format computes it. */
export function forgedHash(previous: string, entry: ChainedEntry): string {
  return chainHash(previous, canonicalEntryBytes(entry));
}

/** The stored row at a position, as a forger reads it. */
export async function rowAt(db: Knex, seq: number): Promise<Record<string, unknown> & { id: number; hash: string; prev_hash: string }> {
  return db('audit_log').where('seq', seq).first();
}

/**
 * Moves every entry from `from` on by `by` positions. Through negative positions, because PostgreSQL checks a
 * unique index row by row within one UPDATE.
 */
export async function shiftPositions(db: Knex, from: number, by: number): Promise<void> {
  await db.raw('UPDATE audit_log SET seq = -(seq + ?) WHERE seq >= ?', [by, from]);
  await db.raw('UPDATE audit_log SET seq = -seq WHERE seq < 0');
}
