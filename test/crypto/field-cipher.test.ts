import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError } from '../../gateway/crypto/crypto-error.js';
import {
  addToCounter, createFieldCipher, fieldCiphertextsInJson, fieldKeyIdOf, prepareFieldKey, replaceFieldCiphertextsInJson, type FieldKey,
} from '../../gateway/crypto/field-cipher.js';
import { hmacSm3, hmacSm3Hex } from '../../gateway/crypto/sm3.js';
import { expectCryptoError } from '../helpers/crypto-errors.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** K = P = IV of GB/T 32907 App. A and draft-ribose-cfrg-sm4. */
const standardKey = hex('0123456789abcdeffedcba9876543210');

/** A cipher whose every IV is `iv`: the pool it draws from is filled with copies of it. */
function cipherWithIv(iv: Buffer) {
  return createFieldCipher({ randomFill: (buffer) => { for (let at = 0; at < buffer.length; at += 16) iv.copy(buffer, at); } });
}

function keyWith(id: number, encryption: Buffer, authentication = randomBytes(32)): FieldKey {
  return prepareFieldKey(id, Buffer.concat([encryption, authentication]));
}

/** The binary parts of a ciphertext: iv, ciphertext, tag. */
function partsOf(text: string) {
  const bytes = Buffer.from(text.slice(text.indexOf('.', 5) + 1), 'base64url');
  return { iv: bytes.subarray(0, 16), ciphertext: bytes.subarray(16, bytes.length - 16), tag: bytes.subarray(bytes.length - 16), bytes };
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]!));
}

function counterAsBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

describe('field ciphertexts: format and round trip', () => {
  const cipher = createFieldCipher();
  const key = keyWith(7, randomBytes(16));
  const keys = new Map([[7, key]]);
  const keyFor = (id: number) => keys.get(id);

  it('writes jzf1.<key id>.<base64url>, 16 bytes of IV and 16 of tag around a ciphertext as long as the UTF-8 value', () => {
    for (const value of ['', '110101199003077777', '张伟', '𠀀𠀁']) {
      const text = cipher.encrypt(value, key);
      expect(text).toMatch(/^jzf1\.7\.[A-Za-z0-9_-]+$/);
      expect(fieldKeyIdOf(text)).toBe(7);
      expect(partsOf(text).ciphertext).toHaveLength(Buffer.byteLength(value));
      expect(cipher.decrypt(text, keyFor)).toBe(value);
    }
  });

  it('gives the same value a different ciphertext every time (a fresh IV each)', () => {
    const texts = new Set([...Array.from({ length: 50 }, () => cipher.encrypt('110101199003077777', key)), ...cipher.encryptMany(Array(50).fill('110101199003077777'), key)]);
    expect(texts.size).toBe(100);
  });

  it('round-trips any well-formed string, one at a time and in chunks, CJK and 4-byte UTF-8 included', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/\p{Surrogate}/u.test(s)), fc.constantFrom('', '低保边缘家庭', '𠮷野家🙂'));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 30 }), (values) => {
        const texts = cipher.encryptMany(values, key);
        expect(cipher.decryptMany(texts, keyFor)).toEqual(values);
        expect(texts.map((t) => cipher.decrypt(t, keyFor))).toEqual(values);
        for (const value of values.slice(0, 3)) expect(cipher.decrypt(cipher.encrypt(value, key), keyFor)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('decrypts any mix of chunks, keys and orders, whether or not neighbours sit on one key stream', () => {
    const otherKey = keyWith(8, randomBytes(16));
    const both = new Map([[7, key], [8, otherKey]]);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 35 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.infiniteStream(fc.boolean()),
        fc.nat(),
        (chunks, keyChoice, seed) => {
          const pairs = chunks.flatMap((values) => {
            const chosen = keyChoice.next().value ? key : otherKey;
            const texts = cipher.encryptMany(values, chosen);
            return values.map((value, i) => ({ value, text: texts[i]! }));
          });
          const inOrder = cipher.decryptMany(pairs.map((p) => p.text), (id) => both.get(id));
          expect(inOrder).toEqual(pairs.map((p) => p.value));
          const shuffled = [...pairs].sort((a, b) => ((a.text.charCodeAt(20) * 31 + seed) % 17) - ((b.text.charCodeAt(20) * 31 + seed) % 17));
          expect(cipher.decryptMany(shuffled.map((p) => p.text), (id) => both.get(id))).toEqual(shuffled.map((p) => p.value));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a string with a lone surrogate rather than store U+FFFD in its place', () => {
    expectCryptoError(() => cipher.encrypt('ab\uD800', key), 'bad-input');
    expectCryptoError(() => cipher.encryptMany(['fine', '\uDC00'], key), 'bad-input');
  });

  it('refuses key material of the wrong size and key ids a ciphertext could not name', () => {
    expectCryptoError(() => prepareFieldKey(1, randomBytes(32)), 'bad-key');
    for (const id of [0, -1, 1.5, 2 ** 31]) expectCryptoError(() => prepareFieldKey(id, randomBytes(48)), 'bad-key');
  });
});

describe('field ciphertexts: published vectors through the module', () => {
  const authentication = Buffer.alloc(32, 0x0b);

  it('starts the key stream with SM4(K, IV): K = IV = 0123…3210 gives the GB/T 32907 App. A block 681edf34…', () => {
    const value = 'abcdefghijklmnop';
    const text = cipherWithIv(standardKey).encrypt(value, keyWith(1, standardKey, authentication));
    expect(partsOf(text).iv).toEqual(standardKey);
    expect(xor(partsOf(text).ciphertext, Buffer.from(value)).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
  });

  it('gives the draft-ribose-cfrg-sm4 SM4-CTR key stream for K = IV = 0123…3210 over 64 bytes', () => {
    const vectorPlaintext = Buffer.concat([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0xee, 0xaa].map((byte) => Buffer.alloc(8, byte)));
    const vectorCiphertext = hex(
      'c2b4759e78ac3cf43d0852f4e8d5f9fd7256e8a5fcb65a350ee00630912e4449 2a0b17e1b85b060d0fba612d8a95831638b361fd5ffacd942f081485a83ca35d',
    );
    // Our values are UTF-8 strings, and 0xAA… is not UTF-8: the key stream is what the vector and our value share.
    const value = 'The draft-ribose SM4-CTR vector: sixty-four bytes of plaintext!!';
    expect(Buffer.byteLength(value)).toBe(64);
    const { ciphertext } = partsOf(cipherWithIv(standardKey).encryptMany([value], keyWith(1, standardKey, authentication))[0]!);
    expect(xor(xor(ciphertext, Buffer.from(value)), vectorPlaintext)).toEqual(vectorCiphertext);
  });

  it('computes the GM/T 0042 App. D.3 HMAC-SM3 vector through the KeyObject path the tag and the blind index take', () => {
    const key = createSecretKey(authentication);
    expect(hmacSm3(key, 'Hi There').toString('hex')).toBe('c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e');
    expect(hmacSm3Hex(key, 'Hi There')).toBe('c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e');
    expect(hmacSm3Hex(authentication, 'Hi There')).toBe('c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e');
  });

  it('tags "jzf1.<id>." ‖ iv ‖ ciphertext with the first 16 bytes of HMAC-SM3 under the authentication half', () => {
    const text = createFieldCipher().encrypt('110101199003077777', keyWith(42, randomBytes(16), authentication));
    const { iv, ciphertext, tag } = partsOf(text);
    expect(tag).toEqual(hmacSm3(authentication, Buffer.concat([Buffer.from('jzf1.42.'), iv, ciphertext])).subarray(0, 16));
  });

  it('lays a chunk out on one CTR stream: each value is the stream over the values at block boundaries, at its offset', () => {
    const values = ['', '1', '110101199003077777', '张伟的银行卡 6222 0212 3456 7890 123', 'exactly sixteen!', '𠮷'.repeat(9)];
    const iv = randomBytes(16);
    const texts = cipherWithIv(iv).encryptMany(values, keyWith(3, standardKey));
    // Block offsets by hand: every value starts a block and takes at least one.
    const offsets: number[] = [];
    let blocks = 0;
    for (const value of values) {
      offsets.push(blocks);
      blocks += Math.max(1, Math.ceil(Buffer.byteLength(value) / 16));
    }
    const laidOut = Buffer.alloc(blocks * 16);
    values.forEach((value, i) => laidOut.write(value, offsets[i]! * 16));
    const stream = createCipheriv('sm4-ctr', standardKey, iv).update(laidOut);
    texts.forEach((text, i) => {
      const { iv: valueIv, ciphertext } = partsOf(text);
      expect(counterAsBigInt(valueIv)).toBe((counterAsBigInt(iv) + BigInt(offsets[i]!)) % 2n ** 128n);
      expect(ciphertext).toEqual(stream.subarray(offsets[i]! * 16, offsets[i]! * 16 + Buffer.byteLength(values[i]!)));
      expect(createDecipheriv('sm4-ctr', standardKey, valueIv).update(ciphertext).toString()).toBe(values[i]);
    });
  });
});

describe('the counter arithmetic of per-value IVs', () => {
  it('adds like a 128-bit big-endian integer modulo 2^128, for any IV and any offset below 2^53', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.maxSafeNat(), (iv, blocks) => {
        const out = Buffer.alloc(16);
        addToCounter(iv, blocks, out);
        expect(counterAsBigInt(out)).toBe((counterAsBigInt(iv) + BigInt(blocks)) % 2n ** 128n);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['the 2^32 boundary', '00112233445566778899aabbfffffffd'],
    ['the 2^64 boundary', '0011223344556677fffffffffffffffd'],
    ['2^128, where the counter wraps to zero', 'fffffffffffffffffffffffffffffffd'],
  ])('steps as OpenSSL steps across %s: block b of a stream is block 0 of the stream started at IV + b', (_name, ivHex) => {
    const iv = hex(ivHex);
    const key = randomBytes(16);
    const stream = createCipheriv('sm4-ctr', key, iv).update(Buffer.alloc(8 * 16));
    for (let block = 0; block < 8; block++) {
      const shifted = Buffer.alloc(16);
      addToCounter(iv, block, shifted);
      expect(createCipheriv('sm4-ctr', key, shifted).update(Buffer.alloc(16 * (8 - block)))).toEqual(stream.subarray(block * 16));
    }
  });

  it('writes at an offset and leaves the rest of the buffer alone', () => {
    const out = Buffer.alloc(20, 0x55);
    addToCounter(Buffer.alloc(16, 0xff), 1, out, 2);
    expect(out.toString('hex')).toBe(`5555${'00'.repeat(16)}5555`);
  });

  it('refuses a negative, fractional or unsafe offset', () => {
    for (const blocks of [-1, 0.5, 2 ** 53]) expectCryptoError(() => addToCounter(Buffer.alloc(16), blocks, Buffer.alloc(16)), 'bad-input');
  });
});

describe('field ciphertexts against the openssl command', () => {
  let workdir: OpensslWorkdir;
  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
  });
  afterAll(async () => {
    await workdir.remove();
  });

  it.each([
    ['crosses 2^32 and 2^64', '0011223344556677fffffffffffffffe'],
    ['wraps at 2^128', 'fffffffffffffffffffffffffffffffe'],
  ])('decrypts and authenticates the second value of a chunk whose counter %s with openssl enc and openssl mac', async (name, ivHex) => {
    const encryption = randomBytes(16);
    const authentication = randomBytes(32);
    const key = keyWith(5, encryption, authentication);
    // The first value takes one block, so the second starts at ff…ff and its three blocks carry past the boundary.
    const values = ['640121', '张伟 6222021234567890123 宁夏闽宁镇', 'third'];
    const texts = cipherWithIv(hex(ivHex)).encryptMany(values, key);
    const { iv, ciphertext, tag } = partsOf(texts[1]!);
    expect(iv.toString('hex')).toBe(ivHex.slice(0, 16) + 'ffffffffffffffff');
    expect(Math.ceil(ciphertext.length / 16)).toBe(3);

    const file = name.replaceAll(' ', '-');
    await workdir.write(`${file}.ct`, ciphertext);
    await workdir.ok(['enc', '-d', '-sm4-ctr', '-K', encryption.toString('hex'), '-iv', iv.toString('hex'), '-nopad', '-in', `${file}.ct`, '-out', `${file}.pt`]);
    expect((await workdir.read(`${file}.pt`)).toString('utf8')).toBe(values[1]);

    await workdir.write(`${file}.mac-input`, Buffer.concat([Buffer.from('jzf1.5.'), iv, ciphertext]));
    const mac = await workdir.ok(['mac', '-digest', 'SM3', '-macopt', `hexkey:${authentication.toString('hex')}`, '-in', `${file}.mac-input`, 'HMAC']);
    expect(mac.toString('utf8').trim().toLowerCase().slice(0, 32)).toBe(tag.toString('hex'));
  });

  /** The sh block of docs/encryption-at-rest.md that decrypts one value by hand, as the document has it. */
  async function byHandScript(): Promise<string> {
    const doc = await readFile(new URL('../../docs/encryption-at-rest.md', import.meta.url), 'utf8');
    return /<!-- decrypt-by-hand:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(doc)![1]!;
  }

  const runScript = async (env: Record<string, string>) =>
    promisify(execFile)('sh', ['-c', await byHandScript()], { cwd: workdir.dir, env: { PATH: process.env.PATH, ...env } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it('passes the by-hand procedure of docs/encryption-at-rest.md: tag checked, value printed, an altered one refused', async () => {
    const encryption = randomBytes(16);
    const authentication = randomBytes(32);
    const key = keyWith(12, encryption, authentication);
    const value = createFieldCipher().encryptMany(['640121199003077777', '张伟 6222021234567890123', ''], key);
    const env = (text: string) => ({ value: text, ENC: encryption.toString('hex'), AUTH: authentication.toString('hex') });

    expect(await runScript(env(value[1]!))).toEqual({ code: 0, stdout: 'tag ok\n张伟 6222021234567890123\n' });
    expect(await runScript(env(value[2]!))).toEqual({ code: 0, stdout: 'tag ok\n\n' });
    const { bytes } = partsOf(value[1]!);
    bytes[17]! ^= 4;
    const refused = await runScript(env(`jzf1.12.${bytes.toString('base64url')}`));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('TAG MISMATCH');
  });
});

describe('field ciphertexts refuse what was altered', () => {
  const cipher = createFieldCipher();
  const key = keyWith(7, randomBytes(16));
  const neighbour = keyWith(8, randomBytes(16));
  const keys = new Map([[7, key], [8, neighbour]]);
  const keyFor = (id: number) => keys.get(id);
  const text = cipher.encryptMany(['first', '110101199003077777', 'third'], key)[1]!;

  function expectRefused(altered: string): void {
    let thrown: unknown;
    try {
      cipher.decrypt(altered, keyFor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, `accepted ${altered}`).toBeInstanceOf(CryptoError);
    expect((thrown as CryptoError).message).not.toContain('110101199003077777');
  }

  it('refuses every single bit flip of the IV, the ciphertext and the tag, as a MAC failure', () => {
    const { bytes } = partsOf(text);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expectCryptoError(() => cipher.decrypt(`jzf1.7.${flipped.toString('base64url')}`, keyFor), 'decrypt-failed');
    }
  });

  it('refuses every single bit flip of every character of the text, the header and the spare bits of the last character included', () => {
    for (let at = 0; at < text.length; at++) {
      for (let bit = 0; bit < 16; bit++) {
        expectRefused(text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << bit)) + text.slice(at + 1));
      }
    }
  });

  it('refuses a value moved to another key id: decrypt-failed under a key it knows, unknown-key under one it does not', () => {
    expectCryptoError(() => cipher.decrypt(text.replace('jzf1.7.', 'jzf1.8.'), keyFor), 'decrypt-failed');
    expectCryptoError(() => cipher.decrypt(text.replace('jzf1.7.', 'jzf1.9.'), keyFor), 'unknown-key');
  });

  it('refuses every truncation and an extension', () => {
    for (let length = 0; length < text.length; length++) expectRefused(text.slice(0, length));
    expectRefused(`${text}A`);
    expectRefused(`${text}AAAA`);
  });

  it.each(['', 'hello', '110101199003077777', 'jzf1.', 'jzf1.7', 'jzf1.7.', 'jzf1.07.AAAA', 'jzf1.0.AAAA', 'jzf1.x.AAAA', 'jzf2.7.AAAA', 'JZF1.7.AAAA', ' jzf1.7.AAAA'])(
    'refuses %j as not a field ciphertext (bad-input), naming no part of it',
    (input) => {
      expectCryptoError(() => cipher.decrypt(input, keyFor), 'bad-input');
      expectRefused(input);
    },
  );

  it('refuses a whole batch when one value in it was altered, before decrypting any', () => {
    const texts = cipher.encryptMany(['a', 'b', 'c'], key);
    const bad = partsOf(texts[2]!).bytes;
    bad[20]! ^= 1;
    expectCryptoError(() => cipher.decryptMany([texts[0]!, texts[1]!, `jzf1.7.${bad.toString('base64url')}`], keyFor), 'decrypt-failed');
  });
});

describe('field ciphertexts inside JSON texts', () => {
  const cipher = createFieldCipher();
  const key = keyWith(3, randomBytes(16));
  const [a, b] = cipher.encryptMany(['110101199003077777', '13800138000'], key) as [string, string];

  it('finds ciphertexts that are whole string values anywhere in the document, and nothing else', () => {
    const json = JSON.stringify({ row: 7, cells: [a, 'plain', { phone: b }], note: `prefix ${a}`, quoted: `"${a}"`, [a]: 1 });
    expect(fieldCiphertextsInJson(json)).toEqual([a, b, a]);
    expect(fieldCiphertextsInJson('[]')).toEqual([]);
  });

  it('swaps ciphertexts and keeps every other byte: spacing, escapes and integers beyond 2^53', () => {
    const json = `{ "n": 12345678901234567890, "s": "a\\"b\\\\", "v": [ "${a}" ,"${b}"], "t": "x${a}", "u": "${a}!" }`;
    const replaced = replaceFieldCiphertextsInJson(json, (text) => (text === a ? 'A' : 'B'));
    expect(replaced).toBe(`{ "n": 12345678901234567890, "s": "a\\"b\\\\", "v": [ "A" ,"B"], "t": "x${a}", "u": "${a}!" }`);
  });
});
