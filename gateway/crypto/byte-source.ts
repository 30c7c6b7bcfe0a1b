import { open, stat, type FileHandle } from 'node:fs/promises';

/**
 * Random access to a message, in memory or in a file. openEnvelope reads an envelope twice (hash and verify
 * first, decrypt only then), and the small parts of one are read where they lie, so a source must be readable
 * more than once; files are never read whole, which keeps a 1 GB envelope in constant memory.
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
      // Two buffers, so the next chunk is read (on libuv's thread pool) while the caller works on this one; each
      // is refilled only once the caller asked for the chunk after the one it holds, as the contract above allows.
      const size = Math.min(chunkSize, Math.max(0, end - start));
      const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
      const fill = async (buffer: Buffer, at: number): Promise<Buffer> => {
        const length = Math.min(chunkSize, end - at);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, at + filled);
          if (bytesRead === 0) throw new Error(`${path} ended at ${at + filled}, before ${end}`);
          filled += bytesRead;
        }
        return buffer.subarray(0, length);
      };
      let next = start < end ? fill(buffers[0]!, start) : undefined;
      for (let at = start, turn = 0; next; at += chunkSize, turn ^= 1) {
        const chunk = await next;
        next = at + chunkSize < end ? fill(buffers[turn ^ 1]!, at + chunkSize) : undefined;
        next?.catch(() => {}); // a failed read-ahead is thrown when its chunk is awaited, not as an unhandled rejection
        yield chunk;
      }
    },
    close: () => handle.close(),
  };
}
