import { describe, expect, it } from 'vitest';
import { decodeStream, detectEncoding, readTextChunks } from '../../../adapters/kit/encoding.js';
import { collect, fileOf, fixture, readError } from './reader-input.js';

/** 张三 in GBK. */
const zhangSanGbk = [0xd5, 0xc5, 0xc8, 0xfd];
/** 𠮷 (U+20BB7), which only GB18030's four-byte form can hold. */
const jiGb18030 = [0x95, 0x34, 0xb2, 0x35];

async function* chunksOf(...chunks: number[][]): AsyncIterable<Uint8Array> {
  for (const chunk of chunks) yield Uint8Array.from(chunk);
}

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('detectEncoding', () => {
  it('reads valid UTF-8 as UTF-8', () => {
    expect(detectEncoding(Buffer.from('姓名,身份证号\n张三,11010519491231002X\n'))).toBe('utf-8');
  });

  it('still calls a sample UTF-8 when it cuts the last character in half', () => {
    const bytes = Buffer.from('姓名张三');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1))).toBe('utf-8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 2))).toBe('utf-8');
  });

  it('calls a file with a UTF-8 byte-order mark UTF-8', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, ...zhangSanGbk]))).toBe('utf-8');
  });

  it('reads GBK text as GB18030, its superset', () => {
    expect(detectEncoding(fixture('gbk-roster.csv').bytes!)).toBe('gb18030');
    expect(detectEncoding(Uint8Array.from(zhangSanGbk))).toBe('gb18030');
  });

  it('refuses UTF-16 with a byte-order mark, saying what it is', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名,身份证号\n', 'utf16le')]);
    const error = refusal(() => detectEncoding(utf16, 'roster.csv'));
    expect(error.code).toBe('encoding');
    expect(error.message).toBe('roster.csv: is UTF-16 LE text (it starts with that byte-order mark); save it as UTF-8 or GBK');
  });

  it('refuses UTF-16 without a byte-order mark by the zero bytes of its ASCII', () => {
    const error = refusal(() => detectEncoding(Buffer.from('name,id_number\nZhang San,11010519491231002X\n', 'utf16le'), 'roster.csv'));
    expect(error.code).toBe('encoding');
    expect(error.message).toContain('UTF-16 LE text without a byte-order mark');
  });

  it('refuses UTF-32 rather than mistaking its mark for UTF-16', () => {
    expect(refusal(() => detectEncoding(Uint8Array.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).message).toContain('UTF-32 LE');
  });

  it('calls a binary file an unknown format', () => {
    const error = refusal(() => detectEncoding(Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02, 0xff]), 'scan.pdf'));
    expect(error.code).toBe('unknown-format');
  });
});

describe('decodeStream', () => {
  it('joins a four-byte GB18030 character split across chunks', async () => {
    const text = await collect(decodeStream(chunksOf([0x41, jiGb18030[0]!, jiGb18030[1]!], [jiGb18030[2]!, jiGb18030[3]!, 0x42]), 'gb18030'));
    expect(text.join('')).toBe('A𠮷B');
  });

  it('drops a UTF-8 byte-order mark, even one split across chunks', async () => {
    expect((await collect(decodeStream(chunksOf([0xef], [0xbb, 0xbf, 0x61]), 'utf-8'))).join('')).toBe('a');
  });

  it('refuses bytes invalid in the encoding instead of inventing replacement characters', async () => {
    const error = await readError(decodeStream(chunksOf([0x61, 0x62], zhangSanGbk), 'utf-8', { fileName: 'mixed.csv' }));
    expect(error.code).toBe('encoding');
    expect(error.message).toBe('mixed.csv: is not valid UTF-8 in bytes 2–6 (the encoding changes inside the file?)');
  });

  it('calls a file that ends inside a character truncated', async () => {
    expect((await readError(decodeStream(chunksOf([0x61, 0xe5, 0xbc]), 'utf-8'))).code).toBe('truncated');
  });

  it('words every refusal, a cut-off end included, as the caller asks', async () => {
    const options = { fileName: 'declared.xml', invalidMessage: 'is not valid windows-1252, the encoding its XML declaration names' };
    // A stray continuation byte inside the file; a character cut off at its end.
    for (const chunks of [chunksOf([0x61, 0x81], [0x62]), chunksOf([0x61, 0xe5, 0xbc])]) {
      const error = await readError(decodeStream(chunks, 'utf-8', options));
      expect([error.code, error.message]).toEqual(['encoding', `declared.xml: ${options.invalidMessage}`]);
    }
  });

  it('reads any encoding TextDecoder knows, such as one an XML declaration names', async () => {
    expect((await collect(decodeStream(chunksOf([0x63, 0x61, 0x66, 0xe9]), 'windows-1252'))).join('')).toBe('café');
  });
});

describe('readTextChunks', () => {
  it('judges again at the first non-ASCII chunk when the first 64 KiB are plain ASCII', async () => {
    const asciiHead = Buffer.from('id,amount,remark\n' + '110105194912310021,300,\n'.repeat(4000));
    expect(asciiHead.length).toBeGreaterThan(64 * 1024);
    const bytes = Buffer.concat([asciiHead, Buffer.from([...zhangSanGbk, 0x0a])]);
    const text = (await collect(readTextChunks({ fileName: 'late-gbk.csv', bytes }, { maxFileBytes: 1e9 }))).join('');
    expect(text.endsWith(',\n张三\n')).toBe(true);
    expect(text.length).toBe(asciiHead.length + 3);
  });

  it('does not judge GBK as UTF-8 on a lone lead byte at the end of the first chunk', async () => {
    const asciiHead = Buffer.from('a'.repeat(64 * 1024 - 1));
    const bytes = Buffer.concat([asciiHead, Buffer.from([...zhangSanGbk, 0x0a])]);
    const text = (await collect(readTextChunks({ fileName: 'edge.csv', bytes }, { maxFileBytes: 1e9 }))).join('');
    expect(text.slice(asciiHead.length)).toBe('张三\n');
  });

  it('refuses UTF-16 before yielding any text, though its NULs are ASCII', async () => {
    const error = await readError(readTextChunks(fileOf('wide.csv', Buffer.from('a,b\n1,2\n', 'utf16le')), { maxFileBytes: 1e9 }));
    expect(error.code).toBe('encoding');
  });

  it('refuses a file over the size limit before reading it', async () => {
    const error = await readError(readTextChunks(fileOf('big.csv', 'a'.repeat(2048)), { maxFileBytes: 1024 }));
    expect(error.code).toBe('too-large');
    expect(error.message).toBe('big.csv: is 2.0 KiB, more than the 1.0 KiB allowed');
  });
});
