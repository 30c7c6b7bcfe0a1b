/**
 * SM2 signature verification (GB/T 32918.2 §7): R = (e + x1) mod n where (x1, y1) = s·G + t·P and t = (r + s) mod n.
 *
 * sm-crypto-v2's doVerifySignature costs twice what `openssl speed sm2` does, even with its precomputed tables:
 * noble's `multiply` is constant-time (a fake addition for every window, twice the work) and noble's complete
 * projective addition needs ~14 field multiplications. Verification handles only public values, so it needs
 * neither: here each scalar is split into signed 8-bit windows and each non-zero window adds one point from a
 * table of affine multiples (k·256^w·Q for k = 1…128), with the 11-multiplication mixed Jacobian addition, into
 * one accumulator shared by s·G and t·P. No doublings at all, one field inversion at the end.
 * The result is checked against sm-crypto-v2 and the openssl command in test/crypto/sm2-verify.test.ts.
 */

/** The SM2 recommended curve (GB/T 32918.5): y² = x³ + ax + b over F_p with a = p − 3, base point G of prime order n. */
const p = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const n = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const b = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const gx = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
const gy = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

/** Window width in bits: 33 windows of 128 points, ~0.5 MB of BigInts per table, ~25 ms to build. */
const windowBits = 8;
const windowCount = Math.ceil(256 / windowBits) + 1;
const half = 1 << (windowBits - 1);

/** Affine multiples: xs[w·half + k − 1], ys[…] = the coordinates of k·2^(8w)·Q, for k in 1…128. */
export interface Sm2PointTable {
  readonly xs: readonly bigint[];
  readonly ys: readonly bigint[];
}

function mod(value: bigint, modulus: bigint): bigint {
  const rest = value % modulus;
  return rest < 0n ? rest + modulus : rest;
}

/** 1/value mod p by the extended Euclidean algorithm (value non-zero mod p): far cheaper in BigInt than Fermat's 256-step a^(p−2). */
function invert(value: bigint): bigint {
  let a = mod(value, p);
  let m = p;
  let x = 1n;
  let u = 0n;
  while (a !== 0n) {
    const q = m / a;
    [m, a] = [a, m - q * a];
    [u, x] = [x, u - q * x];
  }
  if (m !== 1n) throw new Error('no inverse: value is 0 mod p');
  return mod(u, p);
}

/**
 * A point in Jacobian coordinates (x = X/Z², y = Y/Z³), Z = 0 for the point at infinity, changed in place.
 * Coordinates are kept reduced mod p only up to sign (BigInt `%` keeps the dividend's sign): every equality test
 * below is made on a difference reduced mod p, so a negative representative never decides anything.
 */
class JacobianPoint {
  constructor(public x = 0n, public y = 1n, public z = 0n) {}

  copy(other: JacobianPoint): void {
    this.x = other.x;
    this.y = other.y;
    this.z = other.z;
  }

  isInfinity(): boolean {
    return this.z % p === 0n;
  }

  /** dbl-2001-b for a = −3: 3M + 5S. */
  double(): void {
    if (this.isInfinity()) return;
    const { x, y, z } = this;
    const delta = (z * z) % p;
    const gamma = (y * y) % p;
    const beta = (x * gamma) % p;
    const alpha = (3n * (((x - delta) * (x + delta)) % p)) % p;
    const x3 = (alpha * alpha - 8n * beta) % p;
    this.z = ((y + z) * (y + z) - gamma - delta) % p;
    this.y = (alpha * (4n * beta - x3) - ((8n * gamma * gamma) % p)) % p;
    this.x = x3;
  }

  /** madd-2007-bl without the Z2 = 1 scaling: adds the affine point (x2, y2); 8M + 3S, with the equal and opposite cases. */
  addAffine(x2: bigint, y2: bigint): void {
    if (this.isInfinity()) {
      this.x = x2;
      this.y = y2;
      this.z = 1n;
      return;
    }
    const { x: x1, y: y1, z: z1 } = this;
    const z1z1 = (z1 * z1) % p;
    const h = ((x2 * z1z1) % p) - x1;
    const r = ((((y2 * z1) % p) * z1z1) % p) - y1;
    if (h % p === 0n) {
      if (r % p === 0n) this.double();
      else this.z = 0n;
      return;
    }
    const hh = (h * h) % p;
    const hhh = (h * hh) % p;
    const v = (x1 * hh) % p;
    const x3 = (r * r - hhh - 2n * v) % p;
    this.y = (r * (v - x3) - ((y1 * hhh) % p)) % p;
    this.z = (z1 * h) % p;
    this.x = x3;
  }

  /** The affine x coordinate, in [0, p). */
  affineX(): bigint {
    const zInverse = invert(this.z);
    return mod(this.x * ((zInverse * zInverse) % p), p);
  }

  /** The affine point, both coordinates in [0, p). */
  toAffine(): [bigint, bigint] {
    const zInverse = invert(this.z);
    const zz = (zInverse * zInverse) % p;
    return [mod(this.x * zz, p), mod(this.y * ((zz * zInverse) % p), p)];
  }
}

/** True when (x, y), both in [0, p), satisfies y² = x³ − 3x + b. */
export function isOnSm2Curve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= p || y < 0n || y >= p) return false;
  return mod(y * y - (x * x * x - 3n * x + b), p) === 0n;
}

/**
 * The window table of a point on the curve (other than infinity). Each window's 128 multiples are made in
 * Jacobian coordinates and brought to affine with one shared inversion (Montgomery's trick).
 */
export function buildSm2PointTable(x: bigint, y: bigint): Sm2PointTable {
  if (!isOnSm2Curve(x, y)) throw new Error('not a point on the SM2 curve');
  const xs: bigint[] = [];
  const ys: bigint[] = [];
  let baseX = x;
  let baseY = y;
  const multiples = Array.from({ length: half + 1 }, () => new JacobianPoint());
  const prefix = new Array<bigint>(half + 1);
  for (let window = 0; window < windowCount; window++) {
    const acc = new JacobianPoint();
    for (let k = 1; k <= half; k++) {
      acc.addAffine(baseX, baseY);
      multiples[k - 1]!.copy(acc);
    }
    // 256·base = 2·(128·base): the next window's base, normalised with the same inversion.
    acc.double();
    multiples[half]!.copy(acc);
    // k·base for k ≤ 128 and 256·base are never infinity, since n is prime and far larger than 256.
    let running = 1n;
    for (let i = 0; i <= half; i++) {
      prefix[i] = running;
      running = (running * multiples[i]!.z) % p;
    }
    let inverse = invert(running);
    for (let i = half; i >= 0; i--) {
      const point = multiples[i]!;
      const zInverse = (inverse * prefix[i]!) % p;
      inverse = (inverse * point.z) % p;
      const zz = (zInverse * zInverse) % p;
      const ax = mod(point.x * zz, p);
      const ay = mod(point.y * ((zz * zInverse) % p), p);
      if (i === half) {
        baseX = ax;
        baseY = ay;
      } else {
        xs[window * half + i] = ax;
        ys[window * half + i] = ay;
      }
    }
  }
  return { xs, ys };
}

let baseTable: Sm2PointTable | undefined;

/** G's table, built on the first verification of the process (~25 ms) and kept. */
function sm2BaseTable(): Sm2PointTable {
  baseTable ??= buildSm2PointTable(gx, gy);
  return baseTable;
}

/** acc += scalar·Q with Q's table: one mixed addition per non-zero signed 8-bit digit of the scalar (0 ≤ scalar < 2^256). */
function addTableMultiple(acc: JacobianPoint, table: Sm2PointTable, scalar: bigint): void {
  const digits = scalar.toString(16).padStart(64, '0');
  let carry = 0;
  for (let window = 0; window < windowCount; window++) {
    // Window w holds bits 8w…8w+7: the two hex digits counted from the right end of the string.
    const at = 64 - 2 * (window + 1);
    let digit = (at >= 0 ? Number.parseInt(digits.slice(at, at + 2), 16) : 0) + carry;
    carry = 0;
    if (digit > half) {
      digit -= 1 << windowBits;
      carry = 1;
    }
    if (digit === 0) continue;
    const index = window * half + Math.abs(digit) - 1;
    const ty = table.ys[index]!;
    acc.addAffine(table.xs[index]!, digit > 0 ? ty : p - ty);
  }
}

/** acc += scalar·(x, y) by plain double-and-add, for a key verified once and so not worth a table. */
function addPlainMultiple(acc: JacobianPoint, x: bigint, y: bigint, scalar: bigint): void {
  const product = new JacobianPoint();
  for (let bit = BigInt(scalar.toString(2).length - 1); bit >= 0n; bit--) {
    product.double();
    if ((scalar >> bit) & 1n) product.addAffine(x, y);
  }
  if (product.isInfinity()) return;
  const [px, py] = product.toAffine();
  acc.addAffine(px, py);
}

/** The public key as the verifier uses it: its affine coordinates, and its window table once one is built. */
export interface Sm2VerifyingPoint {
  readonly x: bigint;
  readonly y: bigint;
  readonly table?: Sm2PointTable;
}

/**
 * GB/T 32918.2 §7.1 steps B1–B7 for a digest e = SM3(Z ‖ M) given as a big-endian integer: false unless r and s
 * lie in [1, n − 1], t ≠ 0, s·G + t·P is not the point at infinity and (e + x1) mod n = r.
 */
export function verifySm2Digest(e: bigint, r: bigint, s: bigint, key: Sm2VerifyingPoint): boolean {
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = (r + s) % n;
  if (t === 0n) return false;
  const acc = new JacobianPoint();
  addTableMultiple(acc, sm2BaseTable(), s);
  if (key.table) addTableMultiple(acc, key.table, t);
  else addPlainMultiple(acc, key.x, key.y, t);
  if (acc.isInfinity()) return false;
  return (e + acc.affineX()) % n === r;
}

/**
 * r and s of the one DER encoding GM/T 0009 allows, SEQUENCE { r INTEGER, s INTEGER }, or undefined for anything
 * else: other tags, long-form or wrong lengths, non-minimal or negative INTEGERs, trailing bytes. OpenSSL refuses
 * those too (it re-encodes and compares, crypto/sm2/sm2_sign.c); accepting them would make signatures malleable.
 * Range checks on r and s are verifySm2Digest's.
 */
export function parseSm2SignatureDer(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  // An SM2 signature is at most 2 + 2·(2 + 33) = 72 bytes, so every length is one short-form byte.
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readDerInteger(der, 2);
  if (!r) return undefined;
  const s = readDerInteger(der, r.end);
  if (!s || s.end !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

function readDerInteger(der: Uint8Array, at: number): { value: bigint; end: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = der[at + 1];
  if (length === undefined || length < 1 || length > 33 || at + 2 + length > der.length) return undefined;
  const first = der[at + 2]!;
  if (first & 0x80) return undefined; // negative
  if (first === 0 && length > 1 && !(der[at + 3]! & 0x80)) return undefined; // a leading zero that is not needed
  const value = BigInt(`0x${Buffer.from(der.buffer, der.byteOffset + at + 2, length).toString('hex')}`);
  return { value, end: at + 2 + length };
}
