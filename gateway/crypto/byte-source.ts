import { open, stat, type FileHandle } from 'node:fs/promises';

/**
 * Random access to a message, in memory or in a file. Envelopes are opened in two passes (hash and verify
 * first, decrypt only then) and sealed in two, so their input must be readable more than once; files are
 * never read whole, which keeps a 1 GB envelope in constant memory.
 */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /**
   * The bytes [start, end) in chunks of at most `chunkSize`. A chunk is valid until the next one is requested:
   * file sources reuse one buffer, because a fresh 1 MiB buffer per read is external memory that waits for a
   * garbage collection and adds ~30 MB of RSS to a large file's pass (measured).
   */
  chunks(start: number, end: number, chunkSize?: number): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

const defaultChunk = 1 << 20;

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    async read(position, length) {
      return buffer.subarray(position, Math.min(buffer.length, position + length));
    },
    async *chunks(start, end, chunkSize = defaultChunk) {
      for (let at = start; at < end; at += chunkSize) yield buffer.subarray(at, Math.min(end, at + chunkSize));
    },
    async close() {},
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  const handle: FileHandle = await open(path, 'r');
  const read = async (position: number, length: number) => {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  };
  return {
    size,
    read,
    async *chunks(start, end, chunkSize = defaultChunk) {
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(0, end - start)));
      for (let at = start; at < end; at += chunkSize) {
        const length = Math.min(chunkSize, end - at);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, at + filled);
          if (bytesRead === 0) throw new Error(`${path} ended at ${at + filled}, before ${end}`);
          filled += bytesRead;
        }
        yield buffer.subarray(0, length);
      }
    },
    close: () => handle.close(),
  };
}
