import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sm2 as sm2v2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSm2PublicKey, sm2KeyPairFromPrivateHex } from '../../gateway/crypto/sm2-keys.js';
import {
  buildSm2PointTable, isOnSm2Curve, parseSm2SignatureDer, verifySm2Digest, type Sm2VerifyingPoint,
} from '../../gateway/crypto/sm2-verify.js';
import {
  createSm2MessageHash, createSm2Signer, defaultSm2UserId, prepareSm2PublicKey, sm2SignDigest, sm2Verify, sm2VerifyDigest,
} from '../../gateway/crypto/sm2.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

/** The order n of the SM2 base point (GB/T 32918.5 §2). */
const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

const mod = (value: bigint) => ((value % n) + n) % n;
const hex64 = (value: bigint) => value.toString(16).padStart(64, '0');
const bigintOf = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

/** k·G by noble-curves through sm-crypto-v2 (k in [1, n − 1]): the reference point arithmetic, not the code under test. */
function referenceMultiple(k: bigint): { x: bigint; y: bigint } {
  const point = sm2v2.getPublicKeyFromPrivateKey(hex64(mod(k)));
  return { x: BigInt(`0x${point.slice(2, 66)}`), y: BigInt(`0x${point.slice(66)}`) };
}

/** sm-crypto-v2's verdict on (r, s) over the digest e, its exceptions (out-of-range scalars) counted as false. */
function referenceVerifies(e: bigint, r: bigint, s: bigint, publicKeyHex: string): boolean {
  try {
    return sm2v2.doVerifySignature(Buffer.from(hex64(e), 'hex'), hex64(r) + hex64(s), publicKeyHex, { hash: false, der: false });
  } catch {
    return false;
  }
}

/** The key both ways verification runs: a key seen once (double-and-add) and a cached key (its window table). */
function bothPaths(publicKeyHex: string): Sm2VerifyingPoint[] {
  const x = BigInt(`0x${publicKeyHex.slice(2, 66)}`);
  const y = BigInt(`0x${publicKeyHex.slice(66)}`);
  return [{ x, y }, { x, y, table: buildSm2PointTable(x, y) }];
}

function derInteger(value: bigint): Buffer {
  let digits = value.toString(16);
  if (digits.length % 2) digits = `0${digits}`;
  if (/^[89a-f]/.test(digits)) digits = `00${digits}`;
  const content = Buffer.from(digits, 'hex');
  return Buffer.concat([Buffer.from([0x02, content.length]), content]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const privateScalar = fc.bigInt(1n, n - 2n);
const scalar = fc.bigInt(1n, n - 1n);

describe('SM2 window tables', () => {
  it('hold k·256^w·G for every window w, as noble-curves computes it', () => {
    const base = referenceMultiple(1n);
    const table = buildSm2PointTable(base.x, base.y);
    expect(table.xs).toHaveLength(33 * 128);
    for (const window of [0, 1, 7, 16, 31, 32]) {
      for (const k of [1, 2, 3, 77, 127, 128]) {
        const expected = referenceMultiple(BigInt(k) * 256n ** BigInt(window));
        const index = window * 128 + k - 1;
        expect([table.xs[index], table.ys[index]]).toEqual([expected.x, expected.y]);
      }
    }
  });

  it('are refused for a point off the curve', () => {
    const { x, y } = referenceMultiple(5n);
    expect(isOnSm2Curve(x, y)).toBe(true);
    expect(() => buildSm2PointTable(x, y + 1n)).toThrow(/not a point on the SM2 curve/);
  });
});

describe('SM2 verification agrees with sm-crypto-v2', () => {
  it('on random keys and messages, for genuine signatures and for tampered r, s, e and keys', () => {
    fc.assert(
      fc.property(privateScalar, fc.uint8Array({ maxLength: 64 }), scalar, fc.integer({ min: 0, max: 255 }), (d, message, other, bit) => {
        const pair = sm2KeyPairFromPrivateHex(hex64(d));
        const signer = createSm2Signer(pair);
        const eBytes = createSm2MessageHash(signer.publicKey).update(message).digest();
        const e = bigintOf(eBytes);
        const der = sm2SignDigest(eBytes, signer);
        const { r, s } = parseSm2SignatureDer(der)!;
        const flip = 1n << BigInt(bit);
        const cases: [bigint, bigint, bigint, boolean][] = [
          [e, r, s, true],
          [e ^ flip, r, s, false],
          [e, mod(r ^ flip) || 1n, s, false],
          [e, r, mod(s ^ flip) || 1n, false],
          [e, mod(r + 1n) || 1n, s, false],
          [e, r, other, other === s],
          [e, other, s, other === r],
        ];
        for (const [digest, rr, ss, expected] of cases) {
          expect(referenceVerifies(digest, rr, ss, pair.publicKeyHex)).toBe(expected);
          for (const point of bothPaths(pair.publicKeyHex)) expect(verifySm2Digest(digest, rr, ss, point)).toBe(expected);
        }
        // Another key: whatever the reference says (false but for a 2^-256 chance), so do both paths.
        const stranger = referenceMultiple(other);
        const strangerHex = `04${hex64(stranger.x)}${hex64(stranger.y)}`;
        for (const point of bothPaths(strangerHex)) expect(verifySm2Digest(e, r, s, point)).toBe(referenceVerifies(e, r, s, strangerHex));
      }),
      { numRuns: 40 },
    );
    // 40 runs build 80 key tables and verify 560 times through the slow reference: ~7 s alone, far more on a busy machine.
  }, 120_000);

  it('on arbitrary (e, r, s) that are not signatures, which both refuse', () => {
    const pair = sm2KeyPairFromPrivateHex(hex64(0x1234567n));
    const paths = bothPaths(pair.publicKeyHex);
    fc.assert(
      fc.property(fc.bigInt(0n, (1n << 256n) - 1n), scalar, scalar, (e, r, s) => {
        const expected = referenceVerifies(e, r, s, pair.publicKeyHex);
        for (const point of paths) expect(verifySm2Digest(e, r, s, point)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('on signatures made valid by construction for any (r, s): e = r − x1 mod n', () => {
    // Signing cannot choose r and s; here they are drawn first and e is solved for, so every digit pattern is reached.
    fc.assert(
      fc.property(privateScalar, scalar, scalar, (d, r, s) => {
        fc.pre(mod(r + s) !== 0n && mod(s + (r + s) * d) !== 0n);
        const pair = sm2KeyPairFromPrivateHex(hex64(d));
        const x1 = referenceMultiple(s + (r + s) * d).x;
        const e = mod(r - x1);
        expect(referenceVerifies(e, r, s, pair.publicKeyHex)).toBe(true);
        for (const point of bothPaths(pair.publicKeyHex)) expect(verifySm2Digest(e, r, s, point)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('SM2 verification edge cases (GB/T 32918.2 §7.1)', () => {
  const pair = sm2KeyPairFromPrivateHex(hex64(0xc0ffeen));
  const paths = bothPaths(pair.publicKeyHex);
  const e = 0x5a5an;
  const valid = (() => {
    const r = 0x1111n;
    const s = 0x2222n;
    return { r, s, e: mod(r - referenceMultiple(s + (r + s) * 0xc0ffeen).x) };
  })();

  it('accepts the valid signature the edge cases are made from', () => {
    for (const point of paths) expect(verifySm2Digest(valid.e, valid.r, valid.s, point)).toBe(true);
  });

  it.each<[string, bigint, bigint, bigint]>([
    ['r = 0', e, 0n, 5n],
    ['s = 0', e, 5n, 0n],
    ['r = n', e, n, 5n],
    ['s = n', e, 5n, n],
    ['r + n for a valid r', valid.e, valid.r + n, valid.s],
    ['s + n for a valid s', valid.e, valid.r, valid.s + n],
    ['r = s = n − 1', e, n - 1n, n - 1n],
    ['a negative r', e, -valid.r, valid.s],
  ])('refuses %s', (_name, digest, r, s) => {
    for (const point of paths) expect(verifySm2Digest(digest, r, s, point)).toBe(false);
  });

  it('refuses r + s = n (t = 0), even with e = r, where s·G alone would give x1 = 0 only by accident', () => {
    for (const s of [1n, 2n, 0x2222n, n - 1n]) {
      const r = n - s;
      const x1 = referenceMultiple(s).x;
      for (const point of paths) {
        expect(verifySm2Digest(mod(r - x1), r, s, point)).toBe(false);
        expect(verifySm2Digest(r, r, s, point)).toBe(false);
      }
    }
  });

  it('refuses s·G + t·P = O, with e = r so that reading O as x1 = 0 would accept', () => {
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        const t = mod(r + s);
        fc.pre(t !== 0n);
        const d = mod(-s * modInverse(t));
        fc.pre(d >= 1n && d <= n - 2n);
        const key = sm2KeyPairFromPrivateHex(hex64(d));
        for (const point of bothPaths(key.publicKeyHex)) {
          expect(verifySm2Digest(r, r, s, point)).toBe(false);
          expect(verifySm2Digest(0n, r, s, point)).toBe(false);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('adds a point to itself and to its negation inside the sum (P = G, small s)', () => {
    // With P = G and s = 1 the accumulator is G when the first table point of t·G, also G, is added: the doubling
    // case of the mixed addition. With s = n − 1 it is −G at that moment: the sum passes through O and goes on.
    const generator = sm2KeyPairFromPrivateHex(hex64(1n));
    for (const s of [1n, 2n, n - 1n, n - 2n]) {
      for (const t of [1n + 256n * 0xabcdefn, 2n + 256n, 1n, 2n, 0x101n]) {
        const r = mod(t - s);
        if (r === 0n) continue;
        if (mod(s + t) === 0n) {
          for (const point of bothPaths(generator.publicKeyHex)) expect(verifySm2Digest(r, r, s, point)).toBe(false);
          continue;
        }
        const e = mod(r - referenceMultiple(s + t).x);
        expect(referenceVerifies(e, r, s, generator.publicKeyHex)).toBe(true);
        for (const point of bothPaths(generator.publicKeyHex)) {
          expect(verifySm2Digest(e, r, s, point)).toBe(true);
          expect(verifySm2Digest(mod(e + 1n), r, s, point)).toBe(false);
        }
      }
    }
    // s + t = n: the whole sum is O.
    for (const point of bothPaths(generator.publicKeyHex)) expect(verifySm2Digest(5n, 5n, n - 10n, point)).toBe(false);
  });
});

function modInverse(value: bigint): bigint {
  let [a, m, x, u] = [mod(value), n, 1n, 0n];
  while (a !== 0n) {
    const q = m / a;
    [m, a] = [a, m - q * a];
    [u, x] = [x, u - q * x];
  }
  return mod(u);
}

describe('SM2 signature DER parsing', () => {
  it('reads back r and s from the DER of any r, s of up to 33 content bytes, and refuses longer INTEGERs', () => {
    const anyInteger = fc.oneof(fc.bigInt(0n, n), fc.bigInt(0n, (1n << 270n) - 1n));
    // 33 bytes hold every value below n with its sign byte; range checks are verifySm2Digest's.
    fc.assert(
      fc.property(anyInteger, anyInteger, (r, s) => {
        const der = derSignature(r, s);
        const fits = derInteger(r).length - 2 <= 33 && derInteger(s).length - 2 <= 33;
        expect(parseSm2SignatureDer(der)).toEqual(fits ? { r, s } : undefined);
      }),
    );
  });

  it('accepts only bytes that are the one DER encoding of what it read', () => {
    const valid = derSignature(0x80n << 240n, 0x7fn << 248n);
    const mutated = fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
      const copy = Buffer.from(valid);
      copy[at] = byte;
      return copy;
    });
    const bytes = fc.oneof(mutated, fc.uint8Array({ maxLength: 80 }).map((array) => Buffer.from(array)), fc.constant(Buffer.concat([valid, Buffer.alloc(1)])));
    fc.assert(
      fc.property(bytes, (der) => {
        const parsed = parseSm2SignatureDer(der);
        if (parsed) expect(derSignature(parsed.r, parsed.s)).toEqual(der);
      }),
      { numRuns: 500 },
    );
  });

  it('reads from a Uint8Array that is a view into a larger buffer', () => {
    const der = derSignature(0x1234n, 0x80n);
    const larger = Buffer.concat([Buffer.from([9, 9, 9]), der, Buffer.from([9])]);
    const view = new Uint8Array(larger.buffer, larger.byteOffset + 3, der.length);
    expect(parseSm2SignatureDer(view)).toEqual({ r: 0x1234n, s: 0x80n });
  });
});

describe('SM2 verification of openssl signatures through a cached key (its window table)', () => {
  let workdir: OpensslWorkdir;
  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
    await workdir.ok(['genpkey', '-algorithm', 'SM2', '-out', 'key.pem']);
    await workdir.ok(['pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem']);
  });
  afterAll(async () => {
    await workdir.remove();
  });

  it('accepts every openssl signature with the default ID and refuses each one tampered', async () => {
    const key = prepareSm2PublicKey(parseSm2PublicKey((await workdir.read('pub.pem')).toString('utf8')));
    for (let i = 0; i < 12; i += 1) {
      const message = randomBytes(1 + i * 17);
      await workdir.write(`${i}.msg`, message);
      await workdir.ok([
        'pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-inkey', 'key.pem', '-pkeyopt', `distid:${defaultSm2UserId}`,
        '-in', `${i}.msg`, '-out', `${i}.sig`,
      ]);
      const signature = await workdir.read(`${i}.sig`);
      // The first check uses the key's coordinates, every later one its table.
      expect(sm2Verify(message, signature, key)).toBe(true);
      const altered = Buffer.from(message);
      altered[i % altered.length]! ^= 0x01;
      expect(sm2Verify(altered, signature, key)).toBe(false);
      const badSignature = Buffer.from(signature);
      badSignature[badSignature.length - 1]! ^= 0x01;
      expect(sm2Verify(message, badSignature, key)).toBe(false);
    }
  });

  it('refuses a digest that is not 32 bytes rather than reading it as some other e', () => {
    const key = prepareSm2PublicKey(sm2KeyPairFromPrivateHex(hex64(7n)).publicKeyHex);
    expect(() => sm2VerifyDigest(Buffer.alloc(31), derSignature(1n, 1n), key)).toThrow(/32 bytes/);
  });
});
