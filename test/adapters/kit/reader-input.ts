import { readFileSync } from 'node:fs';
import { AdapterError } from '../../../adapters/kit/adapter-error.js';
import type { FileInput } from '../../../adapters/kit/rows.js';

/** A file held in memory, as an upload arrives; text is written as UTF-8. */
export function fileOf(fileName: string, content: string | Uint8Array): FileInput {
  return { fileName, bytes: typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content) };
}

export function fixture(name: string): FileInput {
  const url = new URL(`../../fixtures/readers/${name}`, import.meta.url);
  return { fileName: name, bytes: readFileSync(url) };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The error a read ends with, failing the test if it ends without one. */
export async function readError(items: AsyncIterable<unknown>): Promise<AdapterError> {
  try {
    for await (const _ of items);
  } catch (error) {
    if (error instanceof AdapterError) return error;
    throw error;
  }
  throw new Error('expected the read to be refused');
}
