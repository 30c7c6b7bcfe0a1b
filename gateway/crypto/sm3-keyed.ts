import { createHmac, createSecretKey } from 'node:crypto';
import { CryptoError } from './crypto-error.js';

/**
 * HMAC-SM3 (RFC 2104 over GB/T 32905 SM3) under one key, for the short messages an import MACs by the million: a
 * blind index's "kind ‖ 0x00 ‖ ID number" (28 bytes) and a field ciphertext's header ‖ IV ‖ ciphertext (~41 bytes).
 *
 * Node's `createHmac` costs 3–5 µs for such a message, nearly all of it setting up an OpenSSL context and hashing the
 * key's two pads again on every call. Here the pads are hashed once, when the key is given: the states after
 * SM3(K ⊕ ipad) and SM3(K ⊕ opad) are kept, so a message that fits the inner hash's first block costs two SM3
 * compressions in JavaScript (about half of createHmac's time here, see docs/benchmarks.md). Messages longer than
 * `shortMessageBytes` go to createHmac, which hashes long data faster than JavaScript does.
 *
 * The output is the same HMAC-SM3: test/crypto/sm3-keyed.test.ts holds it to GM/T 0042-2015 App. D.3's vectors, to
 * createHmac for every length up to and past the fallback, and to `openssl mac`.
 */

/** Longer messages than this go to createHmac: from about three blocks on, OpenSSL's SM3 is the faster. */
export const shortMessageBytes = 183;

const blockBytes = 64;
const initialValue = new Int32Array([0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e]);
/** T_j rotated left by j mod 32, as each round adds it (GB/T 32905 §5.3.3). */
const roundConstants = new Int32Array(64).map((_, j) => {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const shift = j % 32;
  return shift === 0 ? t : (t << shift) | (t >>> (32 - shift));
});
const hexByte = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

/** One SM3 compression (GB/T 32905 §5.3): `state` ← CF(`from`, block at `at`). `from` and `state` may be the same array. */
function compress(from: Int32Array, block: Uint8Array, at: number, state: Int32Array, words: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const o = at + 4 * i;
    words[i] = (block[o]! << 24) | (block[o + 1]! << 16) | (block[o + 2]! << 8) | block[o + 3]!;
  }
  for (let j = 16; j < 68; j++) {
    const x = words[j - 16]! ^ words[j - 9]! ^ rotl(words[j - 3]!, 15);
    words[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(words[j - 13]!, 7) ^ words[j - 6]!;
  }
  let a = from[0]!, b = from[1]!, c = from[2]!, d = from[3]!, e = from[4]!, f = from[5]!, g = from[6]!, h = from[7]!;
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + roundConstants[j]!) | 0, 7);
    const ss2 = ss1 ^ a12;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + (words[j]! ^ words[j + 4]!)) | 0;
    const tt2 = (gg + h + ss1 + words[j]!) | 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
  }
  state[0] = from[0]! ^ a; state[1] = from[1]! ^ b; state[2] = from[2]! ^ c; state[3] = from[3]! ^ d;
  state[4] = from[4]! ^ e; state[5] = from[5]! ^ f; state[6] = from[6]! ^ g; state[7] = from[7]! ^ h;
}

/** HMAC-SM3 under one key: the MAC's bytes into `out` (up to 32), or its first `hexDigits` hex digits. */
export interface KeyedSm3 {
  /** Writes the first `length` bytes (1–32) of HMAC-SM3(key, data[start, end)) into out at `outAt`. */
  macInto(data: Uint8Array, start: number, end: number, out: Uint8Array, outAt: number, length: number): void;
  /** The first `hexDigits` (2–64, even) lower-case hex digits of HMAC-SM3(key, UTF-8 of text). */
  macHex(text: string, hexDigits: number): string;
}

export function createKeyedSm3(key: Uint8Array): KeyedSm3 {
  // A key longer than a block would be hashed first (RFC 2104 §2); no key of this system is.
  if (key.length > blockBytes) throw new CryptoError('bad-key', `an HMAC-SM3 key here is at most ${blockBytes} bytes, got ${key.length}`);
  const keyObject = createSecretKey(key);
  const words = new Int32Array(68);
  const pad = new Uint8Array(blockBytes);
  const innerStart = new Int32Array(8);
  const outerStart = new Int32Array(8);
  pad.fill(0x36).forEach((byte, i) => (pad[i] = byte ^ (key[i] ?? 0)));
  compress(initialValue, pad, 0, innerStart, words);
  pad.fill(0x5c).forEach((byte, i) => (pad[i] = byte ^ (key[i] ?? 0)));
  compress(initialValue, pad, 0, outerStart, words);
  pad.fill(0);

  // The message's blocks after the key's, padded; then the outer block: the inner digest, padded.
  const blocks = new Uint8Array(Math.ceil((shortMessageBytes + 9) / blockBytes) * blockBytes);
  const state = new Int32Array(8);
  const text = new TextEncoder();

  /** state ← HMAC-SM3 of the `length` message bytes already in blocks[0, length). */
  function mac(length: number): void {
    const padded = Math.ceil((length + 9) / blockBytes) * blockBytes;
    blocks.fill(0, length, padded);
    blocks[length] = 0x80;
    writeBitLength(blocks, padded, blockBytes + length);
    compress(innerStart, blocks, 0, state, words);
    for (let at = blockBytes; at < padded; at += blockBytes) compress(state, blocks, at, state, words);
    for (let i = 0; i < 8; i++) writeWord(blocks, 4 * i, state[i]!);
    blocks.fill(0, 32, blockBytes);
    blocks[32] = 0x80;
    writeBitLength(blocks, blockBytes, blockBytes + 32);
    compress(outerStart, blocks, 0, state, words);
  }

  return {
    macInto(data, start, end, out, outAt, length) {
      if (end - start > shortMessageBytes) {
        createHmac('sm3', keyObject).update(data.subarray(start, end)).digest().copy(out, outAt, 0, length);
        return;
      }
      blocks.set(data.subarray(start, end));
      mac(end - start);
      for (let i = 0; i < length; i++) out[outAt + i] = (state[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
    },
    macHex(message, hexDigits) {
      // UTF-8 is at most 3 bytes per UTF-16 unit: a text that might not fit is left to createHmac.
      const written = message.length * 3 <= shortMessageBytes ? text.encodeInto(message, blocks).written : -1;
      if (written < 0) return createHmac('sm3', keyObject).update(message).digest('hex').slice(0, hexDigits);
      mac(written);
      let hex = '';
      for (let i = 0; i < hexDigits / 2; i++) hex += hexByte[(state[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff];
      return hex;
    },
  };
}

function writeWord(bytes: Uint8Array, at: number, word: number): void {
  bytes[at] = word >>> 24;
  bytes[at + 1] = (word >>> 16) & 0xff;
  bytes[at + 2] = (word >>> 8) & 0xff;
  bytes[at + 3] = word & 0xff;
}

/** The last 8 bytes of the padded message: its length in bits, big-endian (lengths here stay far below 2^32 bits). */
function writeBitLength(bytes: Uint8Array, paddedEnd: number, messageBytes: number): void {
  bytes.fill(0, paddedEnd - 8, paddedEnd - 4);
  writeWord(bytes, paddedEnd - 4, messageBytes * 8);
}
