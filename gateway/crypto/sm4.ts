import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';
import { CryptoError } from './crypto-error.js';

/**
 * SM4 (GB/T 32907) through Node's OpenSSL: CBC with PKCS#7 padding for files and envelopes, CTR for
 * streams that must not grow. The mode is a closed type and checked at run time too, because the JS
 * libraries silently fall back to ECB on a mode string they do not know.
 */
export type Sm4Mode = 'cbc' | 'ctr';

const algorithms: Record<Sm4Mode, string> = { cbc: 'sm4-cbc', ctr: 'sm4-ctr' };

function algorithmOf(mode: Sm4Mode, key: Uint8Array, iv: Uint8Array): string {
  const algorithm = Object.hasOwn(algorithms, mode) ? algorithms[mode] : undefined;
  if (!algorithm) throw new CryptoError('bad-input', `unknown SM4 mode ${String(mode)}`);
  if (key.length !== 16) throw new CryptoError('bad-key', `an SM4 key is 16 bytes, got ${key.length}`);
  if (iv.length !== 16) throw new CryptoError('bad-input', `an SM4 IV is 16 bytes, got ${iv.length}`);
  return algorithm;
}

export function createSm4Encryptor(mode: Sm4Mode, key: Uint8Array, iv: Uint8Array): Cipher {
  return createCipheriv(algorithmOf(mode, key, iv), key, iv);
}

export function createSm4Decryptor(mode: Sm4Mode, key: Uint8Array, iv: Uint8Array): Decipher {
  return createDecipheriv(algorithmOf(mode, key, iv), key, iv);
}

export function sm4Encrypt(mode: Sm4Mode, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createSm4Encryptor(mode, key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

/** Throws CryptoError('decrypt-failed') on bad padding or a truncated ciphertext, never returns garbage silently. */
export function sm4Decrypt(mode: Sm4Mode, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  const decipher = createSm4Decryptor(mode, key, iv);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new CryptoError('decrypt-failed', 'SM4 decryption failed (wrong key, or the ciphertext was cut or altered)', { cause: error });
  }
}

/** Length of an SM4-CBC/PKCS#7 ciphertext for a plaintext of `length` bytes: always at least one byte of padding. */
export function sm4CbcCiphertextLength(length: number): number {
  return (Math.floor(length / 16) + 1) * 16;
}
