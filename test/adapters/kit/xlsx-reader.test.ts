import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../adapters/kit/adapter-error.js';
import type { AdapterErrorCode } from '../../../adapters/kit/adapter-error.js';
import type { FileInput, RawRow, ReaderLimits } from '../../../adapters/kit/rows.js';
import { listSheets, readSpreadsheetRows } from '../../../adapters/kit/xlsx-reader.js';
import type { SpreadsheetReadOptions } from '../../../adapters/kit/xlsx-reader.js';

/**
 * A 农村低保备案表 as counties send it (research/domain-data.md §8): a hidden first sheet, the register on the second,
 * a merged title, a blank row, two header rows under merged parents, household columns merged down over the members.
 */
const registerTitle = '永宁县2024年5月农村低保备案表';
const birthDateSerial = 18_262; // 1949-12-30
/** The hidden first sheet holds a drop-down list longer than the register, so only its visibility rules it out. */
const dropDownVillages = Array.from({ length: 20 }, (_, index) => `望远镇第${index + 1}村`);

function buildRegisterWorkbook(): XLSX.WorkBook {
  const register = XLSX.utils.aoa_to_sheet([
    [registerTitle],
    [],
    ['序号', '户主姓名', '家庭成员', null, null, '保障金额'],
    [null, null, '姓名', '身份证号码', '出生日期', null],
    [1, '张三', '张三', '64012119491231002X', birthDateSerial, '1,234.50'],
    [null, null, '李四', Number('110105194912310017'), birthDateSerial + 1, 617.25],
    ['合计', null, null, null, null, '1,851.75'],
  ]);
  register['!merges'] = ['A1:F1', 'C3:E3', 'A3:A4', 'B3:B4', 'F3:F4', 'A5:A6', 'B5:B6'].map((ref) =>
    XLSX.utils.decode_range(ref),
  );
  for (const ref of ['E5', 'E6']) {
    const cell = register[ref] as XLSX.CellObject;
    cell.z = 'yyyy-mm-dd';
  }
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(dropDownVillages.map((village) => [village])), '下拉选项');
  XLSX.utils.book_append_sheet(workbook, register, '低保名册');
  workbook.Workbook = { Sheets: [{ Hidden: 1 }, { Hidden: 0 }] };
  return workbook;
}

const expectedRegisterRows: RawRow[] = [
  { location: '低保名册!A1', cells: Array<string>(6).fill(registerTitle) },
  { location: '低保名册!A2', cells: [] },
  { location: '低保名册!A3', cells: ['序号', '户主姓名', '家庭成员', '家庭成员', '家庭成员', '保障金额'] },
  { location: '低保名册!A4', cells: ['序号', '户主姓名', '姓名', '身份证号码', '出生日期', '保障金额'] },
  { location: '低保名册!A5', cells: ['1', '张三', '张三', '64012119491231002X', '1949-12-30', '1,234.50'] },
  { location: '低保名册!A6', cells: ['1', '张三', '李四', '1.10105E+17', '1949-12-31', '617.25'] },
  { location: '低保名册!A7', cells: ['合计', '', '', '', '', '1,851.75'] },
];

function workbookBytes(workbook: XLSX.WorkBook, bookType: 'xlsx' | 'biff8'): Buffer {
  return XLSX.write(workbook, { type: 'buffer', bookType, compression: true }) as Buffer;
}

function sheetWorkbook(rows: unknown[][], name = 'Sheet1'): XLSX.WorkBook {
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(rows), name);
  return workbook;
}

async function readAll(input: FileInput, options?: SpreadsheetReadOptions, limits?: Partial<ReaderLimits>): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of readSpreadsheetRows(input, options, limits)) rows.push(row);
  return rows;
}

async function refusal(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

async function expectRefused(promise: Promise<unknown>, code: AdapterErrorCode, reason?: RegExp): Promise<void> {
  const error = await refusal(promise);
  expect(error.code).toBe(code);
  if (reason) expect(error.message).toMatch(reason);
}

// ---------------------------------------------------------------------------------------------------------------
// A zip writer small enough to forge archives that Excel would never write.

interface ForgedEntry {
  name: string;
  /** Deflated. */
  data: Buffer;
  uncompressedSize: number;
}

function deflatedEntry(name: string, content: Buffer | string): ForgedEntry {
  const bytes = Buffer.from(content);
  return { name, data: deflateRawSync(bytes), uncompressedSize: bytes.length };
}

function forgeZip(entries: ForgedEntry[]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0, 14); // neither yauzl nor SheetJS checks the CRC, so forged entries leave it 0
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, entry.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(entry.data.length, 20);
    central.writeUInt32LE(entry.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    directory.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directoryBytes, end]);
}

/** The entries of a real workbook, re-deflated, so a forged archive is otherwise a valid XLSX. */
function workbookEntries(workbook: XLSX.WorkBook): ForgedEntry[] {
  const container = XLSX.CFB.read(workbookBytes(workbook, 'xlsx'), { type: 'buffer' }) as {
    FullPaths: string[];
    FileIndex: { type: number; content?: Uint8Array }[];
  };
  const entries: ForgedEntry[] = [];
  container.FullPaths.forEach((path, index) => {
    const file = container.FileIndex[index];
    const name = path.replace(/^Root Entry\//, '');
    if (!file || file.type !== 2 || !file.content || name.includes('Sh33tJ5')) return;
    entries.push(deflatedEntry(name, Buffer.from(file.content)));
  });
  return entries;
}

/**
 * 300 MiB of sheet XML in a few hundred kilobytes, built without ever holding it: one megabyte deflated with a full
 * flush is a self-contained run of blocks, so repeating it repeats the text.
 */
function sheetBombEntry(name: string): ForgedEntry {
  const megabyte = Buffer.from('<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(26_215).slice(0, 1024 ** 2));
  const run = deflateRawSync(megabyte, { finishFlush: zlibConstants.Z_FULL_FLUSH });
  const copies = 300;
  const finalBlock = deflateRawSync(Buffer.alloc(0));
  return {
    name,
    data: Buffer.concat([...Array<Buffer>(copies).fill(run), finalBlock]),
    uncompressedSize: copies * megabyte.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'jiuzhu-xlsx-reader-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('readSpreadsheetRows on a 农村低保备案表', () => {
  it('reads the legacy .xls from its second sheet: title, blank row, merged headers, dates, damaged ID, 合计', async () => {
    const bytes = workbookBytes(buildRegisterWorkbook(), 'biff8');
    expect(await readAll({ fileName: '农村低保备案表.xls', bytes })).toEqual(expectedRegisterRows);
  });

  it('reads the same register saved as .xlsx, from a path on disk', async () => {
    const path = join(scratch, '农村低保备案表.xlsx');
    await writeFile(path, workbookBytes(buildRegisterWorkbook(), 'xlsx'));
    expect(await readAll({ fileName: '农村低保备案表.xlsx', path })).toEqual(expectedRegisterRows);
  });

  it('reads the register saved as .xlsx with shared strings, from bytes', async () => {
    const bytes = XLSX.write(buildRegisterWorkbook(), { type: 'buffer', bookType: 'xlsx', compression: true, bookSST: true }) as Buffer;
    expect(await readAll({ fileName: '农村低保备案表.xlsx', bytes })).toEqual(expectedRegisterRows);
  });

  it('streams Chinese text whole, however the inflated chunks split its UTF-8 bytes', async () => {
    // 3,000 rows of names and places: the sheet XML and the shared strings span many 16 KiB chunks, so some
    // three-byte characters straddle a chunk boundary (a per-chunk decoder turned them into U+FFFD).
    const names = ['马秀兰', '王建国', '李淑珍', '丁海燕', '纳文清'];
    const aoa = [['姓名', '住址', '就诊类型']];
    for (let i = 0; i < 3000; i++) aoa.push([`${names[i % 5]}${i}`, `宁夏回族自治区银川市永宁县望远镇第${i}村`, i % 2 ? '住院' : '门诊']);
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet(aoa), '明细');
    for (const bookOptions of [{}, { bookSST: true }]) {
      const bytes = XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx', compression: true, ...bookOptions }) as Buffer;
      const streamed = await readAll({ fileName: 'big.xlsx', bytes });
      expect(streamed.map((row) => row.cells)).toEqual(aoa);
    }
  });

  it('reads a hidden sheet when it is asked for by name', async () => {
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const bytes = workbookBytes(buildRegisterWorkbook(), bookType);
      const rows = await readAll({ fileName: `register.${bookType}`, bytes }, { sheet: '下拉选项' });
      expect(rows).toHaveLength(20);
      expect(rows[19]).toEqual({ location: '下拉选项!A20', cells: ['望远镇第20村'] });
    }
  });

  it('lists every sheet in workbook order, hidden ones included, for both formats', async () => {
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const bytes = workbookBytes(buildRegisterWorkbook(), bookType);
      expect(await listSheets({ fileName: `register.${bookType}`, bytes })).toEqual(['下拉选项', '低保名册']);
    }
  });
});

describe('readSpreadsheetRows choosing a sheet', () => {
  function notesThenData(): XLSX.WorkBook {
    const workbook = sheetWorkbook([['说明'], ['1. 金额单位为元'], ['2. 身份证号以文本填写']], '说明');
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['姓名'], ['甲'], ['乙'], ['丙'], ['丁']]), '名册');
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([]), '空表');
    return workbook;
  }

  it('prefers the visible sheet with the most non-empty rows over an earlier 说明 sheet', async () => {
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const rows = await readAll({ fileName: `feed.${bookType}`, bytes: workbookBytes(notesThenData(), bookType) });
      expect(rows.map((row) => row.location)).toEqual(['名册!A1', '名册!A2', '名册!A3', '名册!A4', '名册!A5']);
    }
  });

  it('counts rows that hold a value, not the size of the sheet, so a long 说明 of few rows loses to the data', async () => {
    const notes = Array.from({ length: 3 }, (_, index) => [`${index + 1}. ${'填表说明：金额单位为元，身份证号以文本填写。'.repeat(400)}`]);
    const workbook = sheetWorkbook(notes, '说明');
    const data = XLSX.utils.aoa_to_sheet([['姓名'], ['甲'], ['乙'], ['丙'], ['丁']]);
    // Styled but empty rows below the data, as templates have: rows without a value do not count.
    for (let row = 6; row <= 40; row++) data[`A${row}`] = { t: 'z', s: { numFmt: '@' } } as unknown as XLSX.CellObject;
    data['!ref'] = 'A1:A40';
    XLSX.utils.book_append_sheet(workbook, data, '名册');
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const rows = await readAll({ fileName: `feed.${bookType}`, bytes: workbookBytes(workbook, bookType) });
      expect(rows.map((row) => row.location)).toEqual(['名册!A1', '名册!A2', '名册!A3', '名册!A4', '名册!A5']);
    }
  });

  it('refuses a sheet name the workbook lacks and names the sheets it has', async () => {
    const input = { fileName: 'feed.xlsx', bytes: workbookBytes(notesThenData(), 'xlsx') };
    await expectRefused(readAll(input, { sheet: '低保名册' }), 'unreadable', /"说明", "名册", "空表"/);
  });

  it('quotes a sheet name in the location as Excel does when it holds a space', async () => {
    const rows = await readAll({ fileName: 'feed.xlsx', bytes: workbookBytes(sheetWorkbook([['x']], "Ann's list"), 'xlsx') });
    expect(rows).toEqual([{ location: "'Ann''s list'!A1", cells: ['x'] }]);
  });
});

describe('readSpreadsheetRows turning cells into text', () => {
  function typedCellsWorkbook(): XLSX.WorkBook {
    const sheet = XLSX.utils.aoa_to_sheet([
      [true, false, { t: 'e', v: 0x2a }, { t: 'e', v: 0x07 }],
      [0.1 + 0.2, 1e-7, -12_345_678_901_234, 999_999_999_999_999],
      [45_413.5, 0.75, 45_413, 1234.5],
      ['  leading and trailing spaces  ', '', null, 'x'],
    ]);
    (sheet.A3 as XLSX.CellObject).z = 'yyyy-mm-dd hh:mm';
    (sheet.B3 as XLSX.CellObject).z = 'h:mm';
    (sheet.C3 as XLSX.CellObject).z = 'yyyy"年"m"月"d"日"';
    (sheet.D3 as XLSX.CellObject).z = '#,##0.00';
    const workbook = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(workbook, sheet, 'Cells');
    return workbook;
  }

  const expected = [
    ['TRUE', 'FALSE', '#N/A', '#DIV/0!'],
    ['0.3', '0.0000001', '-12345678901234', '999999999999999'],
    ['2024-05-01T12:00:00', '18:00:00', '2024-05-01', '1234.5'],
    ['  leading and trailing spaces  ', '', '', 'x'],
  ];

  it('yields booleans, errors, plain full-precision numbers, dates by their format, and text untouched', async () => {
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const rows = await readAll({ fileName: `cells.${bookType}`, bytes: workbookBytes(typedCellsWorkbook(), bookType) });
      expect(rows.map((row) => row.cells)).toEqual(expected);
    }
  });

  it('yields the same text from a workbook exceljs wrote, whose booleans, errors and formats it writes its own way', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Cells');
    sheet.addRow([true, false, { error: '#N/A' }, { error: '#DIV/0!' }]);
    sheet.addRow([0.1 + 0.2, 1e-7, -12_345_678_901_234, 999_999_999_999_999]);
    sheet.addRow([45_413.5, 0.75, 45_413, 1234.5]);
    sheet.addRow(['  leading and trailing spaces  ', '', null, 'x']);
    for (const [ref, format] of [['A3', 'yyyy-mm-dd hh:mm'], ['B3', 'h:mm'], ['C3', 'yyyy"年"m"月"d"日"'], ['D3', '#,##0.00']] as const) sheet.getCell(ref).numFmt = format;
    const rows = await readAll({ fileName: 'cells.xlsx', bytes: Buffer.from(await workbook.xlsx.writeBuffer()) });
    expect(rows.map((row) => row.cells)).toEqual(expected);
  });

  it('reads dates of a workbook that counts days from 1904', async () => {
    const workbook = sheetWorkbook([[0]]);
    ((workbook.Sheets.Sheet1 as XLSX.WorkSheet).A1 as XLSX.CellObject).z = 'yyyy-mm-dd';
    workbook.Workbook = { WBProps: { date1904: true } };
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const rows = await readAll({ fileName: `mac.${bookType}`, bytes: workbookBytes(workbook, bookType) });
      expect(rows).toEqual([{ location: 'Sheet1!A1', cells: ['1904-01-01'] }]);
    }
  });

  it('streams a workbook written by exceljs, whose zip uses data descriptors and shared strings', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名册');
    sheet.addRow(['姓名', '出生日期', '金额']);
    sheet.addRow(['张三', new Date(Date.UTC(1949, 11, 30)), 1234.5]);
    sheet.getCell('B2').numFmt = 'yyyy-mm-dd';
    sheet.getRow(5).getCell(1).value = '王五';
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const expectedRows = [
      { location: '名册!A1', cells: ['姓名', '出生日期', '金额'] },
      { location: '名册!A2', cells: ['张三', '1949-12-30', '1234.5'] },
      { location: '名册!A3', cells: [] },
      { location: '名册!A4', cells: [] },
      { location: '名册!A5', cells: ['王五'] },
    ];
    expect(await readAll({ fileName: 'exceljs.xlsx', bytes })).toEqual(expectedRows);
  });
});

describe('readSpreadsheetRows refusing untrusted files', () => {
  it('refuses a zip bomb from its central directory without inflating it', async () => {
    const entries = workbookEntries(sheetWorkbook([['x']]));
    const bomb = forgeZip(entries.map((entry) => (entry.name === 'xl/worksheets/sheet1.xml' ? sheetBombEntry(entry.name) : entry)));
    expect(bomb.length).toBeLessThan(1024 ** 2);
    const started = performance.now();
    await expectRefused(readAll({ fileName: 'bomb.xlsx', bytes: bomb }), 'zip-bomb', /xl\/worksheets\/sheet1\.xml/);
    await expectRefused(listSheets({ fileName: 'bomb.xlsx', bytes: bomb }), 'zip-bomb');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses a workbook that would expand past maxDecompressedBytes', async () => {
    const bytes = workbookBytes(buildRegisterWorkbook(), 'xlsx');
    await expectRefused(readAll({ fileName: 'register.xlsx', bytes }, {}, { maxDecompressedBytes: 1000 }), 'zip-bomb', /limit of 1000/);
  });

  it('refuses an entry that inflates past the size its directory claims', async () => {
    const entries = workbookEntries(sheetWorkbook([['x']]));
    const lying = entries.map((entry) =>
      entry.name === 'xl/worksheets/sheet1.xml'
        ? { ...deflatedEntry(entry.name, `<worksheet>${'<row/>'.repeat(400_000)}</worksheet>`), uncompressedSize: 900 }
        : entry,
    );
    await expectRefused(readAll({ fileName: 'lying.xlsx', bytes: forgeZip(lying) }), 'zip-bomb', /declared size/);
  });

  it('reads only the real cells of a sheet whose dimension claims A1:XFD1048576', async () => {
    const entries = workbookEntries(sheetWorkbook([['placeholder']]));
    const sheetXml =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      '<dimension ref="A1:XFD1048576"/><sheetData>' +
      '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号码</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>64012119491231002X</t></is></c></row>' +
      '</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells></worksheet>';
    const forged = forgeZip(
      entries.map((entry) => (entry.name === 'xl/worksheets/sheet1.xml' ? deflatedEntry(entry.name, sheetXml) : entry)),
    );
    const expectedRows = [
      { location: 'Sheet1!A1', cells: ['姓名', '身份证号码'] },
      { location: 'Sheet1!A2', cells: ['张三', '64012119491231002X'] },
    ];
    expect(await readAll({ fileName: 'bogus.xlsx', bytes: forged })).toEqual(expectedRows);
  });

  it('refuses a text file renamed .xlsx as an unknown format, saying what it looks like', async () => {
    const bytes = Buffer.from('姓名,身份证号码\n张三,64012119491231002X\n', 'utf8');
    await expectRefused(readAll({ fileName: 'feed.xlsx', bytes }), 'unknown-format', /text file/);
    const html = Buffer.from('<html><body><table><tr><td>张三</td></tr></table></body></html>');
    await expectRefused(readAll({ fileName: 'export.xls', bytes: html }), 'unknown-format', /HTML/);
  });

  it('refuses a zip that holds no workbook, and a truncated workbook as unreadable', async () => {
    const notWorkbook = forgeZip([deflatedEntry('readme.txt', 'hello')]);
    await expectRefused(readAll({ fileName: 'feed.xlsx', bytes: notWorkbook }), 'unknown-format', /not an Excel workbook/);
    const whole = workbookBytes(buildRegisterWorkbook(), 'xlsx');
    await expectRefused(readAll({ fileName: 'cut.xlsx', bytes: whole.subarray(0, whole.length - 200) }), 'unreadable');
  });

  it('refuses a workbook encrypted with a password to open', async () => {
    const container = XLSX.CFB.utils.cfb_new();
    XLSX.CFB.utils.cfb_add(container, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    XLSX.CFB.utils.cfb_add(container, '/EncryptedPackage', Buffer.alloc(64));
    const bytes = Buffer.from(XLSX.CFB.write(container, { type: 'buffer' }) as Uint8Array);
    await expectRefused(readAll({ fileName: 'secret.xlsx', bytes }), 'unreadable', /password/);
  });

  it('refuses a file bigger than maxFileBytes before reading it', async () => {
    const bytes = workbookBytes(buildRegisterWorkbook(), 'xlsx');
    await expectRefused(readAll({ fileName: 'register.xlsx', bytes }, {}, { maxFileBytes: 100 }), 'too-large');
  });

  it('refuses a sheet with more rows than maxRows before yielding any', async () => {
    for (const bookType of ['xlsx', 'biff8'] as const) {
      const input = { fileName: `register.${bookType}`, bytes: workbookBytes(buildRegisterWorkbook(), bookType) };
      const yielded: RawRow[] = [];
      const reading = (async () => {
        for await (const row of readSpreadsheetRows(input, {}, { maxRows: 6 })) yielded.push(row);
      })();
      await expectRefused(reading, 'too-many-rows');
      expect(yielded).toEqual([]);
    }
    const input = { fileName: 'register.xls', bytes: workbookBytes(buildRegisterWorkbook(), 'biff8') };
    expect(await readAll(input, {}, { maxRows: 7 })).toHaveLength(7);
  });

  it('refuses a cell longer than maxCellLength', async () => {
    const bytes = workbookBytes(sheetWorkbook([['短'], ['很长的备注'.repeat(10)]]), 'xlsx');
    await expectRefused(readAll({ fileName: 'notes.xlsx', bytes }, {}, { maxCellLength: 20 }), 'too-large', /row 2/);
  });
});
