import { describe, expect, it } from 'vitest';
import { rowKeyHalves, SeenRows } from '../../../adapters/kit/seen-rows.js';

/** Two different one-cell rows whose first key halves collide, found by a birthday search (~2^16 tries). */
function firstHalfCollision(): [string, string] {
  const byFirstHalf = new Map<number, string>();
  for (let i = 0; ; i++) {
    const cell = `64012119800101${String(i).padStart(6, '0')}`;
    const [a] = rowKeyHalves([cell], [0]);
    const earlier = byFirstHalf.get(a);
    if (earlier !== undefined) return [earlier, cell];
    byFirstHalf.set(a, cell);
  }
}

describe('SeenRows', () => {
  it('names the earlier location of a repeated row, over the key columns only', () => {
    const seen = new SeenRows();
    expect(seen.earlierLocation(['1', '张伟', '640121198001010011'], [1, 2], 'line 2')).toBeUndefined();
    expect(seen.earlierLocation(['2', '李娜', '640121198001010011'], [1, 2], 'line 3')).toBeUndefined();
    expect(seen.earlierLocation(['3', '张伟', '640121198001010011'], [1, 2], 'line 4')).toBe('line 2');
  });

  it('keeps cells apart: ("ab", "c") is not ("a", "bc")', () => {
    const seen = new SeenRows();
    expect(seen.earlierLocation(['ab', 'c'], [0, 1], 'line 2')).toBeUndefined();
    expect(seen.earlierLocation(['a', 'bc'], [0, 1], 'line 3')).toBeUndefined();
  });

  it('tells rows apart whose first halves collide, and still finds their repeats', () => {
    const [first, second] = firstHalfCollision();
    expect(rowKeyHalves([first], [0])[1]).not.toBe(rowKeyHalves([second], [0])[1]);
    const seen = new SeenRows();
    expect(seen.earlierLocation([first], [0], 'line 2')).toBeUndefined();
    expect(seen.earlierLocation([second], [0], 'line 3')).toBeUndefined();
    expect(seen.earlierLocation([second], [0], 'line 4')).toBe('line 3');
    expect(seen.earlierLocation([first], [0], 'line 5')).toBe('line 2');
  });
});
