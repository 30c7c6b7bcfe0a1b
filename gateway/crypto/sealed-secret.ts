import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import { hmacSm3 } from './sm3.js';
import { sm4Decrypt, sm4Encrypt } from './sm4.js';

/**
 * Secrets at rest (our private keys today, personal fields later): SM4-CBC then HMAC-SM3 over version, IV
 * and ciphertext (encrypt-then-MAC, so a padding error is never reachable by an altered value). The two keys
 * are derived from one 32-byte master key with HKDF-SM3, each for its own purpose.
 * Format: "v1:" + base64(iv ‖ ciphertext ‖ mac).
 */
export interface SecretKeys {
  encryption: Buffer;
  authentication: Buffer;
}

export function deriveSecretKeys(masterKey: Buffer, purpose: string): SecretKeys {
  if (masterKey.length !== 32) throw new CryptoError('bad-key', 'the master key is 32 bytes');
  const derive = (label: string) => Buffer.from(hkdfSync('sm3', masterKey, Buffer.alloc(0), `jiuzhu ${purpose} ${label}`, 16));
  return { encryption: derive('sm4'), authentication: derive('hmac-sm3') };
}

const version = 'v1:';

export function sealSecret(plaintext: Buffer, keys: SecretKeys): string {
  const iv = randomBytes(16);
  const ciphertext = sm4Encrypt('cbc', keys.encryption, iv, plaintext);
  const mac = hmacSm3(keys.authentication, Buffer.concat([Buffer.from(version), iv, ciphertext]));
  return version + Buffer.concat([iv, ciphertext, mac]).toString('base64');
}

export function openSecret(sealed: string, keys: SecretKeys): Buffer {
  if (!sealed.startsWith(version)) throw new CryptoError('bad-input', 'unknown sealed-secret format');
  const bytes = Buffer.from(sealed.slice(version.length), 'base64');
  if (bytes.length < 16 + 16 + 32) throw new CryptoError('bad-input', 'sealed secret too short');
  const iv = bytes.subarray(0, 16);
  const ciphertext = bytes.subarray(16, bytes.length - 32);
  const mac = bytes.subarray(bytes.length - 32);
  const expected = hmacSm3(keys.authentication, Buffer.concat([Buffer.from(version), iv, ciphertext]));
  if (!timingSafeEqual(mac, expected)) throw new CryptoError('decrypt-failed', 'sealed secret fails its MAC: wrong master key, or the value was altered');
  return sm4Decrypt('cbc', keys.encryption, iv, ciphertext);
}
