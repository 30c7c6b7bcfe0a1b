import * as XLSX from 'xlsx';
import { encodeGbk } from '../../exports/gbk-encoding.js';

/** One generated department file: what `jiuzhu import --source` takes, named as the department would name it. */
export interface FeedFile {
  source: string;
  fileName: string;
  bytes: Buffer;
}

/** A cell of a generated table: text, a number, empty, or a SheetJS cell (a typed date, a number format). */
export type TableCell = string | number | null | XLSX.CellObject;

/** How department CSV files arrive: 公安, 医保 and 应急 systems export GBK; newer ones UTF-8, 人社 with Excel's BOM. */
export type CsvEncoding = 'gbk' | 'utf8' | 'utf8-bom';

/**
 * A CSV as Excel and the departments' systems write it: CRLF line ends, cells quoted only when they hold a comma,
 * a quote or a line break (so `"1,005.00"` appears exactly as in the real exports).
 */
export function csvBytes(rows: readonly (readonly (string | number | null)[])[], encoding: CsvEncoding): Buffer {
  const text = rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  if (encoding === 'gbk') return encodeGbk(text);
  const utf8 = Buffer.from(text, 'utf8');
  return encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]) : utf8;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface SheetSpec {
  name: string;
  rows: TableCell[][];
  /** Ranges such as 'A1:J1', merged as the department's template merges them. */
  merges?: string[];
  columnWidths?: number[];
}

/** An XLSX workbook; SheetJS writes no timestamps, so the same sheets always give the same bytes (idempotent imports). */
export function xlsxBytes(sheets: readonly SheetSpec[]): Buffer {
  const book = XLSX.utils.book_new();
  for (const spec of sheets) {
    const worksheet = XLSX.utils.aoa_to_sheet(spec.rows);
    worksheet['!merges'] = (spec.merges ?? []).map((range) => XLSX.utils.decode_range(range));
    worksheet['!cols'] = (spec.columnWidths ?? []).map((wch) => ({ wch }));
    XLSX.utils.book_append_sheet(book, worksheet, spec.name);
  }
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

/** A number cell shown as a date, as Excel stores a typed date. */
export function dateCell(isoDate: string, format = 'yyyy-mm-dd'): XLSX.CellObject {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return { t: 'n', v: (Date.UTC(year, month - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000, z: format };
}

/** A cell Excel keeps as text ('@'), as exports keep ID numbers so that no digit is rounded away. */
export function textCell(text: string): XLSX.CellObject {
  return { t: 's', v: text, z: '@' };
}

export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Yuan with two decimals and thousands separators, as exports print money: 185000 fen → '1,850.00'. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const yuan = Math.floor(absolute / 100).toLocaleString('en');
  return `${sign}${yuan}.${String(absolute % 100).padStart(2, '0')}`;
}
