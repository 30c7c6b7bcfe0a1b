import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../gateway/reports/produce-report.js';
import { layOutReport, wrappedLines, type LayoutItem, type LayoutRow } from '../../gateway/reports/report-layout.js';
import type { ReportData } from '../../gateway/reports/report-source.js';
import { checkReportTemplate, loadReportTemplates, type ReportTemplate } from '../../gateway/reports/report-templates.js';
import { defineReportSource } from '../../gateway/reports/report-source.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

const progress = defineReportSource({
  name: 'progress-test',
  description: 'rows for layout tests',
  capability: 'readFigures',
  fields: {
    task: { type: 'text', description: '' }, unit: { type: 'text', description: '' }, text: { type: 'text', description: '' },
    amount: { type: 'fen', description: '' }, count: { type: 'integer', description: '' }, when: { type: 'date', description: '' },
  },
  load: async () => ({ context: { region: '', period: '' }, rows: [], subjectPersonIds: [] }),
});
const sources = new Map([[progress.name, progress]]);

function template(overrides: Partial<ReportTemplate> = {}): ReportTemplate {
  return checkReportTemplate({
    name: 'layout-test', title: '测试表', description: 'a test', basis: { kind: 'project', note: 'a test' }, source: 'progress-test', periods: ['month'],
    sheetName: '测试', titleRows: [{ text: '测试表 {region} {period}', style: 'title' }],
    columns: [
      { header: '序号', field: '#', format: 'integer', width: 5 },
      { header: '任务', field: 'task', format: 'text', width: 10, mergeRepeated: true },
      { header: ['落实情况', '单位'], field: 'unit', format: 'text', width: 10 },
      { header: ['落实情况', '进度', '文字'], field: 'text', format: 'text', width: 20, wrap: true },
      { header: ['落实情况', '进度', '金额（元）'], field: 'amount', format: 'yuan', width: 10, total: 'sum' },
      { header: '件数', field: 'count', format: 'integer', width: 6, total: 'count' },
    ],
    page: { paper: 'A4', orientation: 'landscape' },
    ...overrides,
  }, 'layout-test.json', sources);
}

const rows = (...r: [string, string, string, number, number][]): ReportData => ({
  context: { region: '永宁县', period: '2024年6月' }, subjectPersonIds: [],
  rows: r.map(([task, unit, text, amount, count]) => ({ task, unit, text, amount, count, when: '2024-06-01' })),
});

const rowsOf = (items: LayoutItem[]) => items.filter((i): i is LayoutRow => i.type === 'row');
const mergesOf = (items: LayoutItem[]) => items.flatMap((i) => (i.type === 'merge' ? [`${i.top},${i.left}-${i.bottom},${i.right}`] : []));

describe('report layout', () => {
  it('merges a three-level header across shared headings and down from short ones', () => {
    const items = [...layOutReport(template(), rows(), { generatedOn: '2024-07-01' })];
    const header = rowsOf(items).filter((r) => r.kind === 'header');
    expect(header.map((r) => r.cells)).toEqual([
      ['序号', '任务', '落实情况', null, null, '件数'],
      [null, null, '单位', '进度', null, null],
      [null, null, null, '文字', '金额（元）', null],
    ]);
    expect(mergesOf(items)).toEqual(expect.arrayContaining([
      '2,1-4,1', '2,2-4,2', '2,6-4,6', // 序号, 任务, 件数 down through three rows
      '3,3-4,3', // 单位 down from the second row
      '2,3-2,5', // 落实情况 over three columns
      '3,4-3,5', // 进度 over two
    ]));
  });

  it('groups with subtotals, sums fen exactly, counts rows, restarts serials, and merges repeated values within a group', () => {
    const t = template({ group: { by: 'unit', subtotalLabel: '{value}小计', serialRestarts: true }, grandTotal: { label: '合计' } });
    const items = [...layOutReport(t, rows(
      ['任务一', '民政局', 'a', 10, 1], ['任务一', '民政局', 'b', 20, 1], ['任务二', '民政局', 'c', 1, 1],
      ['任务二', '财政局', 'd', -5, 1],
    ), { generatedOn: '2024-07-01' })];
    const table = rowsOf(items).filter((r) => ['body', 'subtotal', 'total'].includes(r.kind));
    expect(table.map((r) => [r.kind, ...r.cells])).toEqual([
      ['body', 1, '任务一', '民政局', 'a', 10, 1],
      ['body', 2, '任务一', '民政局', 'b', 20, 1],
      ['body', 3, '任务二', '民政局', 'c', 1, 1],
      ['subtotal', '民政局小计', null, null, null, 31, 3],
      ['body', 1, '任务二', '财政局', 'd', -5, 1],
      ['subtotal', '财政局小计', null, null, null, -5, 1],
      ['total', '合计', null, null, null, 26, 4],
    ]);
    // 任务一 twice in rows 5–6; 任务二 spans a group boundary and is not merged across it.
    const merges = mergesOf(items);
    expect(merges).toContain('5,2-6,2');
    expect(merges.filter((m) => m.endsWith(',2') && m.startsWith('7,'))).toEqual([]);
    expect(merges).toContain('8,1-8,4'); // the subtotal label over the columns before the first total
  });

  it('never lets a streaming writer flush a row a merge still has to start on', () => {
    const t = template({ group: { by: 'unit', subtotalLabel: '{value}小计' }, grandTotal: { label: '合计' }, minimumBodyRows: 12 });
    const items = [...layOutReport(t, rows(
      ['任务一', '民政局', 'a', 1, 1], ['任务一', '民政局', 'b', 1, 1], ['任务一', '民政局', 'c', 1, 1], ['任务二', '财政局', 'd', 1, 1],
    ), { generatedOn: '2024-07-01' })];
    let settled = 0;
    for (const item of items) {
      if (item.type === 'settled') {
        expect(item.through).toBeGreaterThanOrEqual(settled);
        settled = item.through;
      }
      if (item.type === 'merge') expect(item.top, `merge ${item.top}:${item.bottom} after row ${settled} was settled`).toBeGreaterThan(settled);
    }
  });

  it('pads to the form\'s blank rows, and leaves out a line whose option is off', () => {
    const t = template({
      minimumBodyRows: 5,
      options: { signature: { description: 'lines', default: false } },
      footerRows: [{ text: '填报人：', when: 'signature' }, { text: '说明' }],
    });
    const off = rowsOf([...layOutReport(t, rows(['任务一', '民政局', 'a', 1, 1]), { generatedOn: '2024-07-01' })]);
    expect(off.filter((r) => r.kind === 'blank')).toHaveLength(4);
    expect(off.at(-1)!.cells[0]).toBe('说明');
    const on = rowsOf([...layOutReport(t, rows(), { generatedOn: '2024-07-01', options: { signature: true } })]);
    expect(on.filter((r) => r.kind === 'blank')).toHaveLength(5);
    expect(on.map((r) => r.cells[0])).toContain('填报人：');
  });
});

describe('row heights of wrapped text', () => {
  it('counts CJK characters as two widths, a character outside the BMP once, and each written line break', () => {
    expect(wrappedLines('短', 10)).toBe(1);
    expect(wrappedLines('一二三四五六七八九十', 11)).toBe(2); // 20 units on 10 usable
    expect(wrappedLines('abcdefghijklmnopqrst', 21)).toBe(1); // narrow letters count once: 20 units on 20
    expect(wrappedLines('一二三四五六七八九十一二三四五六七八九十', 21)).toBe(2); // the same count of wide ones: 40 on 20
    expect(wrappedLines('𠀀𠀀𠀀𠀀𠀀', 11)).toBe(1); // five wide characters, each two UTF-16 code units
    expect(wrappedLines('一\n二\n\n三', 40)).toBe(4);
  });
});

describe('report templates', () => {
  const refused = (changes: Partial<ReportTemplate>) => () => template(changes);

  it('refuses a column naming a field its source lacks, or showing it in a format it cannot', () => {
    expect(refused({ columns: [{ header: 'x', field: 'nothing', format: 'text', width: 5 }] })).toThrow(/"nothing" is not a field of source progress-test/);
    expect(refused({ columns: [{ header: 'x', field: 'amount', format: 'integer', width: 5 }] })).toThrow(/format integer cannot show amount, a fen field \(use yuan\)/);
    expect(refused({ columns: [{ header: 'x', field: 'text', format: 'text', width: 5, total: 'sum' }] })).toThrow(/only integer and fen fields can be summed/);
  });

  it('refuses a line depending on an undeclared option, and a seed-inferred report with an unmarked column', () => {
    expect(refused({ footerRows: [{ text: 'x', when: 'stamp' }] })).toThrow(/names option "stamp", which \/options does not declare/);
    expect(refused({ basis: { kind: 'seed-inferred', seed: '002_a145b953e663df84.txt', quote: '每季度末报季度工作小结', note: 'x' } }))
      .toThrow(/the seed gives no columns for this report, so each is marked "inferred"/);
    expect(refused({ basis: { kind: 'seed', note: 'x' } })).toThrow(/names the seed file and quotes it/);
  });

  it('loads every bundled template, each marking where it comes from', () => {
    const templates = [...loadReportTemplates().values()];
    expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['qianjiang-discovery-detail', 'monitoring-statistics', 'urgent-hardship-weekly']));
    for (const t of templates) if (t.basis.kind !== 'project') expect(t.basis.seed).toMatch(/^00[0-4]_/);
  });

  it('prints the Qianjiang header exactly as seed 004\'s annex writes it: the title and one row of ten cells', async () => {
    const [title, ...cells] = readFileSync(new URL('../fixtures/seeds/004-annex-header.txt', import.meta.url), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(cells).toHaveLength(10);
    const qianjiang = loadReportTemplates().get('qianjiang-discovery-detail')!;
    expect(qianjiang.title).toBe(title);
    expect(qianjiang.columns.map((c) => c.header)).toEqual(cells);
    const sheet = await dumpSheet(await renderReport(qianjiang, { context: { region: '重庆市黔江区', period: '2024年6月' }, rows: [], subjectPersonIds: [] }, { format: 'xlsx', documentDate: '2024-07-01' }));
    expect(sheet.cells.A1).toBe(title);
    expect(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'].map((column) => sheet.cells[`${column}3`])).toEqual(cells);
    // One header row: nothing in row 4 but the blank form's rows (ten of them, as the annex has).
    expect(Object.keys(sheet.cells).filter((address) => /^[A-J](4|5|6|7|8|9|10|11|12|13)$/.test(address))).toEqual([]);
    expect(sheet.frozen.ySplit).toBe(3);
  });
});

describe('what a cell may hold', () => {
  it('neutralises text that a spreadsheet would run as a formula, and keeps negative amounts numbers', async () => {
    const t = template();
    const data = rows(['=HYPERLINK("http://x")', '+1', '@SUM(A1)', -1250, 1], ['-2', '民政局', 'ok', 0, 1]);
    const sheet = await dumpSheet(await renderReport(t, data, { format: 'xlsx', documentDate: '2024-07-01' }));
    const body = Object.entries(sheet.cells).filter(([address]) => /^[A-F](5|6)$/.test(address));
    expect(Object.fromEntries(body)).toMatchObject({
      B5: '\'=HYPERLINK("http://x")', C5: '\'+1', D5: '\'@SUM(A1)', E5: -12.5, B6: '\'-2', E6: 0,
    });
    const csv = (await renderReport(t, data, { format: 'csv', documentDate: '2024-07-01' })).toString('utf8').split('\r\n');
    expect(csv[1]).toBe('1,"\'=HYPERLINK(""http://x"")",\'+1,\'@SUM(A1),-12.50,1');
    expect(csv[2]).toBe('2,\'-2,民政局,ok,0.00,1');
  });

  it('stamps every zip entry with the document date, so the bytes do not depend on when they were written', async () => {
    const bytes = await renderReport(template(), rows(['任务一', '民政局', 'a', 1, 1]), { format: 'xlsx', documentDate: '2024-07-01' });
    const { default: JSZip } = await import('jszip');
    const zip = await JSZip.loadAsync(bytes);
    const dates = new Set(Object.values(zip.files).map((f) => `${f.date.getUTCFullYear()}-${f.date.getUTCMonth() + 1}-${f.date.getUTCDate()} ${f.date.getUTCHours()}:${f.date.getUTCMinutes()}`));
    expect([...dates]).toEqual(['2024-7-1 0:0']);
  });
});
