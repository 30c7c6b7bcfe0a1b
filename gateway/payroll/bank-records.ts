/**
 * The byte-level work both bank files share: text to the file's encoding and back (strictly: a byte that is not
 * GBK or UTF-8 refuses the file), records split into lines and fields, fixed widths counted in bytes, and amounts
 * between integer fen and the bank's text without a float.
 */
import { encodeGbk } from '../exports/gbk-encoding.js';

export type FileEncoding = 'gbk' | 'utf-8';

export function encodeText(text: string, encoding: FileEncoding): Buffer {
  return encoding === 'gbk' ? encodeGbk(text) : Buffer.from(text, 'utf8');
}

export function decodeStrict(bytes: Uint8Array, encoding: FileEncoding): string {
  return new TextDecoder(encoding, { fatal: true }).decode(bytes);
}

/** The file's lines as bytes, CR LF or LF, without a trailing empty line. */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] !== 0x0a) continue;
    lines.push(bytes.subarray(start, i > start && bytes[i - 1] === 0x0d ? i - 1 : i));
    start = i + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

/** Integer fen as the bank writes amounts: 123450 → "1234.50" (yuan-2dp) or "123450" (fen). */
export function amountText(fen: number, format: 'yuan-2dp' | 'fen'): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`an amount must be non-negative integer fen, got ${fen}`);
  return format === 'fen' ? String(fen) : `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** The bank's amount text as integer fen, or undefined when it is not one (leading zeros and spaces allowed). */
export function parseAmount(text: string, format: 'yuan-2dp' | 'fen'): number | undefined {
  const trimmed = text.trim();
  const match = format === 'fen' ? /^(\d{1,15})$/.exec(trimmed) : /^(\d{1,13})\.(\d{2})$/.exec(trimmed);
  if (!match) return undefined;
  return format === 'fen' ? Number(match[1]) : Number(match[1]) * 100 + Number(match[2]);
}

/** A record's fields: sliced by byte widths (fixed) or split at the delimiter; undefined when the record does not fit. */
export function splitRecord(line: Buffer, shape: 'fixed' | 'delimited', widths: readonly (number | undefined)[], delimiter: string | undefined, encoding: FileEncoding): string[] | string {
  if (shape === 'delimited') {
    let text: string;
    try {
      text = decodeStrict(line, encoding);
    } catch {
      return `not ${encoding.toUpperCase()} text`;
    }
    const parts = text.split(delimiter!);
    return parts.length === widths.length ? parts : `${parts.length} fields, the layout has ${widths.length}`;
  }
  const total = widths.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  if (line.length !== total) return `${line.length} bytes, the layout's record is ${total}`;
  const fields: string[] = [];
  let at = 0;
  for (const width of widths) {
    try {
      fields.push(decodeStrict(line.subarray(at, at + width!), encoding));
    } catch {
      return `the field at byte ${at + 1} is not ${encoding.toUpperCase()} text (a character cut by its width?)`;
    }
    at += width!;
  }
  return fields;
}
