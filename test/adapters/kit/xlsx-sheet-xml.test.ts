import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../adapters/kit/adapter-error.js';
import { readCellFormats, readSharedStrings, readSheetRows, type CellContext } from '../../../adapters/kit/xlsx-sheet-xml.js';

/** The text in pieces of `size` characters (0: whole), as inflated chunks cut it anywhere. */
async function* piecesOf(text: string, size: number): AsyncIterable<string> {
  if (size === 0) {
    yield text;
    return;
  }
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

async function rowsOf(xml: string, context: CellContext, size = 0): Promise<{ number: number; cells: string[] }[]> {
  const rows: { number: number; cells: string[] }[] = [];
  for await (const batch of readSheetRows(piecesOf(xml, size), context, 'feed.xlsx')) rows.push(...batch);
  return rows;
}

async function refusal(work: Promise<unknown>): Promise<AdapterError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

const sheet = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;

/** Numbers come back as `value|format`, so a test sees which format each cell was given. */
const context: CellContext = {
  sharedStrings: ['姓名', '张三', ''],
  formats: [undefined, 'yyyy-mm-dd', '#,##0.00'],
  numberText: (value, format) => `${value}|${format ?? ''}`,
};

describe('readSharedStrings', () => {
  it('joins a rich string’s runs, leaves out its phonetic reading, and unescapes what XML cannot carry', async () => {
    const xml = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">'
      + '<si><t>马秀兰</t></si>'
      + '<si><r><rPr><b/></rPr><t xml:space="preserve">望远镇 </t></r><r><t>第1村</t></r><rPh sb="0" eb="3"><t>ワンユエン</t></rPh></si>'
      + '<si><t>A &amp; B &lt;1&gt;</t></si>'
      + '<si><t>line one_x000D_</t></si>'
      + '<si><t/></si></sst>';
    for (const size of [0, 1, 7]) {
      expect(await readSharedStrings(piecesOf(xml, size), 'feed.xlsx')).toEqual(['马秀兰', '望远镇 第1村', 'A & B <1>', 'line one\r', '']);
    }
  });

  it('refuses a document type declaration, and XML that is not well-formed with its line', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa">]><sst><si><t>&a;</t></si></sst>';
    expect((await refusal(readSharedStrings(piecesOf(bomb, 0), 'feed.xlsx'))).code).toBe('xml-entities');
    const broken = await refusal(readSharedStrings(piecesOf('<sst>\n<si><t>x</si></sst>', 0), 'feed.xlsx'));
    expect([broken.code, broken.message]).toEqual(['unreadable', expect.stringMatching(/^feed\.xlsx: its shared strings XML is not well-formed at line 2/)]);
  });
});

describe('readCellFormats', () => {
  const builtIn = XLSX.SSF.get_table() as Record<number, string | undefined>;

  it('gives each cell style its own format, a built-in one, or a Chinese Excel’s locale date format as a date', () => {
    const styles = '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
      + '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts>'
      + '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
      + '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/><xf numFmtId="4"/><xf numFmtId="31"/><xf/></cellXfs>'
      + '</styleSheet>';
    expect(readCellFormats(styles, builtIn, 'feed.xlsx')).toEqual(['General', 'yyyy"年"m"月"', '#,##0.00', 'm/d/yy', 'General']);
  });
});

describe('readSheetRows', () => {
  it('reads each type of cell: shared, inline and formula strings, booleans, errors and numbers with their style', async () => {
    const xml = sheet(
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>望远镇</t></is></c><c r="D1" t="str"><f>A1&amp;""</f><v>姓名</v></c></row>'
      + '<row r="3" spans="1:4"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#N/A</v></c>'
      + '<c r="D3" s="1"><v>45413</v></c><c r="E3" s="2"><f>SUM(1,2)</f><v>1234.5</v></c><c r="F3"><v>0.30000000000000004</v></c></row>'
      + '<row r="4"><c r="A4" s="1"/><c r="B4" t="s"><v>2</v></c></row>',
    );
    expect(await rowsOf(xml, context)).toEqual([
      { number: 1, cells: ['姓名', '', '望远镇', '姓名'] },
      { number: 3, cells: ['TRUE', 'FALSE', '#N/A', '45413|yyyy-mm-dd', '1234.5|#,##0.00', '0.30000000000000004|'] },
      // A styled cell without a value, and a shared string that is empty: no text.
      { number: 4, cells: [] },
    ]);
  });

  it('places cells without a reference after the one before, and reads prefixed element names', async () => {
    const xml = '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
      + '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c><x:c r="E1" t="inlineStr"><x:is><x:r><x:t>e</x:t></x:r></x:is></x:c></x:row>'
      // An empty cell without a reference still takes its column.
      + '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c s="1"/><x:c><x:v>3</x:v></x:c></x:row>'
      + '</x:sheetData></x:worksheet>';
    expect(await rowsOf(xml, context)).toEqual([
      { number: Number.NaN, cells: ['a', '2|', '', '', 'e'] },
      { number: Number.NaN, cells: ['a', '', '3|'] },
    ]);
  });

  it('gives the same rows however the text is cut, a character or an element at a time', async () => {
    const xml = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>马秀兰 &amp; 丁海燕</t></is></c><c r="B1" s="1"><v>45413</v></c></row><row r="2"><c r="AA2" t="s"><v>1</v></c></row>');
    const whole = await rowsOf(xml, context);
    expect(whole[1]!.cells).toHaveLength(27);
    for (const size of [1, 2, 5, 13]) expect(await rowsOf(xml, context, size)).toEqual(whole);
  });

  it('refuses a reference that names no column, a document type declaration, and a sheet cut short', async () => {
    const badReference = await refusal(rowsOf(sheet('<row r="1"><c r="12"><v>1</v></c></row>'), context));
    expect(badReference.message).toBe('feed.xlsx: a cell of its sheet has the reference "12", which names no column.');
    const withDoctype = '<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://example.org/x.dtd"><worksheet><sheetData/></worksheet>';
    expect((await refusal(rowsOf(withDoctype, context))).code).toBe('xml-entities');
    const cut = await refusal(rowsOf(sheet('<row r="1"><c r="A1"><v>1</v></c></row>').slice(0, -30), context));
    expect(cut.code).toBe('unreadable');
  });
});
