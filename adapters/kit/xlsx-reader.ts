/**
 * Spreadsheets (XLSX and legacy BIFF8 .xls) as rows of text cells.
 *
 * County offices send workbooks made by hand: a hidden or near-empty first sheet, a 说明 (notes) sheet, a title row
 * merged across the table, two or three header rows with merged parents (家庭成员 over 姓名 / 身份证号码), ID numbers
 * that Excel already turned into numbers. This reader keeps what the user saw and leaves header finding and mapping
 * to the code downstream, which is the same for CSV.
 *
 * What each cell becomes:
 * - text cells: the text, untouched;
 * - numbers with a date format (SheetJS `SSF.is_date`): `YYYY-MM-DD`; `YYYY-MM-DDTHH:MM:SS` when the format also shows
 *   the time of day; `HH:MM:SS` for a time-only format (the hours run past 24 for durations);
 * - other numbers below 10^15: the value rounded to Excel's 15 significant digits, in plain decimal notation without
 *   thousands separators (`1234.5`, `0.0000001`), whatever the cell's display format (`¥1,234.50`, `5%` become `1234.5`,
 *   `0.05`);
 * - numbers of 10^15 and above: Excel's General display, e.g. `1.10105E+17`. Excel keeps 15 significant digits, so
 *   an 18-digit ID number stored as a number has already lost its last three; the scientific notation makes that loss
 *   visible and `normaliseIdNumber` rejects it as `excel-mangled` instead of matching a wrong person;
 * - booleans: `TRUE` / `FALSE`; errors: their Excel text (`#N/A`, `#DIV/0!`); empty cells: `''`;
 * - formulas: their cached result, converted by the same rules.
 *
 * Rows: every row from the first row of the sheet to the last non-empty one, empty rows included as `cells: []`, so
 * that row counts and Excel row numbers stay honest downstream. Trailing empty cells are trimmed. Every cell of a
 * merged range carries the range's value (limited to the columns the sheet uses), so a parent header repeats over
 * its children and a household column merged down over its members repeats on each member's row.
 */
import { open as openFile, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as XLSX from 'xlsx';
import * as yauzl from 'yauzl';
import { AdapterError } from './adapter-error.js';
import { defaultReaderLimits } from './rows.js';
import { readCellFormats, readSharedStrings, readSheetRows } from './xlsx-sheet-xml.js';
import type { FileInput, RawRow, ReaderLimits } from './rows.js';

export interface SpreadsheetReadOptions {
  /** Read this sheet instead of choosing one. */
  sheet?: string;
}

/** A zip entry that expands more than this (and past `bombCheckMinBytes`) is refused as a zip bomb. */
const maxCompressionRatio = 100;
const bombCheckMinBytes = 1024 ** 2;
/** workbook.xml and its relationships are read into memory; real ones are a few kilobytes. */
const maxWorkbookPartBytes = 16 * 1024 ** 2;
/** Rows read before merged ranges are widened in an XLSX, so a title merged across the table spans it. */
const streamingLookaheadRows = 64;
const excelMaxColumns = 16_384;

/**
 * Rows of one sheet: the named one, else the visible sheet with the most non-empty rows. County workbooks often put a
 * hidden or empty sheet or a 说明 sheet first, and 农村低保备案表.xls keeps its data on the second sheet, so "the first
 * sheet" is wrong too often. Hidden sheets are read only by name: they hold templates and drop-down lists.
 *
 * An XLSX is streamed, one row held at a time beyond the first 64 (xlsx-sheet-xml.ts): SheetJS, which reads the
 * legacy .xls, holds the whole workbook — about 2.3 GB for a 1M-row feed against 0.44 GB streamed (research/
 * perf-facts.md §4b) — and read 40,000 rows in 1.13–1.28 s where this takes 0.67–0.77 s (docs/benchmarks.md).
 *
 * Refused whole, before any row: a file too big, a zip that would expand too far or too much for its size, a
 * password-protected workbook, a file that is no spreadsheet; in an .xls also more rows than `maxRows` and a text
 * cell longer than `maxCellLength`, which an XLSX refuses when it reaches them (an import's transaction then
 * keeps nothing of the file).
 */
export function readSpreadsheetRows(
  input: FileInput,
  options: SpreadsheetReadOptions = {},
  limits: Partial<ReaderLimits> = {},
): AsyncIterable<RawRow> {
  return generateSpreadsheetRows(input, options, { ...defaultReaderLimits, ...limits });
}

/** Every sheet's name in workbook order, hidden sheets included, so a caller can ask for one by name. */
export async function listSheets(input: FileInput, limits: Partial<ReaderLimits> = {}): Promise<string[]> {
  const source = await openSpreadsheetSource(input, { ...defaultReaderLimits, ...limits });
  if (source.format === 'xls') {
    return (await parseLegacyWorkbook(source, { bookSheets: true })).SheetNames;
  }
  return withZip(source, { ...defaultReaderLimits, ...limits }, async (zip) => {
    const { sheets } = await readWorkbookParts(zip, source.fileName);
    return sheets.map((sheet) => sheet.name);
  });
}

async function* generateSpreadsheetRows(
  input: FileInput,
  options: SpreadsheetReadOptions,
  limits: ReaderLimits,
): AsyncGenerator<RawRow> {
  const source = await openSpreadsheetSource(input, limits);
  if (source.format === 'xls') {
    yield* rowsOfLoadedWorkbook(await parseLegacyWorkbook(source), source.fileName, options, limits);
    return;
  }
  const plan = await withZip(source, limits, (zip) => planXlsxRead(zip, source, options));
  yield* streamXlsxRows(source, plan, limits);
}

// ---------------------------------------------------------------------------------------------------------------
// The file: size, format, bytes

type SpreadsheetFormat = 'xlsx' | 'xls';

interface SpreadsheetSource {
  fileName: string;
  format: SpreadsheetFormat;
  readAll(): Promise<Buffer>;
  readAt(position: number, length: number): Promise<Buffer>;
  openZip(): Promise<yauzl.ZipFile>;
}

const zipSignature = Buffer.from('PK\x03\x04', 'latin1');
const compoundFileSignature = Buffer.from('d0cf11e0a1b11ae1', 'hex');

async function openSpreadsheetSource(input: FileInput, limits: ReaderLimits): Promise<SpreadsheetSource> {
  const { fileName } = input;
  const size = input.bytes ? input.bytes.length : await fileSize(input);
  if (size > limits.maxFileBytes) {
    throw new AdapterError('too-large', fileName, `the file has ${size} bytes, more than the limit of ${limits.maxFileBytes}.`);
  }
  const source = input.bytes ? bytesSource(fileName, input.bytes) : pathSource(fileName, requirePath(input));
  const head = await source.readAt(0, 8);
  if (head.subarray(0, 4).equals(zipSignature)) return { ...source, format: 'xlsx' };
  if (head.equals(compoundFileSignature)) return { ...source, format: 'xls' };
  throw new AdapterError('unknown-format', fileName, `it is not an Excel workbook: ${describeNonSpreadsheet(head)}`);
}

function requirePath(input: FileInput): string {
  if (input.path === undefined) {
    throw new AdapterError('unreadable', input.fileName, 'neither a path nor the bytes of the file were given.');
  }
  return input.path;
}

async function fileSize(input: FileInput): Promise<number> {
  const path = requirePath(input);
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new AdapterError('unreadable', input.fileName, `the file cannot be opened (${errorMessage(error)}).`, { cause: error });
  }
}

/** Offices rename HTML pages and CSV files to .xls; say what the file looks like so the sender knows what to fix. */
function describeNonSpreadsheet(head: Buffer): string {
  const text = head.toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart().toLowerCase();
  if (text.startsWith('<')) {
    return 'it looks like an HTML or XML page saved under a spreadsheet name; open it in Excel and save it as .xlsx, or send CSV.';
  }
  if (head.length === 0) return 'the file is empty.';
  if ([...head].every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || byte >= 0x20)) {
    return 'it looks like a text file; send it as CSV, or save it from Excel as .xlsx.';
  }
  return 'it does not start like an .xlsx (zip) or .xls (OLE) file.';
}

type SourceBase = Omit<SpreadsheetSource, 'format'>;

function bytesSource(fileName: string, bytes: Buffer): SourceBase {
  return {
    fileName,
    readAll: async () => bytes,
    readAt: async (position, length) => bytes.subarray(position, position + length),
    openZip: () => yauzl.fromBufferPromise(bytes, { lazyEntries: true, autoClose: false }),
  };
}

function pathSource(fileName: string, path: string): SourceBase {
  return {
    fileName,
    readAll: () => readFile(path),
    readAt: async (position, length) => {
      const handle = await openFile(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    openZip: () => yauzl.openPromise(path, { lazyEntries: true, autoClose: false }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The zip: refuse bombs from the central directory, then prove the sizes while inflating once

interface ZipCatalogue {
  zip: yauzl.ZipFile;
  /** In directory order, duplicates kept: a crafted zip may name two entries alike and each must be checked. */
  entries: yauzl.Entry[];
  byName: Map<string, yauzl.Entry>;
}

async function withZip<T>(
  source: SpreadsheetSource,
  limits: ReaderLimits,
  use: (catalogue: ZipCatalogue) => Promise<T>,
): Promise<T> {
  let zip: yauzl.ZipFile;
  try {
    zip = await source.openZip();
  } catch (error) {
    throw new AdapterError('unreadable', source.fileName, `it is not a readable zip archive (${errorMessage(error)}).`, {
      cause: error,
    });
  }
  try {
    const entries = await readZipEntries(zip, source.fileName);
    checkZipDirectory(entries, source.fileName, limits);
    return await use({ zip, entries, byName: new Map(entries.map((entry) => [entry.fileName, entry])) });
  } finally {
    zip.close();
  }
}

async function readZipEntries(zip: yauzl.ZipFile, fileName: string): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push(entry);
        zip.readEntry();
      });
      zip.once('end', resolve);
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (error) {
    throw new AdapterError('unreadable', fileName, `its zip directory is damaged (${errorMessage(error)}).`, { cause: error });
  }
  return entries;
}

/** The central directory's sizes, checked before a byte is inflated. */
function checkZipDirectory(entries: yauzl.Entry[], fileName: string, limits: ReaderLimits): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.isEncrypted()) {
      throw new AdapterError('unreadable', fileName, 'its zip entries are encrypted; send the workbook without a password.');
    }
    total += entry.uncompressedSize;
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > bombCheckMinBytes && ratio > maxCompressionRatio) {
      throw new AdapterError(
        'zip-bomb',
        fileName,
        `the zip entry ${entry.fileName} would expand ${Math.round(ratio)} times (${entry.compressedSize} to ` +
          `${entry.uncompressedSize} bytes); refused as a zip bomb.`,
      );
    }
  }
  if (total > limits.maxDecompressedBytes) {
    throw new AdapterError(
      'zip-bomb',
      fileName,
      `it would expand to ${total} bytes, more than the limit of ${limits.maxDecompressedBytes}.`,
    );
  }
}

/**
 * Inflates every entry once, without keeping it, to prove that the data matches the central directory. The
 * directory alone can lie: with a data descriptor (sizes 0 in the local header) a reader that trusts the local headers
 * grows its buffer without bound; yauzl stops an entry at its declared size.
 * The sheets in `scanned` are scanned on the way for what must be known before their first row: their merged ranges
 * (listed after the rows) and, with `countRows`, how many rows hold a value (to choose the data sheet among several).
 */
async function verifyZipEntries(catalogue: ZipCatalogue, source: SpreadsheetSource, scanned: readonly string[], countRows: boolean): Promise<Map<string, SheetScan>> {
  const scans = new Map<string, SheetScan>();
  for (const entry of catalogue.entries) {
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new AdapterError('unreadable', source.fileName, `the zip entry ${entry.fileName} uses an unsupported compression method.`);
    }
    const scanner = scanned.includes(entry.fileName) ? createSheetScanner(countRows) : undefined;
    try {
      const stream = await catalogue.zip.openReadStreamPromise(entry);
      for await (const chunk of stream as AsyncIterable<Buffer>) scanner?.push(chunk);
    } catch (error) {
      const message = errorMessage(error);
      if (/too many bytes/.test(message)) {
        throw new AdapterError('zip-bomb', source.fileName, `the zip entry ${entry.fileName} expands past its declared size.`, {
          cause: error,
        });
      }
      throw new AdapterError('unreadable', source.fileName, `the zip entry ${entry.fileName} is damaged (${message}).`, {
        cause: error,
      });
    }
    if (scanner) scans.set(entry.fileName, scanner.result());
  }
  return scans;
}

async function readZipText(catalogue: ZipCatalogue, name: string, fileName: string): Promise<string | undefined> {
  const entry = catalogue.byName.get(name);
  if (!entry) return undefined;
  if (entry.uncompressedSize > maxWorkbookPartBytes) {
    throw new AdapterError('too-large', fileName, `its ${name} has ${entry.uncompressedSize} bytes; a real one has a few thousand.`);
  }
  const chunks: Buffer[] = [];
  try {
    const stream = await catalogue.zip.openReadStreamPromise(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    throw new AdapterError('unreadable', fileName, `the zip entry ${name} is damaged (${errorMessage(error)}).`, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX: which sheets exist, which to read, and how

interface WorkbookSheet {
  name: string;
  hidden: boolean;
  /** The sheet's XML inside the zip, e.g. `xl/worksheets/sheet2.xml`. */
  partName: string | undefined;
}

interface XlsxPlan {
  sheet: WorkbookSheet;
  /** Number format code by cell style index, from the styles part (read whole: a real one is a few kilobytes). */
  formats: (string | undefined)[];
  merges: MergeRange[];
  date1904: boolean;
  sharedStringsPart: string | undefined;
}

interface WorkbookParts {
  sheets: WorkbookSheet[];
  date1904: boolean;
  sharedStringsPart: string | undefined;
  stylesPart: string | undefined;
}

/**
 * Verifies the zip and chooses the sheet: the named one, else the visible sheet with the most rows that hold a value
 * (the first of them on a tie), as the .xls path chooses.
 */
async function planXlsxRead(catalogue: ZipCatalogue, source: SpreadsheetSource, options: SpreadsheetReadOptions): Promise<XlsxPlan> {
  const workbook = await readWorkbookParts(catalogue, source.fileName);
  const candidates = options.sheet !== undefined ? [findNamedSheet(workbook.sheets, options.sheet, source.fileName)] : workbook.sheets.filter((sheet) => !sheet.hidden);
  if (candidates.length === 0) throw new AdapterError('unreadable', source.fileName, 'the workbook has no visible sheet.');
  const parts = candidates.flatMap((sheet) => (sheet.partName === undefined ? [] : [sheet.partName]));
  const scans = await verifyZipEntries(catalogue, source, parts, candidates.length > 1);
  const scanOf = (sheet: WorkbookSheet) => (sheet.partName === undefined ? undefined : scans.get(sheet.partName));
  let chosen = candidates[0]!;
  for (const sheet of candidates) if ((scanOf(sheet)?.rowsWithValues ?? 0) > (scanOf(chosen)?.rowsWithValues ?? 0)) chosen = sheet;
  const stylesXml = workbook.stylesPart === undefined ? undefined : await readZipText(catalogue, workbook.stylesPart, source.fileName);
  const formats = stylesXml === undefined ? [] : readCellFormats(stylesXml, numberFormats.get_table(), source.fileName);
  return { ...workbook, sheet: chosen, merges: scanOf(chosen)?.merges ?? [], formats };
}

/** Sheet names, visibility and parts from xl/workbook.xml and its relationships, without loading any sheet. */
async function readWorkbookParts(catalogue: ZipCatalogue, fileName: string): Promise<WorkbookParts> {
  const workbookXml = await readZipText(catalogue, 'xl/workbook.xml', fileName);
  if (workbookXml === undefined) {
    throw new AdapterError('unknown-format', fileName, describeOtherZip(catalogue.byName));
  }
  const relsXml = (await readZipText(catalogue, 'xl/_rels/workbook.xml.rels', fileName)) ?? '';
  const targets = new Map<string, string>();
  const partOfType = new Map<string, string>();
  for (const tag of xmlTags(relsXml, 'Relationship')) {
    const id = tag.get('Id');
    const target = tag.get('Target');
    if (id === undefined || target === undefined) continue;
    targets.set(id, resolvePartName(target));
    partOfType.set(tag.get('Type')?.split('/').pop() ?? '', resolvePartName(target));
  }
  const sheets = xmlTags(workbookXml, 'sheet').map((tag) => {
    const relationshipId = [...tag.entries()].find(([attribute]) => /(^|:)id$/.test(attribute))?.[1];
    const state = tag.get('state');
    return {
      name: tag.get('name') ?? '',
      hidden: state === 'hidden' || state === 'veryHidden',
      partName: relationshipId === undefined ? undefined : targets.get(relationshipId),
    };
  });
  const date1904 = xmlTags(workbookXml, 'workbookPr').some((tag) => ['1', 'true'].includes(tag.get('date1904') ?? ''));
  return { sheets, date1904, sharedStringsPart: partOfType.get('sharedStrings'), stylesPart: partOfType.get('styles') };
}

function describeOtherZip(entries: ReadonlyMap<string, yauzl.Entry>): string {
  if (entries.has('xl/workbook.bin')) return 'it is a binary .xlsb workbook; save it from Excel as .xlsx.';
  if (entries.has('content.xml')) return 'it is an OpenDocument (.ods) file; save it as .xlsx.';
  if (entries.has('word/document.xml')) return 'it is a Word document, not a spreadsheet.';
  return 'it is a zip archive but not an Excel workbook (no xl/workbook.xml).';
}

/** Relationship targets are relative to xl/ unless absolute. */
function resolvePartName(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts: string[] = ['xl'];
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}

function findNamedSheet<T extends { name: string }>(sheets: T[], name: string, fileName: string): T {
  const sheet = sheets.find((candidate) => candidate.name === name);
  if (!sheet) {
    const names = sheets.map((candidate) => `"${candidate.name}"`).join(', ');
    throw new AdapterError('unreadable', fileName, `it has no sheet named "${name}"; its sheets are ${names}.`);
  }
  return sheet;
}

/** Attributes of every `<name …>` element, namespace prefixes allowed; enough for workbook.xml and .rels. */
function xmlTags(xml: string, name: string): Map<string, string>[] {
  const tags: Map<string, string>[] = [];
  for (const match of xml.matchAll(new RegExp(`<(?:[\\w.-]+:)?${name}\\s([^>]*)>`, 'g'))) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes.set(attribute[1] ?? '', decodeXmlText(attribute[2] ?? attribute[3] ?? ''));
    }
    tags.push(attributes);
  }
  return tags;
}

const namedXmlEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|\w+);/g, (entity, body: string) => {
    if (!body.startsWith('#')) return namedXmlEntities[body] ?? entity;
    const codePoint = body.startsWith('#x') ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// SheetJS: the workbook in memory

/**
 * `dense` halves time and memory (perf-facts §4b); `cellDates: false` keeps serials so the date rule below sees the
 * number and its format; `cellNF` keeps the format; no formatted text, HTML or formulas are built, which we never use.
 */
const sheetJsOptions: XLSX.ParsingOptions = {
  type: 'buffer',
  dense: true,
  cellDates: false,
  cellNF: true,
  cellText: false,
  cellHTML: false,
  cellFormula: false,
  cellStyles: false,
};

function parseWorkbook(bytes: Buffer, fileName: string, extraOptions: XLSX.ParsingOptions = {}): XLSX.WorkBook {
  try {
    return XLSX.read(bytes, { ...sheetJsOptions, ...extraOptions });
  } catch (error) {
    const message = errorMessage(error);
    if (/password|encrypt/i.test(message)) {
      throw new AdapterError('unreadable', fileName, 'the workbook is protected by a password; send it without one.', { cause: error });
    }
    throw new AdapterError('unreadable', fileName, `SheetJS cannot read it: ${message}`, { cause: error });
  }
}

/**
 * A password to open an .xlsx turns it into an OLE file holding EncryptedPackage, so it arrives on the .xls path.
 * BIFF5 (Excel 95) strings are in the workbook's code page, GBK for Chinese, so SheetJS needs its code-page tables,
 * loaded only when an .xls arrives (they take 120 ms).
 */
async function parseLegacyWorkbook(source: SpreadsheetSource, extraOptions: XLSX.ParsingOptions = {}): Promise<XLSX.WorkBook> {
  const bytes = await source.readAll();
  let container: { FullPaths: string[] };
  try {
    container = XLSX.CFB.read(bytes, { type: 'buffer' }) as { FullPaths: string[] };
  } catch (error) {
    throw new AdapterError('unreadable', source.fileName, `its OLE container is damaged (${errorMessage(error)}).`, { cause: error });
  }
  const streams = new Set(container.FullPaths.map((path) => path.split('/').filter(Boolean).pop() ?? ''));
  if (streams.has('EncryptedPackage') || streams.has('EncryptionInfo')) {
    throw new AdapterError('unreadable', source.fileName, 'the workbook is protected by a password; send it without one.');
  }
  if (!streams.has('Workbook') && !streams.has('Book')) {
    throw new AdapterError('unknown-format', source.fileName, 'it is an OLE file (perhaps a Word .doc or WPS file) without an Excel workbook in it.');
  }
  XLSX.set_cptable(await import('xlsx/dist/cpexcel.full.mjs'));
  return parseWorkbook(bytes, source.fileName, extraOptions);
}

interface LoadedSheet {
  name: string;
  rows: (XLSX.CellObject | undefined)[][];
  merges: MergeRange[];
}

async function* rowsOfLoadedWorkbook(
  workbook: XLSX.WorkBook,
  fileName: string,
  options: SpreadsheetReadOptions,
  limits: ReaderLimits,
): AsyncGenerator<RawRow> {
  const sheet = chooseLoadedSheet(workbook, fileName, options);
  const date1904 = workbook.Workbook?.WBProps?.date1904 === true;
  const lastRow = lastNonEmptyRowIndex(sheet.rows);
  if (lastRow + 1 > limits.maxRows) {
    throw new AdapterError('too-many-rows', fileName, `sheet ${sheet.name} has ${lastRow + 1} rows, more than the limit of ${limits.maxRows}.`);
  }
  checkTextCellLengths(sheet, fileName, limits);
  const width = sheet.rows.reduce((widest, row) => Math.max(widest, row ? row.length : 0), 0);
  const merges = new MergeExpander(sheet.merges, (row, column) => loadedCellText(sheet.rows[row]?.[column], date1904));
  const reference = sheetReference(sheet.name);
  for (let rowIndex = 0; rowIndex <= lastRow; rowIndex++) {
    const row = sheet.rows[rowIndex] ?? [];
    const cells: string[] = [];
    for (let column = 0; column < row.length; column++) cells.push(loadedCellText(row[column], date1904));
    merges.apply(rowIndex, cells, width);
    trimTrailingEmpty(cells);
    checkCellLengths(cells, sheet.name, rowIndex, fileName, limits);
    yield { location: `${reference}!A${rowIndex + 1}`, cells };
  }
}

function chooseLoadedSheet(workbook: XLSX.WorkBook, fileName: string, options: SpreadsheetReadOptions): LoadedSheet {
  const sheets = workbook.SheetNames.map((name, index) => ({
    name,
    hidden: (workbook.Workbook?.Sheets?.[index]?.Hidden ?? 0) !== 0,
    worksheet: workbook.Sheets[name],
  }));
  const chosen =
    options.sheet !== undefined
      ? findNamedSheet(sheets, options.sheet, fileName)
      : mostRowsVisibleSheet(sheets.filter((sheet) => !sheet.hidden));
  if (!chosen) throw new AdapterError('unreadable', fileName, 'the workbook has no visible sheet.');
  const rows = (chosen.worksheet?.['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  return { name: chosen.name, rows, merges: (chosen.worksheet?.['!merges'] ?? []).map(toMergeRange) };
}

function mostRowsVisibleSheet<T extends { worksheet: XLSX.WorkSheet | undefined }>(sheets: T[]): T | undefined {
  let best: T | undefined;
  let bestCount = -1;
  for (const sheet of sheets) {
    const rows = (sheet.worksheet?.['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
    const count = rows.filter((row) => row?.some(hasValue)).length;
    if (count > bestCount) {
      best = sheet;
      bestCount = count;
    }
  }
  return best;
}

function hasValue(cell: XLSX.CellObject | undefined): boolean {
  return cell !== undefined && cell !== null && cell.t !== 'z' && cell.v !== undefined && cell.v !== '';
}

/** SheetJS's `!ref` comes from `<dimension>`, which can claim A1:XFD1048576 for three cells; only real cells count. */
function lastNonEmptyRowIndex(rows: (XLSX.CellObject | undefined)[][]): number {
  for (let index = rows.length - 1; index >= 0; index--) {
    if (rows[index]?.some(hasValue)) return index;
  }
  return -1;
}

function checkTextCellLengths(sheet: LoadedSheet, fileName: string, limits: ReaderLimits): void {
  sheet.rows.forEach((row, rowIndex) => {
    row?.forEach((cell) => {
      if (cell && typeof cell.v === 'string' && cell.v.length > limits.maxCellLength) {
        throw cellTooLong(fileName, sheet.name, rowIndex, cell.v.length, limits);
      }
    });
  });
}

function checkCellLengths(cells: string[], sheetName: string, rowIndex: number, fileName: string, limits: ReaderLimits): void {
  for (const cell of cells) {
    if (cell.length > limits.maxCellLength) throw cellTooLong(fileName, sheetName, rowIndex, cell.length, limits);
  }
}

function cellTooLong(fileName: string, sheetName: string, rowIndex: number, length: number, limits: ReaderLimits): AdapterError {
  return new AdapterError(
    'too-large',
    fileName,
    `a cell in row ${rowIndex + 1} of sheet ${sheetName} has ${length} characters, more than the limit of ${limits.maxCellLength}.`,
  );
}

function loadedCellText(cell: XLSX.CellObject | undefined, date1904: boolean): string {
  if (!cell) return '';
  switch (cell.t) {
    case 's':
      return typeof cell.v === 'string' ? cell.v : String(cell.v ?? '');
    case 'n':
      return typeof cell.v === 'number' ? numberCellText(cell.v, cell.z, date1904) : '';
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE';
    case 'e':
      return XLSX.utils.format_cell(cell);
    case 'd':
      return cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v ?? '');
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX streamed row by row

/**
 * The zip is read with yauzl, by its central directory (checked above), and the shared strings, the styles' number
 * formats and the sheet are parsed as they inflate (xlsx-sheet-xml.ts), one row held at a time. exceljs's own
 * `WorkbookReader` reads the zip front to back with unzipper and loses entries now and then ("Cannot read properties
 * of undefined (reading 'sheets')", exceljs issue #3064, open for 4.4.0).
 */
async function* streamXlsxRows(source: SpreadsheetSource, plan: XlsxPlan, limits: ReaderLimits): AsyncGenerator<RawRow> {
  const emitter = new StreamedRowEmitter(plan, source.fileName, limits);
  const zip = await source.openZip();
  try {
    const entries = new Map((await readZipEntries(zip, source.fileName)).map((entry) => [entry.fileName, entry]));
    const open = async (partName: string | undefined) => {
      const entry = partName === undefined ? undefined : entries.get(partName);
      return entry ? zip.openReadStreamPromise(entry) : undefined;
    };
    const sharedStringsXml = await open(plan.sharedStringsPart);
    const sharedStrings = sharedStringsXml ? await readSharedStrings(utf8Text(sharedStringsXml), source.fileName) : [];
    const sheetXml = await open(plan.sheet.partName);
    if (!sheetXml) {
      throw new AdapterError('unreadable', source.fileName, `the XML of sheet ${plan.sheet.name} is missing from the zip.`);
    }
    const context = { sharedStrings, formats: plan.formats, numberText: (value: number, format: string | undefined) => numberCellText(value, format, plan.date1904) };
    try {
      for await (const rows of readSheetRows(utf8Text(sheetXml), context, source.fileName)) {
        for (const row of rows) emitter.add(row.number, row.cells);
        yield* emitter.take();
      }
    } finally {
      sheetXml.destroy();
    }
  } catch (error) {
    if (error instanceof AdapterError) throw error;
    throw new AdapterError('unreadable', source.fileName, `its sheet cannot be read: ${errorMessage(error)}`, { cause: error });
  } finally {
    zip.close();
  }
  yield* emitter.finish();
}

/**
 * A zip entry's bytes as text, decoded as a stream: a Chinese character whose three UTF-8 bytes straddle two inflated
 * chunks is joined, not turned into two U+FFFD.
 */
async function* utf8Text(entry: Readable): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of entry as AsyncIterable<Buffer>) yield decoder.decode(chunk, { stream: true });
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Turns the rows the sheet XML holds (only those present in it) into the same rows as the in-memory path: gaps
 * filled with empty rows, trailing empty rows dropped, merges expanded. The first rows are held back until the
 * table's width is known, so that a title merged across the table spans it here too.
 */
class StreamedRowEmitter {
  private readonly merges: MergeExpander;
  private readonly reference: string;
  private readonly held: { rowIndex: number; cells: string[] }[] = [];
  private readonly ready: RawRow[] = [];
  private holding = true;
  private nextRowIndex = 0;
  private widest = 0;
  private rowCount = 0;

  constructor(
    private readonly plan: XlsxPlan,
    private readonly fileName: string,
    private readonly limits: ReaderLimits,
  ) {
    this.merges = new MergeExpander(plan.merges);
    this.reference = sheetReference(plan.sheet.name);
  }

  /** `rowNumber` is Excel's 1-based `r`; rows written without one follow the previous row. */
  add(rowNumber: number, cells: string[]): void {
    const rowIndex = Number.isInteger(rowNumber) && rowNumber > this.nextRowIndex ? rowNumber - 1 : this.nextRowIndex;
    this.merges.record(rowIndex, cells);
    this.widest = Math.max(this.widest, cells.length);
    if (cells.every((cell) => cell === '')) return;
    for (let gap = this.nextRowIndex; gap < rowIndex; gap++) this.emit(gap, []);
    this.emit(rowIndex, cells);
    this.nextRowIndex = rowIndex + 1;
  }

  take(): RawRow[] {
    return this.ready.splice(0);
  }

  finish(): RawRow[] {
    this.release();
    return this.take();
  }

  private emit(rowIndex: number, cells: string[]): void {
    this.rowCount++;
    if (this.rowCount > this.limits.maxRows) {
      throw new AdapterError(
        'too-many-rows',
        this.fileName,
        `sheet ${this.plan.sheet.name} has more than ${this.limits.maxRows} rows (reached row ${rowIndex + 1}).`,
      );
    }
    if (this.holding) {
      this.held.push({ rowIndex, cells });
      if (this.held.length >= streamingLookaheadRows) this.release();
      return;
    }
    this.ready.push(this.complete(rowIndex, cells));
  }

  private release(): void {
    this.holding = false;
    for (const { rowIndex, cells } of this.held.splice(0)) this.ready.push(this.complete(rowIndex, cells));
  }

  private complete(rowIndex: number, cells: string[]): RawRow {
    this.merges.apply(rowIndex, cells, this.widest);
    trimTrailingEmpty(cells);
    checkCellLengths(cells, this.plan.sheet.name, rowIndex, this.fileName, this.limits);
    return { location: `${this.reference}!A${rowIndex + 1}`, cells };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Merged ranges

interface MergeRange {
  firstRow: number;
  lastRow: number;
  firstColumn: number;
  lastColumn: number;
}

function toMergeRange(range: XLSX.Range): MergeRange {
  return { firstRow: range.s.r, lastRow: range.e.r, firstColumn: range.s.c, lastColumn: range.e.c };
}

/**
 * Copies each merged range's value into all its cells, row by row. The value comes from the range's first cell:
 * looked up in the loaded sheet, or remembered when the streaming path passes the range's first row. Ranges are
 * clamped to the columns the sheet uses, so a crafted A1:XFD1048576 merge cannot make rows of 16,384 cells.
 */
class MergeExpander {
  private readonly byRow = new Map<number, MergeRange[]>();
  private readonly values = new Map<MergeRange, string>();

  constructor(
    ranges: MergeRange[],
    private readonly lookup?: (row: number, column: number) => string,
  ) {
    for (const range of ranges) {
      if (range.lastRow < range.firstRow || range.lastColumn < range.firstColumn) continue;
      const starting = this.byRow.get(range.firstRow) ?? [];
      starting.push(range);
      this.byRow.set(range.firstRow, starting);
    }
  }

  /** Streaming: keep the first-row values of the ranges starting on this row. */
  record(rowIndex: number, cells: string[]): void {
    for (const range of this.byRow.get(rowIndex) ?? []) this.values.set(range, cells[range.firstColumn] ?? '');
  }

  apply(rowIndex: number, cells: string[], width: number): void {
    if (this.lookup) {
      for (const range of this.byRow.get(rowIndex) ?? []) this.values.set(range, this.lookup(range.firstRow, range.firstColumn));
    }
    const lastColumn = Math.min(width, excelMaxColumns) - 1;
    for (const [range, value] of this.values) {
      if (rowIndex > range.lastRow) {
        this.values.delete(range);
        continue;
      }
      if (rowIndex < range.firstRow || value === '') continue;
      for (let column = range.firstColumn; column <= Math.min(range.lastColumn, lastColumn); column++) {
        while (cells.length < column) cells.push('');
        cells[column] = value;
      }
    }
  }
}

interface SheetScan {
  merges: MergeRange[];
  /** Rows with at least one `<v>` or inline string: what the data sheet has most of. */
  rowsWithValues: number;
}

/**
 * Reads a sheet's XML as it inflates, without parsing it: the `<mergeCell ref>`s and the rows that hold a value. The
 * bytes are read as Latin-1, where every tag name and attribute stays as written; a tag cut by a chunk's end is
 * carried into the next.
 */
function createSheetScanner(countRows: boolean): { push(chunk: Buffer): void; result(): SheetScan } {
  const refs = new Set<string>();
  let rowsWithValues = 0;
  let inRow = false;
  let rowHasValue = false;
  let carry = '';
  // Counting matches every row and value tag (~0.26 s of a profiled 200,000-row read); merges alone match only themselves.
  const tags = countRows ? /<(\/?)(?:[\w.-]+:)?(row|v|is|mergeCell)(?=[\s/>])([^>]*)>/g : /<(\/?)(?:[\w.-]+:)?(mergeCell)(?=[\s/>])([^>]*)>/g;
  return {
    push(chunk) {
      const text = carry + chunk.toString('latin1');
      const open = text.lastIndexOf('<');
      const end = open !== -1 && text.indexOf('>', open) === -1 ? open : text.length;
      // A tag runs to its '>': an unfinished one waits for the next chunk (kept short, so no text can grow without bound).
      carry = text.length - end > 4096 ? '' : text.slice(end);
      for (const match of text.slice(0, end).matchAll(tags)) {
        const [, closing, name, rest = ''] = match;
        if (name === 'row') {
          if (closing) {
            if (inRow && rowHasValue) rowsWithValues += 1;
            inRow = false;
          } else {
            inRow = !rest.endsWith('/');
            rowHasValue = false;
          }
        } else if (name === 'mergeCell') {
          const ref = /\bref\s*=\s*["']([A-Z]+\d+(?::[A-Z]+\d+)?)["']/.exec(rest)?.[1];
          if (ref && !closing) refs.add(ref);
        } else if (!closing && inRow) {
          rowHasValue = true;
        }
      }
    },
    result: () => ({ merges: [...refs].map((ref) => toMergeRange(XLSX.utils.decode_range(ref))), rowsWithValues }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cell text

/** SheetJS's bundled SSF number-format library; its typings are `any`. */
interface NumberFormatLibrary {
  is_date(format: string): boolean;
  format(format: string, value: number): string;
  get_table(): Record<number, string | undefined>;
  parse_date_code(serial: number, options?: { date1904?: boolean }): { y: number; m: number; d: number } | null;
}
const numberFormats = XLSX.SSF as NumberFormatLibrary;

function numberCellText(value: number, format: string | number | undefined, date1904: boolean): string {
  const formatCode = typeof format === 'number' ? numberFormats.get_table()[format] : format;
  if (formatCode && numberFormats.is_date(formatCode)) {
    const date = excelDateText(value, formatCode, date1904);
    if (date !== undefined) return date;
  }
  return plainNumberText(value);
}

/** Excel stores 15 significant digits; a 16th is noise from binary floating point (0.1 + 0.2). */
function plainNumberText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e15) return numberFormats.format('General', value);
  return withoutExponent(String(Number(value.toPrecision(15))));
}

/** `1e-7` → `0.0000001`; only small magnitudes reach here, as JS writes numbers below 10^21 without exponent. */
function withoutExponent(text: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', lead = '', fraction = '', exponent = '0'] = match;
  return `${sign}0.${'0'.repeat(Number(exponent) - 1)}${lead}${fraction}`;
}

function excelDateText(serial: number, formatCode: string, date1904: boolean): string | undefined {
  const parts = numberFormats.parse_date_code(serial, { date1904 });
  if (!parts) return undefined;
  const visible = formatCode.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  const showsTime = /[hs]/i.test(visible) || /\[(h+|m+|s+)\]/i.test(formatCode);
  const showsDate = /[ydeb]/i.test(visible) || (/m/i.test(visible) && !showsTime);
  const totalSeconds = Math.round(serial * 86_400);
  const secondsOfDay = ((totalSeconds % 86_400) + 86_400) % 86_400;
  const date = `${pad(parts.y, 4)}-${pad(parts.m, 2)}-${pad(parts.d, 2)}`;
  const time = (hours: number) => `${pad(hours, 2)}:${pad(Math.floor((secondsOfDay % 3600) / 60), 2)}:${pad(secondsOfDay % 60, 2)}`;
  if (showsDate && showsTime) return `${date}T${time(Math.floor(secondsOfDay / 3600))}`;
  if (showsTime) return time(Math.floor(totalSeconds / 3600));
  return date;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Excel quotes a sheet name in a reference when it holds anything but letters, digits, `_` and `.`. */
function sheetReference(name: string): string {
  return /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(name) ? name : `'${name.replaceAll("'", "''")}'`;
}

function trimTrailingEmpty(cells: string[]): void {
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
