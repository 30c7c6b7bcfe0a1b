import { createCipheriv, createDecipheriv, createSecretKey, randomFillSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import { createKeyedSm3, type KeyedSm3 } from './sm3-keyed.js';

/**
 * Personal fields at rest (ID numbers, bank account and phone numbers, raw rejected rows), one value per cell:
 *
 *     jzf1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>
 *
 * - SM4-CTR under the data key's encryption half, with an IV of its own per value. CTR because this OpenSSL has
 *   no SM4-GCM (research/crypto-facts.md §1.1) and CTR does not grow a value to whole blocks as CBC would.
 * - tag = the first 16 bytes of HMAC-SM3(authentication half, "jzf1.<key id>." ‖ iv ‖ ciphertext): encrypt-then-MAC,
 *   so nothing is decrypted before the tag checks, and the header is covered, so a value moved to another key id
 *   or version fails. 16 bytes, not SM3's 32: a forger still has to guess 128 bits per try (RFC 2104 §5 and
 *   NIST SP 800-107 §5.3.3 allow truncating to half the hash and no less than 80 bits), and millions of cells each
 *   save 22 characters.
 * - Text, not bytes, so a SQLite TEXT and a PostgreSQL text column hold it alike, a JSON document can carry it as a
 *   string without escaping, and a rotation finds values under an old key with LIKE 'jzf1.<id>.%'.
 * What it does not hide: a value's length in bytes (CTR adds none), which for ID numbers says nothing.
 *
 * Speed: one `createCipheriv` costs ~3 µs here, as long as SM4 takes over 300 bytes (~100 MB/s), fifteen ID numbers.
 * So `encryptMany` lays a chunk of values out on block boundaries and encrypts them in one CTR call. Value i then starts at block b_i of one key
 * stream, and its own IV is the chunk's IV + b_i, counted as OpenSSL counts (`addToCounter`), so every value still
 * decrypts alone with `openssl enc -d -sm4-ctr -K … -iv …` (docs/encryption-at-rest.md).
 */
export const fieldCiphertextPrefix = 'jzf1.';

/** One data key, ready for use: the two halves as KeyObjects, which make each SM4 and HMAC call cheaper. */
export interface FieldKey {
  readonly id: number;
  readonly encryption: KeyObject;
  readonly authentication: KeyObject;
  /** HMAC-SM3 under the authentication half, its pads hashed once (sm3-keyed.ts): what tags are made and checked with. */
  readonly mac: KeyedSm3;
  /** "jzf1.<id>.": the start of every ciphertext under this key, and of every MAC input. */
  readonly header: string;
  readonly headerBytes: Buffer;
}

/** The key ids a ciphertext may name: what a PostgreSQL integer column holds, written in decimal without leading zeros. */
const keyIdPattern = /^[1-9][0-9]{0,9}$/;
const maxKeyId = 2 ** 31 - 1;
const ivLength = 16;
const tagLength = 16;
const blockLength = 16;
/** The 16-byte SM4 half, then the 32-byte HMAC-SM3 half (as long as SM3's output, as RFC 2104 §3 advises). */
export const fieldKeyMaterialLength = 48;

export function prepareFieldKey(id: number, material: Uint8Array): FieldKey {
  if (!Number.isInteger(id) || id < 1 || id > maxKeyId) throw new CryptoError('bad-key', `a field key id is an integer from 1 to ${maxKeyId}, got ${id}`);
  if (material.length !== fieldKeyMaterialLength) throw new CryptoError('bad-key', `a field key is ${fieldKeyMaterialLength} bytes (SM4 16, HMAC-SM3 32), got ${material.length}`);
  const header = `${fieldCiphertextPrefix}${id}.`;
  return {
    id,
    encryption: createSecretKey(material.subarray(0, 16)),
    authentication: createSecretKey(material.subarray(16)),
    mac: createKeyedSm3(material.subarray(16)),
    header,
    headerBytes: Buffer.from(header, 'latin1'),
  };
}

/** Finds the key a ciphertext names; undefined when this keyring does not hold it. */
export type FieldKeyLookup = (id: number) => FieldKey | undefined;

/** A lone UTF-16 surrogate would be written to UTF-8 as U+FFFD and come back as another string: refuse it instead. */
const loneSurrogate = /\p{Surrogate}/u;

export function assertWellFormedText(value: string, what: string): void {
  if (typeof value !== 'string') throw new CryptoError('bad-input', `${what} must be a string, got ${typeof value}`);
  if (loneSurrogate.test(value)) throw new CryptoError('bad-input', `${what} holds a lone UTF-16 surrogate, which UTF-8 cannot carry`);
}

/**
 * Writes iv + blocks into out[at, at + 16): the 16 bytes read as one big-endian 128-bit integer, wrapping at 2^128.
 * That is how OpenSSL steps the counter from block to block (ctr128_inc in crypto/modes/ctr128.c carries through all
 * 16 bytes; the 32-bit fast path, CRYPTO_ctr128_encrypt_ctr32, carries into the upper 96 bits), so block b of a
 * stream started at iv is block 0 of a stream started at iv + b. `blocks` is below 2^53.
 */
export function addToCounter(iv: Uint8Array, blocks: number, out: Uint8Array, at = 0): void {
  if (!Number.isSafeInteger(blocks) || blocks < 0) throw new CryptoError('bad-input', `a counter offset is a whole number of blocks, got ${blocks}`);
  let carry = blocks;
  for (let i = ivLength - 1; i >= 0; i--) {
    const sum = iv[i]! + (carry % 256);
    out[at + i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
}

/** Whole blocks a value of `length` bytes takes in a chunk: at least one, so no two values of a chunk share an IV. */
function blocksFor(length: number): number {
  return Math.max(1, Math.ceil(length / blockLength));
}

export interface FieldCipherOptions {
  /** Fills IV pools, as `crypto.randomFillSync` does (the default); tests pass a fixed source to force an IV. */
  randomFill?: (buffer: Buffer) => void;
}

/** A ciphertext taken apart, its tag checked. `bytes` is header ‖ iv ‖ ciphertext ‖ tag. */
interface OpenedValue {
  key: FieldKey;
  bytes: Buffer;
  ivAt: number;
  length: number;
}

/**
 * Encrypts and decrypts field values under the FieldKey it is given; which key that is, and where keys come from, is
 * the keyring's business (gateway/keystore/data-keys.ts). IVs come from a pool of random bytes refilled 4 KiB at a
 * time: `randomBytes(16)` per value costs ~6 µs here, twice the SM4 call it serves.
 */
export function createFieldCipher(options: FieldCipherOptions = {}) {
  const randomFill = options.randomFill ?? ((buffer: Buffer) => void randomFillSync(buffer));
  const pool = Buffer.alloc(4096);
  let poolUsed = pool.length;

  function writeFreshIv(out: Buffer): void {
    if (poolUsed === pool.length) {
      randomFill(pool);
      poolUsed = 0;
    }
    pool.copy(out, 0, poolUsed, poolUsed + ivLength);
    poolUsed += ivLength;
  }

  function encryptMany(values: readonly string[], key: FieldKey): string[] {
    const lengths = new Array<number>(values.length);
    let blocks = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      assertWellFormedText(value, 'a field value');
      lengths[i] = Buffer.byteLength(value, 'utf8');
      blocks += blocksFor(lengths[i]!);
    }
    // Zeroed: the gaps between values go through SM4 too, and must carry no stale heap bytes. allocUnsafe and fill
    // rather than alloc, because allocUnsafe takes small buffers from Node's pool (alloc makes a new one each call).
    const plaintext = Buffer.allocUnsafe(blocks * blockLength).fill(0);
    const headerLength = key.headerBytes.length;
    let outLength = 0;
    for (let i = 0, block = 0; i < values.length; i++) {
      plaintext.write(values[i]!, block * blockLength, 'utf8');
      block += blocksFor(lengths[i]!);
      outLength += headerLength + ivLength + lengths[i]! + tagLength;
    }
    const chunkIv = Buffer.allocUnsafe(ivLength);
    writeFreshIv(chunkIv);
    const stream = createCipheriv('sm4-ctr', key.encryption, chunkIv).update(plaintext);

    // Each value is laid out as header ‖ iv ‖ ciphertext ‖ tag in one buffer: the MAC input is then one slice, and
    // the text one base64url call over the part after the header.
    const out = Buffer.allocUnsafe(outLength);
    const texts = new Array<string>(values.length);
    for (let i = 0, block = 0, at = 0; i < values.length; i++) {
      const length = lengths[i]!;
      key.headerBytes.copy(out, at);
      addToCounter(chunkIv, block, out, at + headerLength);
      stream.copy(out, at + headerLength + ivLength, block * blockLength, block * blockLength + length);
      const macEnd = at + headerLength + ivLength + length;
      key.mac.macInto(out, at, macEnd, out, macEnd, tagLength);
      texts[i] = key.header + out.toString('base64url', at + headerLength, macEnd + tagLength);
      block += blocksFor(length);
      at = macEnd + tagLength;
    }
    return texts;
  }

  /** Parses and authenticates one value; throws a CryptoError naming what is wrong, and never decrypts before the tag checks. */
  function open(text: string, keyFor: FieldKeyLookup): OpenedValue {
    const keyId = fieldKeyIdOf(text);
    if (keyId === undefined) throw new CryptoError('bad-input', 'not a field ciphertext: expected jzf1.<key id>.<base64url>');
    const key = keyFor(keyId);
    if (!key) throw new CryptoError('unknown-key', `the field ciphertext names data key ${keyId}, which this keyring does not hold`);
    const body = text.slice(key.header.length);
    const bytes = Buffer.allocUnsafe(key.headerBytes.length + Math.ceil((body.length * 3) / 4));
    key.headerBytes.copy(bytes);
    const decoded = bytes.write(body, key.headerBytes.length, 'base64url');
    // Node skips characters outside the alphabet and ignores the spare low bits of the last one: a text that does not
    // re-encode to itself was altered even where its bytes were not.
    const end = key.headerBytes.length + decoded;
    if (bytes.toString('base64url', key.headerBytes.length, end) !== body) {
      throw new CryptoError('bad-input', 'the field ciphertext is not canonical base64url: it was altered');
    }
    const length = decoded - ivLength - tagLength;
    if (length < 0) throw new CryptoError('bad-input', 'the field ciphertext is too short to hold an IV and a tag: it was cut');
    const macEnd = end - tagLength;
    const expected = Buffer.allocUnsafe(tagLength);
    key.mac.macInto(bytes, 0, macEnd, expected, 0, tagLength);
    if (!timingSafeEqual(expected, bytes.subarray(macEnd, end))) {
      throw new CryptoError('decrypt-failed', `the field ciphertext under data key ${keyId} fails its MAC: it was altered, cut or moved from another key`);
    }
    return { key, bytes, ivAt: key.headerBytes.length, length };
  }

  function decryptOne(value: OpenedValue): string {
    const { key, bytes, ivAt, length } = value;
    const iv = bytes.subarray(ivAt, ivAt + ivLength);
    return createDecipheriv('sm4-ctr', key.encryption, iv).update(bytes.subarray(ivAt + ivLength, ivAt + ivLength + length)).toString('utf8');
  }

  /**
   * Values that one `encryptMany` call wrote, read back in the same order, sit end to end on one key stream: the next
   * value's IV is this one's plus the blocks it took. Such a run is decrypted in one CTR call as it was encrypted.
   * Any other value is a run of one.
   */
  function decryptMany(texts: readonly string[], keyFor: FieldKeyLookup): string[] {
    const opened = texts.map((text) => open(text, keyFor));
    const plaintexts = new Array<string>(opened.length);
    const expectedIv = Buffer.alloc(ivLength);
    for (let start = 0; start < opened.length; ) {
      let end = start + 1;
      let blocks = blocksFor(opened[start]!.length);
      const first = opened[start]!;
      const firstIv = first.bytes.subarray(first.ivAt, first.ivAt + ivLength);
      while (end < opened.length && opened[end]!.key === first.key) {
        addToCounter(firstIv, blocks, expectedIv);
        const next = opened[end]!;
        if (!expectedIv.equals(next.bytes.subarray(next.ivAt, next.ivAt + ivLength))) break;
        blocks += blocksFor(next.length);
        end++;
      }
      if (end - start === 1) {
        plaintexts[start] = decryptOne(first);
      } else {
        const run = Buffer.alloc(blocks * blockLength);
        for (let i = start, block = 0; i < end; i++) {
          const { bytes, ivAt, length } = opened[i]!;
          bytes.copy(run, block * blockLength, ivAt + ivLength, ivAt + ivLength + length);
          block += blocksFor(length);
        }
        const stream = createDecipheriv('sm4-ctr', first.key.encryption, firstIv).update(run);
        for (let i = start, block = 0; i < end; i++) {
          const { length } = opened[i]!;
          plaintexts[i] = stream.toString('utf8', block * blockLength, block * blockLength + length);
          block += blocksFor(length);
        }
      }
      start = end;
    }
    return plaintexts;
  }

  return {
    /** One value under `key`. For many values at once, `encryptMany` is about twice as fast. */
    encrypt(value: string, key: FieldKey): string {
      return encryptMany([value], key)[0]!;
    },
    /** Every value under `key`, in one SM4-CTR call; each result decrypts alone. */
    encryptMany,
    /** The plaintext, or a CryptoError: bad-input (not a field ciphertext, malformed), unknown-key, decrypt-failed (MAC). */
    decrypt(text: string, keyFor: FieldKeyLookup): string {
      return decryptOne(open(text, keyFor));
    },
    /** As `decrypt` for each text; every tag is checked before anything is decrypted. */
    decryptMany,
  };
}

export type FieldCipher = ReturnType<typeof createFieldCipher>;

/** The key id a field ciphertext names, or undefined when `text` does not start like one. Checks nothing else. */
export function fieldKeyIdOf(text: unknown): number | undefined {
  if (typeof text !== 'string' || !text.startsWith(fieldCiphertextPrefix)) return undefined;
  const dot = text.indexOf('.', fieldCiphertextPrefix.length);
  if (dot < 0) return undefined;
  const id = text.slice(fieldCiphertextPrefix.length, dot);
  if (!keyIdPattern.test(id)) return undefined;
  const keyId = Number(id);
  return keyId <= maxKeyId ? keyId : undefined;
}

/**
 * A JSON string token that is exactly a field ciphertext, or any other string token. In valid JSON a '"' outside a
 * string opens one, so a global match from the start visits every string token whole, escapes included. A field
 * ciphertext needs no escaping, so when it is a string's whole value it stands in the text as written.
 */
const jsonStringToken = /"(jzf1\.[1-9][0-9]{0,9}\.[A-Za-z0-9_-]+)"|"(?:[^"\\]|\\.)*"/g;

/** Every string in a JSON text (object keys included) whose whole value looks like a field ciphertext. */
export function fieldCiphertextsInJson(json: string): string[] {
  const found: string[] = [];
  for (const match of json.matchAll(jsonStringToken)) if (match[1] !== undefined) found.push(match[1]);
  return found;
}

/**
 * The JSON text with each field ciphertext `replace` maps to something else swapped in, and every other byte as it
 * was: no parse and re-serialise, which would rewrite numbers beyond 2^53 and change spacing.
 */
export function replaceFieldCiphertextsInJson(json: string, replace: (ciphertext: string) => string): string {
  return json.replace(jsonStringToken, (token, ciphertext: string | undefined) => (ciphertext === undefined ? token : `"${replace(ciphertext)}"`));
}
