import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, type CryptoErrorCode } from '../../gateway/crypto/crypto-error.js';
import { minimalInteger, oid, sequence, toDer } from '../../gateway/crypto/der.js';
import {
  assertCertificateValid,
  issueSm2Certificate,
  parseSm2Certificate,
  sm2WithSm3Oid,
  verifySm2CertificateChain,
  verifySm2CertificateSignature,
  type CertificateRequest,
  type Sm2Certificate,
} from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair, parseSm2PublicKey, sm2PrivateKeyPem, sm2PublicKeyDer, type Sm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { createSm2Signer, defaultSm2UserId, type Sm2Signer } from '../../gateway/crypto/sm2.js';
import { sm3, sm3Hex } from '../../gateway/crypto/sm3.js';

/**
 * OpenSSL 3.0 signs and checks SM2 certificates with an empty user ID unless told otherwise: `-sigopt distid:` when
 * signing, `-vfyopt distid:` when checking (also in `x509 -req`, which checks the CSR's self-signature first).
 */
const defaultDistid = `distid:${defaultSm2UserId}`;
const aliceId = 'alice@example.gov.cn';

let directory: string;

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** For commands expected to fail: whether they succeeded, and what they printed on both streams. */
function opensslOutcome(...args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: openssl(...args) };
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout ?? ''}${stderr ?? ''}` };
  }
}

function readText(name: string): string {
  return readFileSync(join(directory, name), 'utf8');
}

function writeText(name: string, text: string): void {
  writeFileSync(join(directory, name), text);
}

/** A CA and a leaf signed with `userId`, made by the openssl command line. */
function opensslCaAndLeaf(prefix: string, userId: string): void {
  const distid = `distid:${userId}`;
  openssl('genpkey', '-algorithm', 'SM2', '-out', `${prefix}ca.key`);
  openssl(
    'req', '-x509', '-new', '-key', `${prefix}ca.key`, '-sm3', '-sigopt', distid, '-utf8',
    '-subj', '/C=CN/O=测试CA/CN=Test SM2 CA', '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', `${prefix}ca.pem`,
  );
  openssl('genpkey', '-algorithm', 'SM2', '-out', `${prefix}leaf.key`);
  openssl('req', '-new', '-key', `${prefix}leaf.key`, '-sm3', '-sigopt', distid, '-utf8', '-subj', '/C=CN/O=宁夏回族自治区民政厅/CN=Test leaf', '-out', `${prefix}leaf.csr`);
  signCsrWithOpenssl(`${prefix}leaf.csr`, `${prefix}ca.pem`, `${prefix}ca.key`, `${prefix}leaf.pem`, { serial: '0xA1B2', userId });
}

/** `-vfyopt distid:` applies to the CSR's self-signature too, so it is left out when the CSR's key is not SM2. */
function signCsrWithOpenssl(
  csr: string,
  ca: string,
  caKey: string,
  out: string,
  options: { serial: string; userId?: string; extensions?: string; csrKey?: 'sm2' | 'ecdsa' },
): void {
  const distid = `distid:${options.userId ?? defaultSm2UserId}`;
  const checkCsr = options.csrKey === 'ecdsa' ? [] : ['-vfyopt', distid];
  writeText(`${out}.ext`, options.extensions ?? 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(
    'x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-set_serial', options.serial,
    '-sm3', '-sigopt', distid, ...checkCsr, '-days', '365', '-extfile', `${out}.ext`, '-out', out,
  );
}

function refusal(action: () => unknown): CryptoError {
  try {
    action();
  } catch (error) {
    if (error instanceof CryptoError) return error;
    throw error;
  }
  throw new Error('expected a CryptoError, but nothing was thrown');
}

function expectRefusal(action: () => unknown, message: RegExp, code: CryptoErrorCode = 'bad-certificate'): void {
  const error = refusal(action);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

function issue(request: Partial<CertificateRequest> & { publicKeyHex: string }, signer: Sm2Signer, certificate?: Sm2Certificate, userId?: string): Sm2Certificate {
  return issueSm2Certificate(
    {
      subject: { country: 'CN', organization: '宁夏回族自治区民政厅', commonName: 'jiuzhu 网关 640121' },
      notBefore: new Date('2026-06-01T00:00:00Z'),
      notAfter: new Date('2028-06-01T00:00:00Z'),
      ...request,
    },
    certificate ? { signer, certificate } : { signer },
    userId,
  );
}

function seconds(date: Date): string {
  return String(Math.floor(date.getTime() / 1000));
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'jiuzhu-sm2-certificate-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('SM2 certificates made by OpenSSL', () => {
  let ca: Sm2Certificate;
  let leaf: Sm2Certificate;

  beforeAll(() => {
    opensslCaAndLeaf('openssl-', defaultSm2UserId);
    ca = parseSm2Certificate(readText('openssl-ca.pem'));
    leaf = parseSm2Certificate(readText('openssl-leaf.pem'));
  });

  it('reads the names, serial number, validity and key that OpenSSL and Node read', () => {
    const nodeLeaf = new X509Certificate(readText('openssl-leaf.pem'));
    const printed = openssl('x509', '-in', 'openssl-leaf.pem', '-noout', '-subject', '-issuer', '-nameopt', 'utf8');
    expect(leaf.subject).toBe('C=CN, O=宁夏回族自治区民政厅, CN=Test leaf');
    expect(printed).toBe(`subject=${leaf.subject}\nissuer=${leaf.issuer}\n`);
    expect(leaf.issuer).toBe(nodeLeaf.issuer.split('\n').join(', '));
    expect(leaf.serialNumberHex).toBe('a1b2');
    expect(leaf.serialNumberDer.toString('hex')).toBe('00a1b2');
    expect(leaf.serialNumberHex).toBe(nodeLeaf.serialNumber.toLowerCase());
    expect(leaf.notBefore.getTime()).toBe(Date.parse(nodeLeaf.validFrom));
    expect(leaf.notAfter.getTime()).toBe(Date.parse(nodeLeaf.validTo));
    expect(leaf.publicKeyHex).toBe(parseSm2PublicKey(openssl('pkey', '-in', 'openssl-leaf.key', '-pubout')));
    expect(leaf.publicKey.hex).toBe(leaf.publicKeyHex);
    expect(leaf.publicKey).toBe(leaf.publicKey);
    expect(leaf.der.equals(nodeLeaf.raw)).toBe(true);
    expect(leaf.fingerprint).toBe(sm3Hex(nodeLeaf.raw));
    expect(leaf.signatureAlgorithm).toBe(sm2WithSm3Oid);
    expect(parseSm2Certificate(leaf.der).pem).toBe(leaf.pem);
  });

  it('reads which certificate is a CA, its key usage, and the names and key identifiers that link the leaf to it', () => {
    expect([ca.isCa, leaf.isCa]).toEqual([true, false]);
    expect(ca.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(leaf.keyUsage).toEqual(['digitalSignature', 'keyEncipherment', 'dataEncipherment']);
    expect(leaf.issuerDer.equals(ca.subjectDer)).toBe(true);
    expect(leaf.authorityKeyIdentifier?.equals(ca.subjectKeyIdentifier ?? Buffer.alloc(0))).toBe(true);
  });

  it("verifies the leaf's signature with the CA key and the GM/T 0009 default user ID", () => {
    expect(verifySm2CertificateSignature(leaf, ca.publicKey)).toBe(true);
    expect(verifySm2CertificateSignature(leaf, leaf.publicKey)).toBe(false);
  });

  it('accepts the leaf through its CA and returns the CA as the trust anchor', () => {
    expect(verifySm2CertificateChain(leaf, [ca], new Date())).toBe(ca);
  });

  it('agrees with openssl verify -vfyopt distid:1234567812345678', () => {
    expect(openssl('verify', '-vfyopt', defaultDistid, '-CAfile', 'openssl-ca.pem', 'openssl-leaf.pem')).toBe('openssl-leaf.pem: OK\n');
  });

  it('needs its own verification: Node X509Certificate.verify() checks SM2 with an empty user ID and returns false', () => {
    const nodeCa = new X509Certificate(readText('openssl-ca.pem'));
    const nodeLeaf = new X509Certificate(readText('openssl-leaf.pem'));
    expect(nodeLeaf.checkIssued(nodeCa)).toBe(true);
    expect(nodeLeaf.verify(nodeCa.publicKey)).toBe(false);
  });

  it('needs the user ID even in OpenSSL: openssl verify without -vfyopt rejects the same pair', () => {
    const outcome = opensslOutcome('verify', '-CAfile', 'openssl-ca.pem', 'openssl-leaf.pem');
    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain('certificate signature failure');
  });
});

describe('SM2 certificates jiuzhu issues', () => {
  let caPair: Sm2KeyPair;
  let caSigner: Sm2Signer;
  let ca: Sm2Certificate;
  let leafPair: Sm2KeyPair;
  let leaf: Sm2Certificate;
  const at = new Date('2027-01-01T00:00:00Z');

  beforeAll(() => {
    caPair = generateSm2KeyPair();
    caSigner = createSm2Signer(caPair);
    ca = issue(
      {
        subject: { country: 'CN', organization: '宁夏回族自治区民政厅', organizationalUnit: '社会救助处', commonName: 'jiuzhu 测试根CA' },
        publicKeyHex: caPair.publicKeyHex,
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2036-01-01T00:00:00Z'),
        serialNumberHex: '01',
        isCa: true,
      },
      caSigner,
    );
    leafPair = generateSm2KeyPair();
    leaf = issue({ publicKeyHex: leafPair.publicKeyHex, serialNumberHex: 'c0ffee01' }, caSigner, ca);
    writeText('ours-ca.pem', ca.pem);
    writeText('ours-leaf.pem', leaf.pem);
  });

  it('are accepted by openssl verify -vfyopt distid:1234567812345678', () => {
    expect(openssl('verify', '-attime', seconds(at), '-vfyopt', defaultDistid, '-CAfile', 'ours-ca.pem', 'ours-leaf.pem')).toBe('ours-leaf.pem: OK\n');
  });

  it('show the Chinese subject, the SM2 key and the extensions in openssl x509 -text', () => {
    const caText = openssl('x509', '-in', 'ours-ca.pem', '-noout', '-text', '-nameopt', 'utf8');
    const leafText = openssl('x509', '-in', 'ours-leaf.pem', '-noout', '-text', '-nameopt', 'utf8');
    expect(caText).toContain('Version: 3 (0x2)');
    expect(caText).toContain('Signature Algorithm: SM2-with-SM3');
    expect(caText).toContain('Subject: C=CN, O=宁夏回族自治区民政厅, OU=社会救助处, CN=jiuzhu 测试根CA');
    expect(caText).toMatch(/Public Key Algorithm: id-ecPublicKey[\s\S]*ASN1 OID: SM2/);
    expect(caText).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(caText).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(caText).not.toContain('Authority Key Identifier');
    expect(leafText).toContain('Issuer: C=CN, O=宁夏回族自治区民政厅, OU=社会救助处, CN=jiuzhu 测试根CA');
    expect(leafText).toContain('Subject: C=CN, O=宁夏回族自治区民政厅, CN=jiuzhu 网关 640121');
    expect(leafText).toMatch(/X509v3 Basic Constraints: \n\s+CA:FALSE/);
    expect(leafText).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Data Encipherment/);
    const colonHex = (bytes: Buffer | undefined): string => [...(bytes ?? [])].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
    expect(leafText).toMatch(new RegExp(`X509v3 Subject Key Identifier: \\n\\s+${colonHex(leaf.subjectKeyIdentifier)}`));
    expect(leafText).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\n\\s+${colonHex(ca.subjectKeyIdentifier)}`));
  });

  it('read back with the fields they were issued with, as OpenSSL reads them', () => {
    const reread = parseSm2Certificate(readText('ours-leaf.pem'));
    expect(reread).toMatchObject({
      subject: 'C=CN, O=宁夏回族自治区民政厅, CN=jiuzhu 网关 640121',
      issuer: 'C=CN, O=宁夏回族自治区民政厅, OU=社会救助处, CN=jiuzhu 测试根CA',
      serialNumberHex: 'c0ffee01',
      notBefore: new Date('2026-06-01T00:00:00Z'),
      notAfter: new Date('2028-06-01T00:00:00Z'),
      isCa: false,
      fingerprint: leaf.fingerprint,
    });
    expect(reread.publicKeyHex).toBe(leafPair.publicKeyHex);
    expect(reread.serialNumberDer.toString('hex')).toBe('00c0ffee01');
    expect(openssl('x509', '-in', 'ours-leaf.pem', '-noout', '-serial', '-dates', '-subject', '-nameopt', 'utf8')).toBe(
      [
        'serial=C0FFEE01',
        'notBefore=Jun  1 00:00:00 2026 GMT',
        'notAfter=Jun  1 00:00:00 2028 GMT',
        `subject=${reread.subject}`,
        '',
      ].join('\n'),
    );
    expect(parseSm2PublicKey(openssl('x509', '-in', 'ours-leaf.pem', '-noout', '-pubkey'))).toBe(leafPair.publicKeyHex);
  });

  it('write the SM2-with-SM3 algorithm identifier exactly as OpenSSL does, with no parameters', () => {
    const withoutParameters = toDer(sequence(oid(sm2WithSm3Oid))).toString('hex');
    expect(withoutParameters).toBe('300a06082a811ccf55018375');
    const opensslMade = parseSm2Certificate(readText('openssl-leaf.pem')).der.toString('hex');
    for (const der of [leaf.der.toString('hex'), opensslMade]) {
      expect(der.split(withoutParameters)).toHaveLength(3);
      expect(der).not.toContain('300c06082a811ccf550183750500');
    }
  });

  it("name the issuer by the CA's subject bytes and key identifier, the SM3 of the key truncated to 160 bits", () => {
    expect(leaf.issuerDer.equals(ca.subjectDer)).toBe(true);
    expect(ca.issuerDer.equals(ca.subjectDer)).toBe(true);
    expect(ca.subjectKeyIdentifier?.toString('hex')).toBe(sm3(Buffer.from(caPair.publicKeyHex, 'hex')).subarray(0, 20).toString('hex'));
    expect(leaf.authorityKeyIdentifier?.toString('hex')).toBe(ca.subjectKeyIdentifier?.toString('hex'));
    expect(ca.authorityKeyIdentifier).toBeUndefined();
    expect(verifySm2CertificateChain(leaf, [ca], at)).toBe(ca);
  });

  it('write UTCTime up to 2049 and GeneralizedTime before 1950 and from 2050 on (RFC 5280 §4.1.2.5)', () => {
    const around2050 = issue({ publicKeyHex: leafPair.publicKeyHex, notBefore: new Date('2049-12-31T23:59:59Z'), notAfter: new Date('2050-01-01T00:00:00Z') }, caSigner, ca);
    const around1950 = issue({ publicKeyHex: leafPair.publicKeyHex, notBefore: new Date('1949-12-31T23:59:59Z'), notAfter: new Date('1950-01-01T00:00:00Z') }, caSigner, ca);
    writeText('around-2050.pem', around2050.pem);
    writeText('around-1950.pem', around1950.pem);
    expect(openssl('asn1parse', '-in', 'around-2050.pem')).toMatch(/UTCTIME\s+:491231235959Z\n.*GENERALIZEDTIME\s+:20500101000000Z/);
    expect(openssl('asn1parse', '-in', 'around-1950.pem')).toMatch(/GENERALIZEDTIME\s+:19491231235959Z\n.*UTCTIME\s+:500101000000Z/);
    expect([around2050.notBefore, around2050.notAfter, around1950.notBefore, around1950.notAfter].map((date) => date.toISOString())).toEqual([
      '2049-12-31T23:59:59.000Z',
      '2050-01-01T00:00:00.000Z',
      '1949-12-31T23:59:59.000Z',
      '1950-01-01T00:00:00.000Z',
    ]);
  });

  it('read back any validity period and serial number they were issued with', () => {
    const secondsFrom = (date: Date): number => Math.floor(date.getTime() / 1000);
    const instant = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map(secondsFrom);
    const serial = fc.uint8Array({ minLength: 1, maxLength: 20 }).filter((bytes) => bytes.some((byte) => byte !== 0) && minimalInteger(bytes).length <= 20);
    fc.assert(
      fc.property(instant, instant, serial, (first, second, serialBytes) => {
        fc.pre(first !== second);
        const [notBefore, notAfter] = [new Date(Math.min(first, second) * 1000), new Date(Math.max(first, second) * 1000)];
        const serialNumberHex = Buffer.from(serialBytes).toString('hex');
        const certificate = issue({ publicKeyHex: leafPair.publicKeyHex, notBefore, notAfter, serialNumberHex }, caSigner, ca);
        expect(certificate.notBefore).toEqual(notBefore);
        expect(certificate.notAfter).toEqual(notAfter);
        expect(certificate.serialNumberHex).toBe(new X509Certificate(certificate.der).serialNumber.toLowerCase());
        expect(certificate.serialNumberHex).toBe(serialNumberHex.replace(/^(00)+/, ''));
      }),
      { numRuns: 30 },
    );
  });

  it('give a jiuzhu key a self-signed certificate that partners can pin', () => {
    const ownPair = generateSm2KeyPair();
    const own = issue({ subject: { country: 'CN', commonName: 'jiuzhu 640121' }, publicKeyHex: ownPair.publicKeyHex }, createSm2Signer(ownPair));
    writeText('ours-self.pem', own.pem);
    expect(own.isCa).toBe(false);
    expect(own.issuer).toBe(own.subject);
    expect(verifySm2CertificateSignature(own, own.publicKey)).toBe(true);
    expect(verifySm2CertificateChain(parseSm2Certificate(own.pem), [ca, own], at)).toBe(own);
    expect(openssl('verify', '-attime', seconds(at), '-vfyopt', defaultDistid, '-CAfile', 'ours-self.pem', 'ours-self.pem')).toBe('ours-self.pem: OK\n');
  });

  it('default to a random positive serial number of 16 bytes', () => {
    const serials = [1, 2].map(() => issue({ publicKeyHex: leafPair.publicKeyHex }, caSigner, ca).serialNumberHex);
    for (const serial of serials) expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    expect(serials[0]).not.toBe(serials[1]);
  });

  it("refuse to self-sign another key, to issue from a non-CA certificate, or to sign with a key that is not the CA's", () => {
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex }, caSigner), /signer's own public key/, 'bad-key');
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex }, createSm2Signer(leafPair), leaf), /not a CA certificate/);
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex }, createSm2Signer(leafPair), ca), /not the key certified by/, 'bad-key');
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex, notAfter: new Date('2026-06-01T00:00:00Z') }, caSigner, ca), /before it expires/, 'bad-input');
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex, serialNumberHex: '0000' }, caSigner, ca), /must be positive/, 'bad-input');
    expectRefusal(() => issue({ publicKeyHex: leafPair.publicKeyHex, serialNumberHex: `80${'00'.repeat(19)}` }, caSigner, ca), /at most 20 octets/, 'bad-input');
  });
});

describe('refusing SM2 certificates', () => {
  let caSigner: Sm2Signer;
  let ca: Sm2Certificate;
  let leaf: Sm2Certificate;
  let opensslCa: Sm2Certificate;
  let opensslLeaf: Sm2Certificate;
  const at = new Date('2027-01-01T00:00:00Z');

  beforeAll(() => {
    const caPair = generateSm2KeyPair();
    caSigner = createSm2Signer(caPair);
    ca = issue(
      { subject: { commonName: 'Refusals CA' }, publicKeyHex: caPair.publicKeyHex, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z'), isCa: true },
      caSigner,
    );
    leaf = issue({ publicKeyHex: generateSm2KeyPair().publicKeyHex }, caSigner, ca);
    opensslCaAndLeaf('refusals-', defaultSm2UserId);
    opensslCa = parseSm2Certificate(readText('refusals-ca.pem'));
    opensslLeaf = parseSm2Certificate(readText('refusals-leaf.pem'));
  });

  it('refuses a certificate outside its validity period, naming the dates, and accepts both ends of it', () => {
    expectRefusal(() => assertCertificateValid(leaf, new Date('2026-05-31T23:59:59Z')), /not yet valid: valid from 2026-06-01T00:00:00.000Z, checked at 2026-05-31T23:59:59.000Z/);
    expectRefusal(() => assertCertificateValid(leaf, new Date('2028-06-01T00:00:01Z')), /expired at 2028-06-01T00:00:00.000Z, checked at 2028-06-01T00:00:01.000Z/);
    expect(() => assertCertificateValid(leaf, leaf.notBefore)).not.toThrow();
    expect(() => assertCertificateValid(leaf, leaf.notAfter)).not.toThrow();
  });

  it('refuses a chain when the leaf or its CA is outside its validity period, though every signature verifies', () => {
    const expired = issue({ publicKeyHex: leaf.publicKeyHex, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-02-01T00:00:00Z') }, caSigner, ca);
    const future = issue({ publicKeyHex: leaf.publicKeyHex, notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') }, caSigner, ca);
    const outlivesCa = issue({ publicKeyHex: leaf.publicKeyHex, notAfter: new Date('2040-01-01T00:00:00Z') }, caSigner, ca);
    for (const certificate of [expired, future, outlivesCa]) expect(verifySm2CertificateSignature(certificate, ca.publicKey)).toBe(true);
    expectRefusal(() => verifySm2CertificateChain(expired, [ca], at), /certificate "C=CN, O=宁夏回族自治区民政厅, CN=jiuzhu 网关 640121" expired at 2026-02-01T00:00:00.000Z/);
    expectRefusal(() => verifySm2CertificateChain(future, [ca], at), /not yet valid: valid from 2030-01-01/);
    expect(verifySm2CertificateChain(outlivesCa, [ca], at)).toBe(ca);
    expectRefusal(() => verifySm2CertificateChain(outlivesCa, [ca], new Date('2037-01-01T00:00:00Z')), /does not chain to a trusted CA: certificate "CN=Refusals CA" expired at 2036-01-01/);
  });

  it('refuses a leaf whose issuer is not trusted', () => {
    expectRefusal(() => verifySm2CertificateChain(opensslLeaf, [ca], new Date()), /issued by "C=CN, O=测试CA, CN=Test SM2 CA", which is not among the trusted certificates/);
    expectRefusal(() => verifySm2CertificateChain(leaf, [], at), /not among the trusted certificates/);
  });

  it('refuses a leaf whose signed part was altered by one byte', () => {
    const der = Buffer.from(leaf.der);
    const offset = der.indexOf('640121');
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(leaf.tbsDer.length);
    der[offset] = '7'.charCodeAt(0);
    const altered = parseSm2Certificate(der);
    expect(altered.subject).toBe('C=CN, O=宁夏回族自治区民政厅, CN=jiuzhu 网关 740121');
    expect(verifySm2CertificateSignature(leaf, ca.publicKey)).toBe(true);
    expect(verifySm2CertificateSignature(altered, ca.publicKey)).toBe(false);
    expectRefusal(() => verifySm2CertificateChain(altered, [ca], at), /signature does not verify with the key of "CN=Refusals CA"/);
  });

  it('refuses a leaf issued by a trusted certificate that is not a CA, or whose key usage excludes certificate signing, as OpenSSL does', () => {
    openssl('genpkey', '-algorithm', 'SM2', '-out', 'sub.key');
    openssl('req', '-new', '-key', 'sub.key', '-sm3', '-sigopt', defaultDistid, '-subj', '/CN=sub', '-out', 'sub.csr');
    signCsrWithOpenssl('sub.csr', 'refusals-leaf.pem', 'refusals-leaf.key', 'by-leaf.pem', { serial: '9' });
    openssl(
      'req', '-x509', '-new', '-key', 'refusals-ca.key', '-sm3', '-sigopt', defaultDistid, '-subj', '/CN=Signing only', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature', '-out', 'signing-only.pem',
    );
    signCsrWithOpenssl('sub.csr', 'signing-only.pem', 'refusals-ca.key', 'by-signing-only.pem', { serial: '10' });
    const byLeaf = parseSm2Certificate(readText('by-leaf.pem'));
    const bySigningOnly = parseSm2Certificate(readText('by-signing-only.pem'));
    const signingOnly = parseSm2Certificate(readText('signing-only.pem'));
    expect(verifySm2CertificateSignature(byLeaf, opensslLeaf.publicKey)).toBe(true);
    expect(verifySm2CertificateSignature(bySigningOnly, signingOnly.publicKey)).toBe(true);
    expectRefusal(() => verifySm2CertificateChain(byLeaf, [opensslLeaf], new Date()), /"C=CN, O=宁夏回族自治区民政厅, CN=Test leaf" is not a CA/);
    expectRefusal(() => verifySm2CertificateChain(bySigningOnly, [signingOnly], new Date()), /keyUsage of "CN=Signing only" does not allow signing certificates/);
    const opensslSays = opensslOutcome('verify', '-vfyopt', defaultDistid, '-CAfile', 'signing-only.pem', 'by-signing-only.pem');
    expect(opensslSays).toMatchObject({ ok: false, output: expect.stringContaining('key usage does not include certificate signing') });
  });

  it('refuses a certificate with a critical extension it does not process (RFC 5280 §4.2), as OpenSSL does', () => {
    signCsrWithOpenssl('refusals-leaf.csr', 'refusals-ca.pem', 'refusals-ca.key', 'critical.pem', {
      serial: '11',
      extensions: 'basicConstraints=CA:FALSE\n1.2.3.4=critical,ASN1:UTF8String:x\n',
    });
    const critical = parseSm2Certificate(readText('critical.pem'));
    expect(critical.unsupportedCriticalExtensions).toEqual(['1.2.3.4']);
    expect(verifySm2CertificateSignature(critical, opensslCa.publicKey)).toBe(true);
    expectRefusal(() => verifySm2CertificateChain(critical, [opensslCa], new Date()), /critical extensions jiuzhu does not process \(1\.2\.3\.4/);
    expect(opensslOutcome('verify', '-vfyopt', defaultDistid, '-CAfile', 'refusals-ca.pem', 'critical.pem').output).toContain('unhandled critical extension');
  });

  it('refuses RSA and ECDSA certificates, and an SM2-signed certificate for a P-256 key, as not SM2', () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-subj', '/CN=rsa', '-days', '1', '-out', 'rsa.pem');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'p256.key', '-subj', '/CN=p256', '-days', '1', '-out', 'p256.pem');
    openssl('req', '-new', '-key', 'p256.key', '-subj', '/CN=p256', '-out', 'p256.csr');
    signCsrWithOpenssl('p256.csr', 'refusals-ca.pem', 'refusals-ca.key', 'p256-by-sm2.pem', { serial: '12', csrKey: 'ecdsa' });
    expectRefusal(() => parseSm2Certificate(readText('rsa.pem')), /not an SM2 certificate: it is signed with 1\.2\.840\.113549\.1\.1\.11/);
    expectRefusal(() => parseSm2Certificate(readText('p256.pem')), /not an SM2 certificate: it is signed with 1\.2\.840\.10045\.4\.3\.2/);
    expectRefusal(() => parseSm2Certificate(readText('p256-by-sm2.pem')), /the subject key is not SM2 .*curve 1\.2\.840\.10045\.3\.1\.7/);
  });

  it('refuses garbage, empty input, other PEM blocks and DER that is not a certificate', () => {
    const pair = generateSm2KeyPair();
    for (const input of [randomBytes(300), Buffer.alloc(0), 'not a certificate', sm2PrivateKeyPem(pair), sm2PublicKeyDer(pair.publicKeyHex)]) {
      expectRefusal(() => parseSm2Certificate(input), /not a well-formed SM2 certificate/);
    }
  });

  it('refuses a certificate with trailing bytes or a non-DER length, whose signed bytes would be ambiguous', () => {
    expectRefusal(() => parseSm2Certificate(Buffer.concat([leaf.der, Buffer.from([0])])), /not a well-formed SM2 certificate/);
    expect(leaf.der.subarray(0, 2).toString('hex')).toBe('3082');
    const longerLength = Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), leaf.der.subarray(2)]);
    expectRefusal(() => parseSm2Certificate(longerLength), /not DER/);
  });

  // Found by the envelope's flipped-byte property: 0x30 → 0x31 left the signed tbsCertificate and the DER length intact.
  it('refuses a certificate or tbsCertificate tagged SET where the SEQUENCE belongs', () => {
    const outerSet = Buffer.from(leaf.der);
    outerSet[0] = 0x31;
    expectRefusal(() => parseSm2Certificate(outerSet), /not a well-formed SM2 certificate/);
    const tbsAt = 2 + (leaf.der[1]! & 0x7f);
    expect(leaf.der[tbsAt]).toBe(0x30);
    const tbsSet = Buffer.from(leaf.der);
    tbsSet[tbsAt] = 0x31;
    expectRefusal(() => parseSm2Certificate(tbsSet), /not a well-formed SM2 certificate/);
  });

  it('verifies an OpenSSL certificate signed with distid:alice@example.gov.cn only with that user ID', () => {
    opensslCaAndLeaf('alice-', aliceId);
    const aliceCa = parseSm2Certificate(readText('alice-ca.pem'));
    const aliceLeaf = parseSm2Certificate(readText('alice-leaf.pem'));
    expect(verifySm2CertificateSignature(aliceLeaf, aliceCa.publicKey, aliceId)).toBe(true);
    expect(verifySm2CertificateSignature(aliceLeaf, aliceCa.publicKey)).toBe(false);
    expect(verifySm2CertificateChain(aliceLeaf, [aliceCa], new Date(), aliceId)).toBe(aliceCa);
    expectRefusal(() => verifySm2CertificateChain(aliceLeaf, [aliceCa], new Date()), /signature does not verify .*user ID "1234567812345678"/);
  });

  it('issues with a custom user ID a certificate that OpenSSL verifies only with that ID', () => {
    const aliceLeaf = issue({ publicKeyHex: leaf.publicKeyHex }, caSigner, ca, aliceId);
    writeText('refusals-ours-ca.pem', ca.pem);
    writeText('alice-ours-leaf.pem', aliceLeaf.pem);
    const verifyWith = (userId: string) =>
      opensslOutcome('verify', '-attime', seconds(at), '-vfyopt', `distid:${userId}`, '-CAfile', 'refusals-ours-ca.pem', 'alice-ours-leaf.pem').ok;
    expect([verifyWith(aliceId), verifyWith(defaultSm2UserId)]).toEqual([true, false]);
    expect([verifySm2CertificateSignature(aliceLeaf, ca.publicKey, aliceId), verifySm2CertificateSignature(aliceLeaf, ca.publicKey)]).toEqual([true, false]);
  });
});
