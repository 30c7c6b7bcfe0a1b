/**
 * The bank's return file (回盘文件): per payment, paid, failed with the bank's reason (卡号已注销, 卡号与户名不一致 …) or
 * returned (退票). The file is refused whole, with every problem named by line, when a line cannot be read, a reference
 * is repeated or was never sent, a line's amount or account differs from what was sent, or the header's count and
 * total differ from its lines — as UNICEF HOPE refuses a conflicting reconciliation file, and as jiuzhu refuses any bad
 * file: nothing of it reaches the store. Payments the file does not mention are not an error: a bank answers in parts.
 */
import type { BankPayment } from './bank-disbursement-file.js';
import type { BankFileLayout } from './bank-file-layouts.js';
import { parseAmount, splitLines, splitRecord } from './bank-records.js';

export type BankPaymentStatus = 'paid' | 'failed' | 'returned';

export interface BankReturnLine {
  lineNumber: number;
  reference: string;
  status: BankPaymentStatus;
  reason: string | null;
  amountFen: number;
}

export interface BankReturn {
  header: { count: number; totalFen: number };
  lines: BankReturnLine[];
}

export class BankReturnError extends Error {
  constructor(readonly problems: { line: number; reason: string }[]) {
    super(`[bank-return] refused: ${problems.length} problem(s), the first on line ${problems[0]?.line}: ${problems[0]?.reason}`);
    this.name = 'BankReturnError';
  }
}

export function readBankReturnFile(layout: BankFileLayout, bytes: Buffer, sent: ReadonlyMap<string, Pick<BankPayment, 'reference' | 'accountNumber' | 'amountFen'>>): BankReturn {
  const spec = layout.return;
  const problems: { line: number; reason: string }[] = [];
  const lines = splitLines(bytes);
  const read = (line: Buffer, fields: typeof spec.detail.fields, number: number): Record<string, string> | undefined => {
    const split = splitRecord(line, spec.shape, fields.map((f) => f.width), spec.delimiter, spec.encoding);
    if (typeof split === 'string') {
      problems.push({ line: number, reason: split });
      return undefined;
    }
    const values: Record<string, string> = {};
    fields.forEach((f, i) => {
      const value = split[i]!.trim();
      if (f.source === 'literal' && value !== f.value) problems.push({ line: number, reason: `"${value}" where the layout has "${f.value}"` });
      values[f.source] = value;
    });
    return values;
  };
  if (lines.length === 0) throw new BankReturnError([{ line: 1, reason: 'the file is empty' }]);
  const headerValues = read(lines[0]!, spec.header.fields, 1);
  const out: BankReturnLine[] = [];
  const seen = new Map<string, number>();
  lines.slice(1).forEach((line, index) => {
    const number = index + 2;
    const values = read(line, spec.detail.fields, number);
    if (!values) return;
    const reference = values.reference ?? '';
    const amountFen = parseAmount(values.amount ?? '', layout.amountFormat);
    const status = spec.statusCodes[values.status ?? ''];
    if (amountFen === undefined) problems.push({ line: number, reason: `"${values.amount}" is not an amount` });
    if (!status) problems.push({ line: number, reason: `status "${values.status}" is not one of the layout's (${Object.keys(spec.statusCodes).join(', ')})` });
    if (seen.has(reference)) problems.push({ line: number, reason: `${reference} again (first on line ${seen.get(reference)})` });
    seen.set(reference, seen.get(reference) ?? number);
    const payment = sent.get(reference);
    if (!payment) problems.push({ line: number, reason: `${reference} was not sent in this month's file` });
    else {
      if (amountFen !== undefined && amountFen !== payment.amountFen) problems.push({ line: number, reason: `${reference}: ${amountFen} fen, ${payment.amountFen} were sent` });
      if (values.accountNumber !== undefined && values.accountNumber !== payment.accountNumber) problems.push({ line: number, reason: `${reference}: another account than the one paid into` });
    }
    if (amountFen !== undefined && status) out.push({ lineNumber: number, reference, status, reason: values.reason ? values.reason : null, amountFen });
  });
  const count = Number(headerValues?.count);
  const totalFen = parseAmount(headerValues?.total ?? '', layout.amountFormat);
  if (headerValues && (!/^\d+$/.test(headerValues.count ?? '') || totalFen === undefined)) problems.push({ line: 1, reason: 'the header\'s count and total are not numbers' });
  else if (headerValues && (count !== lines.length - 1 || totalFen !== out.reduce((s, l) => s + l.amountFen, 0))) {
    problems.push({ line: 1, reason: `the header declares ${count} lines of ${totalFen} fen; the file has ${lines.length - 1} of ${out.reduce((s, l) => s + l.amountFen, 0)}` });
  }
  if (problems.length > 0) throw new BankReturnError(problems.sort((a, b) => a.line - b.line));
  return { header: { count, totalFen: totalFen! }, lines: out };
}
