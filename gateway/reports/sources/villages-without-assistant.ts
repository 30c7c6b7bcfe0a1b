/**
 * Villages without a social-assistance assistant (seed 004 §一(二)), per township, as of the day reported
 * (oversight/village-coverage.ts). Staff and places, no person of the register.
 */
import { villagesWithoutAssistant } from '../../oversight/village-coverage.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'villages-without-assistant',
  description: 'Each village or community of the region with no social-assistance assistant assigned on the day reported, per township, with the township\'s count of villages.',
  capability: 'readFigures',
  contextFields: { asOf: 'The day reported (截至), YYYY年M月D日', figures: 'How many villages the region has and how many lack an assistant' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）' },
    villages: { type: 'integer', description: '村（社区）数: the township\'s villages' },
    villageCode: { type: 'text', description: '村（社区）代码' },
    village: { type: 'text', description: '未配备协理员的村（社区）' },
  },
  async load(knex, request) {
    const asOf = request.period.to < request.today ? request.period.to : request.today;
    const townships = await villagesWithoutAssistant(knex, request.regionCode, asOf);
    const names = await placeNames(knex, townships.map((t) => t.townshipCode));
    const total = townships.reduce((sum, t) => sum + t.villages, 0);
    const uncovered = townships.reduce((sum, t) => sum + t.uncovered.length, 0);
    const rows: ReportRow[] = [];
    for (const township of townships) {
      township.uncovered.forEach((village, index) => rows.push({
        township: names(township.townshipCode), villages: index === 0 ? township.villages : null,
        villageCode: village.code, village: village.name,
      }));
    }
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label, asOf: chineseDay(asOf),
        figures: `共${total}个村（社区），未配备社会救助协理员${uncovered}个`,
      },
      rows,
      subjectPersonIds: [],
    };
  },
});

function chineseDay(date: string): string {
  return `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}
