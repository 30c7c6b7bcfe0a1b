import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSm3, hmacSm3, sm3, sm3File, sm3Hex } from '../../gateway/crypto/sm3.js';
import {
  createSm4Decryptor, createSm4Encryptor, sm4CbcCiphertextLength, sm4Decrypt, sm4Encrypt, type Sm4Mode,
} from '../../gateway/crypto/sm4.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';
import { expectCryptoError } from '../helpers/crypto-errors.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const bytesFrom = (first: number, last: number) => Buffer.from(Array.from({ length: last - first + 1 }, (_, i) => first + i));

/** The key, plaintext and IV of GB/T 32907 App. A and draft-ribose-cfrg-sm4. */
const standardKey = hex('0123456789abcdeffedcba9876543210');
const zeroIv = Buffer.alloc(16);

/** Compares large buffers as base64: vitest's deep equality walks a 100 KB Buffer byte by byte in ~0.2 s. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.toString('base64')).toBe(expected.toString('base64'));
}

describe('SM3 (GB/T 32905-2016)', () => {
  it('hashes "abc" to the value of App. A example 1', () => {
    expect(sm3Hex('abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });

  it('hashes the 64-byte "abcd"×16 to the value of App. A example 2', () => {
    expect(sm3('abcd'.repeat(16)).toString('hex')).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('gives the same digest fed in pieces as in one call', () => {
    const data = randomBytes(10_007);
    const hash = createSm3();
    for (let at = 0; at < data.length; at += 333) hash.update(data.subarray(at, at + 333));
    expect(hash.digest('hex')).toBe(sm3Hex(data));
  });
});

describe('HMAC-SM3 (GM/T 0042-2015 App. D.3)', () => {
  it.each([
    {
      name: 'a 32-byte key over a 112-byte message',
      key: bytesFrom(0x01, 0x20),
      message: Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'.repeat(2)),
      mac: 'ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a',
    },
    {
      name: 'a 37-byte key over cd×50',
      key: bytesFrom(0x01, 0x25),
      message: Buffer.alloc(50, 0xcd),
      mac: '220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae',
    },
    {
      name: 'the key 0b×32 over "Hi There"',
      key: Buffer.alloc(32, 0x0b),
      message: Buffer.from('Hi There'),
      mac: 'c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e',
    },
    {
      name: 'the key "Jefe Jeferson Jr" over "what do ya want for nothing?"',
      key: Buffer.from('Jefe Jeferson Jr'),
      message: Buffer.from('what do ya want for nothing?'),
      mac: 'ce791a34c59adef472997a249600f3f244d59e875be04055ba2ae12fc845e78c',
    },
  ])('computes the published MAC for $name', ({ key, message, mac }) => {
    expect(hmacSm3(key, message).toString('hex')).toBe(mac);
  });
});

describe('SM4 (GB/T 32907-2016 and draft-ribose-cfrg-sm4)', () => {
  it('encrypts the App. A example 1 block to 681edf34…: the first CBC block under a zero IV is the bare block cipher', () => {
    const ciphertext = sm4Encrypt('cbc', standardKey, zeroIv, standardKey);
    expect(ciphertext.subarray(0, 16).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('reaches 595298c7… after encrypting the App. A block 1,000,000 times with the same key', () => {
    // X_{i+1} = E(X_i) is CBC under a zero IV over X_0 followed by zero blocks: C_i = E(0 ⊕ C_{i-1}).
    // One 16 MB update through our own encryptor keeps this to ~0.2 s and exercises sm4.ts, where a
    // million separate `sm4Encrypt` calls (a fresh context and a padding block each) would take minutes.
    const chain = Buffer.alloc(16 * 1_000_000);
    standardKey.copy(chain);
    const cipher = createSm4Encryptor('cbc', standardKey, zeroIv).setAutoPadding(false);
    const out = Buffer.concat([cipher.update(chain), cipher.final()]);
    expect(out.subarray(out.length - 16).toString('hex')).toBe('595298c7c6fd271f0402f804c33d3f66');
  });

  it('encrypts K‖K in CBC with IV = K to the draft-ribose vector (plus one block of PKCS#7 padding)', () => {
    const ciphertext = sm4Encrypt('cbc', standardKey, standardKey, Buffer.concat([standardKey, standardKey]));
    expect(ciphertext).toHaveLength(48);
    expect(ciphertext.subarray(0, 32).toString('hex')).toBe('2677f46b09c122cc975533105bd4a22af6125f7275ce552c3a2bbcf533de8a3b');
    expect(sm4Decrypt('cbc', standardKey, standardKey, ciphertext)).toEqual(Buffer.concat([standardKey, standardKey]));
  });

  it('encrypts the 64-byte AA…AA block pattern in CTR with IV = K to the draft-ribose vector, with no growth', () => {
    const plaintext = Buffer.concat([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0xee, 0xaa].map((byte) => Buffer.alloc(8, byte)));
    const ciphertext = sm4Encrypt('ctr', standardKey, standardKey, plaintext);
    expect(ciphertext.toString('hex')).toBe(
      'c2b4759e78ac3cf43d0852f4e8d5f9fd7256e8a5fcb65a350ee00630912e4449' +
        '2a0b17e1b85b060d0fba612d8a95831638b361fd5ffacd942f081485a83ca35d',
    );
    expect(sm4Decrypt('ctr', standardKey, standardKey, ciphertext)).toEqual(plaintext);
  });

  it('predicts the CBC ciphertext length for every plaintext length, a full padding block included', () => {
    for (let length = 0; length <= 48; length += 1) {
      expect(sm4Encrypt('cbc', standardKey, zeroIv, Buffer.alloc(length)), `length ${length}`).toHaveLength(sm4CbcCiphertextLength(length));
    }
  });
});

describe('SM4 refuses what it cannot do safely', () => {
  // A fixed key and plaintext: with random ones a wrong key would pass the PKCS#7 check about 1 time in 256.
  const plaintext = Buffer.from('低保边缘家庭 — households just above the minimum-living line');
  const iv = hex('f0e1d2c3b4a5968778695a4b3c2d1e0f');
  const ciphertext = sm4Encrypt('cbc', standardKey, iv, plaintext);

  it('throws decrypt-failed for a CBC ciphertext under the wrong key', () => {
    const wrongKey = Buffer.from(standardKey);
    wrongKey[15] = wrongKey[15]! ^ 0x01;
    expectCryptoError(() => sm4Decrypt('cbc', wrongKey, iv, ciphertext), 'decrypt-failed');
  });

  it('throws decrypt-failed for a CBC ciphertext cut by one byte or by one whole block', () => {
    expectCryptoError(() => sm4Decrypt('cbc', standardKey, iv, ciphertext.subarray(0, ciphertext.length - 1)), 'decrypt-failed');
    expectCryptoError(() => sm4Decrypt('cbc', standardKey, iv, ciphertext.subarray(0, ciphertext.length - 16)), 'decrypt-failed');
    expectCryptoError(() => sm4Decrypt('cbc', standardKey, iv, Buffer.alloc(0)), 'decrypt-failed');
  });

  it.each(['ecb', 'CBC', 'Ctr', 'sm4-ecb', '', 'toString', '__proto__'])(
    'refuses the mode %j instead of falling back to ECB',
    (mode) => {
      expectCryptoError(() => sm4Encrypt(mode as never, standardKey, iv, plaintext), 'bad-input');
      expectCryptoError(() => sm4Decrypt(mode as never, standardKey, iv, ciphertext), 'bad-input');
    },
  );

  it.each([0, 15, 17, 32])('refuses a %i-byte key as bad-key', (length) => {
    for (const mode of ['cbc', 'ctr'] as const) {
      expectCryptoError(() => sm4Encrypt(mode, Buffer.alloc(length, 1), iv, plaintext), 'bad-key');
      expectCryptoError(() => sm4Decrypt(mode, Buffer.alloc(length, 1), iv, ciphertext), 'bad-key');
    }
  });

  it('refuses an IV that is not 16 bytes', () => {
    expectCryptoError(() => sm4Encrypt('cbc', standardKey, Buffer.alloc(12), plaintext), 'bad-input');
    expectCryptoError(() => sm4Encrypt('ctr', standardKey, Buffer.alloc(17), plaintext), 'bad-input');
  });
});

describe('SM3 and SM4 streams', () => {
  it('hashes a 20 MB file to the value `openssl dgst -sm3` gives', async () => {
    const workdir = await createOpensslWorkdir();
    try {
      const file = await workdir.write('twenty-mb.bin', randomBytes(20 * 1024 * 1024 + 13));
      const [ours, theirs] = await Promise.all([sm3File(file), workdir.ok(['dgst', '-sm3', '-r', 'twenty-mb.bin'])]);
      expect(theirs.toString('utf8').split(' ')[0]).toBe(ours);
    } finally {
      await workdir.remove();
    }
  });

  it.each<Sm4Mode>(['cbc', 'ctr'])('gives the one-shot %s result when the stream is fed odd-sized chunks, both ways', (mode) => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const plaintext = randomBytes(100_003);
    const oneShot = sm4Encrypt(mode, key, iv, plaintext);
    const chunkSizes = [1, 7, 15, 16, 17, 31, 33, 1000, 4093];

    const feed = (transform: { update(data: Buffer): Buffer; final(): Buffer }, input: Buffer) => {
      const parts: Buffer[] = [];
      for (let at = 0, turn = 0; at < input.length; turn += 1) {
        const size = chunkSizes[turn % chunkSizes.length]!;
        parts.push(transform.update(input.subarray(at, at + size)));
        at += size;
      }
      parts.push(transform.final());
      return Buffer.concat(parts);
    };

    expectSameBytes(feed(createSm4Encryptor(mode, key, iv), plaintext), oneShot);
    expectSameBytes(feed(createSm4Decryptor(mode, key, iv), oneShot), plaintext);
  });
});

describe('SM4 interop with `openssl enc`', () => {
  let workdir: OpensslWorkdir;
  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
  });
  afterAll(async () => {
    await workdir.remove();
  });

  it.each<Sm4Mode>(['cbc', 'ctr'])('decrypts what `openssl enc -sm4-%s` encrypts, and openssl decrypts ours', async (mode) => {
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const plaintext = randomBytes(65_537);
    const opensslArgs = [`-sm4-${mode}`, '-K', key.toString('hex'), '-iv', iv.toString('hex')];
    await workdir.write(`${mode}-plain`, plaintext);

    await workdir.ok(['enc', ...opensslArgs, '-in', `${mode}-plain`, '-out', `${mode}-theirs`]);
    const theirs = await workdir.read(`${mode}-theirs`);
    expectSameBytes(sm4Decrypt(mode, key, iv, theirs), plaintext);
    expectSameBytes(sm4Encrypt(mode, key, iv, plaintext), theirs);

    await workdir.write(`${mode}-ours`, sm4Encrypt(mode, key, iv, plaintext));
    await workdir.ok(['enc', '-d', ...opensslArgs, '-in', `${mode}-ours`, '-out', `${mode}-back`]);
    expectSameBytes(await workdir.read(`${mode}-back`), plaintext);
  });
});
