import type { Hash } from 'node:crypto';
import { sm2 as sm2v2 } from 'sm-crypto-v2';
import { CryptoError } from './crypto-error.js';
import { fromCanonicalC1C3C2, toCanonicalC1C3C2, type Sm2CipherEncoding } from './sm2-cipher-encoding.js';
import { assertSm2PublicKeyHex, sm2KeyFingerprint, type Sm2KeyPair } from './sm2-keys.js';
import { buildSm2PointTable, parseSm2SignatureDer, verifySm2Digest, type Sm2VerifyingPoint } from './sm2-verify.js';
import { createSm3 } from './sm3.js';

/**
 * SM2 signatures and encryption (GB/T 32918 / GM/T 0003, used as GM/T 0009 specifies).
 *
 * Node's OpenSSL cannot make or check standard SM2 signatures (it uses an empty user ID, or plain ECDSA)
 * and cannot SM2-encrypt, so signing and encryption come from sm-crypto-v2: 20× faster than sm-crypto at
 * signing, random nonces from the platform CSPRNG rather than sm-crypto's once-seeded RC4, and
 * noble-curves underneath (research/crypto-facts.md §0, §2, §5). Verification, which handles only public values
 * and so need not be constant-time, is sm2-verify.ts's, ~2.5× faster. The library's defaults are never relied
 * on — `hash` defaults to false there — so this module computes the digest e = SM3(Z ‖ M) itself with native
 * SM3 and signs or verifies only e. That is also what makes large bodies fast: the message is hashed at
 * ~376 MB/s instead of being converted to JS arrays (§4.3: 244 vs 3.3 signatures/s at 1 MiB).
 */

/** The default distinguishing identifier of GM/T 0009 §10 ("1234567812345678"). */
export const defaultSm2UserId = '1234567812345678';

/**
 * A public key, checked once. A window table makes verification ~3× faster (sm2-verify.ts) but costs ~0.5 MB
 * and ~25 ms to build, so it is built when a key verifies for the second time: a partner key cached by the
 * server gets it, a one-off check (the CLI opening one envelope) does not pay for it.
 */
export interface Sm2PublicKey {
  readonly hex: string;
  readonly fingerprint: string;
  /** The point to verify with: its coordinates on first use, with its window table from then on. */
  verifyingPoint(): Sm2VerifyingPoint;
  readonly zByUserId: Map<string, Buffer>;
}

export function prepareSm2PublicKey(publicKeyHex: string): Sm2PublicKey {
  const hex = assertSm2PublicKeyHex(publicKeyHex);
  const x = BigInt(`0x${hex.slice(2, 66)}`);
  const y = BigInt(`0x${hex.slice(66)}`);
  let uses = 0;
  let point: Sm2VerifyingPoint = { x, y };
  return {
    hex,
    fingerprint: sm2KeyFingerprint(hex),
    verifyingPoint() {
      uses += 1;
      if (uses === 2) point = { x, y, table: buildSm2PointTable(x, y) };
      return point;
    },
    zByUserId: new Map(),
  };
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2 §5.5), once per key and user ID. */
export function sm2Z(key: Sm2PublicKey, userId: string = defaultSm2UserId): Buffer {
  let z = key.zByUserId.get(userId);
  if (!z) {
    if (Buffer.byteLength(userId, 'utf8') > 8191) throw new CryptoError('bad-input', 'an SM2 user ID is at most 8191 bytes');
    z = Buffer.from(sm2v2.getZ(key.hex, userId));
    key.zByUserId.set(userId, z);
  }
  return z;
}

/** An SM3 already fed with Z: update it with the message (streamed if large), then sign or verify its digest. */
export function createSm2MessageHash(key: Sm2PublicKey, userId: string = defaultSm2UserId): Hash {
  return createSm3().update(sm2Z(key, userId));
}

export interface Sm2Signer {
  readonly keyPair: Sm2KeyPair;
  readonly publicKey: Sm2PublicKey;
}

export function createSm2Signer(keyPair: Sm2KeyPair): Sm2Signer {
  return { keyPair, publicKey: prepareSm2PublicKey(keyPair.publicKeyHex) };
}

/** A GM/T 0009 DER signature (SEQUENCE { r INTEGER, s INTEGER }) over SM3(Z ‖ message). */
export function sm2Sign(message: Uint8Array | string, signer: Sm2Signer, userId: string = defaultSm2UserId): Buffer {
  return sm2SignDigest(createSm2MessageHash(signer.publicKey, userId).update(message).digest(), signer);
}

/** Signs a digest e already computed as SM3(Z ‖ M) with this signer's Z (see createSm2MessageHash). */
export function sm2SignDigest(e: Uint8Array, signer: Sm2Signer): Buffer {
  if (e.length !== 32) throw new CryptoError('bad-input', 'an SM2 digest e is 32 bytes');
  const signature = sm2v2.doSignature(e, signer.keyPair.privateKeyHex, { hash: false, der: true, publicKey: signer.keyPair.publicKeyHex });
  return Buffer.from(signature, 'hex');
}

export function sm2Verify(message: Uint8Array | string, signatureDer: Uint8Array, key: Sm2PublicKey, userId: string = defaultSm2UserId): boolean {
  return sm2VerifyDigest(createSm2MessageHash(key, userId).update(message).digest(), signatureDer, key);
}

/**
 * False for a wrong, malformed, non-DER or out-of-range signature. Verification is sm2-verify.ts's own, ~3× faster
 * than sm-crypto-v2's and checked against it and against openssl (test/crypto/sm2-verify.test.ts).
 */
export function sm2VerifyDigest(e: Uint8Array, signatureDer: Uint8Array, key: Sm2PublicKey): boolean {
  if (e.length !== 32) throw new CryptoError('bad-input', 'an SM2 digest e is 32 bytes');
  const signature = parseSm2SignatureDer(signatureDer);
  if (!signature) return false;
  return verifySm2Digest(BigInt(`0x${Buffer.from(e.buffer, e.byteOffset, e.length).toString('hex')}`), signature.r, signature.s, key.verifyingPoint());
}

/**
 * SM2 public-key encryption (C1C3C2). Empty plaintexts are refused: a failed decryption must never look like one.
 * Envelopes encrypt one content key per recipient, so the key's hex is used rather than building its tables.
 */
export function sm2Encrypt(plaintext: Uint8Array, key: Sm2PublicKey, encoding: Sm2CipherEncoding = { form: 'der' }): Buffer {
  if (plaintext.length === 0) throw new CryptoError('bad-input', 'refusing to SM2-encrypt an empty plaintext');
  const raw = Buffer.from(sm2v2.doEncrypt(plaintext, key.hex, 1), 'hex');
  return fromCanonicalC1C3C2(raw, encoding);
}

/** Throws CryptoError('decrypt-failed') where the library would return an empty result (wrong key, altered ciphertext). */
export function sm2Decrypt(ciphertext: Uint8Array, keyPair: Sm2KeyPair, encoding: Sm2CipherEncoding = { form: 'der' }): Buffer {
  const raw = toCanonicalC1C3C2(ciphertext, encoding);
  let plaintext: Uint8Array;
  try {
    plaintext = sm2v2.doDecrypt(raw.toString('hex'), keyPair.privateKeyHex, 1, { output: 'array' });
  } catch (error) {
    throw new CryptoError('decrypt-failed', 'SM2 decryption failed: the ciphertext is malformed or not for this key', { cause: error });
  }
  if (plaintext.length === 0) throw new CryptoError('decrypt-failed', 'SM2 decryption failed: wrong key, or the ciphertext was altered');
  return Buffer.from(plaintext);
}
