import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, rowKeyHalves, SeenRows, slotOf } from '../../../adapters/kit/seen-rows.js';

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

/** What SeenRows must answer, kept the plain way: every key with the location of its first row. */
function referenceAnswers(rows: readonly { cells: string[]; location: string }[]): (string | undefined)[] {
  const first = new Map<string, string>();
  return rows.map(({ cells, location }) => {
    const key = rowKeyHalves(cells, [0, 1]).join(':');
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, location);
    return earlier;
  });
}

describe('SeenRows past its memory', () => {
  it('finds repeats of rows it wrote out to disk, in every run, and rows kept in memory after a spill', () => {
    const seen = new SeenRows({ inMemoryRows: 100 });
    try {
      for (let i = 0; i < 1000; i++) expect(seen.earlierLocation([`p${i}`, '2024-05'], [0, 1], `line ${i + 2}`)).toBeUndefined();
      // Ten runs of 100 on disk; the first, a middle and the last row of the file.
      expect(seen.earlierLocation(['p0', '2024-05'], [0, 1], 'line 5000')).toBe('line 2');
      expect(seen.earlierLocation(['p555', '2024-05'], [0, 1], 'line 5001')).toBe('line 557');
      expect(seen.earlierLocation(['p999', '2024-05'], [0, 1], 'line 5002')).toBe('line 1001');
      expect(seen.earlierLocation(['p999', '2024-06'], [0, 1], 'line 5003')).toBeUndefined();
      expect(seen.earlierLocation(['p999', '2024-06'], [0, 1], 'line 5004')).toBe('line 5003');
      // The runs' file was unlinked once open: nothing of it is left to find, even before close.
      expect(readdirSync(tmpdir()).filter((name) => name.startsWith('jiuzhu-seen-rows-'))).toEqual([]);
    } finally {
      seen.close();
    }
  });

  it('tells apart rows whose first halves collide when one of them is on disk', () => {
    const [first, second] = firstHalfCollision();
    const seen = new SeenRows({ inMemoryRows: 1 });
    try {
      expect(seen.earlierLocation([first], [0], 'line 2')).toBeUndefined();
      expect(seen.earlierLocation(['other'], [0], 'line 3')).toBeUndefined();
      expect(seen.earlierLocation([second], [0], 'line 4')).toBeUndefined();
      expect(seen.earlierLocation(['more'], [0], 'line 5')).toBeUndefined();
      expect(seen.earlierLocation([second], [0], 'line 6')).toBe('line 4');
      expect(seen.earlierLocation([first], [0], 'line 7')).toBe('line 2');
    } finally {
      seen.close();
    }
  });

  it('reads past a spilled key whose fingerprint and slot another key shares', () => {
    // Three one-cell rows alike in fingerprint and in home slot of a four-slot table (what inMemoryRows 2 makes).
    const bySlotAndFingerprint = new Map<number, string[]>();
    let alike: string[] = [];
    for (let i = 0; alike.length < 3; i++) {
      const cell = `64012119800101${String(i).padStart(6, '0')}`;
      const [a, b] = rowKeyHalves([cell], [0]);
      const group = (slotOf(a, b, 30) << 16) | fingerprintOf(b);
      alike = [...(bySlotAndFingerprint.get(group) ?? []), cell];
      bySlotAndFingerprint.set(group, alike);
    }
    const [first, second, third] = alike as [string, string, string];
    const seen = new SeenRows({ inMemoryRows: 2 });
    try {
      expect(seen.earlierLocation([first], [0], 'line 2')).toBeUndefined();
      expect(seen.earlierLocation([second], [0], 'line 3')).toBeUndefined();
      expect(seen.earlierLocation(['spills the two'], [0], 'line 4')).toBeUndefined();
      expect(seen.earlierLocation([second], [0], 'line 5')).toBe('line 3');
      expect(seen.earlierLocation([first], [0], 'line 6')).toBe('line 2');
      expect(seen.earlierLocation([third], [0], 'line 7')).toBeUndefined();
    } finally {
      seen.close();
    }
  });

  it('gives back every reader\'s locations as they were written', () => {
    const locations = ['line 2', '低保名册!A5', 'Sheet1!A1048576', 'record 7', 'line 999999999', 'line 1234567890', 'line 007', 'line 0', '42', 'no number', ''];
    for (const inMemoryRows of [1, 1 << 20]) {
      const seen = new SeenRows({ inMemoryRows });
      try {
        locations.forEach((location, i) => expect(seen.earlierLocation([`row ${i}`], [0], location)).toBeUndefined());
        locations.forEach((location, i) => expect(seen.earlierLocation([`row ${i}`], [0], 'later')).toBe(location));
      } finally {
        seen.close();
      }
    }
  });

  it('answers as a plain map of keys would, whatever the memory and the repeats', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom('2024-05', '2024-06')), { maxLength: 400 }),
      fc.integer({ min: 1, max: 50 }),
      (keys, inMemoryRows) => {
        const rows = keys.map(([person, month], i) => ({ cells: [`64012119800101${String(person).padStart(4, '0')}`, month], location: `line ${i + 2}` }));
        const seen = new SeenRows({ inMemoryRows });
        try {
          expect(rows.map(({ cells, location }) => seen.earlierLocation(cells, [0, 1], location))).toEqual(referenceAnswers(rows));
        } finally {
          seen.close();
        }
      },
    ));
  });
});
