import { CryptoError } from './crypto-error.js';
import { assertWellFormedText } from './field-cipher.js';
import { createKeyedSm3 } from './sm3-keyed.js';

/**
 * Blind indexes: what equality lookups and the comparison's joins use in place of an encrypted column.
 *
 *     blind index = the first 128 bits, as 32 lower-case hex digits, of HMAC-SM3(deployment key, kind ‖ 0x00 ‖ value)
 *
 * - Deterministic by design: equal values of one kind give equal indexes, which is what a join needs and exactly
 *   what it leaks. Anyone who reads the table learns which rows share an ID number (or phone, or account), not the
 *   number; without the key, guessing a number means an HMAC per guess with a key they do not have.
 * - The kind goes in front, so an ID number and a bank account that happen to be the same digits never link.
 *   Kinds are a closed list without NUL bytes, so "kind ‖ 0x00 ‖ value" reads back one way only.
 * - 128 bits: collisions stay out of reach (about 2^64 values before one is likely), and the column stays short,
 *   since it is indexed and joined.
 * - One key per deployment, never rotated: rotating it would mean recomputing every index in one go.
 *
 * The value must already be in its canonical form, as the caller's own module makes it: an ID number as
 * `requireIdNumber(raw).idNumber` (gateway/identity/id-number.ts) gives it, a phone or account number with the
 * spaces and dashes taken out. Two spellings of one number give two unrelated indexes, and this module cannot tell.
 */
export const blindIndexKinds = ['id-number', 'bank-account', 'phone'] as const;

/** What a value is; a new kind of value gets a new entry here, never the name of an existing one. */
export type BlindIndexKind = (typeof blindIndexKinds)[number];

export const blindIndexKeyLength = 32;

/** Computes blind indexes under one deployment key: ~1.5 µs a value here (the key's pads hashed once, sm3-keyed.ts). */
export type BlindIndexer = (kind: BlindIndexKind, normalisedValue: string) => string;

export function createBlindIndexer(key: Uint8Array): BlindIndexer {
  if (key.length !== blindIndexKeyLength) throw new CryptoError('bad-key', `a blind-index key is ${blindIndexKeyLength} bytes, got ${key.length}`);
  const hmac = createKeyedSm3(key);
  const domains = new Map<string, string>(blindIndexKinds.map((kind) => [kind, `${kind}\u0000`]));
  return (kind, normalisedValue) => {
    const domain = domains.get(kind);
    if (domain === undefined) throw new CryptoError('bad-input', `unknown blind-index kind ${JSON.stringify(kind)} (known: ${blindIndexKinds.join(', ')})`);
    assertWellFormedText(normalisedValue, `the ${kind} to index`);
    // An empty value would give every empty field of a kind the same index and link them all.
    if (normalisedValue.length === 0) throw new CryptoError('bad-input', `an empty ${kind} has no blind index: store NULL instead`);
    return hmac.macHex(domain + normalisedValue, 32);
  };
}
