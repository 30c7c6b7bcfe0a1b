import { generateKeyPairSync } from 'node:crypto';
import { sm2 as sm2v2 } from 'sm-crypto-v2';
import { CryptoError } from './crypto-error.js';
import { sm3Hex } from './sm3.js';
import {
  bitString, bytesOf, childrenOf, explicit, fromDer, oid, oidOf, octetString, pemDecode, pemEncode,
  sequence, smallInteger, toDer, Type,
} from './der.js';

/** OIDs of GM/T 0006: SPKI/PKCS#8 name SM2 keys as id-ecPublicKey on the curve sm2p256v1 (research/crypto-facts.md §6.1). */
export const oids = {
  ecPublicKey: '1.2.840.10045.2.1',
  sm2Curve: '1.2.156.10197.1.301',
} as const;

/** An SM2 key pair in the hex forms the SM2 library works with: d as 64 hex digits, the point as 04‖X‖Y (130 hex). */
export interface Sm2KeyPair {
  privateKeyHex: string;
  publicKeyHex: string;
}

/**
 * New keys come from Node's OpenSSL RNG. sm-crypto-v2's own generator is not used: given a seed it
 * returns private key 1 for any seed (research/crypto-facts.md §2.1).
 */
export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  return parseSm2PrivateKey(privateKey.export({ type: 'pkcs8', format: 'der' }));
}

/** The order n of the SM2 curve's base point (GB/T 32918.5). */
export const sm2CurveOrder = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export function assertSm2PublicKeyHex(publicKeyHex: string): string {
  const hex = publicKeyHex.toLowerCase();
  let onCurve = false;
  try {
    // The library throws rather than answering false for some off-curve points.
    onCurve = /^04[0-9a-f]{128}$/.test(hex) && sm2v2.verifyPublicKey(hex);
  } catch {
    onCurve = false;
  }
  if (!onCurve) throw new CryptoError('bad-key', 'not an SM2 public key (expected 04‖X‖Y on the SM2 curve)');
  return hex;
}

/** d must lie in [1, n−2] (GB/T 32918.1 §6.1): with d = n−1, 1 + d ≡ 0 and no signature can be made. */
export function sm2KeyPairFromPrivateHex(privateKeyHex: string): Sm2KeyPair {
  const d = privateKeyHex.toLowerCase().padStart(64, '0');
  if (!/^[0-9a-f]{64}$/.test(d)) throw new CryptoError('bad-key', 'an SM2 private key is 32 bytes of hex');
  const value = BigInt(`0x${d}`);
  if (value < 1n || value > sm2CurveOrder - 2n) throw new CryptoError('bad-key', 'an SM2 private key must lie in [1, n−2]');
  return { privateKeyHex: d, publicKeyHex: assertSm2PublicKeyHex(sm2v2.getPublicKeyFromPrivateKey(d)) };
}

/**
 * PKCS#8 (OpenSSL's `genpkey -algorithm SM2`) or SEC1 ECPrivateKey (`openssl ec` writes it as "SM2 PRIVATE KEY",
 * other tools as "EC PRIVATE KEY"), as PEM or DER; DER is told apart by its first field (PKCS#8 version 0,
 * ECPrivateKey version 1).
 */
export function parseSm2PrivateKey(key: string | Uint8Array): Sm2KeyPair {
  const der = typeof key === 'string' ? pemDecode(key, ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY']).der : Buffer.from(key);
  let ecPrivateKey = fromDer(der, 'the private key');
  const [version] = childrenOf(ecPrivateKey, 'the private key');
  const sec1 = version?.type === Type.INTEGER && Buffer.from(String(version.value), 'binary').equals(Buffer.from([1]));
  if (!sec1) {
    const [, algorithm, wrapped] = childrenOf(ecPrivateKey, 'PKCS#8 PrivateKeyInfo');
    assertSm2Algorithm(algorithm);
    ecPrivateKey = fromDer(bytesOf(wrapped, 'PKCS#8 privateKey'), 'ECPrivateKey');
  }
  const [, privateOctets] = childrenOf(ecPrivateKey, 'ECPrivateKey');
  return sm2KeyPairFromPrivateHex(bytesOf(privateOctets, 'ECPrivateKey privateKey').toString('hex'));
}

/** SPKI `PUBLIC KEY`, as PEM or DER, or a bare 04‖X‖Y hex point. */
export function parseSm2PublicKey(key: string | Uint8Array): string {
  if (typeof key === 'string' && /^(04)?[0-9a-fA-F]{128}$/.test(key.trim())) {
    const hex = key.trim();
    return assertSm2PublicKeyHex(hex.length === 128 ? `04${hex}` : hex);
  }
  const der = typeof key === 'string' ? pemDecode(key, ['PUBLIC KEY']).der : Buffer.from(key);
  const [algorithm, point] = childrenOf(fromDer(der, 'the public key'), 'SubjectPublicKeyInfo');
  assertSm2Algorithm(algorithm);
  return publicKeyFromBitString(point);
}

export function publicKeyFromBitString(node: Parameters<typeof bytesOf>[0]): string {
  const bits = bytesOf(node, 'subjectPublicKey');
  if (bits[0] !== 0) throw new CryptoError('bad-key', 'the public key BIT STRING has unused bits');
  return assertSm2PublicKeyHex(bits.subarray(1).toString('hex'));
}

/** Accepts id-ecPublicKey with the SM2 curve, and the bare SM2 OID some vendor toolkits write instead. */
function assertSm2Algorithm(algorithm: Parameters<typeof childrenOf>[0] | undefined): void {
  if (!algorithm) throw new CryptoError('bad-key', 'the key names no algorithm');
  const [algorithmOid, parameters] = childrenOf(algorithm, 'AlgorithmIdentifier');
  const name = oidOf(algorithmOid, 'the key algorithm');
  const curve = parameters && parameters.type === Type.OID ? oidOf(parameters, 'the key curve') : undefined;
  const isSm2 = (name === oids.ecPublicKey && curve === oids.sm2Curve) || name === oids.sm2Curve;
  if (!isSm2) throw new CryptoError('bad-key', `not an SM2 key (algorithm ${name}${curve ? `, curve ${curve}` : ''})`);
}

function sm2AlgorithmIdentifier() {
  return sequence(oid(oids.ecPublicKey), oid(oids.sm2Curve));
}

export function sm2PublicKeyDer(publicKeyHex: string): Buffer {
  return toDer(sequence(sm2AlgorithmIdentifier(), bitString(Buffer.from(assertSm2PublicKeyHex(publicKeyHex), 'hex'))));
}

export function sm2PublicKeyPem(publicKeyHex: string): string {
  return pemEncode('PUBLIC KEY', sm2PublicKeyDer(publicKeyHex));
}

/** PKCS#8, as `openssl genpkey -algorithm SM2` writes it, so OpenSSL and vendor tools read it back. */
export function sm2PrivateKeyPem(pair: Sm2KeyPair): string {
  const ecPrivateKey = sequence(
    smallInteger(1),
    octetString(Buffer.from(pair.privateKeyHex, 'hex')),
    explicit(1, bitString(Buffer.from(pair.publicKeyHex, 'hex'))),
  );
  return pemEncode('PRIVATE KEY', toDer(sequence(smallInteger(0), sm2AlgorithmIdentifier(), octetString(toDer(ecPrivateKey)))));
}

/** A short, stable name for a public key: the first 16 hex digits of the SM3 of its SPKI DER. */
export function sm2KeyFingerprint(publicKeyHex: string): string {
  return sm3Hex(sm2PublicKeyDer(publicKeyHex)).slice(0, 16);
}
