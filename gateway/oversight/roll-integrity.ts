/**
 * Whether a closed roll is still what was signed: its canonical document is written again from the stored lines
 * (payroll/roll-document.ts, as closing wrote it), digested with SM3 and compared with the stored digest, and the
 * stored SM2 signature is verified over those bytes with the public key of the key that signed it (own_keys). Lines
 * changed, added or removed around the immutability triggers give another digest; a digest rewritten to match
 * them no longer verifies against the signature. A key row replaced as well defeats the signature check: the key's
 * fingerprint is shown so the auditor can compare it with the one published at closing.
 */
import type { Knex } from 'knex';
import { createSm3 } from '../crypto/sm3.js';
import { createSm2MessageHash, prepareSm2PublicKey, sm2VerifyDigest } from '../crypto/sm2.js';
import { parseSm2PublicKey, sm2KeyFingerprint } from '../crypto/sm2-keys.js';
import { totalsOfClosedRoll, writeRollDocument } from '../payroll/payroll-months.js';
import type { ClosedRoll } from '../store/repositories/payroll-rolls.js';

export type IntegrityStatus = 'intact' | 'digest-mismatch' | 'signature-invalid' | 'key-missing';

export interface RollIntegrity {
  roll: ClosedRoll;
  status: IntegrityStatus;
  recomputedSm3: string;
  keyFingerprint: string;
}

export async function checkRollIntegrity(knex: Knex, roll: ClosedRoll): Promise<RollIntegrity> {
  const keyRow: { public_key: string } | undefined = await knex('own_keys').where({ id: roll.keyId }).first('public_key');
  const publicKeyHex = keyRow ? safeParse(keyRow.public_key) : null;
  const digest = createSm3();
  const signed = publicKeyHex ? createSm2MessageHash(prepareSm2PublicKey(publicKeyHex)) : null;
  await writeRollDocument(knex, { id: roll.id, countyCode: roll.countyCode, month: roll.month, totals: totalsOfClosedRoll(roll) }, (chunk) => {
    digest.update(chunk);
    signed?.update(chunk);
  });
  const recomputedSm3 = digest.digest('hex');
  const keyFingerprint = publicKeyHex ? sm2KeyFingerprint(publicKeyHex) : '';
  let status: IntegrityStatus;
  if (recomputedSm3 !== roll.documentSm3) status = 'digest-mismatch';
  else if (!publicKeyHex || !signed) status = 'key-missing';
  else status = verifies(signed.digest(), roll.signature, publicKeyHex) ? 'intact' : 'signature-invalid';
  return { roll, status, recomputedSm3, keyFingerprint };
}

function verifies(e: Buffer, signatureBase64: string, publicKeyHex: string): boolean {
  try {
    return sm2VerifyDigest(e, Buffer.from(signatureBase64, 'base64'), prepareSm2PublicKey(publicKeyHex));
  } catch {
    return false;
  }
}

function safeParse(pem: string): string | null {
  try {
    return parseSm2PublicKey(pem);
  } catch {
    return null;
  }
}
