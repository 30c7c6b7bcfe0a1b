import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { CryptoError } from '../../gateway/crypto/crypto-error.js';
import { ProblemError } from '../../gateway/errors.js';
import { receivedError, sendableError, type SentError } from '../../gateway/feeds/thread-errors.js';

/** Through a real MessagePort, as the import's reading worker sends them: the structured clone is what strips classes. */
async function acrossThreads(error: unknown): Promise<Error> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<SentError>((resolve) => port2.once('message', resolve));
  port1.postMessage(sendableError(error));
  const sent = await received;
  port1.close();
  return receivedError(sent);
}

describe('errors sent across the import’s thread boundary', () => {
  it('arrive as the class they were thrown as, with its code, fields and message', async () => {
    const refused = await acrossThreads(new AdapterError('zip-bomb', 'big.xlsx', 'the zip entry xl/sheet1.xml expands past its declared size.'));
    expect(refused).toBeInstanceOf(AdapterError);
    expect(refused).toMatchObject({ name: 'AdapterError', code: 'zip-bomb', fileName: 'big.xlsx', message: 'big.xlsx: the zip entry xl/sheet1.xml expands past its declared size.' });

    const problem = await acrossThreads(new ProblemError('validation-failed', 'value x=1: is empty', [{ pointer: '/x', detail: 'empty' }]));
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem).toMatchObject({ code: 'validation-failed', status: 400, message: 'value x=1: is empty', errors: [{ pointer: '/x', detail: 'empty' }] });

    const crypto = await acrossThreads(new CryptoError('bad-key', 'a field key is 48 bytes'));
    expect(crypto).toBeInstanceOf(CryptoError);
    expect(crypto).toMatchObject({ code: 'bad-key', message: '[crypto] a field key is 48 bytes' });
  });

  it('keeps an unknown error a plain Error with its name and message, and a thrown non-error as its text', async () => {
    const range = await acrossThreads(new RangeError('Invalid array length'));
    expect(range).toBeInstanceOf(Error);
    expect(range).toMatchObject({ name: 'RangeError', message: 'Invalid array length' });
    expect((await acrossThreads('a string thrown')).message).toBe('a string thrown');
  });
});
