import type { Knex } from 'knex';
import { createSm2Signer, prepareSm2PublicKey, type Sm2PublicKey, type Sm2Signer } from '../crypto/sm2.js';
import { parseSm2PrivateKey } from '../crypto/sm2-keys.js';
import type { OwnKeys } from '../keystore/own-keys.js';
import { recordAudit } from '../store/repositories/audit-log.js';

export interface CheckpointKey {
  id: string;
  fingerprint: string;
  signer: Sm2Signer;
}

/**
 * Our active SM2 key, looked up at every checkpoint so a rotated key signs from the next one on. A store with
 * no SM2 key pair yet gets one, and its generation is itself an audited key operation.
 */
export function activeSigningKey(ownKeys: OwnKeys, knex: Knex): () => Promise<CheckpointKey> {
  return async () => {
    let key = (await ownKeys.list()).find((k) => k.algorithm === 'sm2' && k.status === 'active');
    if (!key) {
      key = await ownKeys.generate('sm2');
      await recordAudit(knex, null, {
        action: 'keypair.generate', outcome: 'ok', resourceType: 'key-pair', resourceId: key.id, detail: 'no SM2 key pair yet: generated to sign audit checkpoints',
      });
    }
    const signer = createSm2Signer(parseSm2PrivateKey(await ownKeys.privateKey(key.id)));
    return { id: key.id, fingerprint: signer.publicKey.fingerprint, signer };
  };
}

/**
 * The keys whose checkpoints are believed. Whoever can write the database can also add a row to own_keys and
 * sign forged checkpoints with it, so a key counts only when its sealed private key opens with the master key;
 * the public key is then derived from that private key, never read from the row. `unproven` names the SM2 key
 * pairs that failed, whether planted or sealed under another master key.
 */
export async function keysProvenByMasterKey(ownKeys: OwnKeys): Promise<{ proven: Sm2PublicKey[]; unproven: string[] }> {
  const proven: Sm2PublicKey[] = [];
  const unproven: string[] = [];
  for (const key of (await ownKeys.list()).filter((k) => k.algorithm === 'sm2')) {
    try {
      proven.push(prepareSm2PublicKey(parseSm2PrivateKey(await ownKeys.privateKey(key.id)).publicKeyHex));
    } catch {
      unproven.push(key.id);
    }
  }
  return { proven, unproven };
}
