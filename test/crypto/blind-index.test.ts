import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blindIndexKinds, createBlindIndexer, type BlindIndexKind } from '../../gateway/crypto/blind-index.js';
import { expectCryptoError } from '../helpers/crypto-errors.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

const key = randomBytes(32);
const blindIndex = createBlindIndexer(key);
const kind = fc.constantFrom(...blindIndexKinds);
const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 });

describe('blind indexes', () => {
  it('are 32 lower-case hex digits, the same for the same kind and value, under any key made from the same bytes', () => {
    const again = createBlindIndexer(Buffer.from(key));
    fc.assert(
      fc.property(kind, value, (k, v) => {
        const index = blindIndex(k, v);
        expect(index).toMatch(/^[0-9a-f]{32}$/);
        expect(blindIndex(k, v)).toBe(index);
        expect(again(k, v)).toBe(index);
      }),
    );
  });

  it('never link equal strings of different kinds, nor different strings of one kind', () => {
    fc.assert(
      fc.property(fc.uniqueArray(kind, { minLength: 2, maxLength: 2 }), value, ([a, b], v) => {
        expect(blindIndex(a!, v)).not.toBe(blindIndex(b!, v));
      }),
    );
    fc.assert(fc.property(kind, fc.uniqueArray(value, { minLength: 2, maxLength: 2 }), (k, [v, w]) => {
      expect(blindIndex(k, v!)).not.toBe(blindIndex(k, w!));
    }));
  });

  it('differ under another deployment key', () => {
    const other = createBlindIndexer(randomBytes(32));
    expect(other('id-number', '110101199003077777')).not.toBe(blindIndex('id-number', '110101199003077777'));
  });

  it('refuse an empty value, which would link every empty field of a kind', () => {
    for (const k of blindIndexKinds) expectCryptoError(() => blindIndex(k, ''), 'bad-input');
  });

  it.each(['id_number', 'ID-NUMBER', 'name', '', 'toString', '__proto__'])('refuse the unknown kind %j', (unknown) => {
    expectCryptoError(() => blindIndex(unknown as BlindIndexKind, '110101199003077777'), 'bad-input');
  });

  it('refuse a value with a lone surrogate and a key that is not 32 bytes', () => {
    expectCryptoError(() => blindIndex('phone', '138\uD800'), 'bad-input');
    expectCryptoError(() => createBlindIndexer(randomBytes(16)), 'bad-key');
  });
});

describe('blind indexes against the openssl command', () => {
  let workdir: OpensslWorkdir;
  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
  });
  afterAll(async () => {
    await workdir.remove();
  });

  it.each<[BlindIndexKind, string]>([
    ['id-number', '11010119900307777X'],
    ['phone', '13800138000'],
    ['bank-account', '6222021234567890123'],
  ])('are the first 128 bits of HMAC-SM3(key, "%s" ‖ 0x00 ‖ value) as `openssl mac` computes it', async (k, v) => {
    await workdir.write(`${k}.in`, Buffer.concat([Buffer.from(k), Buffer.alloc(1), Buffer.from(v)]));
    const mac = await workdir.ok(['mac', '-digest', 'SM3', '-macopt', `hexkey:${key.toString('hex')}`, '-in', `${k}.in`, 'HMAC']);
    expect(blindIndex(k, v)).toBe(mac.toString('utf8').trim().toLowerCase().slice(0, 32));
  });
});
