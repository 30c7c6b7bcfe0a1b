/**
 * A 100,000-row report (issue 11): the Qianjiang 明细表's template rendered to styled XLSX — fonts, borders, wrapped
 * text, row heights, page setup — by the report engine, beside exceljs writing the same rows bare (its streaming
 * writer, values only, no styles) in another process of the same run. Both build the same rows in memory first; both
 * collect the file in memory, as the API does. Prints seconds and the process's peak RSS.
 * Usage: report-render.ts engine|bare ROWS
 */
import ExcelJS from 'exceljs';
import { createMemorySink } from '../../gateway/exports/memory-sink.js';
import { renderReport } from '../../gateway/reports/produce-report.js';
import type { ReportRow } from '../../gateway/reports/report-source.js';
import { loadReportTemplates } from '../../gateway/reports/report-templates.js';
import { reportCase, secondsSince } from '../case-result.js';

const [mode = 'engine', rowsArg = '100000'] = process.argv.slice(2);
const count = Number(rowsArg);
const template = loadReportTemplates().get('qianjiang-discovery-detail')!;
const townships = ['城东街道', '城西街道', '城南街道', '舟白街道', '正阳街道', '冯家街道', '石会镇', '黑溪镇'];
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';

/** Rows as the discovery-cases source gives them: texts of the lengths a township writes. */
function rowsOf(n: number): ReportRow[] {
  const rows: ReportRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      method: ['走访发现', '信息推送发现', '工作发现'][i % 3]!,
      discoverer: `${surnames[i % 20]}网格（${townships[i % 8]}民政办）`,
      township: townships[i % 8]!,
      subjectName: `${surnames[(i * 7) % 20]}${'春秋明华'[i % 4]}${'梅兰竹菊'[(i >> 2) % 4]}`,
      familySituation: `家庭人口${(i % 5) + 1}人，${i % 2 ? '主要劳动力因病丧失劳动能力' : '子女在校就读，无稳定收入'}，第${i}号`,
      suspectedAssistance: ['城乡低保、临时救助', '医疗救助', '特困供养', '教育救助、临时救助'][i % 4]!,
      investigation: i % 3 ? `家庭月收入约${600 + (i % 900)}元，人均低于当地低保标准（${surnames[i % 20]}民政，2024年6月${(i % 28) + 1}日调查）` : '',
      result: i % 3 === 1 ? `纳入救助范畴：城乡低保，纳入时间：2024年6月${(i % 28) + 1}日` : i % 3 === 2 ? '不符合救助条件' : '',
      notes: i % 7 === 0 ? '列入救助观察：持续关注' : '',
      discoveredOn: `2024-06-${String((i % 28) + 1).padStart(2, '0')}`,
    });
  }
  return rows;
}

const rows = rowsOf(count);
const start = process.hrtime.bigint();
let bytes: number;
if (mode === 'engine') {
  const file = await renderReport(template, { context: { region: '重庆市黔江区', period: '2024年6月' }, rows, subjectPersonIds: [] }, { format: 'xlsx', documentDate: '2024-07-01' });
  bytes = file.length;
} else {
  const sink = createMemorySink();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('bare');
  const fields = template.columns.map((c) => c.field);
  rows.forEach((row, index) => sheet.addRow(fields.map((field) => (field === '#' ? index + 1 : row[field] ?? null))).commit());
  sheet.commit();
  await workbook.commit();
  bytes = sink.bytes().length;
}
reportCase({
  name: mode === 'engine' ? 'report qianjiang-discovery-detail, styled XLSX (engine)' : 'baseline: exceljs streaming the same rows bare (values only)',
  rows: count, unit: 'rows', seconds: secondsSince(start), detail: `${(bytes / 1_048_576).toFixed(1)} MB file`,
});
