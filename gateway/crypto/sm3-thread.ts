import { Worker } from 'node:worker_threads';
import { createSm3 } from './sm3.js';

/**
 * SM3 of a long stream, computed on a second thread while this one does the rest (SM4, sealing or opening an envelope).
 * Sealing ran SM4 and SM3 one after the other on one thread: at ~135 and ~450 MB/s here that is ~104 MB/s at
 * best, under `openssl enc`'s ~125 MB/s for SM4 alone. A worker hashing each chunk while the next one is encrypted
 * takes SM3 off the path.
 *
 * Chunks reach the worker through a ring of `slotCount` slots in one SharedArrayBuffer: each is copied into the next
 * free slot (a memory copy, estimated at well under a millisecond a MiB beside SM4's ~7 ms), so the caller may write and reuse its buffer at once, and `update`
 * waits for the worker when every slot is taken. Nothing is allocated per chunk: cloning each chunk into the worker
 * instead left ~45 MB of copies waiting for the worker's collector (measured: peak RSS 146–149 MB against 115–116 MB
 * with the ring). Below `threadFromBytes` a stream is hashed here: a worker's start-up (tens of milliseconds, an
 * estimate) would eat what a few megabytes of SM3 on another core save.
 */
export interface StreamDigest {
  update(chunk: Uint8Array): Promise<void> | void;
  /** The digest; the worker, if any, ends. */
  digest(): Promise<Buffer>;
  /** Ends the worker without a digest, when the stream failed. Safe to call after `digest`. */
  close(): Promise<void>;
}

export const threadFromBytes = 32 * 1024 * 1024;
const slotBytes = 1024 * 1024;
const slotCount = 4;

/** An SM3 over a stream of `expectedBytes`, on a worker thread when it is long enough to gain from one. */
export function createStreamSm3(expectedBytes: number): StreamDigest {
  return expectedBytes >= threadFromBytes ? new ThreadedSm3() : inlineSm3();
}

function inlineSm3(): StreamDigest {
  const hash = createSm3();
  return {
    update: (chunk) => void hash.update(chunk),
    digest: async () => hash.digest(),
    close: async () => {},
  };
}

/**
 * The worker's whole program, plain CommonJS so it runs the same from the compiled build and from the TypeScript
 * sources (a worker does not inherit the loader the tests run under). A message is a slot's number and length,
 * answered with the slot's number once hashed; -1 asks for the digest.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sm3');
const ring = new Uint8Array(workerData.ring);
parentPort.on('message', ([slot, length]) => {
  if (slot === -1) return parentPort.postMessage(hash.digest());
  hash.update(ring.subarray(slot * workerData.slotBytes, slot * workerData.slotBytes + length));
  parentPort.postMessage(slot);
});
`;

class ThreadedSm3 implements StreamDigest {
  private readonly ring = new Uint8Array(new SharedArrayBuffer(slotBytes * slotCount));
  private readonly worker = new Worker(workerSource, { eval: true, workerData: { ring: this.ring.buffer, slotBytes } });
  private nextSlot = 0;
  private slotsTaken = 0;
  private failure: Error | undefined;
  /** Set once this side ends the worker, so its exit is not taken for a failure. */
  private ended = false;
  private slotFreed: (() => void) | undefined;
  private digested: { resolve: (digest: Buffer) => void; reject: (error: Error) => void } | undefined;

  constructor() {
    // A failed seal must not leave the process waiting on this thread.
    this.worker.unref();
    this.worker.on('message', (message: number | Uint8Array) => (typeof message === 'number' ? this.free() : this.deliver(Buffer.from(message))));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`the SM3 thread stopped (exit code ${code})`));
    });
  }

  async update(chunk: Uint8Array): Promise<void> {
    for (let start = 0; start < chunk.length; start += slotBytes) {
      while (this.slotsTaken === slotCount && !this.failure) await new Promise<void>((resolve) => (this.slotFreed = resolve));
      if (this.failure) throw this.failure;
      const piece = chunk.subarray(start, start + slotBytes);
      this.ring.set(piece, this.nextSlot * slotBytes);
      this.worker.postMessage([this.nextSlot, piece.length]);
      this.nextSlot = (this.nextSlot + 1) % slotCount;
      this.slotsTaken += 1;
    }
    if (this.failure) throw this.failure;
  }

  digest(): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Buffer>((resolve, reject) => {
      this.digested = { resolve, reject };
      this.worker.postMessage([-1, 0]);
    });
  }

  async close(): Promise<void> {
    this.ended = true;
    this.fail(new Error('the SM3 thread has been closed'));
    await this.worker.terminate();
  }

  private free(): void {
    this.slotsTaken -= 1;
    this.wake();
  }

  private deliver(digest: Buffer): void {
    const waiting = this.digested;
    this.digested = undefined;
    waiting?.resolve(digest);
    void this.close();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake();
    this.digested?.reject(error);
    this.digested = undefined;
  }

  private wake(): void {
    const waiting = this.slotFreed;
    this.slotFreed = undefined;
    waiting?.();
  }
}
