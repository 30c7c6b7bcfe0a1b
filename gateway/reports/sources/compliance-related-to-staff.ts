/**
 * 人情保、关系保核查表 for auditors: recipients enrolled in the month whom the staff roster connects to staff — staff and
 * cadres themselves, or their close relatives as the roster files them (oversight/staff-related.ts) — with the
 * enrolment and how the recipient-related-to-staff warning was handled.
 */
import { displayIdNumber } from '../../access/masking.js';
import { findStaffRelatedRecipients, type StaffRelatedRecipient } from '../../oversight/staff-related.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import { defineReportSource, oversightRoles, type ReportRow } from '../report-source.js';
import { categoryName, placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { warningStatusWords } from './warning-words.js';

const roleNames: Record<string, string> = { 'civil-affairs-staff': '民政工作人员', 'village-cadre': '村（社区）干部', relative: '近亲属' };

export default defineReportSource({
  name: 'compliance-related-to-staff',
  description: 'Households with an enrolment in force in the month a member of which the staff roster (近亲属备案) files as civil-affairs staff, a village cadre or a close relative of one, one row per household and filing: the recipient, the relation, the staff member\'s unit, the enrolments and the warning\'s handling.',
  capability: 'readPersonalData',
  roles: oversightRoles,
  contextFields: { figures: 'How many households, and how many with no resolved warning' },
  fields: {
    township: { type: 'text', description: '乡镇（街道） of the household\'s registration' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    name: { type: 'text', description: '救助对象姓名' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    relation: { type: 'text', description: '关系: who the roster files (the recipient or a household member) and as what' },
    staff: { type: 'text', description: '关联工作人员及单位（职务）: the staff member or cadre, and the unit the roster gives' },
    enrolment: { type: 'text', description: '救助类别 and since when (until when, if ended), and how many of the household are enrolled' },
    amountFen: { type: 'fen', description: '户月救助金额: the household\'s enrolments in force in the month, fen' },
    warning: { type: 'text', description: '预警及处理: the rule\'s warning, its status and outcome, or that none was raised' },
    handling: { type: 'text', description: '处理说明: the outcome\'s reason, when and by whom' },
  },
  async load(knex, request) {
    const rows = await findStaffRelatedRecipients(knex, request.regionCode, request.period.text);
    const names = await placeNames(knex, rows.flatMap((r) => [r.villageCode.slice(0, 9), r.villageCode]));
    const idOf = await idNumbersOfPersons(knex, rows.map((r) => r.personId));
    const households = new Set(rows.map((r) => r.householdId));
    const unresolved = new Set(rows.filter((r) => r.warning?.status !== 'resolved').map((r) => r.householdId));
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, figures: `与经办人员、村干部有关联的救助家庭${households.size}户，其中预警未办结或未预警${unresolved.size}户` },
      rows: rows.map((r): ReportRow => {
        const idNumber = idOf.get(r.personId);
        return {
          township: names(r.villageCode.slice(0, 9)), village: names(r.villageCode), householdNo: r.householdNo, name: r.name,
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '', relation: relationWords(r), staff: staffWords(r),
          enrolment: enrolmentWords(r), amountFen: r.enrolments.reduce((sum, e) => sum + (e.monthlyAmountFen ?? 0), 0),
          warning: r.warning ? `预警${r.warning.id}（${r.warning.period}）：${warningStatusWords(r.warning.status, r.warning.outcome)}` : '未预警',
          handling: r.warning?.status === 'resolved' ? `${r.warning.outcomeReason ?? ''}（${r.warning.resolvedOn ?? ''}，${r.warning.resolvedBy ?? ''}）` : '',
        };
      }),
      subjectPersonIds: [...new Set(rows.flatMap((r) => [r.personId, r.filedPersonId, ...r.enrolments.map((e) => e.personId)]))],
    };
  },
});

/** 本人为村（社区）干部 / 本人为近亲属（兄妹） / 同户成员张三为近亲属（父子）. */
function relationWords(row: StaffRelatedRecipient): string {
  const who = row.filedPersonId === row.personId ? '本人' : `同户成员${row.filedName}（本人未在保）`;
  return `${who}为${roleNames[row.role] ?? row.role}${row.relation ? `（${row.relation}）` : ''}`;
}

/** The recipient's enrolment, and how many of the household are enrolled when more are. */
function enrolmentWords(row: StaffRelatedRecipient): string {
  const first = row.enrolments[0]!;
  const persons = new Set(row.enrolments.map((e) => e.personId)).size;
  return `${categoryName(first.category)}，${first.startDate}起${first.endDate ? `至${first.endDate}` : ''}${persons > 1 ? `；同户在保${persons}人` : ''}`;
}

function staffWords(row: StaffRelatedRecipient): string {
  if (row.staffName === null && row.staffUnit === null) return row.role === 'relative' ? '关联工作人员未在备案表中' : '';
  const role = row.staffRole ? roleNames[row.staffRole] ?? row.staffRole : '';
  return `${row.staffName ?? ''}${role ? `（${role}）` : ''}${row.staffUnit ? `，${row.staffUnit}` : ''}`;
}
