/**
 * Bulk SM4-CBC encryption or SM3 over one random buffer, by jiuzhu (`createSm4Encryptor`, `createSm3`: Node's
 * OpenSSL, fed 1 MiB chunks as envelopes and files are) or by sm-crypto (the JS library the issue compares
 * against, given the whole buffer at once: it has no streaming API). Reports MB/s (MB = 10^6 bytes) so that
 * different sizes compare: sm-crypto gets a smaller input because it is 10–30× slower and turns every byte into
 * a JS array element (2.9 GB RSS for 64 MiB, research/crypto-facts.md §4.1).
 * PASSES repeats the work over the same buffer, so that a fast hash is timed over seconds, like `openssl speed`.
 * Usage: crypto-bulk.ts jiuzhu|sm-crypto sm4-cbc|sm3 MIB [PASSES]
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { createSm3 } from '../../gateway/crypto/sm3.js';
import { createSm4Encryptor } from '../../gateway/crypto/sm4.js';
import { reportCase, secondsSince } from '../case-result.js';

/** The part of sm-crypto (untyped CommonJS) this case calls. */
interface SmCrypto {
  sm3(data: Uint8Array): string;
  sm4: { encrypt(data: Uint8Array, keyHex: string, options: { mode: 'cbc'; iv: string; output: 'array' }): number[] };
}

const [implementation = 'jiuzhu', algorithm = 'sm4-cbc', mibArg = '256', passesArg = '1'] = process.argv.slice(2);
if (!['jiuzhu', 'sm-crypto'].includes(implementation) || !['sm4-cbc', 'sm3'].includes(algorithm)) {
  throw new Error(`usage: crypto-bulk.ts jiuzhu|sm-crypto sm4-cbc|sm3 MIB [PASSES] (got ${implementation} ${algorithm})`);
}
const passes = Number(passesArg);
const chunkSize = 1 << 20;
const data = randomFillSync(Buffer.allocUnsafe(Number(mibArg) * chunkSize));
const key = randomBytes(16);
const iv = randomBytes(16);
const label = algorithm === 'sm3' ? 'SM3' : 'SM4-CBC';
const size = `${mibArg} MiB${passes > 1 ? ` × ${passes}` : ''}`;

// sm-crypto is loaded before the clock starts, so that its module loading is not counted against it.
const require = createRequire(import.meta.url);
const smCrypto = implementation === 'sm-crypto' ? (require('sm-crypto') as SmCrypto) : undefined;
const smCryptoVersion = smCrypto ? (require('sm-crypto/package.json') as { version: string }).version : '';

let name: string;
let check: number;
const start = process.hrtime.bigint();
if (!smCrypto) {
  name = `${label} · jiuzhu ${algorithm === 'sm3' ? 'createSm3' : 'createSm4Encryptor'}, ${size}, 1 MiB chunks`;
  check = 0;
  for (let pass = 0; pass < passes; pass++) {
    if (algorithm === 'sm3') {
      const hash = createSm3();
      for (let at = 0; at < data.length; at += chunkSize) hash.update(data.subarray(at, at + chunkSize));
      check += hash.digest().length;
    } else {
      const cipher = createSm4Encryptor('cbc', key, iv);
      for (let at = 0; at < data.length; at += chunkSize) check += cipher.update(data.subarray(at, at + chunkSize)).length;
      check += cipher.final().length;
    }
  }
} else {
  name = `${label} · sm-crypto ${smCryptoVersion} ${algorithm === 'sm3' ? 'sm3' : 'sm4.encrypt'}, ${size} at once`;
  check = 0;
  for (let pass = 0; pass < passes; pass++) {
    check += algorithm === 'sm3'
      ? smCrypto.sm3(data).length / 2
      : smCrypto.sm4.encrypt(data, key.toString('hex'), { mode: 'cbc', iv: iv.toString('hex'), output: 'array' }).length;
  }
}
const seconds = secondsSince(start);
// The output's length is checked so that no engine can skip the work unseen.
const expected = passes * (algorithm === 'sm3' ? 32 : (Math.floor(data.length / 16) + 1) * 16);
if (check !== expected) throw new Error(`${name}: produced ${check} bytes, expected ${expected}`);
reportCase({ name, rows: (passes * data.length) / 1e6, unit: 'MB', seconds });
