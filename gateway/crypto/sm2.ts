import type { Hash } from 'node:crypto';
import { sm2 as sm2v2 } from 'sm-crypto-v2';
import { CryptoError } from './crypto-error.js';
import { fromCanonicalC1C3C2, toCanonicalC1C3C2, type Sm2CipherEncoding } from './sm2-cipher-encoding.js';
import { childrenOf, fromDer, integerFromBytes, sequence, toDer, Type } from './der.js';
import { assertSm2PublicKeyHex, sm2CurveOrder, sm2KeyFingerprint, type Sm2KeyPair } from './sm2-keys.js';
import { createSm3 } from './sm3.js';

/**
 * SM2 signatures and encryption (GB/T 32918 / GM/T 0003, used as GM/T 0009 specifies).
 *
 * Node's OpenSSL cannot make or check standard SM2 signatures (it uses an empty user ID, or plain ECDSA)
 * and cannot SM2-encrypt, so the curve arithmetic comes from sm-crypto-v2: 20× faster than sm-crypto at
 * signing, random nonces from the platform CSPRNG rather than sm-crypto's once-seeded RC4, and
 * noble-curves underneath (research/crypto-facts.md §0, §2, §5). Its defaults are never relied on — `hash`
 * defaults to false there — so this module computes the digest e = SM3(Z ‖ M) itself with native SM3
 * and asks the library only to sign or verify e. That is also what makes large bodies fast: the message is
 * hashed at ~376 MB/s instead of being converted to JS arrays (§4.3: 244 vs 3.3 signatures/s at 1 MiB).
 */

/** The default distinguishing identifier of GM/T 0009 §10 ("1234567812345678"). */
export const defaultSm2UserId = '1234567812345678';

/**
 * A public key, checked once. Precomputed window tables make verification ~7× faster (§4.2) but cost 4–15 MB
 * and ~55 ms to build, so they are built when a key verifies for the second time: a partner key cached by the
 * server gets them, a one-off check (the CLI opening one envelope) does not pay for them.
 */
export interface Sm2PublicKey {
  readonly hex: string;
  readonly fingerprint: string;
  /** The point to verify with: the hex on first use, the precomputed tables from then on. */
  verificationPoint(): string | ReturnType<typeof sm2v2.precomputePublicKey>;
  readonly zByUserId: Map<string, Buffer>;
}

export function prepareSm2PublicKey(publicKeyHex: string): Sm2PublicKey {
  const hex = assertSm2PublicKeyHex(publicKeyHex);
  let uses = 0;
  let tables: ReturnType<typeof sm2v2.precomputePublicKey> | undefined;
  return {
    hex,
    fingerprint: sm2KeyFingerprint(hex),
    verificationPoint() {
      uses += 1;
      if (uses < 2) return hex;
      tables ??= sm2v2.precomputePublicKey(hex);
      return tables;
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

/** False for a wrong, malformed, non-DER or out-of-range signature; the library's exceptions never escape. */
export function sm2VerifyDigest(e: Uint8Array, signatureDer: Uint8Array, key: Sm2PublicKey): boolean {
  if (!isCanonicalSignature(signatureDer)) return false;
  try {
    return sm2v2.doVerifySignature(e, Buffer.from(signatureDer).toString('hex'), key.verificationPoint(), { hash: false, der: true });
  } catch {
    return false;
  }
}

/**
 * Only the one DER encoding of SEQUENCE { r INTEGER, s INTEGER } with r, s in [1, n−1] is a signature. The
 * library's decoder ignores tags and trailing bytes, which would let anyone re-encode a valid signature into
 * new bytes (malleability); OpenSSL refuses those encodings and so does this check, by re-encoding and comparing.
 */
function isCanonicalSignature(signatureDer: Uint8Array): boolean {
  try {
    const [r, s, extra] = childrenOf(fromDer(signatureDer, 'the signature'), 'SM2Signature');
    if (extra || r?.type !== Type.INTEGER || s?.type !== Type.INTEGER) return false;
    const rBytes = Buffer.from(String(r.value), 'binary');
    const sBytes = Buffer.from(String(s.value), 'binary');
    for (const bytes of [rBytes, sBytes]) {
      const value = bytes.length === 0 || (bytes[0]! & 0x80) ? -1n : BigInt(`0x${bytes.toString('hex')}`);
      if (value < 1n || value >= sm2CurveOrder) return false;
    }
    return toDer(sequence(integerFromBytes(rBytes), integerFromBytes(sBytes))).equals(Buffer.from(signatureDer));
  } catch {
    return false;
  }
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
