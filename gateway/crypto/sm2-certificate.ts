import { randomBytes } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import {
  bitString, bytesOf, childrenOf, Class, explicit, fromDer, integerFromBytes, minimalInteger, oid, oidOf, pemDecode,
  pemEncode, sequence, smallInteger, toDer, Type, type Asn1,
} from './der.js';
import { defaultSm2UserId, prepareSm2PublicKey, sm2Sign, sm2Verify, type Sm2PublicKey, type Sm2Signer } from './sm2.js';
import { assertSm2PublicKeyHex, parseSm2PublicKey, sm2PublicKeyDer } from './sm2-keys.js';
import { sm3Hex } from './sm3.js';
import { decodeExtensions, encodeExtensions, sm2KeyIdentifier, type CertificateExtensions } from './x509-extensions.js';
import { describeX509Name, encodeX509Name, type CertificateSubject } from './x509-names.js';
import { decodeX509Time, encodeX509Time } from './x509-time.js';

/**
 * X.509 certificates with SM2 keys signed with SM2-with-SM3 (GM/T 0015), as the provincial platforms, the
 * national 金民 system and the banks present them.
 *
 * Node's `X509Certificate` reads these but its `verify()` checks SM2 signatures with an empty user ID, so it
 * returns false for every standard certificate (research/crypto-facts.md §1.3); the signature is checked here
 * over the exact tbsCertificate bytes with the GM/T 0009 user ID instead. The certificate is parsed from
 * its DER directly because the CMS IssuerAndSerialNumber of GM/T 0010 needs the issuer Name and serial
 * INTEGER byte for byte, which no parsed-and-printed form preserves.
 */

/** SM2-with-SM3 (GM/T 0006). GM/T 0015 and OpenSSL both write its AlgorithmIdentifier without parameters. */
export const sm2WithSm3Oid = '1.2.156.10197.1.501';

/** Beyond `isCa`, carries keyUsage, the key identifiers and any critical extensions this module does not process. */
export interface Sm2Certificate extends CertificateExtensions {
  der: Buffer;
  pem: string;
  /** Readable, e.g. "C=CN, O=宁夏回族自治区民政厅, CN=…", as `openssl x509 -nameopt utf8` prints it. */
  subject: string;
  issuer: string;
  /** The Name DER exactly as in the certificate (for CMS IssuerAndSerialNumber). */
  subjectDer: Buffer;
  issuerDer: Buffer;
  /** Lower-case hex, without leading 00 bytes. */
  serialNumberHex: string;
  /** The INTEGER content bytes exactly as in the certificate. */
  serialNumberDer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** 04‖X‖Y, lower-case hex. */
  publicKeyHex: string;
  /**
   * Prepared on first use: sm-crypto-v2's precomputation takes about 50 ms a key here, which a certificate that
   * is only listed, pinned or used as a name should not cost.
   */
  readonly publicKey: Sm2PublicKey;
  /** SM3 of the DER, hex. */
  fingerprint: string;
  /** The tbsCertificate DER exactly as signed. */
  tbsDer: Buffer;
  /** The SM2 signature, DER SEQUENCE { r, s }. */
  signatureDer: Buffer;
  signatureAlgorithm: string;
}

/** PEM (the first CERTIFICATE block) or DER. Anything that is not an SM2-with-SM3 certificate with an SM2 key is refused. */
export function parseSm2Certificate(input: string | Uint8Array): Sm2Certificate {
  try {
    const der = typeof input === 'string' ? pemDecode(input, ['CERTIFICATE']).der : Buffer.from(input);
    return readCertificate(der);
  } catch (error) {
    if (error instanceof CryptoError && error.code === 'bad-certificate') throw error;
    throw new CryptoError('bad-certificate', `not a well-formed SM2 certificate: ${reasonOf(error)}`, { cause: error });
  }
}

/** GM/T 0009 §10: unless a partner agreed otherwise, the CA signed with the user ID "1234567812345678". */
export function verifySm2CertificateSignature(certificate: Sm2Certificate, issuerKey: Sm2PublicKey, userId: string = defaultSm2UserId): boolean {
  return sm2Verify(certificate.tbsDer, certificate.signatureDer, issuerKey, userId);
}

/** RFC 5280 §4.1.2.5: both ends of the validity period are included. */
export function assertCertificateValid(certificate: Sm2Certificate, at: Date): void {
  const problem = validityProblem(certificate, at);
  if (problem) throw new CryptoError('bad-certificate', problem);
}

/**
 * Trusts `leaf` when it is itself one of `trusted` (a pinned certificate, such as a partner's self-signed
 * one), or when a trusted CA issued it: the CA's subject is the leaf's issuer byte for byte, the CA is a CA
 * (basicConstraints cA, and keyCertSign if it has a keyUsage), both are valid at `at`, and the leaf's
 * signature verifies with the CA's key. Returns the trusted certificate the decision rests on.
 *
 * One level only: the leaf must be issued directly by a trusted certificate. For a partner whose chain has an
 * intermediate CA, configure the intermediate as the trusted certificate. Trust anchors are taken as
 * configured, so their own signatures are not checked (as in RFC 5280 §6.1).
 */
export function verifySm2CertificateChain(
  leaf: Sm2Certificate,
  trusted: readonly Sm2Certificate[],
  at: Date,
  userId: string = defaultSm2UserId,
): Sm2Certificate {
  assertCertificateValid(leaf, at);
  assertExtensionsUnderstood(leaf);
  const pinned = trusted.find((certificate) => certificate.der.equals(leaf.der));
  if (pinned) return pinned;
  const candidates = trusted.filter((certificate) => certificate.subjectDer.equals(leaf.issuerDer));
  if (candidates.length === 0) {
    throw new CryptoError('bad-certificate', `certificate "${leaf.subject}" was issued by "${leaf.issuer}", which is not among the trusted certificates`);
  }
  const problems: string[] = [];
  for (const ca of candidates) {
    const problem = issuerProblem(leaf, ca, at, userId);
    if (!problem) return ca;
    problems.push(problem);
  }
  throw new CryptoError('bad-certificate', `certificate "${leaf.subject}" does not chain to a trusted CA: ${problems.join('; ')}`);
}

export interface CertificateRequest {
  subject: CertificateSubject;
  publicKeyHex: string;
  /** Default: 16 random bytes, kept positive (RFC 5280 §4.1.2.2). */
  serialNumberHex?: string;
  notBefore: Date;
  notAfter: Date;
  isCa?: boolean;
}

export interface CertificateIssuer {
  signer: Sm2Signer;
  /** Absent: a self-signed certificate, with the request's subject as issuer. */
  certificate?: Sm2Certificate;
}

/**
 * An X.509 v3 certificate (RFC 5280 §4.1, GM/T 0015) signed with SM2-with-SM3. jiuzhu gives its own keys a
 * self-signed certificate so that GM/T 0010 envelopes can name the sender by IssuerAndSerialNumber and
 * partners can pin it. Issuing under a CA certificate gives tests and demo partners a CA-issued chain.
 */
export function issueSm2Certificate(request: CertificateRequest, issuer: CertificateIssuer, userId: string = defaultSm2UserId): Sm2Certificate {
  const publicKeyHex = assertSm2PublicKeyHex(request.publicKeyHex);
  if (!(request.notBefore.getTime() < request.notAfter.getTime())) {
    throw new CryptoError('bad-input', 'a certificate must become valid (notBefore) before it expires (notAfter)');
  }
  const signerKeyHex = issuer.signer.publicKey.hex;
  let issuerName: Asn1;
  let authorityKeyIdentifier: Buffer | undefined;
  if (issuer.certificate) {
    const ca = issuer.certificate;
    if (!ca.isCa) throw new CryptoError('bad-certificate', `"${ca.subject}" is not a CA certificate and cannot issue certificates`);
    if (ca.publicKeyHex !== signerKeyHex) throw new CryptoError('bad-key', `the signer's key is not the key certified by "${ca.subject}"`);
    issuerName = fromDer(ca.subjectDer, 'the issuer name');
    authorityKeyIdentifier = ca.subjectKeyIdentifier ?? sm2KeyIdentifier(ca.publicKeyHex);
  } else {
    if (publicKeyHex !== signerKeyHex) throw new CryptoError('bad-key', "a self-signed certificate must carry the signer's own public key");
    issuerName = encodeX509Name(request.subject);
  }
  const isCa = request.isCa ?? false;
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    integerFromBytes(serialNumberBytes(request.serialNumberHex)),
    sm2WithSm3Algorithm(),
    issuerName,
    sequence(encodeX509Time(request.notBefore), encodeX509Time(request.notAfter)),
    encodeX509Name(request.subject),
    fromDer(sm2PublicKeyDer(publicKeyHex), 'the subject public key'),
    explicit(3, encodeExtensions({ isCa, subjectKeyIdentifier: sm2KeyIdentifier(publicKeyHex), authorityKeyIdentifier })),
  );
  const signature = sm2Sign(toDer(tbs), issuer.signer, userId);
  return parseSm2Certificate(toDer(sequence(tbs, sm2WithSm3Algorithm(), bitString(signature))));
}

function readCertificate(der: Buffer): Sm2Certificate {
  const certificate = fromDer(der, 'the certificate');
  if (!toDer(certificate).equals(der)) {
    throw new CryptoError('bad-certificate', 'the certificate is not DER; its signature covers the DER encoding (RFC 5280 §4.1.1.3)');
  }
  const [tbs, signatureAlgorithm, signatureValue, ...extra] = childrenOf(certificate, 'Certificate');
  // The tags too: a SET where the SEQUENCE belongs re-encodes byte for byte and leaves the signed part unchanged.
  const isSequence = (node: typeof certificate | undefined): node is typeof certificate => node?.tagClass === Class.UNIVERSAL && node.type === Type.SEQUENCE;
  if (!isSequence(certificate) || !isSequence(tbs) || !signatureAlgorithm || !signatureValue || extra.length > 0) {
    throw new CryptoError('bad-input', 'a Certificate is SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }');
  }
  const fields = childrenOf(tbs, 'TBSCertificate');
  const versionField = fields[0]?.tagClass === Class.CONTEXT_SPECIFIC && fields[0].type === 0 ? fields[0] : undefined;
  if (versionField) assertKnownVersion(versionField);
  const [serialNumber, innerAlgorithm, issuer, validity, subject, subjectPublicKeyInfo, ...optional] = versionField ? fields.slice(1) : fields;
  assertSm2WithSm3(signatureAlgorithm, innerAlgorithm);
  if (!serialNumber || serialNumber.type !== Type.INTEGER || !issuer || !subject || !validity || !subjectPublicKeyInfo) {
    throw new CryptoError('bad-input', 'the tbsCertificate lacks a serial number, issuer, validity, subject or public key');
  }
  const [notBefore, notAfter] = childrenOf(validity, 'Validity');
  const serialNumberDer = bytesOf(serialNumber, 'serialNumber');
  const extensionsField = optional.find((field) => field.tagClass === Class.CONTEXT_SPECIFIC && field.type === 3);
  const signatureBits = bytesOf(signatureValue, 'signatureValue');
  if (signatureValue.tagClass !== Class.UNIVERSAL || signatureValue.type !== Type.BITSTRING || signatureBits[0] !== 0) {
    throw new CryptoError('bad-input', 'signatureValue is not a whole-byte BIT STRING');
  }
  const publicKeyHex = subjectKeyHex(subjectPublicKeyInfo);
  let publicKey: Sm2PublicKey | undefined;
  return {
    der,
    pem: pemEncode('CERTIFICATE', der),
    subject: describeX509Name(subject),
    issuer: describeX509Name(issuer),
    subjectDer: toDer(subject),
    issuerDer: toDer(issuer),
    serialNumberHex: serialNumberDer.subarray(leadingZeroBytes(serialNumberDer)).toString('hex') || '00',
    serialNumberDer,
    notBefore: decodeX509Time(notBefore, 'notBefore'),
    notAfter: decodeX509Time(notAfter, 'notAfter'),
    publicKeyHex,
    get publicKey() {
      publicKey ??= prepareSm2PublicKey(publicKeyHex);
      return publicKey;
    },
    ...decodeExtensions(extensionsField ? childrenOf(extensionsField, 'extensions')[0] : undefined),
    fingerprint: sm3Hex(der),
    tbsDer: toDer(tbs),
    signatureDer: signatureBits.subarray(1),
    signatureAlgorithm: sm2WithSm3Oid,
  };
}

function assertKnownVersion(field: Asn1): void {
  const version = bytesOf(childrenOf(field, 'version')[0], 'version');
  if (version.length !== 1 || (version[0] ?? 0) > 2) throw new CryptoError('bad-input', `unknown certificate version ${version.toString('hex')}`);
}

/** RFC 5280 §4.1.1.2: the outer signatureAlgorithm must equal the one inside the signed part. */
function assertSm2WithSm3(outer: Asn1, inner: Asn1 | undefined): void {
  const [algorithm, parameters] = childrenOf(outer, 'signatureAlgorithm');
  const name = oidOf(algorithm, 'the signature algorithm');
  if (name !== sm2WithSm3Oid) throw new CryptoError('bad-certificate', `not an SM2 certificate: it is signed with ${name}, not SM2-with-SM3 (${sm2WithSm3Oid})`);
  if (parameters && parameters.type !== Type.NULL) throw new CryptoError('bad-input', 'SM2-with-SM3 takes no algorithm parameters (GM/T 0015)');
  if (!inner || !toDer(inner).equals(toDer(outer))) throw new CryptoError('bad-input', 'the signed and the outer signature algorithms differ');
}

function subjectKeyHex(subjectPublicKeyInfo: Asn1): string {
  try {
    return parseSm2PublicKey(toDer(subjectPublicKeyInfo));
  } catch (error) {
    throw new CryptoError('bad-certificate', `not an SM2 certificate: the subject key is not SM2 (${reasonOf(error)})`, { cause: error });
  }
}

function sm2WithSm3Algorithm(): Asn1 {
  return sequence(oid(sm2WithSm3Oid));
}

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets. */
function serialNumberBytes(serialNumberHex: string | undefined): Buffer {
  if (serialNumberHex === undefined) {
    const bytes = randomBytes(16);
    bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
    return bytes;
  }
  if (!/^[0-9a-fA-F]+$/.test(serialNumberHex)) throw new CryptoError('bad-input', 'serialNumberHex must be hexadecimal');
  const bytes = Buffer.from(serialNumberHex.length % 2 === 0 ? serialNumberHex : `0${serialNumberHex}`, 'hex');
  if (bytes.every((byte) => byte === 0)) throw new CryptoError('bad-input', 'a certificate serial number must be positive (RFC 5280 §4.1.2.2)');
  if (minimalInteger(bytes).length > 20) throw new CryptoError('bad-input', 'a certificate serial number is at most 20 octets (RFC 5280 §4.1.2.2)');
  return bytes;
}

function leadingZeroBytes(bytes: Buffer): number {
  let count = 0;
  while (count < bytes.length && bytes[count] === 0) count += 1;
  return count;
}

function validityProblem(certificate: Sm2Certificate, at: Date): string | undefined {
  const checked = `checked at ${at.toISOString()}`;
  if (at.getTime() < certificate.notBefore.getTime()) {
    return `certificate "${certificate.subject}" is not yet valid: valid from ${certificate.notBefore.toISOString()}, ${checked}`;
  }
  if (at.getTime() > certificate.notAfter.getTime()) {
    return `certificate "${certificate.subject}" expired at ${certificate.notAfter.toISOString()}, ${checked}`;
  }
  return undefined;
}

/** RFC 5280 §4.2: a critical extension the verifier does not process makes the certificate unusable. */
function assertExtensionsUnderstood(certificate: Sm2Certificate): void {
  const problem = unsupportedExtensionsProblem(certificate);
  if (problem) throw new CryptoError('bad-certificate', problem);
}

function unsupportedExtensionsProblem(certificate: Sm2Certificate): string | undefined {
  const unsupported = certificate.unsupportedCriticalExtensions;
  if (unsupported.length === 0) return undefined;
  return `certificate "${certificate.subject}" has critical extensions jiuzhu does not process (${unsupported.join(', ')}; RFC 5280 §4.2)`;
}

function issuerProblem(leaf: Sm2Certificate, ca: Sm2Certificate, at: Date, userId: string): string | undefined {
  if (!ca.isCa) return `trusted certificate "${ca.subject}" is not a CA (basicConstraints cA is not set)`;
  if (ca.keyUsage && !ca.keyUsage.includes('keyCertSign')) return `the keyUsage of "${ca.subject}" does not allow signing certificates`;
  const problem = unsupportedExtensionsProblem(ca) ?? validityProblem(ca, at);
  if (problem) return problem;
  if (!verifySm2CertificateSignature(leaf, ca.publicKey, userId)) {
    return `its signature does not verify with the key of "${ca.subject}" (SM2 user ID "${userId}")`;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^\[crypto\] /, '') : String(error);
}
