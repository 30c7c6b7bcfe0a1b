/**
 * The arithmetic of a spot-check sample (抽查), free of the store so anyone can re-run it: given the stored seed and
 * the population's references, the sample is the first n references ordered by SM3(seed ‖ reference). The seed is
 * 128 bits written as 32 hex digits; the reference is its UTF-8 bytes. Ties of the digest (never seen, but possible)
 * fall back to the reference itself, so the order is total.
 */
import { randomBytes } from 'node:crypto';
import { sm3Hex } from '../../crypto/sm3.js';

const seedPattern = /^[0-9a-f]{32}$/;

/** A fresh 128-bit seed from the operating system's random source, as 32 lower-case hex digits. */
export function freshSeed(): string {
  return randomBytes(16).toString('hex');
}

export function isSeed(text: string): boolean {
  return seedPattern.test(text);
}

/** SM3(seed bytes ‖ UTF-8 of the reference), hex: the item's place in the draw. */
export function sortKeyOf(seed: string, ref: string): string {
  return sm3Hex(Buffer.concat([Buffer.from(seed, 'hex'), Buffer.from(ref, 'utf8')]));
}

export interface SampledRef {
  ref: string;
  sortKey: string;
}

/** The first `size` references in SM3(seed ‖ ref) order. */
export function sampleRefs(seed: string, refs: readonly string[], size: number): SampledRef[] {
  return refs
    .map((ref) => ({ ref, sortKey: sortKeyOf(seed, ref) }))
    .sort((a, b) => compareText(a.sortKey, b.sortKey) || compareText(a.ref, b.ref))
    .slice(0, size);
}

/**
 * What the population was: SM3 of its references sorted by code unit and joined by newlines. Stored with the draw,
 * so reading the population again later shows whether it has changed since (a household added or removed after the
 * draw would change which items a re-run picks).
 */
export function populationDigest(refs: readonly string[]): string {
  return sm3Hex([...refs].sort(compareText).join('\n'));
}

/**
 * How many to draw: a fixed count, or a rate of the population (whole per cent, rounded up) with a minimum; never
 * more than the population holds.
 */
export type SizeRule = { count: number } | { ratePercent: number; minimum: number };

/**
 * The size rule when the caller gives none: 5 per cent, at least 10. An example of local practice: no seed says how
 * many households or files a 抽查 takes.
 */
export const defaultSizeRule: SizeRule = { ratePercent: 5, minimum: 10 };

export function sampleSize(rule: SizeRule, populationCount: number): number {
  const wanted = 'count' in rule ? rule.count : Math.max(rule.minimum, Math.ceil((populationCount * rule.ratePercent) / 100));
  return Math.min(wanted, populationCount);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
