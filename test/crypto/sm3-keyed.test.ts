import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyedSm3, shortMessageBytes } from '../../gateway/crypto/sm3-keyed.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';
import { expectCryptoError } from '../helpers/crypto-errors.js';

const bytesFrom = (first: number, last: number) => Buffer.from(Array.from({ length: last - first + 1 }, (_, i) => first + i));

function macOf(key: Uint8Array, message: Uint8Array, length = 32): Buffer {
  const out = Buffer.alloc(length);
  createKeyedSm3(key).macInto(message, 0, message.length, out, 0, length);
  return out;
}

describe('HMAC-SM3 under a key whose pads are hashed once', () => {
  it.each([
    { name: 'a 32-byte key over a 112-byte message', key: bytesFrom(0x01, 0x20), message: Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'.repeat(2)), mac: 'ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a' },
    { name: 'a 37-byte key over cd×50', key: bytesFrom(0x01, 0x25), message: Buffer.alloc(50, 0xcd), mac: '220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae' },
    { name: 'the key 0b×32 over "Hi There"', key: Buffer.alloc(32, 0x0b), message: Buffer.from('Hi There'), mac: 'c0ba18c68b90c88bc07de794bfc7d2c8d19ec31ed8773bc2b390c9604e0be11e' },
    { name: 'the key "Jefe Jeferson Jr" over "what do ya want for nothing?"', key: Buffer.from('Jefe Jeferson Jr'), message: Buffer.from('what do ya want for nothing?'), mac: 'ce791a34c59adef472997a249600f3f244d59e875be04055ba2ae12fc845e78c' },
  ])('computes GM/T 0042-2015 App. D.3\'s MAC for $name, as bytes and as hex', ({ key, message, mac }) => {
    expect(macOf(key, message).toString('hex')).toBe(mac);
    const text = message.toString('utf8');
    // cd×50 is not UTF-8, so only the texts that are go through macHex.
    if (Buffer.from(text, 'utf8').equals(message)) expect(createKeyedSm3(key).macHex(text, 64)).toBe(mac);
  });

  it('equals createHmac for every message length from 0 to past the fallback, at any offset, again and again under one key', () => {
    const key = randomBytes(32);
    const keyed = createKeyedSm3(key);
    const data = randomBytes(shortMessageBytes + 80);
    for (let length = 0; length <= shortMessageBytes + 40; length++) {
      const start = length % 7;
      const out = Buffer.alloc(40, 0xee);
      keyed.macInto(data, start, start + length, out, 3, 32);
      const expected = createHmac('sm3', key).update(data.subarray(start, start + length)).digest();
      expect(out.subarray(3, 35).toString('hex'), `length ${length}`).toBe(expected.toString('hex'));
      // Only the bytes asked for are written.
      expect(out.subarray(0, 3).equals(Buffer.alloc(3, 0xee)) && out.subarray(35).equals(Buffer.alloc(5, 0xee))).toBe(true);
    }
  });

  it('equals createHmac over the UTF-8 of texts short and long, Chinese included, cut to the digits asked for', () => {
    const key = randomBytes(32);
    const keyed = createKeyedSm3(key);
    const texts = ['', 'id-number\u000011010119900307777X', '马秀兰', '张'.repeat(61), '张'.repeat(62), 'a'.repeat(183), 'a'.repeat(184), `${'救助'.repeat(40)}x`];
    for (const text of texts) {
      const expected = createHmac('sm3', key).update(text).digest('hex');
      expect(keyed.macHex(text, 64), text).toBe(expected);
      expect(keyed.macHex(text, 32), text).toBe(expected.slice(0, 32));
    }
  });

  it('takes keys of 1 to 64 bytes, and refuses a longer one (RFC 2104 would hash it first; no key here is that long)', () => {
    for (const length of [1, 16, 31, 32, 33, 63, 64]) {
      const key = randomBytes(length);
      expect(macOf(key, Buffer.from('abc')).toString('hex'), `key of ${length}`).toBe(createHmac('sm3', key).update('abc').digest('hex'));
    }
    expectCryptoError(() => createKeyedSm3(randomBytes(65)), 'bad-key');
  });

  describe('beside the openssl command', () => {
    let workdir: OpensslWorkdir;
    beforeAll(async () => {
      workdir = await createOpensslWorkdir();
    });
    afterAll(async () => {
      await workdir.remove();
    });

    it.each([0, 28, 55, 56, 119, 120, shortMessageBytes])('gives `openssl mac -digest SM3 … HMAC`\'s MAC over %i random bytes', async (length) => {
      const key = randomBytes(32);
      const message = randomBytes(length);
      await workdir.write(`m${length}.in`, message);
      const mac = await workdir.ok(['mac', '-digest', 'SM3', '-macopt', `hexkey:${key.toString('hex')}`, '-in', `m${length}.in`, 'HMAC']);
      expect(macOf(key, message).toString('hex')).toBe(mac.toString('utf8').trim().toLowerCase());
    });
  });
});
