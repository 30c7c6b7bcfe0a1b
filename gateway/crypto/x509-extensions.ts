import { CryptoError } from './crypto-error.js';
import { asn1, bytesOf, childrenOf, Class, fromDer, octetString, oid, oidOf, sequence, toDer, Type, type Asn1 } from './der.js';
import { sm3 } from './sm3.js';

export const extensionOids = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/**
 * Extensions whose meaning this gateway applies. RFC 5280 §4.2 requires a certificate with any other
 * extension marked critical to be rejected; subjectAltName is listed because it is critical exactly when the
 * subject is empty (§4.2.1.6), and names are not used to decide trust here.
 */
const understoodExtensions: ReadonlySet<string> = new Set(Object.values(extensionOids));

/** RFC 5280 §4.2.1.3, in bit order. */
export const keyUsageBits = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof keyUsageBits)[number];

export interface CertificateExtensions {
  isCa: boolean;
  /** Undefined when the certificate has no keyUsage extension, which RFC 5280 reads as "not restricted". */
  keyUsage: readonly KeyUsage[] | undefined;
  subjectKeyIdentifier: Buffer | undefined;
  authorityKeyIdentifier: Buffer | undefined;
  /** OIDs of critical extensions this module does not process; verifySm2CertificateChain refuses a certificate with any (RFC 5280 §4.2). */
  unsupportedCriticalExtensions: readonly string[];
}

/**
 * The key identifier jiuzhu writes: the SM3 of the public key BIT STRING's content (04‖X‖Y), truncated to
 * 160 bits. RFC 5280 §4.2.1.2 names SHA-1 of the same bytes only as one possible method, and RFC 7093 §2 the
 * leftmost 160 bits of a stronger hash; SM3 keeps the certificate free of algorithms a GB/T 39786 (密评)
 * review would question, and 20 bytes is the length OpenSSL and most CA tools produce (GmSSL writes all 32
 * SM3 bytes, of which this is the prefix). Verifiers only ever compare the identifier with the issuer's own
 * SKI, never recompute it, so the choice does not affect interoperability.
 */
export function sm2KeyIdentifier(publicKeyHex: string): Buffer {
  return sm3(Buffer.from(publicKeyHex, 'hex')).subarray(0, 20);
}

export interface ExtensionsToWrite {
  isCa: boolean;
  subjectKeyIdentifier: Buffer;
  authorityKeyIdentifier: Buffer | undefined;
}

/**
 * basicConstraints (critical for a CA, as RFC 5280 §4.2.1.9 requires), keyUsage (critical, §4.2.1.3): signing
 * and SM2 key and data encryption for an end entity, certificate and CRL signing for a CA; then the key
 * identifiers (§4.2.1.1–2) that let a verifier pick the right CA key after a rollover.
 */
export function encodeExtensions(extensions: ExtensionsToWrite): Asn1 {
  const { isCa, subjectKeyIdentifier, authorityKeyIdentifier } = extensions;
  const usage: readonly KeyUsage[] = isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment', 'dataEncipherment'];
  const list = [
    extension(extensionOids.basicConstraints, isCa, isCa ? sequence(asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\u00ff')) : sequence()),
    extension(extensionOids.keyUsage, true, encodeKeyUsage(usage)),
    extension(extensionOids.subjectKeyIdentifier, false, octetString(subjectKeyIdentifier)),
  ];
  if (authorityKeyIdentifier) {
    const keyIdentifier = asn1.create(Class.CONTEXT_SPECIFIC, 0, false, authorityKeyIdentifier.toString('binary'));
    list.push(extension(extensionOids.authorityKeyIdentifier, false, sequence(keyIdentifier)));
  }
  return sequence(...list);
}

/** Reads the `Extensions` SEQUENCE of a v3 certificate; undefined (a v1 certificate) reads as no extensions. */
export function decodeExtensions(node: Asn1 | undefined): CertificateExtensions {
  const result: CertificateExtensions = {
    isCa: false,
    keyUsage: undefined,
    subjectKeyIdentifier: undefined,
    authorityKeyIdentifier: undefined,
    unsupportedCriticalExtensions: [],
  };
  if (!node) return result;
  const seen = new Set<string>();
  const unsupported: string[] = [];
  for (const item of childrenOf(node, 'Extensions')) {
    const parts = childrenOf(item, 'Extension');
    if (parts.length !== 2 && parts.length !== 3) throw new CryptoError('bad-input', 'an Extension is SEQUENCE { extnID, critical, extnValue }');
    const id = oidOf(parts[0], 'an extension id');
    const critical = parts.length === 3 && parts[1]?.type === Type.BOOLEAN && bytesOf(parts[1], 'critical')[0] !== 0;
    const value = bytesOf(parts[parts.length - 1], `extension ${id}`);
    if (seen.has(id)) throw new CryptoError('bad-input', `extension ${id} appears twice (RFC 5280 §4.2)`);
    seen.add(id);
    if (critical && !understoodExtensions.has(id)) unsupported.push(id);
    const inner = (): Asn1 => fromDer(value, `extension ${id}`);
    switch (id) {
      case extensionOids.basicConstraints: {
        const first = childrenOf(inner(), 'BasicConstraints')[0];
        result.isCa = first?.type === Type.BOOLEAN && bytesOf(first, 'cA')[0] !== 0;
        break;
      }
      case extensionOids.keyUsage:
        result.keyUsage = decodeKeyUsage(inner());
        break;
      case extensionOids.subjectKeyIdentifier:
        result.subjectKeyIdentifier = bytesOf(inner(), 'subjectKeyIdentifier');
        break;
      case extensionOids.authorityKeyIdentifier: {
        const keyIdentifier = childrenOf(inner(), 'AuthorityKeyIdentifier').find((part) => part.tagClass === Class.CONTEXT_SPECIFIC && part.type === 0);
        result.authorityKeyIdentifier = keyIdentifier ? bytesOf(keyIdentifier, 'keyIdentifier') : undefined;
        break;
      }
    }
  }
  result.unsupportedCriticalExtensions = unsupported;
  return result;
}

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(Class.UNIVERSAL, Type.BOOLEAN, false, '\u00ff'));
  parts.push(octetString(toDer(value)));
  return sequence(...parts);
}

/** A DER named-bit BIT STRING: trailing zero bits dropped and counted as unused (X.690 §11.2.2). */
function encodeKeyUsage(usage: readonly KeyUsage[]): Asn1 {
  const positions = usage.map((name) => keyUsageBits.indexOf(name));
  const highest = Math.max(...positions);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const position of positions) bytes[position >> 3] = (bytes[position >> 3] ?? 0) | (0x80 >> (position & 7));
  const unusedBits = bytes.length * 8 - (highest + 1);
  return asn1.create(Class.UNIVERSAL, Type.BITSTRING, false, Buffer.concat([Buffer.from([unusedBits]), bytes]).toString('binary'));
}

function decodeKeyUsage(node: Asn1): KeyUsage[] {
  if (node.type !== Type.BITSTRING) throw new CryptoError('bad-input', 'keyUsage is not a BIT STRING');
  const bits = bytesOf(node, 'keyUsage').subarray(1);
  return keyUsageBits.filter((_, position) => ((bits[position >> 3] ?? 0) & (0x80 >> (position & 7))) !== 0);
}
