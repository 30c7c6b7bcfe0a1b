/**
 * The disbursement file (代发文件) a paying bank loads, written in the bank's layout (bank-file-layouts.ts). The header
 * declares the record count and total before any payment; the payments must add up to the control totals the roll
 * gives, and the written file is read back and checked against them again, so a layout that loses or garbles a field
 * is caught before the file leaves.
 */
import type { BankFileField, BankFileLayout } from './bank-file-layouts.js';
import { amountText, encodeText, parseAmount, splitLines, splitRecord } from './bank-records.js';

export interface BankPayment {
  /** The roll's reference of the payment, unique within the roll, e.g. "202611-000123". */
  reference: string;
  accountNumber: string;
  accountName: string;
  idNumber: string;
  bankName: string;
  /** Integer fen, > 0. */
  amountFen: number;
  /** The village (12 digits) or township (9) of the payee. */
  regionCode: string;
  memo: string;
}

export interface BankFileHeader {
  month: string;
  batchReference: string;
  payerName: string;
}

export class BankFileError extends Error {
  constructor(message: string) {
    super(`[bank-file] ${message}`);
    this.name = 'BankFileError';
  }
}

export function writeBankDisbursementFile(layout: BankFileLayout, header: BankFileHeader, payments: readonly BankPayment[], controlTotals: { count: number; totalFen: number }): Buffer {
  const totalFen = payments.reduce((sum, p) => sum + p.amountFen, 0);
  if (payments.length !== controlTotals.count || totalFen !== controlTotals.totalFen) {
    throw new BankFileError(`the payments (${payments.length}, ${totalFen} fen) differ from the roll's control totals (${controlTotals.count}, ${controlTotals.totalFen} fen)`);
  }
  const references = new Set<string>();
  for (const payment of payments) {
    if (!Number.isSafeInteger(payment.amountFen) || payment.amountFen <= 0) throw new BankFileError(`payment ${payment.reference}: ${payment.amountFen} fen is not a positive amount`);
    if (references.has(payment.reference)) throw new BankFileError(`payment ${payment.reference} appears twice`);
    references.add(payment.reference);
  }
  const eol = layout.lineEnding === 'crlf' ? '\r\n' : '\n';
  const common = { ...header, count: String(payments.length), total: amountText(totalFen, layout.amountFormat) };
  const records: Buffer[] = [record(layout, layout.header.fields, common, 'header')];
  payments.forEach((payment, index) => {
    records.push(record(layout, layout.detail.fields, {
      ...common, sequence: String(index + 1), reference: payment.reference, accountNumber: payment.accountNumber, accountName: payment.accountName,
      idNumber: payment.idNumber, amount: amountText(payment.amountFen, layout.amountFormat), bankName: payment.bankName, regionCode: payment.regionCode, memo: payment.memo,
    }, `payment ${payment.reference}`));
  });
  if (layout.trailer) records.push(record(layout, layout.trailer.fields, common, 'trailer'));
  const newline = encodeText(eol, layout.encoding);
  const bytes = Buffer.concat(records.flatMap((r) => [r, newline]));
  const readBack = readBankDisbursementFile(layout, bytes);
  if (readBack.count !== payments.length || readBack.totalFen !== totalFen || readBack.payments.reduce((s, p) => s + p.amountFen, 0) !== totalFen) {
    throw new BankFileError(`the written file reads back as ${readBack.count} payments of ${readBack.totalFen} fen, not ${payments.length} of ${totalFen}`);
  }
  return bytes;
}

const numericSources = new Set(['count', 'total', 'sequence', 'amount']);

function record(layout: BankFileLayout, fields: readonly BankFileField[], values: Record<string, string>, what: string): Buffer {
  const parts = fields.map((field, index) => {
    const text = field.source === 'literal' ? field.value! : (values[field.source] ?? '');
    if (/[\r\n]/.test(text) || (layout.shape === 'delimited' && text.includes(layout.delimiter!))) {
      throw new BankFileError(`${what}: ${field.source} holds a line break or the delimiter "${layout.delimiter}"`);
    }
    let bytes: Buffer;
    try {
      bytes = encodeText(text, layout.encoding);
    } catch (error) {
      throw new BankFileError(`${what}: ${field.source} cannot be written in ${layout.encoding.toUpperCase()} (${(error as Error).message}); the bank's own spelling is needed`);
    }
    if (layout.shape === 'delimited') return bytes;
    const width = field.width!;
    if (bytes.length > width) throw new BankFileError(`${what}: ${field.source} is ${bytes.length} bytes in ${layout.encoding.toUpperCase()}, its field ${index + 1} holds ${width}`);
    const pad = Buffer.alloc(width - bytes.length, field.pad ?? ' ');
    const right = (field.align ?? (numericSources.has(field.source) ? 'right' : 'left')) === 'right';
    return right ? Buffer.concat([pad, bytes]) : Buffer.concat([bytes, pad]);
  });
  if (layout.shape === 'fixed') return Buffer.concat(parts);
  const delimiter = encodeText(layout.delimiter!, layout.encoding);
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [delimiter, p])));
}

export interface ReadDisbursementFile {
  count: number;
  totalFen: number;
  payments: { reference: string; accountNumber: string; amountFen: number }[];
}

/** Reads a disbursement file back (what the writer checks itself with, and what a test reads a bank's sample with). */
export function readBankDisbursementFile(layout: BankFileLayout, bytes: Buffer): ReadDisbursementFile {
  const lines = splitLines(bytes);
  const read = (line: Buffer, fields: readonly BankFileField[], what: string) => {
    const split = splitRecord(line, layout.shape, fields.map((f) => f.width), layout.delimiter, layout.encoding);
    if (typeof split === 'string') throw new BankFileError(`${what}: ${split}`);
    return Object.fromEntries(fields.map((f, i) => [f.source, split[i]!.trim()]));
  };
  const header = read(lines[0] ?? Buffer.alloc(0), layout.header.fields, 'line 1 (header)');
  const details = lines.slice(1, layout.trailer ? -1 : undefined);
  const payments = details.map((line, index) => {
    const values = read(line, layout.detail.fields, `line ${index + 2}`);
    const amountFen = parseAmount(values.amount ?? '', layout.amountFormat);
    if (amountFen === undefined) throw new BankFileError(`line ${index + 2}: "${values.amount}" is not an amount`);
    return { reference: values.reference ?? '', accountNumber: values.accountNumber ?? '', amountFen };
  });
  const totalFen = parseAmount(header.total ?? '', layout.amountFormat);
  if (totalFen === undefined || !/^\d+$/.test(header.count ?? '')) throw new BankFileError('line 1 (header): the control totals are not numbers');
  return { count: Number(header.count), totalFen, payments };
}
