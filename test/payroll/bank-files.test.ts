import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BankFileError, readBankDisbursementFile, writeBankDisbursementFile, type BankPayment } from '../../gateway/payroll/bank-disbursement-file.js';
import { BankFileLayoutError, checkBankFileLayout, findBankFileLayout, loadBankFileLayouts } from '../../gateway/payroll/bank-file-layouts.js';
import { encodeText } from '../../gateway/payroll/bank-records.js';
import { BankReturnError, readBankReturnFile } from '../../gateway/payroll/bank-return-file.js';

const fixed = findBankFileLayout('example-fixed-gbk');
const delimited = findBankFileLayout('example-delimited');
const header = { month: '2026-11', batchReference: '640121-202611', payerName: '宁夏回族自治区银川市永宁县民政局' };

const payments: BankPayment[] = [
  { reference: '202611-000001', accountNumber: '6231940012345678901', accountName: '马德福', idNumber: '640121196001010011', bankName: '宁夏黄河农村商业银行', amountFen: 76_000, regionCode: '640121100200', memo: '2026年11月社会救助金' },
  { reference: '202611-000002', accountNumber: '6217000000000000123', accountName: '欧阳秀英', idNumber: '64012119520606002X', bankName: '中国邮政储蓄银行', amountFen: 107_050, regionCode: '640121101201', memo: '2026年11月社会救助金' },
];
const totals = { count: 2, totalFen: 183_050 };

/** The written bytes are checked in and reviewed; JIUZHU_UPDATE_GOLDEN=1 rewrites them, and the diff is read before committing. */
function expectGolden(name: string, bytes: Buffer): void {
  const dir = join(import.meta.dirname, 'golden');
  const file = join(dir, name);
  if (process.env.JIUZHU_UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, bytes);
  }
  expect(existsSync(file), `no golden file ${name}: run with JIUZHU_UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(bytes.equals(readFileSync(file)), `${name} differs from its golden file`).toBe(true);
}

function returnFile(layoutName: 'fixed' | 'delimited', lines: string[], headerCount: number, headerTotal: string): Buffer {
  if (layoutName === 'delimited') return Buffer.from([`HEAD|640121-202611|${headerCount}|${headerTotal}`, ...lines].join('\n') + '\n');
  const head = `H${' '.repeat(27)}${String(headerCount).padStart(8, '0')}${headerTotal.padStart(15, '0')}`;
  return Buffer.concat([head, ...lines].map((l) => Buffer.concat([encodeText(l, 'gbk'), Buffer.from('\r\n')])));
}

/** A detail line of the fixed example's return: D, sequence, reference, account, amount, status, reason (60 bytes). */
function fixedReturnLine(sequence: number, payment: BankPayment, status: string, reason = '', amount = payment.amountFen): string {
  const reasonBytes = encodeText(reason, 'gbk').length;
  return `D${String(sequence).padStart(8, '0')}${payment.reference.padEnd(20)}${payment.accountNumber.padEnd(32)}${`${Math.trunc(amount / 100)}.${String(amount % 100).padStart(2, '0')}`.padStart(12, '0')}${status}${reason}${' '.repeat(60 - reasonBytes)}`;
}

const sent = new Map(payments.map((p) => [p.reference, p]));

describe('bank file layouts', () => {
  it('loads the two bundled examples, each marked as an example', () => {
    expect([...loadBankFileLayouts().keys()]).toEqual(['example-delimited', 'example-fixed-gbk']);
    for (const layout of loadBankFileLayouts().values()) expect(layout.example).toBe(true);
  });

  it('refuses a layout whose header does not declare the control totals, naming each problem', () => {
    const bad = structuredClone(fixed) as unknown as { header: { fields: { source: string }[] }; detail: { fields: { source: string; width?: number }[] } };
    bad.header.fields = bad.header.fields.filter((f) => f.source !== 'count');
    delete bad.detail.fields[3]!.width;
    expect(() => checkBankFileLayout(bad, 'bad.json')).toThrow(BankFileLayoutError);
    expect(() => checkBankFileLayout(bad, 'bad.json')).toThrow(/\/detail\/fields\/3\/width is required[\s\S]*\/header\/fields has no count/);
  });
});

describe('the disbursement file', () => {
  it('writes the fixed-width GBK example: header with count and total first, widths counted in GBK bytes', () => {
    const bytes = writeBankDisbursementFile(fixed, header, payments, totals);
    expectGolden('bank-example-fixed-gbk.txt', bytes);
    const lines = bytes.toString('latin1').split('\r\n');
    expect(lines).toHaveLength(4);
    // Every record is exactly its layout's width in bytes, whatever the Chinese names: 1+20+7+8+15+60 and 1+8+20+32+40+18+12+12+40.
    expect(lines.slice(0, 3).map((l) => Buffer.byteLength(l, 'latin1'))).toEqual([111, 183, 183]);
    const text = new TextDecoder('gbk').decode(bytes).split('\r\n');
    expect(text[0]).toBe(`H640121-202611       2026-1100000002000000001830.50${'宁夏回族自治区银川市永宁县民政局'}${' '.repeat(28)}`);
    expect(text[2]!.slice(0, 65)).toBe('D00000002202611-000002       6217000000000000123             欧阳秀英');
  });

  it('writes the delimited example', () => {
    const bytes = writeBankDisbursementFile(delimited, header, payments, totals);
    expectGolden('bank-example-delimited.txt', bytes);
    expect(bytes.toString('utf8').split('\n')).toEqual([
      'HEAD|640121-202611|2|183050',
      '1|202611-000001|6231940012345678901|马德福|640121196001010011|76000|宁夏黄河农村商业银行|2026年11月社会救助金',
      '2|202611-000002|6217000000000000123|欧阳秀英|64012119520606002X|107050|中国邮政储蓄银行|2026年11月社会救助金',
      '',
    ]);
  });

  it('refuses payments that do not add up to the roll\'s control totals', () => {
    expect(() => writeBankDisbursementFile(fixed, header, payments, { count: 2, totalFen: 183_000 })).toThrow(/differ from the roll's control totals/);
    expect(() => writeBankDisbursementFile(fixed, header, payments.slice(0, 1), totals)).toThrow(BankFileError);
  });

  it('refuses a value too wide for its field instead of cutting it, and a delimiter inside a value', () => {
    const longName = { ...payments[0]!, accountName: '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊' };
    expect(() => writeBankDisbursementFile(fixed, header, [longName], { count: 1, totalFen: 76_000 })).toThrow(/accountName is \d+ bytes in GBK, its field 5 holds 40/);
    const rare = { ...payments[0]!, accountName: '王𠮷' };
    expect(() => writeBankDisbursementFile(fixed, header, [rare], { count: 1, totalFen: 76_000 })).toThrow(/accountName cannot be written in GBK/);
    const piped = { ...payments[0]!, accountName: '马|德福' };
    expect(() => writeBankDisbursementFile(delimited, header, [piped], { count: 1, totalFen: 76_000 })).toThrow(/delimiter/);
  });

  it('reads back what it wrote, for any payments (property)', () => {
    const payment = fc.record({
      accountNumber: fc.stringMatching(/^[0-9]{16,19}$/),
      accountName: fc.constantFrom('马德福', '欧阳秀英', '李娜', '王', '买买提·吐尔逊'),
      amountFen: fc.integer({ min: 1, max: 99_999_999 }),
    });
    fc.assert(fc.property(fc.array(payment, { minLength: 1, maxLength: 30 }), fc.constantFrom(fixed, delimited), (drawn, layout) => {
      const list = drawn.map((p, i): BankPayment => ({ ...p, reference: `202611-${String(i + 1).padStart(6, '0')}`, idNumber: '640121196001010011', bankName: '宁夏黄河农村商业银行', regionCode: '640121100200', memo: '救助金' }));
      const total = list.reduce((s, p) => s + p.amountFen, 0);
      const read = readBankDisbursementFile(layout, writeBankDisbursementFile(layout, header, list, { count: list.length, totalFen: total }));
      expect(read.count).toBe(list.length);
      expect(read.totalFen).toBe(total);
      expect(read.payments).toEqual(list.map((p) => ({ reference: p.reference, accountNumber: p.accountNumber, amountFen: p.amountFen })));
    }), { numRuns: 100 });
  });
});

describe('the bank\'s return file', () => {
  it('reads paid, failed with the bank\'s reason, and returned', () => {
    const file = returnFile('fixed', [fixedReturnLine(1, payments[0]!, '00'), fixedReturnLine(2, payments[1]!, '01', '卡号已注销')], 2, '1830.50');
    expect(readBankReturnFile(fixed, file, sent).lines).toEqual([
      { lineNumber: 2, reference: '202611-000001', status: 'paid', reason: null, amountFen: 76_000 },
      { lineNumber: 3, reference: '202611-000002', status: 'failed', reason: '卡号已注销', amountFen: 107_050 },
    ]);
    const delimitedFile = returnFile('delimited', ['202611-000002|6217000000000000123|107050|R|户名不符退回'], 1, '107050');
    expect(readBankReturnFile(delimited, delimitedFile, sent).lines).toEqual([{ lineNumber: 2, reference: '202611-000002', status: 'returned', reason: '户名不符退回', amountFen: 107_050 }]);
  });

  it('refuses the whole file, naming every problem, for a repeated, unknown or conflicting line or wrong totals', () => {
    const file = returnFile('delimited', [
      '202611-000001|6231940012345678901|76000|S|',
      '202611-000001|6231940012345678901|76000|F|重复',
      '202611-000009|6231940012345678901|100|S|',
      '202611-000002|6217000000000000999|107050|S|',
      '202611-000002|6217000000000000123|1|X|',
    ], 9, '1');
    let caught: BankReturnError | undefined;
    try {
      readBankReturnFile(delimited, file, sent);
    } catch (error) {
      caught = error as BankReturnError;
    }
    expect(caught).toBeInstanceOf(BankReturnError);
    expect(caught!.problems).toEqual([
      { line: 1, reason: expect.stringContaining('the header declares 9 lines of 1 fen') },
      { line: 3, reason: '202611-000001 again (first on line 2)' },
      { line: 4, reason: '202611-000009 was not sent in this month\'s file' },
      { line: 5, reason: '202611-000002: another account than the one paid into' },
      { line: 6, reason: 'status "X" is not one of the layout\'s (S, F, R)' },
      { line: 6, reason: '202611-000002 again (first on line 5)' },
      { line: 6, reason: '202611-000002: 1 fen, 107050 were sent' },
    ]);
  });

  it('refuses a file in another encoding than the layout\'s, and a record of the wrong width', () => {
    const utf8 = Buffer.from(`H${' '.repeat(27)}${'1'.padStart(8, '0')}${'1070.50'.padStart(15, '0')}\r\n${fixedReturnLine(1, payments[1]!, '01', '卡号已注销')}\r\n`, 'utf8');
    expect(() => readBankReturnFile(fixed, utf8, sent)).toThrow(BankReturnError);
    try {
      readBankReturnFile(fixed, utf8, sent);
    } catch (error) {
      // 卡号已注销 is 15 bytes in UTF-8 against 10 in GBK: the record is 5 bytes too long, and nothing of it is taken.
      expect((error as BankReturnError).problems).toContainEqual({ line: 2, reason: '140 bytes, the layout\'s record is 135' });
    }
  });
});
