/**
 * 无审批依据的救助变更核查表 for auditors: enrolment starts, ends and amount changes with no approved application or
 * warning outcome behind them (oversight/changes-without-approval.ts). Imports (the county's seed load, the 金民
 * roster) carry their own basis and are left out, counted in the subtitle.
 */
import { displayIdNumber } from '../../access/masking.js';
import { shanghaiMinute } from '../../calendar/shanghai-date.js';
import { findChangesWithoutApproval, type ChangeWithoutApproval, type MissingBasis } from '../../oversight/changes-without-approval.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import { defineReportSource, oversightRoles, type ReportRow } from '../report-source.js';
import { categoryName, placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

const kindNames: Record<ChangeWithoutApproval['kind'], string> = { start: '纳入', end: '终止', amount: '金额调整' };

const missingWords: Record<MissingBasis, string> = {
  'direct-start': '无审批记录：未经申请审批，直接登记在册',
  'ended-without-event': '无停保决定：终止日期非经预警处置写入（登记时填写或系统外改动）',
  'ended-without-warning': '终止记录未关联停保的预警处置',
  'amount-without-warning': '金额调整未关联待遇调整的预警处置',
};

export default defineReportSource({
  name: 'compliance-changes-without-approval',
  description: 'Enrolment starts, ends and amount changes up to the month with no approved application or warning outcome behind them, with who recorded them and why each is listed; imports are left out and counted.',
  capability: 'readPersonalData',
  roles: oversightRoles,
  contextFields: { figures: 'How many changes of each kind, and how many imported enrolments were left out' },
  fields: {
    township: { type: 'text', description: '乡镇（街道） of the household\'s registration' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    name: { type: 'text', description: '姓名' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    category: { type: 'text', description: '救助类别' },
    change: { type: 'text', description: '变更: 纳入, 终止 or 金额调整, with the amounts or the end reason' },
    effectiveOn: { type: 'date', description: '生效日期: the start or end date, or the day the amount changed' },
    recordedAt: { type: 'text', description: '记录时间 (Shanghai), empty when nothing records it' },
    actor: { type: 'text', description: '操作人: the actor label the change was recorded under' },
    reason: { type: 'text', description: '列入原因: which basis is missing' },
  },
  async load(knex, request) {
    const { rows, importedLeftOut } = await findChangesWithoutApproval(knex, request.regionCode, request.period.text);
    const names = await placeNames(knex, rows.flatMap((r) => [r.villageCode.slice(0, 9), r.villageCode]));
    const idOf = await idNumbersOfPersons(knex, rows.map((r) => r.personId));
    const count = (kind: ChangeWithoutApproval['kind']) => rows.filter((r) => r.kind === kind).length;
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label,
        figures: `无审批依据的变更${rows.length}条（纳入${count('start')}条，终止${count('end')}条，金额调整${count('amount')}条）；批量导入的在保记录${importedLeftOut}条以导入文件为依据，未列入`,
      },
      rows: rows.map((r): ReportRow => {
        const idNumber = idOf.get(r.personId);
        return {
          township: names(r.villageCode.slice(0, 9)), village: names(r.villageCode), householdNo: r.householdNo, name: r.name,
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '', category: categoryName(r.category), change: changeWords(r), effectiveOn: r.effectiveOn,
          recordedAt: r.recordedAt ? shanghaiMinute(r.recordedAt) : '', actor: r.actor ?? '无记录',
          reason: `${missingWords[r.missing]}${r.namedWarningId !== null ? `（所记预警${r.namedWarningId}未作此处置）` : ''}`,
        };
      }),
      subjectPersonIds: [...new Set(rows.map((r) => r.personId))],
    };
  },
});

function changeWords(row: ChangeWithoutApproval): string {
  const yuan = (fen: number | null) => (fen === null ? '—' : `${(fen / 100).toFixed(2)}元`);
  if (row.kind === 'amount') return `${kindNames.amount}：${yuan(row.fromFen)}→${yuan(row.toFen)}`;
  if (row.kind === 'end') return `${kindNames.end}${row.endReason ? `：${row.endReason}` : ''}`;
  return `${kindNames.start}${row.toFen !== null ? `：月${yuan(row.toFen)}` : ''}`;
}
