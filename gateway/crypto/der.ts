import { createRequire } from 'node:module';
import type forgeTypes from 'node-forge';
import { CryptoError } from './crypto-error.js';

/**
 * Only forge's ASN.1 and byte-buffer modules are loaded: the whole library (TLS, RSA, PKI …) costs ~9 MB of
 * memory that a gateway process opening 1 GB envelopes in < 100 MB cannot spare (measured).
 */
const require = createRequire(import.meta.url);
const forge = {
  asn1: require('node-forge/lib/asn1.js') as typeof forgeTypes.asn1,
  util: require('node-forge/lib/util.js') as typeof forgeTypes.util,
};

/**
 * DER through node-forge's ASN.1 module (forge works on "binary strings", one char per byte; these helpers
 * keep Buffers at the edges). forge cannot handle SM2 keys or certificates as such, but its ASN.1 layer
 * reads and writes any structure exactly.
 */
export const asn1 = forge.asn1;
export type Asn1 = forgeTypes.asn1.Asn1;

export const { Class, Type } = forge.asn1;

export function toDer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

/** Parses exactly one DER value; trailing bytes or BER oddities are refused. */
export function fromDer(bytes: Uint8Array, what: string): Asn1 {
  try {
    // @types/node-forge only knows the old boolean flag; forge 1.x takes these options.
    const options = { strict: true, parseAllBytes: true, decodeBitStrings: false } as unknown as boolean;
    return forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')), options);
  } catch (error) {
    throw new CryptoError('bad-input', `${what} is not valid DER`, { cause: error });
  }
}

export function sequence(...items: Asn1[]): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
}

export function set(...items: Asn1[]): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.SET, true, items);
}

export function oid(dotted: string): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OID, false, encodeOid(dotted).toString('binary'));
}

/**
 * OID content octets (X.690 §8.19) with BigInt arcs: forge stops at 32-bit arcs, and UUID-derived OIDs
 * (2.25.<128-bit integer>, X.667) need more.
 */
export function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new CryptoError('bad-input', `not an OID: ${dotted}`);
    return BigInt(arc);
  });
  if (arcs.length < 2 || arcs[0]! > 2n || (arcs[0]! < 2n && arcs[1]! > 39n)) throw new CryptoError('bad-input', `not an OID: ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) groups.unshift(Number(rest & 0x7fn) | 0x80);
    bytes.push(...groups);
  }
  return Buffer.from(bytes);
}

export function decodeOid(content: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const [index, byte] of content.entries()) {
    if (value === 0n && byte === 0x80) throw new CryptoError('bad-input', 'OID arc with a leading 0x80 is not DER');
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    } else if (index === content.length - 1) {
      throw new CryptoError('bad-input', 'OID ends inside an arc');
    }
  }
  const [first] = arcs;
  if (first === undefined) throw new CryptoError('bad-input', 'empty OID');
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

export function octetString(bytes: Uint8Array): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, Buffer.from(bytes).toString('binary'));
}

/** A BIT STRING with no unused bits (keys, signatures). */
export function bitString(bytes: Uint8Array): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, `\u0000${Buffer.from(bytes).toString('binary')}`);
}

/** UTF8String content (forge keeps strings as one char per byte). */
export function utf8Text(node: Asn1): string {
  return forge.util.decodeUtf8(String(node.value));
}

export function utf8String(text: string): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.UTF8, false, forge.util.encodeUtf8(text));
}

export function integerFromBytes(bytes: Uint8Array): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, minimalInteger(bytes).toString('binary'));
}

export function smallInteger(value: number): Asn1 {
  return asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** [n] EXPLICIT wrapper. */
export function explicit(tag: number, inner: Asn1): Asn1 {
  return asn1.create(Class.CONTEXT_SPECIFIC, tag, true, [inner]);
}

/** DER INTEGER content of an unsigned big-endian number: no leading zeros, a 00 when the top bit is set. */
export function minimalInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = Buffer.from(bytes.subarray(start));
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

/** An unsigned big-endian integer from DER INTEGER content, left-padded (or checked) to `size` bytes. */
export function integerBytes(content: string, size: number, what: string): Buffer {
  let bytes = Buffer.from(content, 'binary');
  while (bytes.length > size && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new CryptoError('bad-input', `${what} is longer than ${size} bytes`);
  return Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
}

export function childrenOf(node: Asn1, what: string): Asn1[] {
  if (!Array.isArray(node.value)) throw new CryptoError('bad-input', `${what} is not a constructed value`);
  return node.value as Asn1[];
}

export function bytesOf(node: Asn1 | undefined, what: string): Buffer {
  if (!node || typeof node.value !== 'string') throw new CryptoError('bad-input', `${what} is missing or not primitive`);
  return Buffer.from(node.value, 'binary');
}

/**
 * The children of a universal SEQUENCE or SET, refusing any other tag: a reader that took a SET for a SEQUENCE, or a
 * context-specific [16] for either, would accept bytes no signature covers in forms the sender never wrote.
 */
export function universalChildren(node: Asn1 | undefined, type: typeof Type.SEQUENCE | typeof Type.SET, what: string): Asn1[] {
  if (!node || node.tagClass !== Class.UNIVERSAL || node.type !== type || !node.constructed) {
    throw new CryptoError('bad-input', `${what} is not a ${type === Type.SET ? 'SET' : 'SEQUENCE'}`);
  }
  return childrenOf(node, what);
}

/** A universal OBJECT IDENTIFIER's dotted value; an implicitly tagged [6] is not one, though forge gives it type 6. */
export function oidOf(node: Asn1 | undefined, what: string): string {
  if (!node || node.tagClass !== Class.UNIVERSAL || node.type !== Type.OID || typeof node.value !== 'string') throw new CryptoError('bad-input', `${what} is not an OID`);
  return decodeOid(Buffer.from(node.value, 'binary'));
}

export function pemEncode(label: string, der: Uint8Array): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with one of `labels`. */
export function pemDecode(pem: string, labels: readonly string[]): { label: string; der: Buffer } {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!match || !labels.includes(match[1]!)) {
    throw new CryptoError('bad-key', `expected a PEM block labelled ${labels.join(' or ')}`);
  }
  return { label: match[1]!, der: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64') };
}
