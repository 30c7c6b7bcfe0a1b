import { AdapterError } from './adapter-error.js';
import { readCsvRows } from './csv-reader.js';
import { detectEncoding, encodingSampleBytes, readHead, startsWithBytes } from './encoding.js';
import { hasNdjsonExtension, looksLikeNdjson, readJsonRecords, readNdjsonRecords } from './json-reader.js';
import type { FileFormat, FileInput, RawRecord, RawRow, ReaderLimits } from './rows.js';
import { readSpreadsheetRows } from './xlsx-reader.js';
import { readXmlRecords } from './xml-reader.js';

export interface ReadFileOptions {
  /** Skip detection: the sender said what the file is. */
  format?: FileFormat;
  /** Spreadsheets: the sheet to read. */
  sheet?: string;
  /** XML: the element that is one record. */
  recordElement?: string;
  limits?: Partial<ReaderLimits>;
}

/** Tabular formats give rows of cells (the header is found downstream); record formats give named fields. */
export type FileContent =
  | { kind: 'rows'; format: 'csv' | 'xlsx' | 'xls'; rows: AsyncIterable<RawRow> }
  | { kind: 'records'; format: 'json' | 'ndjson' | 'xml'; records: AsyncIterable<RawRecord> };

const zipSignature = [0x50, 0x4b, 0x03, 0x04];
/** OLE2 compound file: Excel 97–2003 workbooks (and Word documents, which the spreadsheet reader then refuses). */
const compoundFileSignature = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * What a file is, by its first bytes, then by its name: the content wins because names lie — "Excel" exports that
 * are tab-separated text or HTML under `.xls`, JSON saved as `.txt`. Text that is not XML or JSON is read as CSV
 * whatever its extension, since the CSV reader finds its own delimiter. HTML (a page saved as `.xls`) is refused
 * with `unknown-format`, as are binary files that are no spreadsheet.
 */
export async function detectFormat(input: FileInput): Promise<FileFormat> {
  const head = await readHead(input, encodingSampleBytes);
  if (startsWithBytes(head, zipSignature)) return 'xlsx';
  if (startsWithBytes(head, compoundFileSignature)) return 'xls';

  const encoding = detectEncoding(head, input.fileName);
  const text = new TextDecoder(encoding).decode(head, { stream: true }).trimStart();
  if (/^<(!doctype\s+html|html|table|meta)\b/i.test(text)) {
    throw new AdapterError('unknown-format', input.fileName, 'is an HTML page (some systems save web tables as .xls); open it in Excel and save it as XLSX or CSV');
  }
  if (text.startsWith('<')) return 'xml';
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) return hasNdjsonExtension(input.fileName) || looksLikeNdjson(text, head.length < encodingSampleBytes) ? 'ndjson' : 'json';
  return formatByExtension(input.fileName) ?? 'csv';
}

/** Only for text that does not show its format in its first character (JSON and XML do). */
function formatByExtension(fileName: string): FileFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'json') return 'json';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  if (extension === 'xml') return 'xml';
  return undefined;
}

/** Opens a file with the reader its format needs; nothing is read until the rows or records are iterated. */
export async function readRecords(input: FileInput, options: ReadFileOptions = {}): Promise<FileContent> {
  const format = options.format ?? (await detectFormat(input));
  const limits = options.limits ?? {};
  switch (format) {
    case 'csv':
      return { kind: 'rows', format, rows: readCsvRows(input, limits) };
    case 'xlsx':
    case 'xls':
      return { kind: 'rows', format, rows: readSpreadsheetRows(input, options.sheet === undefined ? {} : { sheet: options.sheet }, limits) };
    case 'json':
      return { kind: 'records', format, records: readJsonRecords(input, limits) };
    case 'ndjson':
      return { kind: 'records', format, records: readNdjsonRecords(input, limits) };
    case 'xml':
      return { kind: 'records', format, records: readXmlRecords(input, options.recordElement === undefined ? {} : { recordElement: options.recordElement }, limits) };
  }
}
