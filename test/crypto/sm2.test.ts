import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sm2 as sm2v2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  c1c3c2ToDer, derToC1C3C2, fromCanonicalC1C3C2, toCanonicalC1C3C2, type Sm2CipherEncoding,
} from '../../gateway/crypto/sm2-cipher-encoding.js';
import {
  assertSm2PublicKeyHex, generateSm2KeyPair, parseSm2PrivateKey, parseSm2PublicKey, sm2KeyFingerprint,
  sm2KeyPairFromPrivateHex, sm2PrivateKeyPem, sm2PublicKeyPem, type Sm2KeyPair,
} from '../../gateway/crypto/sm2-keys.js';
import {
  createSm2MessageHash, createSm2Signer, defaultSm2UserId, prepareSm2PublicKey, sm2Decrypt, sm2Encrypt, sm2Sign,
  sm2SignDigest, sm2Verify,
} from '../../gateway/crypto/sm2.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';
import { expectCryptoError } from '../helpers/crypto-errors.js';

/** GM/T 0003.5-2012 Annex A/C = GB/T 32918.5-2017, on the recommended curve (research/crypto-facts.md §3). */
const published = {
  d: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  publicKey:
    '04' +
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
    'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  k: '59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21',
  signedMessage: 'message digest',
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
  encryptedMessage: 'encryption standard',
  c1x: '04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73',
  c1y: 'E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0',
  c3: '59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766',
  c2: '21886CA989CA9C7D58087307CA93092D651EFA',
} as const;

/** The order n of the SM2 base point (GB/T 32918.5 §2). */
const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const hex = (text: string) => Buffer.from(text, 'hex');
const publishedPair = (): Sm2KeyPair => sm2KeyPairFromPrivateHex(published.d);
const publishedRaw = () => hex(published.c1x + published.c1y + published.c3 + published.c2);

/** Minimal DER INTEGER for a non-negative number, written here rather than taken from der.ts so the vectors do not lean on the code under test. */
function derInteger(value: bigint): Buffer {
  let digits = value.toString(16);
  if (digits.length % 2) digits = `0${digits}`;
  if (/^[89a-f]/.test(digits)) digits = `00${digits}`;
  const content = hex(digits);
  return Buffer.concat([Buffer.from([0x02, content.length]), content]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** r and s back out of a DER signature (short-form lengths: an SM2 signature is at most 72 bytes). */
function readDerSignature(signature: Buffer): { r: bigint; s: bigint; rLength: number; sLength: number } {
  const rLength = signature[3]!;
  const sLength = signature[5 + rLength]!;
  const r = BigInt(`0x${signature.subarray(4, 4 + rLength).toString('hex')}`);
  const s = BigInt(`0x${signature.subarray(6 + rLength, 6 + rLength + sLength).toString('hex')}`);
  return { r, s, rLength, sLength };
}

/** The DER INTEGER lengths of X and Y in an SM2Cipher SEQUENCE, whose own length may be short or long form. */
function readDerCipherCoordinates(der: Buffer): { xLength: number; yLength: number } {
  expect(der[0]).toBe(0x30);
  const lengthByte = der[1]!;
  const xAt = 2 + (lengthByte & 0x80 ? lengthByte & 0x7f : 0);
  expect(der[xAt]).toBe(0x02);
  const xLength = der[xAt + 1]!;
  expect(der[xAt + 2 + xLength]).toBe(0x02);
  return { xLength, yLength: der[xAt + 3 + xLength]! };
}

function flipBit(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('SM2 published vectors (GB/T 32918.5 / GM/T 0003.5, recommended curve)', () => {
  it('derives the published public key from the published private key', () => {
    expect(publishedPair()).toEqual({ privateKeyHex: published.d.toLowerCase(), publicKeyHex: published.publicKey.toLowerCase() });
  });

  it('verifies the published signature (r, s) over "message digest" with the default user ID', () => {
    const key = prepareSm2PublicKey(published.publicKey);
    const signature = derSignature(BigInt(`0x${published.r}`), BigInt(`0x${published.s}`));
    expect(sm2Verify(published.signedMessage, signature, key)).toBe(true);
    expect(sm2Verify(published.signedMessage, signature, key, defaultSm2UserId)).toBe(true);
    expect(sm2Verify('message digesT', signature, key)).toBe(false);
    expect(sm2Verify(published.signedMessage, signature, key, 'ALICE123@YAHOO.COM')).toBe(false);
  });

  it('reproduces the published r and s exactly when the published k is injected, so our Z and e are the standard’s', () => {
    const key = prepareSm2PublicKey(published.publicKey);
    const e = createSm2MessageHash(key).update(published.signedMessage).digest();
    // sm-crypto-v2 takes k from `pointPool` as { k, x1 = (kG).x }; kG is the public key of the private key k.
    const kG = sm2v2.getPublicKeyFromPrivateKey(published.k.toLowerCase());
    const point = { k: BigInt(`0x${published.k}`), x1: BigInt(`0x${kG.slice(2, 66)}`) };
    const rs = sm2v2.doSignature(e, published.d.toLowerCase(), { hash: false, der: false, pointPool: [point] });
    expect(rs).toBe((published.r + published.s).toLowerCase());
  });

  it.each<{ name: string; encoding: Sm2CipherEncoding; ciphertext: () => Buffer }>([
    { name: 'GM/T 0009 DER', encoding: { form: 'der' }, ciphertext: () => c1c3c2ToDer(publishedRaw()) },
    { name: 'raw C1C3C2', encoding: { form: 'c1c3c2' }, ciphertext: publishedRaw },
    { name: 'raw 04‖C1C3C2', encoding: { form: 'c1c3c2', prefix04: true }, ciphertext: () => Buffer.concat([hex('04'), publishedRaw()]) },
    { name: 'raw C1C2C3 (2010 order)', encoding: { form: 'c1c2c3' }, ciphertext: () => hex(published.c1x + published.c1y + published.c2 + published.c3) },
    {
      name: 'raw 04‖C1C2C3',
      encoding: { form: 'c1c2c3', prefix04: true },
      ciphertext: () => hex(`04${published.c1x}${published.c1y}${published.c2}${published.c3}`),
    },
  ])('decrypts the published ciphertext of "encryption standard" given as $name', ({ encoding, ciphertext }) => {
    expect(sm2Decrypt(ciphertext(), publishedPair(), encoding).toString('utf8')).toBe(published.encryptedMessage);
  });

  it('writes the published ciphertext as the DER SEQUENCE OpenSSL reads (307C 0220 04EBFC…)', () => {
    const der = c1c3c2ToDer(publishedRaw());
    const expected = `307c0220${published.c1x}022100${published.c1y}0420${published.c3}0413${published.c2}`;
    expect(der.toString('hex')).toBe(expected.toLowerCase());
    expect(derToC1C3C2(der)).toEqual(publishedRaw());
  });
});

describe('SM2 keys', () => {
  it('generates distinct key pairs whose public key is d·G', () => {
    const first = generateSm2KeyPair();
    const second = generateSm2KeyPair();
    expect(first.privateKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(first.publicKeyHex).toMatch(/^04[0-9a-f]{128}$/);
    expect(first.privateKeyHex).not.toBe(second.privateKeyHex);
    expect(sm2KeyPairFromPrivateHex(first.privateKeyHex)).toEqual(first);
  });

  it('reads a public key as 04‖X‖Y, as bare X‖Y, in either case, and as SPKI PEM', () => {
    const lower = published.publicKey.toLowerCase();
    expect(parseSm2PublicKey(published.publicKey)).toBe(lower);
    expect(parseSm2PublicKey(lower.slice(2))).toBe(lower);
    expect(parseSm2PublicKey(sm2PublicKeyPem(lower))).toBe(lower);
    expect(parseSm2PrivateKey(sm2PrivateKeyPem(publishedPair()))).toEqual(publishedPair());
  });

  it('refuses a public key off the curve as bad-key', () => {
    const offCurve = `${published.publicKey.slice(0, -1)}4`;
    expectCryptoError(() => assertSm2PublicKeyHex(offCurve), 'bad-key');
    expectCryptoError(() => parseSm2PublicKey(offCurve), 'bad-key');
    expectCryptoError(() => prepareSm2PublicKey(offCurve), 'bad-key');
  });

  it('refuses a public key that is not an uncompressed point as bad-key', () => {
    expectCryptoError(() => assertSm2PublicKeyHex(`02${published.publicKey.slice(2, 66)}`), 'bad-key');
    expectCryptoError(() => assertSm2PublicKeyHex(`05${published.publicKey.slice(2)}`), 'bad-key');
    expectCryptoError(() => assertSm2PublicKeyHex(''), 'bad-key');
  });

  it.each([
    ['zero', '0'.repeat(64)],
    ['n', n.toString(16)],
    ['n + 1', (n + 1n).toString(16)],
    ['2^256 − 1', 'f'.repeat(64)],
    // GB/T 32918.1 §6.1 takes d from [1, n−2]: with d = n−1, 1 + d ≡ 0 and signing divides by zero.
    ['n − 1', (n - 1n).toString(16)],
  ])('refuses the private key %s as bad-key', (_name, d) => {
    expectCryptoError(() => sm2KeyPairFromPrivateHex(d), 'bad-key');
  });
});

describe('SM2 signatures', () => {
  const signer = createSm2Signer(generateSm2KeyPair());
  const message = Buffer.from('低保 2026-11 payroll batch 3301060001');
  const signature = sm2Sign(message, signer);

  it('verifies its own signature and nothing else: another message, user ID or key', () => {
    expect(sm2Verify(message, signature, signer.publicKey)).toBe(true);
    expect(sm2Verify(flipBit(message, 0), signature, signer.publicKey)).toBe(false);
    expect(sm2Verify(message, signature, signer.publicKey, 'alice@example.gov.cn')).toBe(false);
    expect(sm2Verify(message, signature, prepareSm2PublicKey(generateSm2KeyPair().publicKeyHex))).toBe(false);
  });

  it('signs a digest streamed through createSm2MessageHash exactly as if the message were given whole', () => {
    const hash = createSm2MessageHash(signer.publicKey, 'alice@example.gov.cn');
    for (let at = 0; at < message.length; at += 5) hash.update(message.subarray(at, at + 5));
    const streamed = sm2SignDigest(hash.digest(), signer);
    expect(sm2Verify(message, streamed, signer.publicKey, 'alice@example.gov.cn')).toBe(true);
    expect(sm2Verify(message, streamed, signer.publicKey)).toBe(false);
  });

  it('refuses a digest that is not 32 bytes', () => {
    expectCryptoError(() => sm2SignDigest(Buffer.alloc(31), signer), 'bad-input');
  });

  it('writes minimal DER signatures of 70 to 72 bytes', () => {
    for (let i = 0; i < 50; i += 1) {
      const der = sm2Sign(randomBytes(40), signer);
      const { r, s } = readDerSignature(der);
      expect(der).toEqual(derSignature(r, s));
    }
  });

  const { r, s } = readDerSignature(signature);
  const rDer = derInteger(r);
  const sDer = derInteger(s);

  it.each<[string, () => Buffer]>([
    ['an empty signature', () => Buffer.alloc(0)],
    ['random bytes', () => randomBytes(71)],
    ['an empty SEQUENCE', () => hex('3000')],
    ['a SEQUENCE with one INTEGER', () => Buffer.concat([Buffer.from([0x30, rDer.length]), rDer])],
    ['the signature cut by one byte', () => signature.subarray(0, signature.length - 1)],
    ['the signature cut in half', () => signature.subarray(0, 35)],
    ['a bare r‖s of 64 bytes', () => hex(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'))],
    ['r = 0', () => derSignature(0n, s)],
    ['s = 0', () => derSignature(r, 0n)],
    ['s = n', () => derSignature(r, n)],
    ['s + n in place of s', () => derSignature(r, s + n)],
    ['r + n in place of r', () => derSignature(r + n, s)],
    ['r = s = n − 1', () => derSignature(n - 1n, n - 1n)],
  ])('returns false without throwing for %s', (_name, forge) => {
    expect(sm2Verify(message, forge(), signer.publicKey)).toBe(false);
  });

  // GM/T 0009 defines the signature as DER, and OpenSSL re-encodes what it parsed and compares
  // (crypto/sm2/sm2_sign.c), so a second byte string for the same (r, s) is refused there; accepting it
  // here would make signatures malleable, and a replay check keyed on signature bytes could be bypassed.
  it.each<[string, () => Buffer]>([
    ['a SET tag instead of SEQUENCE', () => Buffer.concat([hex('31'), signature.subarray(1)])],
    ['an OCTET STRING tag instead of INTEGER for r', () => Buffer.concat([signature.subarray(0, 2), hex('04'), signature.subarray(3)])],
    ['two trailing zero bytes', () => Buffer.concat([signature, hex('0000')])],
    ['a second signature appended', () => Buffer.concat([signature, signature])],
    [
      'an extra leading zero in r',
      () => {
        const paddedR = Buffer.concat([Buffer.from([0x02, rDer.length - 1, 0x00]), rDer.subarray(2)]);
        return Buffer.concat([Buffer.from([0x30, paddedR.length + sDer.length]), paddedR, sDer]);
      },
    ],
    ['a long-form SEQUENCE length', () => Buffer.concat([Buffer.from([0x30, 0x81, signature[1]!]), signature.subarray(2)])],
    ['a third INTEGER in the SEQUENCE', () => Buffer.concat([Buffer.from([0x30, signature[1]! + 3]), signature.subarray(2), hex('020100')])],
  ])('refuses the (r, s) of a valid signature in any encoding but its one DER: %s', (_name, forge) => {
    expect(sm2Verify(message, forge(), signer.publicKey)).toBe(false);
  });
});

describe('SM2 encryption failures are errors, never an empty plaintext', () => {
  const pair = publishedPair();
  const key = prepareSm2PublicKey(pair.publicKeyHex);
  const plaintext = Buffer.from('SM4 content key 0123456789abcdef');
  const raw = sm2Encrypt(plaintext, key, { form: 'c1c3c2' });
  const der = c1c3c2ToDer(raw);

  it('round-trips through every encoding', () => {
    const encodings: Sm2CipherEncoding[] = [
      { form: 'der' },
      { form: 'c1c3c2' },
      { form: 'c1c3c2', prefix04: true },
      { form: 'c1c2c3' },
      { form: 'c1c2c3', prefix04: true },
    ];
    for (const encoding of encodings) {
      expect(sm2Decrypt(sm2Encrypt(plaintext, key, encoding), pair, encoding)).toEqual(plaintext);
    }
  });

  it('throws decrypt-failed under the wrong key', () => {
    expectCryptoError(() => sm2Decrypt(der, generateSm2KeyPair()), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(raw, generateSm2KeyPair(), { form: 'c1c3c2' }), 'decrypt-failed');
  });

  it('throws decrypt-failed for one flipped bit in C3, in C2 or in C1', () => {
    expectCryptoError(() => sm2Decrypt(flipBit(raw, 64), pair, { form: 'c1c3c2' }), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(flipBit(raw, 95), pair, { form: 'c1c3c2' }), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(flipBit(raw, 96), pair, { form: 'c1c3c2' }), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(flipBit(raw, raw.length - 1), pair, { form: 'c1c3c2' }), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(flipBit(raw, 63), pair, { form: 'c1c3c2' }), 'decrypt-failed');
  });

  it('throws decrypt-failed for one flipped bit inside the DER HASH or CipherText', () => {
    const c3At = der.indexOf(raw.subarray(64, 96));
    expect(c3At).toBeGreaterThan(0);
    expectCryptoError(() => sm2Decrypt(flipBit(der, c3At + 7), pair), 'decrypt-failed');
    expectCryptoError(() => sm2Decrypt(flipBit(der, der.length - 1), pair), 'decrypt-failed');
  });

  it('does not decrypt a C1C2C3 ciphertext read as C1C3C2', () => {
    const legacy = fromCanonicalC1C3C2(raw, { form: 'c1c2c3' });
    expectCryptoError(() => sm2Decrypt(legacy, pair, { form: 'c1c3c2' }), 'decrypt-failed');
  });

  it('refuses to encrypt an empty plaintext', () => {
    expectCryptoError(() => sm2Encrypt(Buffer.alloc(0), key), 'bad-input');
  });
});

/** A 32-byte coordinate, with the leading zero bytes that DER INTEGERs drop drawn on purpose. */
const coordinate = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.uint8Array({ minLength: 31, maxLength: 31 }).map((tail) => Buffer.concat([Buffer.from([0x00]), tail])),
  fc.uint8Array({ minLength: 30, maxLength: 30 }).map((tail) => Buffer.concat([Buffer.from([0x00, 0x00]), tail])),
  fc.uint8Array({ minLength: 31, maxLength: 31 }).map((tail) => Buffer.concat([Buffer.from([0x00]), Buffer.from(tail.map((b) => b | 0x80))])),
  fc.constant(Buffer.alloc(32)),
);
const rawCiphertext = fc
  .tuple(coordinate, coordinate, fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 300 }))
  .map((parts) => Buffer.concat(parts.map((part) => Buffer.from(part))));

describe('SM2 ciphertext DER left-pads X and Y (the sm-crypto "fails 1 % of the time" bug, #22/#27/#87)', () => {
  it('reads back every raw ciphertext it writes as DER, coordinates with leading zero bytes included', () => {
    fc.assert(
      fc.property(rawCiphertext, (raw) => {
        expect(derToC1C3C2(c1c3c2ToDer(raw))).toEqual(raw);
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every raw ciphertext through each wire encoding', () => {
    const encoding = fc.constantFrom<Sm2CipherEncoding>(
      { form: 'der' },
      { form: 'c1c3c2' },
      { form: 'c1c3c2', prefix04: true },
      { form: 'c1c2c3' },
      { form: 'c1c2c3', prefix04: true },
    );
    fc.assert(
      fc.property(rawCiphertext, encoding, (raw, wire) => {
        expect(toCanonicalC1C3C2(fromCanonicalC1C3C2(raw, wire), wire)).toEqual(raw);
      }),
      { numRuns: 300 },
    );
  });

  it('decrypts a real ciphertext whose X or Y DER INTEGER is shorter than 32 bytes, from DER and raw, and so does openssl', async () => {
    const pair = generateSm2KeyPair();
    const key = prepareSm2PublicKey(pair.publicKeyHex);
    const plaintext = randomBytes(16);
    // A coordinate below 2^247 loses at least one whole byte in DER: about 1 ciphertext in 256, so
    // 4,000 tries miss with probability (255/256)^4000 ≈ 2e-7 and take ~4 s at worst, ~0.3 s typically.
    let short: Buffer | undefined;
    for (let attempt = 0; attempt < 4000 && !short; attempt += 1) {
      const candidate = sm2Encrypt(plaintext, key);
      const { xLength, yLength } = readDerCipherCoordinates(candidate);
      if (xLength < 32 || yLength < 32) short = candidate;
    }
    if (!short) throw new Error('no ciphertext with a short coordinate in 4,000 tries');

    expect(sm2Decrypt(short, pair)).toEqual(plaintext);
    const raw = derToC1C3C2(short);
    expect(raw).toHaveLength(96 + plaintext.length);
    expect(raw[0] === 0 || raw[32] === 0, 'the short coordinate is left-padded with zero bytes').toBe(true);
    expect(sm2Decrypt(raw, pair, { form: 'c1c3c2' })).toEqual(plaintext);
    expect(sm2Decrypt(fromCanonicalC1C3C2(raw, { form: 'c1c2c3', prefix04: true }), pair, { form: 'c1c2c3', prefix04: true })).toEqual(plaintext);

    const workdir = await createOpensslWorkdir();
    try {
      await workdir.write('key.pem', sm2PrivateKeyPem(pair));
      await workdir.write('short.der', short);
      expect(await workdir.ok(['pkeyutl', '-decrypt', '-inkey', 'key.pem', '-in', 'short.der'])).toEqual(plaintext);
    } finally {
      await workdir.remove();
    }
  });
});

describe('SM2 interop with the openssl command', () => {
  let workdir: OpensslWorkdir;
  let theirs: Sm2KeyPair;

  const verifyArgs = (userId: string, message: string, signature: string) => [
    'pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', 'their-pub.pem',
    '-pkeyopt', `distid:${userId}`, '-in', message, '-sigfile', signature,
  ];
  const signArgs = (keyFile: string, userId: string, message: string, signature: string) => [
    'pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-inkey', keyFile, '-pkeyopt', `distid:${userId}`, '-in', message, '-out', signature,
  ];

  /** openssl's verdict on a signature by `theirs`' private key, i.e. one we made with the key read from openssl's PEM. */
  async function opensslVerifies(userId: string, message: Buffer, signature: Buffer): Promise<boolean> {
    const name = randomBytes(6).toString('hex');
    await workdir.write(`${name}.msg`, message);
    await workdir.write(`${name}.sig`, signature);
    const result = await workdir.run(verifyArgs(userId, `${name}.msg`, `${name}.sig`));
    const verified = result.stdout.toString('utf8').includes('Signature Verified Successfully');
    expect(verified, result.stderr).toBe(result.status === 0);
    return verified;
  }

  async function opensslSigns(userId: string, message: Buffer): Promise<Buffer> {
    const name = randomBytes(6).toString('hex');
    await workdir.write(`${name}.msg`, message);
    await workdir.ok(signArgs('their-key.pem', userId, `${name}.msg`, `${name}.sig`));
    return workdir.read(`${name}.sig`);
  }

  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
    await workdir.ok(['genpkey', '-algorithm', 'SM2', '-out', 'their-key.pem']);
    await workdir.ok(['pkey', '-in', 'their-key.pem', '-pubout', '-out', 'their-pub.pem']);
    theirs = parseSm2PrivateKey((await workdir.read('their-key.pem')).toString('utf8'));
  });
  afterAll(async () => {
    await workdir.remove();
  });

  describe('keys', () => {
    it('reads the PKCS#8 key of `openssl genpkey -algorithm SM2` and its `pkey -pubout` SPKI as one key pair', async () => {
      const publicKey = parseSm2PublicKey((await workdir.read('their-pub.pem')).toString('utf8'));
      expect(publicKey).toBe(theirs.publicKeyHex);
      expect(sm2KeyPairFromPrivateHex(theirs.privateKeyHex)).toEqual(theirs);
    });

    it('writes byte for byte the PKCS#8 and SPKI that openssl writes for the same key', async () => {
      const derOf = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      expect(derOf(sm2PrivateKeyPem(theirs))).toEqual(derOf((await workdir.read('their-key.pem')).toString('utf8')));
      expect(derOf(sm2PublicKeyPem(theirs.publicKeyHex))).toEqual(derOf((await workdir.read('their-pub.pem')).toString('utf8')));
      const spki = await workdir.ok(['pkey', '-pubin', '-in', 'their-pub.pem', '-outform', 'DER']);
      expect(sm2KeyFingerprint(theirs.publicKeyHex)).toBe(sm3Hex(spki).slice(0, 16));
    });

    it('writes a PEM that `openssl pkey -text` reads as the same private and public key', async () => {
      const pair = generateSm2KeyPair();
      await workdir.write('ours.pem', sm2PrivateKeyPem(pair));
      const text = (await workdir.ok(['pkey', '-in', 'ours.pem', '-text', '-noout'])).toString('utf8');
      const fields = new Map<string, string>();
      for (const match of text.matchAll(/^(\w+):\n((?:[ \t]+[0-9a-f:]+\n)+)/gm)) fields.set(match[1]!, match[2]!.replace(/[\s:]/g, ''));
      expect(BigInt(`0x${fields.get('priv')}`)).toBe(BigInt(`0x${pair.privateKeyHex}`));
      expect(fields.get('pub')).toBe(pair.publicKeyHex);
      expect(text).toContain('ASN1 OID: SM2');
    });

    // OpenSSL 3.0 writes SEC1 for SM2 only through `openssl ec`, under the label "SM2 PRIVATE KEY";
    // `openssl pkey -traditional` fails for PEM ("unsupported public key type") but writes SEC1 DER.
    // "EC PRIVATE KEY" is what OpenSSL 1.1.1 (`ecparam -name SM2 -genkey`) and Node's sec1 export write.
    it('reads the SEC1 key `openssl ec` writes (PEM labelled SM2 PRIVATE KEY) as the same key pair', async () => {
      const sec1Pem = await workdir.ok(['ec', '-in', 'their-key.pem']);
      expect(sec1Pem.toString('utf8')).toContain('-----BEGIN SM2 PRIVATE KEY-----');
      expect(parseSm2PrivateKey(sec1Pem.toString('utf8'))).toEqual(theirs);
    });

    it('reads the same SEC1 key as DER', async () => {
      const sec1Der = await workdir.ok(['ec', '-in', 'their-key.pem', '-outform', 'DER']);
      expect(parseSm2PrivateKey(sec1Der)).toEqual(theirs);
    });

    it('reads the same SEC1 key labelled EC PRIVATE KEY', async () => {
      const sec1Der = await workdir.ok(['ec', '-in', 'their-key.pem', '-outform', 'DER']);
      const body = sec1Der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
      expect(parseSm2PrivateKey(`-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----\n`)).toEqual(theirs);
    });
  });

  describe('signatures', () => {
    const message = Buffer.from('民政 county 3301 → province: 2026-11 低保 roster');

    it('verifies what openssl signs with the default ID, and not under another ID', async () => {
      const signature = await opensslSigns(defaultSm2UserId, message);
      const key = prepareSm2PublicKey(parseSm2PublicKey((await workdir.read('their-pub.pem')).toString('utf8')));
      expect(sm2Verify(message, signature, key)).toBe(true);
      expect(sm2Verify(message, signature, key, 'alice@example.gov.cn')).toBe(false);
      expect(sm2Verify(flipBit(message, 3), signature, key)).toBe(false);
    });

    it('signs so that openssl verifies with the default ID, and not under another ID', async () => {
      const signature = sm2Sign(message, createSm2Signer(theirs));
      expect(await opensslVerifies(defaultSm2UserId, message, signature)).toBe(true);
      expect(await opensslVerifies('alice@example.gov.cn', message, signature)).toBe(false);
    });

    it('agrees with openssl on a custom user ID both ways', async () => {
      const userId = 'alice@example.gov.cn';
      const signer = createSm2Signer(theirs);
      expect(sm2Verify(message, await opensslSigns(userId, message), signer.publicKey, userId)).toBe(true);
      expect(sm2Verify(message, await opensslSigns(userId, message), signer.publicKey)).toBe(false);
      expect(await opensslVerifies(userId, message, sm2Sign(message, signer, userId))).toBe(true);
    });

    it('agrees with openssl on a 5 MB message both ways, whole and streamed through the native SM3', async () => {
      const big = randomBytes(5 * 1024 * 1024);
      const signer = createSm2Signer(theirs);
      expect(sm2Verify(big, await opensslSigns(defaultSm2UserId, big), signer.publicKey)).toBe(true);
      expect(await opensslVerifies(defaultSm2UserId, big, sm2Sign(big, signer))).toBe(true);

      const hash = createSm2MessageHash(signer.publicKey);
      for (let at = 0; at < big.length; at += 65_521) hash.update(big.subarray(at, at + 65_521));
      expect(await opensslVerifies(defaultSm2UserId, big, sm2SignDigest(hash.digest(), signer))).toBe(true);
    });

    it('writes signatures with a short r or s that openssl still accepts', async () => {
      const signer = createSm2Signer(theirs);
      // r or s below 2^247 is about 1 signature in 256; signing is ~1 ms, so 4,000 tries bound the time.
      let short: Buffer | undefined;
      for (let attempt = 0; attempt < 4000 && !short; attempt += 1) {
        const candidate = sm2Sign(message, signer);
        const { rLength, sLength } = readDerSignature(candidate);
        if (rLength < 32 || sLength < 32) short = candidate;
      }
      if (!short) throw new Error('no signature with a short r or s in 4,000 tries');
      expect(sm2Verify(message, short, signer.publicKey)).toBe(true);
      expect(await opensslVerifies(defaultSm2UserId, message, short)).toBe(true);
    });

    it('verifies the published vector signature in openssl too, with our PEM of the published key', async () => {
      await workdir.write('published-key.pem', sm2PrivateKeyPem(publishedPair()));
      await workdir.write('published.msg', published.signedMessage);
      await workdir.write('published.sig', derSignature(BigInt(`0x${published.r}`), BigInt(`0x${published.s}`)));
      await workdir.ok(['pkey', '-in', 'published-key.pem', '-pubout', '-out', 'published-pub.pem']);
      const result = await workdir.run([
        'pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', 'published-pub.pem',
        '-pkeyopt', `distid:${defaultSm2UserId}`, '-in', 'published.msg', '-sigfile', 'published.sig',
      ]);
      expect(result.stdout.toString('utf8')).toContain('Signature Verified Successfully');
    });
  });

  describe('encryption', () => {
    it('decrypts what `openssl pkeyutl -encrypt` writes (DER)', async () => {
      const plaintext = randomBytes(200);
      await workdir.write('for-us.bin', plaintext);
      await workdir.ok(['pkeyutl', '-encrypt', '-pubin', '-inkey', 'their-pub.pem', '-in', 'for-us.bin', '-out', 'for-us.der']);
      expect(sm2Decrypt(await workdir.read('for-us.der'), theirs)).toEqual(plaintext);
    });

    it('encrypts so that `openssl pkeyutl -decrypt` recovers the plaintext', async () => {
      const plaintext = randomBytes(200);
      await workdir.write('for-them.der', sm2Encrypt(plaintext, prepareSm2PublicKey(theirs.publicKeyHex)));
      expect(await workdir.ok(['pkeyutl', '-decrypt', '-inkey', 'their-key.pem', '-in', 'for-them.der'])).toEqual(plaintext);
    });

    it('gives openssl the published ciphertext as DER, which it decrypts to "encryption standard"', async () => {
      await workdir.write('published-key-2.pem', sm2PrivateKeyPem(publishedPair()));
      await workdir.write('published.der', c1c3c2ToDer(publishedRaw()));
      const plaintext = await workdir.ok(['pkeyutl', '-decrypt', '-inkey', 'published-key-2.pem', '-in', 'published.der']);
      expect(plaintext.toString('utf8')).toBe(published.encryptedMessage);
    });
  });
});
