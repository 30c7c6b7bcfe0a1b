/**
 * 财产收入超标仍保留救助核查表 for auditors: basic-living enrolments kept although a resolved means-test warning found
 * a vehicle, property, a business or income over the threshold (oversight/assets-kept.ts), with the evidence, the
 * decision, its reason and who took it.
 */
import { displayIdNumber } from '../../access/masking.js';
import { loadRuleSet, type LoadedRuleSet } from '../../engine/rule-set.js';
import { findAssetsKept, type AssetsKept, type KeptEnrolment } from '../../oversight/assets-kept.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import { defineReportSource, oversightRoles, type ReportRow } from '../report-source.js';
import { categoryName, decryptAll, placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { warningOutcomeNames } from './warning-words.js';

let rules: LoadedRuleSet | undefined;

export default defineReportSource({
  name: 'compliance-assets-kept',
  description: 'Basic-living enrolments in force when a means-test warning (vehicle, non-residential property, housing above the threshold, business, income above the threshold) was resolved with an outcome that keeps the register as it was: the evidence, the outcome and its reason, who resolved it, and whether the enrolment is still in force.',
  capability: 'readPersonalData',
  roles: oversightRoles,
  contextFields: { figures: 'How many warnings and enrolments, and how many still in force' },
  fields: {
    township: { type: 'text', description: '乡镇（街道） of the household\'s registration' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    name: { type: 'text', description: '救助对象姓名: the finding\'s subject when enrolled, else the household\'s first enrolled member' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    finding: { type: 'text', description: '预警: the warning, its rule\'s title and period' },
    evidence: { type: 'text', description: '超标情况: whose finding, the facts behind it, and the measure against the threshold for amount rules' },
    decision: { type: 'text', description: '处置结果及理由: the outcome and the reason recorded' },
    resolved: { type: 'text', description: '办结日期及经办: when and by whom' },
    enrolment: { type: 'text', description: '保留的救助: the category, and how many of the household were enrolled' },
    amountFen: { type: 'fen', description: '户月救助金额: the kept enrolments\' monthly total, fen' },
    inForce: { type: 'text', description: '目前状态: 仍在保, or when and why they ended' },
  },
  async load(knex, request) {
    const rows = await findAssetsKept(knex, request.regionCode, request.period.text);
    const names = await placeNames(knex, rows.flatMap((r) => [r.villageCode.slice(0, 9), r.villageCode]));
    const idOf = await idNumbersOfPersons(knex, rows.map((r) => r.kept[0]!.personId));
    const subjects = await decryptAll(knex, rows.map((r) => r.subjectCipher));
    const stillInForce = rows.filter((r) => r.kept.some((e) => e.endedOn === null)).length;
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label,
        figures: `超标预警办结后仍保留救助${rows.length}户，涉及在保${rows.reduce((n, r) => n + r.kept.length, 0)}人，目前仍在保${stillInForce}户`,
      },
      rows: rows.map((r, index): ReportRow => {
        const recipient = r.kept[0]!;
        const idNumber = idOf.get(recipient.personId);
        const subject = subjects[index];
        return {
          township: names(r.villageCode.slice(0, 9)), village: names(r.villageCode), householdNo: r.householdNo, name: recipient.name,
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '',
          finding: `预警${r.warningId}（${r.period}）：${ruleTitle(r.ruleId)}`,
          evidence: evidenceWords(r, subject ? displayIdNumber(request.policy, subject) : null),
          decision: `${warningOutcomeNames[r.outcome] ?? r.outcome}：${r.outcomeReason ?? ''}`,
          resolved: `${r.resolvedOn}，${r.resolvedBy ?? '经办人未记录'}`,
          enrolment: `${categoryName(recipient.category)}${r.kept.length > 1 ? `；同户在保${r.kept.length}人` : ''}`,
          amountFen: r.kept.reduce((sum, e) => sum + (e.monthlyAmountFen ?? 0), 0), inForce: inForceWords(r.kept),
        };
      }),
      subjectPersonIds: [...new Set(rows.flatMap((r) => [...r.kept.map((e) => e.personId), ...(r.subjectPersonId === null ? [] : [r.subjectPersonId])]))],
    };
  },
});

/** 仍在保 when every kept enrolment runs; otherwise each ended one with its date and reason. */
function inForceWords(kept: readonly KeptEnrolment[]): string {
  const ended = kept.filter((e) => e.endedOn !== null);
  if (ended.length === 0) return '仍在保';
  const words = ended.map((e) => `${kept.length > 1 ? e.name : ''}已于${e.endedOn}终止${e.endReason ? `（${e.endReason}）` : ''}`);
  const running = kept.length - ended.length;
  return [...words, ...(running > 0 ? [`其余${running}人仍在保`] : [])].join('；');
}

const businessRoles: Record<string, string> = { 'legal-representative': '法定代表人或经营者' };

function ruleTitle(ruleId: string): string {
  rules ??= loadRuleSet();
  return rules.ruleSet.rules.find((rule) => rule.id === ruleId)?.title ?? ruleId;
}

/** Whose finding, each fact as its department gave it, and for amount rules the measure against the threshold. */
function evidenceWords(row: AssetsKept, subjectIdNumber: string | null): string {
  const whose = row.subjectPersonId === row.kept[0]!.personId ? '本人' : `${row.subjectName ?? ''}${subjectIdNumber ? `（${subjectIdNumber}）` : ''}`;
  const facts = row.evidence.map((fact) => {
    const a = fact.attributes;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    switch (fact.kind) {
      case 'vehicle-registered': return `车辆${text(a.plate)}${a.vehicleType ? `（${text(a.vehicleType)}）` : ''}`;
      case 'real-estate': return `不动产${text(a.location)}${a.areaSquareMetres ? ` ${text(a.areaSquareMetres)}㎡` : ''}${a.residential === true ? '（住宅）' : '（非住宅）'}`;
      case 'business-registration': return `经营主体${text(a.enterpriseName)}${a.role ? `（${businessRoles[text(a.role)] ?? text(a.role)}）` : ''}`;
      case 'employment': return `${text(a.employer) || '就业登记'}${fact.period ? `，${fact.period}` : ''}月工资${yuan(fact.amountFen)}元`;
      case 'social-insurance-contribution': return `${text(a.insuranceType) || '社保'}${fact.period ? `，${fact.period}` : ''}缴费基数${yuan(fact.amountFen)}元`;
      default: return fact.kind;
    }
  });
  const measure = row.ruleId === 'recipient-income-above-threshold' && row.measured !== null && row.threshold !== null
    ? `；月收入${yuan(row.measured)}元，标准${yuan(row.threshold)}元（示例阈值）`
    : row.ruleId === 'recipient-household-housing-above-threshold' && row.threshold !== null ? `；人均住房面积标准${row.threshold}㎡（示例阈值）` : '';
  return `${whose}：${facts.join('；') || '无证据记录'}${measure}`;
}

function yuan(fen: number | null): string {
  return fen === null ? '' : (fen / 100).toFixed(2);
}
