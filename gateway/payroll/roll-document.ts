/**
 * The canonical document of a month's roll: the bytes the bureau signs when it closes the month and that finance
 * exports (`format=csv` with full numbers, or `jiuzhu payroll`). It is CSV a person can open (UTF-8 with a BOM,
 * CRLF, formula-neutralised cells) and that openssl can check: SM3 over the bytes, SM2 over the same bytes.
 *
 * Layout v1, never changed once a roll is closed under it (a new layout is v2, and v1 rolls keep being written as v1):
 *   row 1: 月结发放册, v1, county, month
 *   row 2: the control totals, first, as a bank file declares them: 笔数 (lines), 户数, 人数, 合计 (yuan)
 *   row 3: the column names
 *   then one row per line, in line order.
 * A re-export of a closed roll writes these bytes again from its stored lines, so its digest must equal the one
 * recorded at closing; anything else means the stored lines changed.
 */
import { csvBom, csvLine } from '../exports/csv-export.js';
import { yuanText } from '../exports/money-text.js';
import type { RollLine, RollTotals } from './roll-types.js';

export const rollDocumentVersion = 'v1';

export const rollDocumentColumns = [
  '序号', '发放年月', '所属年月', '乡镇（街道）', '村（社区）', '户编号', '收款人姓名', '身份证号码', '救助类别', '保障人数',
  '基本保障金', '分类施保金', '照料护理费', '合计', '备注标记', '备注', '开户银行', '账户名称', '银行账号',
] as const;

/** A line with the personal numbers the document shows, decrypted (or masked) by the caller. */
export interface DocumentLine {
  line: RollLine;
  idNumber: string;
  accountNumber: string;
}

export function rollDocumentHead(countyCode: string, month: string, totals: RollTotals): string {
  return csvBom
    + csvLine(['月结发放册', rollDocumentVersion, countyCode, month])
    + csvLine(['笔数', totals.lines, '户数', totals.households, '人数', totals.persons, '合计', yuanText(totals.totalFen)])
    + csvLine(rollDocumentColumns);
}

export function rollDocumentLine(month: string, { line, idNumber, accountNumber }: DocumentLine): string {
  return csvLine([
    line.lineNo, month, line.forMonth, line.townshipCode, line.villageCode, line.householdNo, line.payeeName, idNumber, line.category, line.personsCovered,
    yuanText(line.basicFen), yuanText(line.addOnFen), yuanText(line.careFen), yuanText(line.totalFen), line.changeMark ?? '', line.remark ?? '',
    line.bank?.bankName ?? '', line.bank?.accountName ?? '', accountNumber,
  ]);
}

/** Adds one line to running totals: households and persons are counted on a household's own lines for the month, not its 补发 / 追回. */
export function addToTotals(totals: RollTotals, line: RollLine, month: string, households: Set<number>): void {
  totals.lines += 1;
  totals.totalFen += line.totalFen;
  totals.basicFen += line.basicFen;
  totals.addOnFen += line.addOnFen;
  totals.careFen += line.careFen;
  if (line.forMonth === month) {
    totals.persons += line.personsCovered;
    if (!households.has(line.householdId)) {
      households.add(line.householdId);
      totals.households += 1;
    }
  }
}
