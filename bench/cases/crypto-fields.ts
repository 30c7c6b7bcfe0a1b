/**
 * Personal fields at rest, per value: encrypting one value per call and a chunk per call, decrypting likewise, and the
 * blind index, beside the two native calls each is built on (one SM4-CTR cipher per value, one HMAC-SM3 per value).
 * The values are what an import writes: ID numbers, phone and bank account numbers, in that mix.
 * Each operation runs for SECONDS over the same 30,000 values; one JSON line per operation, µs per value in its detail.
 * Usage: crypto-fields.ts SECONDS
 */
import { createCipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { createBlindIndexer } from '../../gateway/crypto/blind-index.js';
import { createFieldCipher, prepareFieldKey } from '../../gateway/crypto/field-cipher.js';
import { reportCase, secondsSince } from '../case-result.js';

const duration = Number(process.argv[2] ?? '2');
const chunkSize = 1000;
const values = Array.from({ length: 30_000 }, (_, i) => {
  const n = String(i).padStart(6, '0');
  return [`640121199${n.slice(0, 5)}0${n.slice(5)}X`.slice(0, 18), `138${n}00`, `6222021234${n}123`][i % 3]!;
});

const key = prepareFieldKey(1, randomBytes(48));
const keyFor = () => key;
const cipher = createFieldCipher();
const blindIndex = createBlindIndexer(randomBytes(32));
const texts = cipher.encryptMany(values, key);
const sm4Key = createSecretKey(randomBytes(16));
const hmacKey = createSecretKey(randomBytes(32));
const iv = randomBytes(16);

/** Runs `pass` (one pass over all values, returning a count to check) until `duration` seconds have passed. */
function measure(name: string, pass: () => number): void {
  if (pass() !== values.length) throw new Error(`${name}: the warm-up pass did not cover every value`);
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(duration * 1e9));
  let count = 0;
  do {
    const done = pass();
    if (done !== values.length) throw new Error(`${name}: a pass covered ${done} values of ${values.length}`);
    count += done;
  } while (process.hrtime.bigint() < end);
  const seconds = secondsSince(start);
  reportCase({ name, rows: count, unit: 'values', seconds, detail: `${((seconds * 1e6) / count).toFixed(2)} µs per value` });
}

function inChunks(work: (chunk: string[]) => unknown[], of: readonly string[]): number {
  let done = 0;
  for (let at = 0; at < of.length; at += chunkSize) done += work(of.slice(at, at + chunkSize)).length;
  return done;
}

measure('field encrypt · one value per encrypt()', () => values.filter((value) => cipher.encrypt(value, key).length > 0).length);
measure(`field encrypt · encryptMany(), ${chunkSize} values per call`, () => inChunks((chunk) => cipher.encryptMany(chunk, key), values));
measure('field decrypt · one value per decrypt()', () => texts.filter((text) => cipher.decrypt(text, keyFor).length > 0).length);
measure(`field decrypt · decryptMany(), ${chunkSize} values per call, in the order written`, () => inChunks((chunk) => cipher.decryptMany(chunk, keyFor), texts));
measure('blind index · one value per call', () => values.filter((value) => blindIndex('id-number', value).length === 32).length);
measure('baseline · createCipheriv(sm4-ctr) + update per value, no MAC', () => values.filter((value) => createCipheriv('sm4-ctr', sm4Key, iv).update(value, 'utf8').length > 0).length);
measure('baseline · createHmac(sm3, KeyObject) + hex digest per value', () => values.filter((value) => createHmac('sm3', hmacKey).update(value).digest('hex').length === 64).length);
