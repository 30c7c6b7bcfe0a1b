import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../gateway/crypto/byte-source.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'jiuzhu-byte-source-'));
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('a file source read in chunks (the next one read ahead)', () => {
  it.each([
    [0, 1000, 64],
    [3, 997, 64],
    [5, 6, 64],
    [0, 1000, 1000],
    [0, 1000, 4096],
    [10, 10, 64],
  ])('yields exactly the bytes [%i, %i) in chunks of at most %i', async (start, end, chunkSize) => {
    const bytes = randomBytes(1000);
    const path = join(directory, `chunks-${start}-${end}-${chunkSize}.bin`);
    await writeFile(path, bytes);
    const source = await fileSource(path);
    const copies: Buffer[] = [];
    try {
      // Copied at once: a chunk is only valid until the next is asked for.
      for await (const chunk of source.chunks(start, end, chunkSize)) {
        expect(chunk.length).toBeLessThanOrEqual(chunkSize);
        copies.push(Buffer.from(chunk));
      }
    } finally {
      await source.close();
    }
    expect(Buffer.concat(copies).equals(bytes.subarray(start, end))).toBe(true);
  });

  it('throws when the file is shorter than the range asked for (it shrank after it was opened)', async () => {
    const path = join(directory, 'shrinking.bin');
    await writeFile(path, randomBytes(1000));
    const source = await fileSource(path);
    await truncate(path, 500);
    const reading = (async () => {
      for await (const _chunk of source.chunks(0, 1000, 128)) { /* drain */ }
    })();
    await expect(reading).rejects.toThrow(/ended at 500, before 1000/);
    await source.close();
  });
});
