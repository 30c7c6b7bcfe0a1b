/**
 * Duplicate rows are found by a 64-bit key (two independent 32-bit FNV-1a hashes) rather than by keeping every
 * fact's text: memory stays ~50 bytes a row instead of the file's size. Two different facts share a key with
 * odds of about 1 in 36 million in a million-row file; the reject names the earlier line, so a clerk can check.
 * The halves stay numbers (no string per row): the first indexes a Map, the second is compared beside it.
 */
export class SeenRows {
  private readonly byFirstHalf = new Map<number, number>();
  private readonly secondHalves: number[] = [];
  private readonly locations: string[] = [];
  /** Keys whose first half collides with an earlier, different key: rare, so a string key is fine. */
  private readonly collisions = new Map<string, string>();

  /** The location of an earlier row with the same key, or undefined after remembering this one. */
  earlierLocation(cells: readonly string[], columns: readonly number[], location: string): string | undefined {
    const [a, b] = rowKeyHalves(cells, columns);
    const index = this.byFirstHalf.get(a);
    if (index === undefined) {
      this.byFirstHalf.set(a, this.locations.length);
      this.secondHalves.push(b);
      this.locations.push(location);
      return undefined;
    }
    if (this.secondHalves[index] === b) return this.locations[index];
    const key = `${a}:${b}`;
    const earlier = this.collisions.get(key);
    if (earlier === undefined) this.collisions.set(key, location);
    return earlier;
  }
}

/** The two 32-bit halves of a row's key over the given columns. Exported for the collision test. */
export function rowKeyHalves(cells: readonly string[], columns: readonly number[]): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const column of columns) {
    const text = cells[column] ?? '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    // A separator between cells, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995) ^ (b >>> 15);
  }
  return [a, b];
}
