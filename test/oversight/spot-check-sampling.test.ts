import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSeed, populationDigest, sampleRefs, sampleSize, sortKeyOf } from '../../gateway/oversight/spot-checks/sampling.js';
import { parseSpotCheckPeriod } from '../../gateway/oversight/spot-checks/spot-check-period.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

const seed = '00112233445566778899aabbccddeeff';
const refs = ['household:640121100200-0001', 'household:640121100200-0002', 'warning:17', 'application:3', 'household:640121101200-0009'];

/** `openssl dgst -sm3 -r FILE` prints the digest first. */
async function opensslSm3(openssl: OpensslWorkdir, name: string, bytes: Uint8Array | string): Promise<string> {
  await openssl.write(name, bytes);
  return (await openssl.ok(['dgst', '-sm3', '-r', name])).toString('utf8').split(' ')[0]!;
}

describe('the spot-check sample, checked from outside', () => {
  let openssl: OpensslWorkdir;
  beforeAll(async () => {
    openssl = await createOpensslWorkdir();
  });
  afterAll(async () => openssl.remove());

  it('orders by what openssl computes for the seed bytes followed by the reference', async () => {
    const keys = new Map<string, string>();
    for (const [index, ref] of refs.entries()) {
      const digest = await opensslSm3(openssl, `item-${index}`, Buffer.concat([Buffer.from(seed, 'hex'), Buffer.from(ref, 'utf8')]));
      expect(sortKeyOf(seed, ref)).toBe(digest);
      keys.set(ref, digest);
    }
    const byOpenssl = [...refs].sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : 1)).slice(0, 3);
    expect(sampleRefs(seed, refs, 3).map((s) => s.ref)).toEqual(byOpenssl);
  });

  it('digests the population as its references sorted and joined by newlines, whatever order they come in', async () => {
    const digest = await opensslSm3(openssl, 'population', [...refs].sort().join('\n'));
    expect(populationDigest(refs)).toBe(digest);
    expect(populationDigest([...refs].reverse())).toBe(digest);
    expect(populationDigest(refs.slice(1))).not.toBe(digest);
  });
});

describe('spot-check sizes, seeds and periods', () => {
  it('takes a count or a rounded-up rate with its minimum, never more than the population', () => {
    expect(sampleSize({ count: 5 }, 17)).toBe(5);
    expect(sampleSize({ count: 40 }, 17)).toBe(17);
    expect(sampleSize({ ratePercent: 5, minimum: 10 }, 1915)).toBe(96);
    expect(sampleSize({ ratePercent: 5, minimum: 10 }, 100)).toBe(10);
    expect(sampleSize({ ratePercent: 5, minimum: 10 }, 7)).toBe(7);
  });

  it('draws fresh seeds of 128 bits that differ', () => {
    const seeds = new Set(Array.from({ length: 20 }, freshSeed));
    expect(seeds.size).toBe(20);
    for (const s of seeds) expect(s).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads months, quarters and years as calendar days, and nothing else', () => {
    expect(parseSpotCheckPeriod('2024-02')).toEqual({ text: '2024-02', from: '2024-02-01', to: '2024-02-29' });
    expect(parseSpotCheckPeriod('2024-Q4')).toEqual({ text: '2024-Q4', from: '2024-10-01', to: '2024-12-31' });
    expect(parseSpotCheckPeriod('2024')).toEqual({ text: '2024', from: '2024-01-01', to: '2024-12-31' });
    expect(parseSpotCheckPeriod('2024-13')).toBeUndefined();
    expect(parseSpotCheckPeriod('2024-W05')).toBeUndefined();
  });
});
