/**
 * The rows of 月结发放册 (seed 002 task 2: 各乡镇(街道)……按时完成月结发放册): the month's roll of a county or of one of its
 * townships, one row per line — a household's 低保 or 特困 for the month, then its 补发 / 追回 for earlier months — in
 * the roll's own order (township, village, household). ID numbers and accounts are masked unless the caller's role
 * shows them in full (access/masking.ts).
 */
import { displayAccountNumber, displayIdNumber } from '../../access/masking.js';
import type { RollLine } from '../../payroll/roll-types.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { categoryName, decryptAll, placeNames, readRegionRoll, rollStatusText } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';

export default defineReportSource({
  name: 'payroll-roll',
  description: 'The month\'s payment roll (月结发放册) of the region: each household\'s 低保 and 特困 lines, with 补发 and 追回 for earlier months.',
  capability: 'readPersonalData',
  contextFields: { rollStatus: '已结账 with the closed roll\'s document SM3, or 未结账（预览） for a month still open' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）: the short name of the township the household is paid under' },
    village: { type: 'text', description: '村（社区）: the short name of the registration village' },
    payeeName: { type: 'text', description: '户主姓名: the payee of the line (the 户主, or the member paid for the household)' },
    idNumber: { type: 'text', description: '身份证号码 of the payee, masked unless the role shows ID numbers in full' },
    category: { type: 'text', description: '救助类别: the name of the line\'s assistance-category code' },
    personsCovered: { type: 'integer', description: '保障人数: the members the line pays for' },
    basicFen: { type: 'fen', description: '基本保障金 (低保补差, 渐退 or 特困基本生活费), fen' },
    addOnFen: { type: 'fen', description: '分类施保金, fen' },
    careFen: { type: 'fen', description: '照料护理费 (特困), fen' },
    totalFen: { type: 'fen', description: '合计, fen; negative for 追回' },
    bankName: { type: 'text', description: '开户银行 of the payee\'s benefit account (一卡通)' },
    account: { type: 'text', description: '银行账号: the last 4 digits unless the role shows accounts in full' },
    remark: { type: 'text', description: '备注: the change mark and its reason (新增, 调整：上月…, 补发 2024-03：…)' },
  },
  async load(knex, request) {
    const roll = await readRegionRoll(knex, request.regionCode, request.period);
    const names = await placeNames(knex, roll.lines.flatMap((l) => [l.townshipCode, l.villageCode]));
    const idNumbers = await idNumbersOfPersons(knex, roll.lines.map((l) => l.payeePersonId));
    const accounts = await decryptAll(knex, roll.lines.map((l) => l.bank?.accountCipher ?? null));
    const rows = roll.lines.map((line, index): ReportRow => {
      const idNumber = idNumbers.get(line.payeePersonId);
      const account = accounts[index];
      return {
        township: names(line.townshipCode), village: names(line.villageCode), payeeName: line.payeeName,
        idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '',
        category: categoryName(line.category), personsCovered: line.personsCovered,
        basicFen: line.basicFen, addOnFen: line.addOnFen, careFen: line.careFen, totalFen: line.totalFen,
        bankName: line.bank?.bankName ?? '', account: account ? displayAccountNumber(request.policy, account) : '',
        remark: lineRemark(line),
      };
    });
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, rollStatus: rollStatusText(roll.closed) },
      rows,
      subjectPersonIds: [...new Set(roll.lines.map((l) => l.payeePersonId))],
    };
  },
});

/**
 * 备注 as paper rolls write it: the mark first, then why. A 补发 / 追回 line names the month it is for before its reason
 * ("补发 2024-03：银行发放失败"); the compiler's remark for it says the same in another order, so it is rebuilt here.
 */
export function lineRemark(line: RollLine): string {
  const supplementary = line.explanation.supplementary;
  if ((line.changeMark === '补发' || line.changeMark === '追回') && supplementary) return `${line.changeMark} ${line.forMonth}：${supplementary.reason}`;
  if (line.changeMark === '渐退') return line.remark ?? '渐退';
  if (line.changeMark === '调整') return [line.changeMark, line.remark].filter(Boolean).join('：');
  return [line.changeMark, line.remark].filter(Boolean).join('；');
}
