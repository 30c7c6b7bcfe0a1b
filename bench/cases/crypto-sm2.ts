/**
 * SM2 signatures per second over a 256-byte message, by jiuzhu (`sm2Sign`, `sm2Verify` with the public key
 * prepared once, as the partner registry caches it) or by sm-crypto (`doSignature`/`doVerifySignature` with
 * `{hash: true, der: true}`, the signer's public key passed so that it is not re-derived for every signature).
 * Each operation runs for SECONDS after a short warm-up. Reports two lines: sign, then verify.
 * Usage: crypto-sm2.ts jiuzhu|sm-crypto SECONDS
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createSm2Signer, prepareSm2PublicKey, sm2Sign, sm2Verify } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { reportCase, secondsSince } from '../case-result.js';

/** The part of sm-crypto (untyped CommonJS) this case calls. */
interface SmCryptoSm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(message: Uint8Array, privateKeyHex: string, options: { hash: true; der: true; publicKey: string }): string;
  doVerifySignature(message: Uint8Array, signatureHex: string, publicKeyHex: string, options: { hash: true; der: true }): boolean;
}

const [implementation = 'jiuzhu', secondsArg = '3'] = process.argv.slice(2);
if (implementation !== 'jiuzhu' && implementation !== 'sm-crypto') throw new Error(`usage: crypto-sm2.ts jiuzhu|sm-crypto SECONDS (got ${implementation})`);
const duration = Number(secondsArg);
const message = randomBytes(256);

/** Runs `operation` until `duration` seconds have passed; a wrong answer stops the bench rather than being counted. */
function repeat(operation: () => boolean): { count: number; seconds: number } {
  for (let i = 0; i < 5; i++) if (!operation()) throw new Error('the operation failed during warm-up');
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(duration * 1e9));
  let count = 0;
  do {
    if (!operation()) throw new Error('the operation failed');
    count++;
  } while (process.hrtime.bigint() < end);
  return { count, seconds: secondsSince(start) };
}

let sign: () => boolean;
let verify: () => boolean;
let names: { sign: string; verify: string };
if (implementation === 'jiuzhu') {
  const keyPair = generateSm2KeyPair();
  const signer = createSm2Signer(keyPair);
  const key = prepareSm2PublicKey(keyPair.publicKeyHex);
  const signature = sm2Sign(message, signer);
  sign = () => sm2Sign(message, signer).length > 0;
  verify = () => sm2Verify(message, signature, key);
  names = { sign: 'SM2 sign · jiuzhu sm2Sign', verify: 'SM2 verify · jiuzhu sm2Verify, key prepared once' };
} else {
  const require = createRequire(import.meta.url);
  const { sm2 } = require('sm-crypto') as { sm2: SmCryptoSm2 };
  const { version } = require('sm-crypto/package.json') as { version: string };
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  const signature = sm2.doSignature(message, privateKey, { hash: true, der: true, publicKey });
  sign = () => sm2.doSignature(message, privateKey, { hash: true, der: true, publicKey }).length > 0;
  verify = () => sm2.doVerifySignature(message, signature, publicKey, { hash: true, der: true });
  names = { sign: `SM2 sign · sm-crypto ${version} doSignature`, verify: `SM2 verify · sm-crypto ${version} doVerifySignature` };
}

const signed = repeat(sign);
const verified = repeat(verify);
reportCase({ name: names.sign, rows: signed.count, unit: 'ops', seconds: signed.seconds });
reportCase({ name: names.verify, rows: verified.count, unit: 'ops', seconds: verified.seconds });
