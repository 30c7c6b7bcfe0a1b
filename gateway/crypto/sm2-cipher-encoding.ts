import { CryptoError } from './crypto-error.js';
import { bytesOf, childrenOf, fromDer, integerBytes, integerFromBytes, octetString, sequence, toDer, Type } from './der.js';

/**
 * SM2 ciphertext comes in several wire forms (research/crypto-facts.md §2.2, §6.2):
 * - `der`: GM/T 0009 SM2Cipher ::= SEQUENCE { X INTEGER, Y INTEGER, HASH OCTET STRING(32), CipherText OCTET STRING },
 *   what OpenSSL's `pkeyutl -encrypt` writes and vendor toolkits expect inside envelopes;
 * - `c1c3c2`: raw X(32)‖Y(32)‖C3(32)‖C2, the standard order since 2012, what the JS libraries produce;
 * - `c1c2c3`: raw, the 2010 draft order some legacy peers still send.
 * Raw forms may carry a leading 04 (the uncompressed-point marker) when a peer says so.
 */
export type Sm2CipherEncoding =
  | { form: 'der' }
  | { form: 'c1c3c2' | 'c1c2c3'; prefix04?: boolean };

const coordinate = 32;
const macLength = 32;

/** Internal canonical form: raw C1C3C2 without prefix. */
export function toCanonicalC1C3C2(ciphertext: Uint8Array, encoding: Sm2CipherEncoding): Buffer {
  if (encoding.form === 'der') return derToC1C3C2(ciphertext);
  let raw = Buffer.from(ciphertext);
  if (encoding.prefix04) {
    if (raw[0] !== 0x04) throw new CryptoError('bad-input', 'SM2 ciphertext lacks the 04 prefix its encoding promises');
    raw = raw.subarray(1);
  }
  if (raw.length <= 2 * coordinate + macLength) throw new CryptoError('bad-input', 'SM2 ciphertext is too short');
  if (encoding.form === 'c1c3c2') return raw;
  const c1 = raw.subarray(0, 2 * coordinate);
  const c2 = raw.subarray(2 * coordinate, raw.length - macLength);
  const c3 = raw.subarray(raw.length - macLength);
  return Buffer.concat([c1, c3, c2]);
}

export function fromCanonicalC1C3C2(raw: Buffer, encoding: Sm2CipherEncoding): Buffer {
  if (encoding.form === 'der') return c1c3c2ToDer(raw);
  const c1 = raw.subarray(0, 2 * coordinate);
  const c3 = raw.subarray(2 * coordinate, 2 * coordinate + macLength);
  const c2 = raw.subarray(2 * coordinate + macLength);
  const body = encoding.form === 'c1c3c2' ? raw : Buffer.concat([c1, c2, c3]);
  return encoding.prefix04 ? Buffer.concat([Buffer.from([0x04]), body]) : body;
}

export function c1c3c2ToDer(raw: Buffer): Buffer {
  if (raw.length <= 2 * coordinate + macLength) throw new CryptoError('bad-input', 'SM2 ciphertext is too short');
  return toDer(
    sequence(
      integerFromBytes(raw.subarray(0, coordinate)),
      integerFromBytes(raw.subarray(coordinate, 2 * coordinate)),
      octetString(raw.subarray(2 * coordinate, 2 * coordinate + macLength)),
      octetString(raw.subarray(2 * coordinate + macLength)),
    ),
  );
}

/**
 * X and Y are DER INTEGERs, so a coordinate with leading zero bytes arrives shorter than 32 bytes; it must be
 * left-padded back. Forgetting that is the "decryption fails about 1 % of the time" bug of sm-crypto #22/#27/#87.
 */
export function derToC1C3C2(der: Uint8Array): Buffer {
  const [x, y, c3, c2, extra] = childrenOf(fromDer(der, 'the SM2 ciphertext'), 'SM2Cipher');
  if (extra || x?.type !== Type.INTEGER || y?.type !== Type.INTEGER || c3?.type !== Type.OCTETSTRING || c2?.type !== Type.OCTETSTRING) {
    throw new CryptoError('bad-input', 'SM2Cipher must be SEQUENCE { INTEGER, INTEGER, OCTET STRING, OCTET STRING }');
  }
  const hash = bytesOf(c3, 'SM2Cipher HASH');
  if (hash.length !== macLength) throw new CryptoError('bad-input', `SM2Cipher HASH is ${hash.length} bytes, not 32`);
  return Buffer.concat([
    integerBytes(x.value as string, coordinate, 'SM2Cipher X'),
    integerBytes(y.value as string, coordinate, 'SM2Cipher Y'),
    hash,
    bytesOf(c2, 'SM2Cipher CipherText'),
  ]);
}
