import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../gateway/reports/produce-report.js';
import { loadReportTemplates } from '../../gateway/reports/report-templates.js';
import { dumpSheet } from '../helpers/sheet-dump.js';
import { reportFixtures } from './report-fixtures.js';

/**
 * Every template rendered from fixed rows and compared, cell by cell, with its reviewed golden file
 * (test/reports/golden/<name>.json): values, merges, widths, row heights, fonts, page setup, print titles. A change
 * to a template or the renderer shows up here as a diff to review. JIUZHU_UPDATE_GOLDEN=1 rewrites the files — then
 * read the diff before committing it.
 */
const goldenDir = new URL('./golden/', import.meta.url);
const documentDate = '2024-07-02';

describe('report golden files', () => {
  const templates = [...loadReportTemplates().values()];

  it.each(templates.map((t) => [t.name, t] as const))('%s renders as its golden file', async (name, template) => {
    const data = reportFixtures[name];
    expect(data, `test/reports/report-fixtures.ts has no rows for ${name}`).toBeDefined();
    const options = Object.fromEntries(Object.keys(template.options ?? {}).map((option) => [option, true]));
    const dump = await dumpSheet(await renderReport(template, data!, { format: 'xlsx', options, documentDate }));
    const csv = (await renderReport(template, data!, { format: 'csv', options, documentDate })).toString('utf8');
    const actual = { xlsx: dump, csv: csv.split('\r\n') };
    const file = new URL(`${name}.json`, goldenDir);
    if (process.env.JIUZHU_UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    expect(existsSync(file), `no golden file for ${name}: run with JIUZHU_UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('gives byte-identical files for the same rows and date, and different ones for another date', async () => {
    const template = loadReportTemplates().get('qianjiang-discovery-detail')!;
    const data = reportFixtures['qianjiang-discovery-detail']!;
    const first = await renderReport(template, data, { format: 'xlsx', documentDate });
    const second = await renderReport(template, data, { format: 'xlsx', documentDate });
    expect(second.equals(first)).toBe(true);
    const later = await renderReport(template, data, { format: 'xlsx', documentDate: '2024-07-03' });
    expect(later.equals(first)).toBe(false);
  });
});
