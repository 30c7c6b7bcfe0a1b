/**
 * The one source of randomness for the demo county: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator
 * from PractRand), seeded through splitmix32.
 *
 * sfc32 passes PractRand and BigCrush, keeps 128 bits of state, and needs only 32-bit integer operations, which V8
 * runs without boxing — fast enough that a million generated persons spend their time building objects, not
 * drawing numbers. splitmix32 spreads the user's seed over the four state words so that seeds 1 and 2 give
 * unrelated streams. The same seed always gives the same stream on any platform: the demo data must never depend
 * on `Math.random` or the clock.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`[demo] The seed must be a safe integer, got ${String(seed)}.`);
    }
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x9e3779b9);
    const nextSplitMix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = nextSplitMix();
    this.b = nextSplitMix();
    this.c = nextSplitMix();
    this.d = nextSplitMix();
    /** The first outputs of a freshly seeded sfc32 are still correlated with the seed; PractRand discards 12. */
    for (let warmUp = 0; warmUp < 12; warmUp += 1) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [0, bound). */
  integerBelow(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /** An integer in [min, max], both ends included. */
  integerBetween(min: number, max: number): number {
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.nextFloat() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.nextFloat() * items.length)];
    if (item === undefined) throw new RangeError('[demo] Cannot pick from an empty list.');
    return item;
  }

  pickWeighted<T>(table: WeightedTable<T>): T {
    const target = this.nextFloat() * table.total;
    const cumulative = table.cumulative;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return table.values[low] as T;
  }
}

/** Values with relative weights, prepared once so that a draw is a binary search. */
export interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

export function defineWeightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, weight], index) => {
    if (!(weight >= 0)) throw new RangeError(`[demo] Weights must be non-negative numbers, got ${weight}.`);
    total += weight;
    cumulative[index] = total;
  });
  if (total <= 0) throw new RangeError('[demo] A weighted table needs at least one positive weight.');
  return { values: entries.map(([value]) => value), cumulative, total };
}
