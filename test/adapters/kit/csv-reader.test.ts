import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvSplitter, detectCsvDialect, readCsvRows, type CsvDialect } from '../../../adapters/kit/csv-reader.js';
import type { RawRow } from '../../../adapters/kit/rows.js';
import { collect, fileOf, fixture, readError } from './reader-input.js';

async function rowsOf(fileName: string, text: string | Uint8Array, limits = {}): Promise<RawRow[]> {
  return collect(readCsvRows(fileOf(fileName, text), limits));
}

function cellsOf(rows: RawRow[]): string[][] {
  return rows.map((row) => row.cells);
}

describe('readCsvRows: encodings', () => {
  it('reads UTF-8 with and without a byte-order mark alike', async () => {
    const text = '姓名,身份证号\n张三,11010519491231002X\n';
    const plain = await rowsOf('plain.csv', text);
    const withMark = await rowsOf('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(cellsOf(plain)).toEqual([
      ['姓名', '身份证号'],
      ['张三', '11010519491231002X'],
    ]);
    expect(withMark).toEqual(plain);
  });

  it('reads a GBK export from Excel, quoted multi-line address and all', async () => {
    const input = fixture('gbk-roster.csv');
    expect([...input.bytes!.subarray(0, 4)]).toEqual([0xd0, 0xf2, 0xba, 0xc5]); // 序号 in GBK: the fixture was not re-saved
    expect(await collect(readCsvRows(input))).toEqual([
      { location: 'line 1', cells: ['序号', '姓名', '身份证号', '救助类别', '月救助金额（元）', '家庭住址'] },
      { location: 'line 2', cells: ['1', '张三', '11010519491231002X', '城市低保', '1,200.00', '北京市朝阳区\r\n幸福路"3"号'] },
      { location: 'line 4', cells: ['2', '李四', '110105195001010011', '特困供养', '980.50', '北京市朝阳区和平街'] },
    ]);
  });

  it('reads characters only GB18030 has: four-byte 𠮷 and 䶮', async () => {
    const rows = await collect(readCsvRows(fixture('gb18030-rare-names.csv')));
    expect(rows.map((row) => row.cells[0])).toEqual(['姓名', '𠮷祥', '王䶮']);
  });
});

describe('readCsvRows: fields and lines', () => {
  it('keeps a quoted field with line breaks whole, and the rows after it their physical line numbers', async () => {
    const rows = await rowsOf('multi-line.csv', 'name,address\n张三,"幸福路\n3号\n201室"\n李四,和平街\n\n王五,"a\n"\n赵六,b\n');
    expect(rows).toEqual([
      { location: 'line 1', cells: ['name', 'address'] },
      { location: 'line 2', cells: ['张三', '幸福路\n3号\n201室'] },
      { location: 'line 5', cells: ['李四', '和平街'] },
      { location: 'line 6', cells: [''] },
      { location: 'line 7', cells: ['王五', 'a\n'] },
      { location: 'line 9', cells: ['赵六', 'b'] },
    ]);
  });

  it('reads doubled quotes as one, and delimiters inside quotes as text', async () => {
    expect(cellsOf(await rowsOf('quotes.csv', 'a,b,c\n"say ""hi""","1,234","""",x\n'))).toEqual([
      ['a', 'b', 'c'],
      ['say "hi"', '1,234', '"', 'x'],
    ]);
  });

  it('ends CRLF lines without their CR, but keeps a CR inside quotes', async () => {
    expect(cellsOf(await rowsOf('crlf.csv', 'a,b\r\n1,"x\r"\r\n2,\r\n'))).toEqual([
      ['a', 'b'],
      ['1', 'x\r'],
      ['2', ''],
    ]);
  });

  it('reads files whose lines end in CR alone (old Mac exports)', async () => {
    const rows = await rowsOf('mac.csv', 'a,b\r1,"x\ry"\r2,3');
    expect(rows).toEqual([
      { location: 'line 1', cells: ['a', 'b'] },
      { location: 'line 2', cells: ['1', 'x\ry'] },
      { location: 'line 4', cells: ['2', '3'] },
    ]);
  });

  it('reads a last line that lacks its line break, and a trailing delimiter as an empty last cell', async () => {
    expect(cellsOf(await rowsOf('tail.csv', 'a,b\n1,'))).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('yields blank lines as one empty cell, numbered where they are', async () => {
    expect(await rowsOf('blank.csv', '\na,b\n\r\n1,2\n\n')).toEqual([
      { location: 'line 1', cells: [''] },
      { location: 'line 2', cells: ['a', 'b'] },
      { location: 'line 3', cells: [''] },
      { location: 'line 4', cells: ['1', '2'] },
      { location: 'line 5', cells: [''] },
    ]);
  });

  it('reads text after a closing quote as Excel does: kept, without the quotes', async () => {
    expect(cellsOf(await rowsOf('loose.csv', 'a,b\n"阳光"小区,1\n'))[1]).toEqual(['阳光小区', '1']);
  });

  it('reads an empty file as no rows', async () => {
    expect(await rowsOf('empty.csv', '')).toEqual([]);
  });
});

describe('readCsvRows: delimiters', () => {
  it('reads a tab-delimited file whose addresses contain commas', async () => {
    const text = '姓名\t身份证号\t地址\n张三\t11010519491231002X\t幸福路3号,201室\n李四\t110105195001010011\t和平街\n';
    expect(cellsOf(await rowsOf('tabs.txt', text))[1]).toEqual(['张三', '11010519491231002X', '幸福路3号,201室']);
  });

  it('reads a semicolon-delimited file with decimal commas', async () => {
    expect(cellsOf(await rowsOf('semi.csv', 'name;amount\nA;1,5\nB;2,25\n'))).toEqual([
      ['name', 'amount'],
      ['A', '1,5'],
      ['B', '2,25'],
    ]);
  });

  it('is not misled by a title row above the header', () => {
    expect(detectCsvDialect('永宁县2024年5月低保名册\n序号\t姓名\t金额\n1\t张三\t300\n2\t李四\t400\n').delimiter).toBe('\t');
  });

  it('ignores delimiters inside quoted fields when choosing', () => {
    expect(detectCsvDialect('a;b\n"x,y,z";1\n"p,q";2\n').delimiter).toBe(';');
  });

  it('reads a file no delimiter splits as one column', async () => {
    expect(cellsOf(await rowsOf('ids.txt', '身份证号\n11010519491231002X\n'))).toEqual([['身份证号'], ['11010519491231002X']]);
  });
});

describe('readCsvRows: refusals', () => {
  it('calls a file that ends inside a quoted field truncated, naming the line the quote opened on', async () => {
    const error = await readError(readCsvRows(fileOf('cut.csv', 'a,b\n1,2\n3,"幸福路\n3号')));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('cut.csv: ends inside a quoted field: the quote opened at line 3 is never closed');
  });

  it('refuses a file whose unclosed quote swallows the rest, at the cell limit, without reading on', async () => {
    const text = 'a,b\n1,"oops\n' + '2,fine\n'.repeat(20_000);
    const error = await readError(readCsvRows(fileOf('unclosed.csv', text), { maxCellLength: 32_767 }));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe('unclosed.csv: the quoted field starting at line 2 runs past 32767 characters: an unclosed quote?');
  });

  it('refuses a cell over the limit', async () => {
    const error = await readError(readCsvRows(fileOf('long.csv', `a,b\n1,${'x'.repeat(101)}\n`), { maxCellLength: 100 }));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe('long.csv: cell 2 of the row at line 2 is over 100 characters (101): an unclosed quote or a broken file');
  });

  it('refuses a file with more rows than allowed', async () => {
    const error = await readError(readCsvRows(fileOf('many.csv', 'a\n1\n2\n3\n'), { maxRows: 3 }));
    expect(error.code).toBe('too-many-rows');
    expect(error.message).toBe('many.csv: has more than 3 rows (line 4 is beyond the limit)');
  });

  it('refuses a file over the size limit before reading a row', async () => {
    const error = await readError(readCsvRows(fileOf('big.csv', 'a,b\n1,2\n'), { maxFileBytes: 4 }));
    expect(error.code).toBe('too-large');
  });

  it('refuses UTF-16 text', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]);
    expect((await readError(readCsvRows(fileOf('unicode.txt', utf16)))).code).toBe('encoding');
  });
});

describe('readCsvRows from disk', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'jiuzhu-csv-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads a file from its path in chunks exactly as from memory', async () => {
    const lines = ['姓名,地址'];
    for (let index = 0; index < 8000; index++) lines.push(index % 7 === 0 ? `张${index},"第${index}号\r\n""后门"""` : `李${index},和平街${index}号`);
    const bytes = Buffer.from(lines.join('\r\n') + '\r\n');
    expect(bytes.length).toBeGreaterThan(3 * 64 * 1024);
    const path = join(directory, 'roster.csv');
    await writeFile(path, bytes);
    const fromDisk = await collect(readCsvRows({ fileName: 'roster.csv', path }));
    expect(fromDisk).toEqual(await collect(readCsvRows({ fileName: 'roster.csv', bytes })));
    expect(fromDisk).toHaveLength(8001);
    expect(fromDisk[8000]).toEqual({ location: 'line 9144', cells: ['李7999', '和平街7999号'] });
  });
});

/** Writes cells the way a correct exporter does: quoted when they must be, or always. */
function writeCsv(table: string[][], dialect: CsvDialect, lineEnd: string, quoteAll: boolean): { text: string; lines: number[] } {
  const mustQuote = new RegExp(`["\\r\\n${dialect.delimiter}]`);
  let text = '';
  const lines: number[] = [];
  let line = 1;
  for (const row of table) {
    lines.push(line);
    const record = row.map((cell) => (quoteAll || mustQuote.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(dialect.delimiter);
    line += (record.match(new RegExp(dialect.lineBreak, 'g')) ?? []).length + 1;
    text += record + lineEnd;
  }
  return { text, lines };
}

describe('CsvSplitter', () => {
  const cell = fc.stringMatching(/^[a-z张三,;\t"\r\n ]{0,8}$/);
  const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 });

  it('gives back any table as written, with each row on its physical line, however the text is chunked', () => {
    fc.assert(
      fc.property(
        table,
        fc.constantFrom<CsvDialect['delimiter']>(',', '\t', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (rows, delimiter, lineEnd, quoteAll, cuts) => {
          const dialect: CsvDialect = { delimiter, lineBreak: '\n' };
          // A row of one empty cell is a blank line when written unquoted: the same thing read back.
          const { text, lines } = writeCsv(rows, dialect, lineEnd, quoteAll);
          const splitter = new CsvSplitter(dialect, { maxCellLength: 1000, maxRows: 1000 }, 'property.csv');
          const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
          const read: RawRow[] = [];
          let start = 0;
          for (const position of [...positions, text.length]) {
            splitter.push(text.slice(start, position), read);
            start = position;
          }
          splitter.finish(read);
          expect(read.map((row) => row.cells)).toEqual(rows);
          expect(read.map((row) => row.location)).toEqual(lines.map((line) => `line ${line}`));
        },
      ),
      { numRuns: 500 },
    );
  });
});
