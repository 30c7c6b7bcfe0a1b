import { parentPort, workerData } from 'node:worker_threads';
import { openWritingKeyring, type WritingKeyring, type WritingKeys } from '../keystore/data-keys.js';
import { prepareChunks, type PrepareRequest } from './prepared-chunks.js';
import { sendableError } from './thread-errors.js';
import type { ToReader, ToWriter } from './reading-thread.js';

/**
 * The import's reading worker (started by reading-thread.ts): reads, maps, indexes and encrypts the file, and posts
 * prepared chunks to the writing thread, never more than `ahead` of them unacknowledged, so a fast reader facing a
 * slow database waits instead of filling memory.
 */
const { request, keys, ahead } = workerData as { request: PrepareRequest; keys: WritingKeys; ahead: number };
const port = parentPort!;
// An upload's bytes arrive as a plain Uint8Array (the structured clone drops Buffer's class); the readers want a Buffer.
if (request.input.bytes) request.input.bytes = Buffer.from(request.input.bytes.buffer, request.input.bytes.byteOffset, request.input.bytes.byteLength);

let active = openWritingKeyring(keys);
// A rotation may start during a long import: the writing thread sends the new key, and later chunks use it.
const keyring: WritingKeyring = {
  get activeFieldKeyId() {
    return active.activeFieldKeyId;
  },
  encrypt: (value) => active.encrypt(value),
  encryptMany: ((values: readonly string[]) => active.encryptMany(values)) as WritingKeyring['encryptMany'],
  blindIndex: (kind, value) => active.blindIndex(kind, value),
};

let unacknowledged = 0;
let wake: (() => void) | undefined;
port.on('message', (message: ToReader) => {
  if (message.type === 'ack') {
    unacknowledged -= 1;
    wake?.();
    wake = undefined;
  } else {
    active = openWritingKeyring(message.keys);
  }
});

const send = (message: ToWriter) => port.postMessage(message);
try {
  for await (const chunk of prepareChunks(request, keyring)) {
    while (unacknowledged >= ahead) await new Promise<void>((resolve) => (wake = resolve));
    unacknowledged += 1;
    send({ type: 'chunk', chunk });
  }
  send({ type: 'done' });
} catch (error) {
  send({ type: 'error', error: sendableError(error) });
}
port.close();
