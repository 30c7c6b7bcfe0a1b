/**
 * 家庭经济状况监测逾期 for the county bureau and auditors: households enrolled in basic-living assistance on the day
 * reported with fewer than the 2 checks this year that seed 002 task 3 asks for (oversight/economic-checks.ts says
 * what counts as a check).
 */
import { checksPerYear, listEconomicChecks, type CheckDay } from '../../oversight/economic-checks.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

const checkWords: Record<CheckDay['kind'], string> = { comparison: '数据比对', visit: '入户走访' };

export default defineReportSource({
  name: 'economic-checks',
  description: 'Households with a basic-living enrolment in force on the day reported that had fewer than 2 economic checks (a comparison run covering them, or a home visit) this calendar year up to that day.',
  capability: 'readPersonalData',
  contextFields: { asOf: 'The day reported (截至), YYYY年M月D日', figures: 'How many enrolled households were read and how many are short of checks' },
  fields: {
    township: { type: 'text', description: '乡镇（街道） where the household lives' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    headName: { type: 'text', description: '户主姓名' },
    enrolledSince: { type: 'date', description: '本年在册起始日: 1 January, or the day an enrolment begun this year started' },
    checks: { type: 'integer', description: '本年已监测次数 (check days)' },
    comparisons: { type: 'integer', description: '其中数据比对' },
    visits: { type: 'integer', description: '其中入户走访' },
    lastCheck: { type: 'text', description: '最近一次监测: the day and how' },
    shortfall: { type: 'integer', description: '尚缺次数 to reach 2 this year' },
    status: { type: 'text', description: '逾期 once the year is over, otherwise the days left in the year' },
  },
  async load(knex, request) {
    const asOf = request.period.to < request.today ? request.period.to : request.today;
    const { items } = await listEconomicChecks(knex, request.actor, { asOf, reading: 'year', shortOnly: false });
    // By township and village, so a township's rows sit together (its cell merged down) and each reads its own.
    const short = items.filter((i) => i.shortfall > 0)
      .sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo));
    const names = await placeNames(knex, short.flatMap((i) => [i.townshipCode, i.villageCode]));
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label, asOf: chineseDay(asOf),
        figures: `在册基本生活救助家庭${items.length}户，本年监测不足${checksPerYear}次${short.length}户`,
      },
      rows: short.map((i): ReportRow => ({
        township: names(i.townshipCode), village: names(i.villageCode), householdNo: i.householdNo, headName: i.headName ?? '', enrolledSince: i.enrolledSince,
        checks: i.checksThisYear, comparisons: i.comparisonsThisYear, visits: i.visitsThisYear,
        lastCheck: i.lastCheck ? `${i.lastCheck.on} ${checkWords[i.lastCheck.kind]}` : '无记录', shortfall: i.shortfall,
        status: i.overdue ? '逾期' : `年底前还需${i.shortfall}次`,
      })),
      subjectPersonIds: short.flatMap((i) => (i.headPersonId === null ? [] : [i.headPersonId])),
    };
  },
});

function chineseDay(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
