import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStreamSm3, threadFromBytes } from '../../gateway/crypto/sm3-thread.js';

/** GB/T 32905-2016, appendix A: example 1 ("abc") and example 2 ("abcd" sixteen times). */
const vectors = [
  { message: 'abc', digest: '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0' },
  { message: 'abcd'.repeat(16), digest: 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732' },
];

async function digestOf(chunks: Uint8Array[], expectedBytes: number): Promise<string> {
  const digest = createStreamSm3(expectedBytes);
  try {
    for (const chunk of chunks) await digest.update(chunk);
    return (await digest.digest()).toString('hex');
  } finally {
    await digest.close();
  }
}

describe('SM3 of a stream on a second thread', () => {
  it('gives the standard’s digests, a byte at a time, on the thread and inline', async () => {
    for (const { message, digest } of vectors) {
      const bytes = [...Buffer.from(message)].map((byte) => Uint8Array.of(byte));
      expect(await digestOf(bytes, threadFromBytes)).toBe(digest);
      expect(await digestOf(bytes, 0)).toBe(digest);
    }
  });

  it('gives what a one-shot SM3 gives over many chunks of any size, empty ones and ones larger than its slots included', async () => {
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(i % 7 === 0 ? 0 : (i * 7919) % (256 * 1024)));
    chunks.splice(20, 0, randomBytes(2.5 * 1024 * 1024 + 3));
    const expected = createHash('sm3').update(Buffer.concat(chunks)).digest('hex');
    expect(await digestOf(chunks, threadFromBytes)).toBe(expected);
  });

  it('hashes each chunk as it was when given, though the caller reuses the buffer at once', async () => {
    const buffer = Buffer.alloc(64 * 1024);
    const copies: Buffer[] = [];
    const digest = createStreamSm3(threadFromBytes);
    for (let i = 0; i < 20; i++) {
      buffer.fill(i);
      copies.push(Buffer.from(buffer));
      await digest.update(buffer);
    }
    expect((await digest.digest()).toString('hex')).toBe(createHash('sm3').update(Buffer.concat(copies)).digest('hex'));
    await digest.close();
  });

  it('refuses a digest or an update once its thread has been closed', async () => {
    const digest = createStreamSm3(threadFromBytes);
    await digest.update(Buffer.from('abc'));
    await digest.close();
    await expect(digest.digest()).rejects.toThrow('the SM3 thread has been closed');
    await expect(digest.update(Buffer.from('d'))).rejects.toThrow('the SM3 thread has been closed');
  });
});
