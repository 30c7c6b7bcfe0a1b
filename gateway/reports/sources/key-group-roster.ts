/**
 * 重点人群花名册 (seed 004 §三(一)): the households on the roster on the day reported, why and since when, with the
 * monthly visit due (oversight/key-group-roster.ts).
 */
import { loadVisitPolicy } from '../../casework/visit-policy.js';
import { listKeyGroup } from '../../oversight/key-group-roster.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'key-group-roster',
  description: 'Households on the 重点人群花名册 on the day reported — filed 救助观察 in a discovery case, or added by a township with a reason — with the last visit and the next monthly visit due.',
  capability: 'readPersonalData',
  contextFields: { asOf: 'The day reported (截至), YYYY年M月D日', figures: 'How many households are on the roster and how many visits are overdue' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    headName: { type: 'text', description: '户主姓名' },
    basis: { type: 'text', description: '列入方式: 救助观察 (discovery case number) or 乡镇添加' },
    since: { type: 'date', description: '列入日期' },
    reason: { type: 'text', description: '列入原因' },
    lastVisit: { type: 'date', description: '最近走访日期' },
    nextVisitDue: { type: 'date', description: '下次走访截止日期' },
    visitStatus: { type: 'text', description: '走访情况: overdue by how many days, or 按期' },
  },
  async load(knex, request) {
    const asOf = request.period.to < request.today ? request.period.to : request.today;
    const { items } = await listKeyGroup(knex, request.actor, loadVisitPolicy(), { asOf });
    const names = await placeNames(knex, items.flatMap((i) => [i.townshipCode, i.villageCode]));
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label, asOf: chineseDay(asOf),
        figures: `重点人群${items.length}户，走访逾期${items.filter((i) => i.overdue).length}户`,
      },
      rows: items.map((i): ReportRow => ({
        township: names(i.townshipCode), village: names(i.villageCode), householdNo: i.householdNo, headName: i.headName ?? '',
        basis: i.basis === 'observation' ? `救助观察（主动发现案件${i.caseId}）` : '乡镇添加', since: i.since, reason: i.reason,
        lastVisit: i.lastVisitOn, nextVisitDue: i.nextVisitDueOn, visitStatus: i.overdue ? `逾期${i.overdueDays}天` : '按期',
      })),
      subjectPersonIds: items.flatMap((i) => (i.headPersonId === null ? [] : [i.headPersonId])),
    };
  },
});

function chineseDay(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
