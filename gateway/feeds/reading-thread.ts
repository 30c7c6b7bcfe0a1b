import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DataKeyring, WritingKeys } from '../keystore/data-keys.js';
import { prepareChunks, type PrepareRequest, type PreparedChunk } from './prepared-chunks.js';
import { receivedError, type SentError } from './thread-errors.js';

/**
 * Where an import reads and maps its file. 'worker': a worker thread does the reading, mapping, blind indexes and
 * encryption while this thread writes the chunks it hands over, so the two overlap on two cores. 'inline': all on
 * this thread, the same code. 'auto': a worker for a file of `workerFromBytes` or more that is not a workbook, when
 * the keyring can hand its keys over (the benchmark's clear keyring cannot).
 */
export type ReadingThread = 'auto' | 'inline' | 'worker';

/**
 * Below this a file is read inline. Starting a worker costs 0.3–0.55 s of its own (measured on a shared 2-core machine:
 * loading the mapping code, the schemas and the fact validators afresh), about what mapping a 1 MB CSV (~14,000 rows)
 * costs inline; from there on the overlap wins.
 */
export const workerFromBytes = 1024 * 1024;

/** Chunks the worker may have sent and the writer not yet taken: 4 × 1,000 rows is a few MB, and keeps the writer fed. */
const chunksAhead = 4;

export interface ChunkSource {
  chunks: AsyncIterable<PreparedChunk>;
  /** Stops the worker, if any: after the last chunk, or when the writer gives up (a database error, a duplicate). */
  close(): Promise<void>;
}

/** Messages from the writing thread to the reading worker, and back. */
export type ToReader = { type: 'ack' } | { type: 'keys'; keys: WritingKeys };
export type ToWriter = { type: 'chunk'; chunk: PreparedChunk } | { type: 'done' } | { type: 'error'; error: SentError };

export function startReading(request: PrepareRequest, keyring: DataKeyring, thread: ReadingThread = 'auto'): ChunkSource {
  const inWorker = thread === 'worker'
    || (thread === 'auto' && keyring.writingKeys !== undefined && !spreadsheet(request) && fileSize(request) >= workerFromBytes);
  if (!inWorker) return { chunks: prepareChunks(request, keyring), close: async () => undefined };
  if (!keyring.writingKeys) throw new Error('this keyring cannot hand its keys to a worker thread: read inline');
  return readInWorker(request, keyring, keyring.writingKeys());
}

/**
 * Workbooks stay inline: the worker loads the spreadsheet readers afresh, and a 40,000-row XLSX import took 0.6–0.7 s
 * longer through it than inline, in each of two interleaved rounds on a quiet machine (2026-12-05), for no overlap gained.
 */
function spreadsheet(request: PrepareRequest): boolean {
  return request.format === 'xlsx' || request.format === 'xls';
}

function fileSize(request: PrepareRequest): number {
  return request.input.bytes ? request.input.bytes.length : request.input.path ? statSync(request.input.path).size : 0;
}

function readInWorker(request: PrepareRequest, keyring: DataKeyring, keys: WritingKeys): ChunkSource {
  // The data keys go to the worker in memory, with its workerData: never through a file or the environment. An input
  // given as bytes is copied there too (the API and the CLI pass a path; bytes are tests' and small uploads').
  const worker = startWorker({ request, keys, ahead: chunksAhead });
  const queue: PreparedChunk[] = [];
  let ended = false;
  let failure: Error | undefined;
  let notify: (() => void) | undefined;
  const wakeReader = () => {
    notify?.();
    notify = undefined;
  };
  worker.on('message', (message: ToWriter) => {
    if (message.type === 'chunk') queue.push(message.chunk);
    else if (message.type === 'done') ended = true;
    else failure ??= receivedError(message.error);
    wakeReader();
  });
  worker.on('error', (error) => {
    failure ??= error;
    wakeReader();
  });
  worker.on('exit', (code) => {
    if (!ended) failure ??= new Error(`the import's reading thread stopped (exit code ${code}) before it had read the whole file`);
    wakeReader();
  });
  let keyId = keys.fieldKeyId;
  async function* chunks(): AsyncIterable<PreparedChunk> {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        worker.postMessage({ type: 'ack' } satisfies ToReader);
        // A rotation began while the file was read (the keyring refreshed): later chunks go under the new key too.
        if (keyring.activeFieldKeyId !== keyId && keyring.writingKeys) {
          const fresh = keyring.writingKeys();
          keyId = fresh.fieldKeyId;
          worker.postMessage({ type: 'keys', keys: fresh } satisfies ToReader);
        }
        yield chunk;
      } else if (failure) {
        throw failure;
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (notify = resolve));
      }
    }
  }
  return {
    chunks: chunks(),
    close: async () => {
      ended = true;
      await worker.terminate();
    },
  };
}

/**
 * The compiled worker beside this module (dist/, what `jiuzhu` runs). Run from the TypeScript sources (vitest, tsx)
 * there is none, and a worker does not inherit the loader that runs them: it registers tsx's (a dev dependency) first.
 */
function startWorker(workerData: unknown): Worker {
  const compiled = new URL('./reading-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData });
  const source = new URL('./reading-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
