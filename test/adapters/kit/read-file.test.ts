import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../adapters/kit/adapter-error.js';
import { detectFormat, readRecords } from '../../../adapters/kit/read-file.js';
import { collect, fileOf, fixture } from './reader-input.js';

async function refusalOf(promise: Promise<unknown>): Promise<AdapterError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AdapterError)) throw new Error(`expected an AdapterError, got ${String(error)}`);
  return error;
}

describe('detectFormat', () => {
  it('knows spreadsheets by their signature, whatever they are called', async () => {
    expect(await detectFormat(fileOf('roster.csv', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])))).toBe('xlsx');
    expect(await detectFormat(fileOf('roster.xlsx', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00])))).toBe('xls');
  });

  it('knows XML and JSON by their first character, after a byte-order mark and whitespace', async () => {
    expect(await detectFormat(fileOf('export.txt', '\uFEFF  <?xml version="1.0"?><rows/>'))).toBe('xml');
    expect(await detectFormat(fileOf('export.dat', '<rows><row/></rows>'))).toBe('xml');
    expect(await detectFormat(fileOf('export.txt', '\n[{"a": 1}]'))).toBe('json');
    expect(await detectFormat(fileOf('export.json', '{"data": [{"a": 1}]}'))).toBe('json');
    expect(await detectFormat(fileOf('export.json', '{"a": 1}\n{"a": 2}\n'))).toBe('ndjson');
    expect(await detectFormat(fileOf('export.jsonl', '{"data": [{"a": 1}]}'))).toBe('ndjson');
  });

  it('reads other text as CSV, even under a spreadsheet name (tab-separated "Excel" exports)', async () => {
    expect(await detectFormat(fileOf('roster.csv', '姓名,身份证号\n'))).toBe('csv');
    expect(await detectFormat(fileOf('导出.xls', '姓名\t身份证号\n张三\t11010519491231002X\n'))).toBe('csv');
    expect(await detectFormat(fixture('gbk-roster.csv'))).toBe('csv');
    expect(await detectFormat(fileOf('empty.csv', ''))).toBe('csv');
  });

  it('refuses an HTML page saved as .xls', async () => {
    const error = await refusalOf(detectFormat(fileOf('导出.xls', '<html><body><table><tr><td>张三</td></tr></table></body></html>')));
    expect(error.code).toBe('unknown-format');
    expect(error.message).toContain('is an HTML page');
  });

  it('refuses UTF-16 text and binary files', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('姓名,身份证号\n', 'utf16le')]);
    expect((await refusalOf(detectFormat(fileOf('unicode.txt', utf16)))).code).toBe('encoding');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Uint8Array.from({ length: 1024 }, (_, index) => index % 256)]);
    expect((await refusalOf(detectFormat(fileOf('scan.pdf', pdf)))).code).toBe('unknown-format');
  });

  describe('from disk', () => {
    let directory: string;
    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'jiuzhu-format-'));
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('reads only the start of a file on disk to decide', async () => {
      const path = join(directory, 'feed.ndjson.txt');
      await writeFile(path, '{"a": 1}\n'.repeat(20_000));
      expect(await detectFormat({ fileName: 'feed.ndjson.txt', path })).toBe('ndjson');
    });
  });
});

describe('readRecords', () => {
  it('gives rows for CSV', async () => {
    const content = await readRecords(fixture('gb18030-rare-names.csv'));
    expect(content.kind === 'rows' && content.format).toBe('csv');
    if (content.kind !== 'rows') return;
    expect((await collect(content.rows))[1]).toEqual({ location: 'line 2', cells: ['𠮷祥', '110105199001010012', 'GB18030 四字节字符'] });
  });

  it('gives records for JSON, NDJSON and XML', async () => {
    const json = await readRecords(fileOf('a.json', '[{"a": "1"}]'));
    const ndjson = await readRecords(fileOf('a.jsonl', '{"a": "1"}\n'));
    const xml = await readRecords(fileOf('a.xml', '<rows><row><a>1</a></row></rows>'), { recordElement: 'row' });
    for (const [content, format, location] of [
      [json, 'json', 'record 1'],
      [ndjson, 'ndjson', 'line 1'],
      [xml, 'xml', 'record 1'],
    ] as const) {
      expect(content.format).toBe(format);
      if (content.kind !== 'records') throw new Error(`${format} should give records`);
      expect(await collect(content.records)).toEqual([{ location, fields: { a: '1' } }]);
    }
  });

  it('reads the format it is told, not the one it would detect', async () => {
    const content = await readRecords(fileOf('export.json', '{"data": [{"a": 1}]}'), { format: 'ndjson' });
    if (content.kind !== 'records') throw new Error('ndjson should give records');
    expect(await collect(content.records)).toEqual([{ location: 'line 1', fields: { 'data': '[{"a": 1}]' } }]);
  });

  it('passes limits on to the reader', async () => {
    const content = await readRecords(fileOf('a.csv', 'a\n1\n2\n'), { limits: { maxRows: 1 } });
    if (content.kind !== 'rows') throw new Error('csv should give rows');
    await expect(collect(content.rows)).rejects.toMatchObject({ code: 'too-many-rows' });
  });
});
