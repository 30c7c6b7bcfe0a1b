/**
 * One report, start to end, as the API and the CLI ask for it: the template by name, the caller's right to its source
 * (role and region), the period, the rows, the file, and the audit line that records who took which file — its SM3
 * digest, so a copy found later can be traced to the export that made it, and the register persons it shows.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isRegionCode, isWithinScope } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { layOutReport, reportHeaderRows } from './report-layout.js';
import { parseReportPeriod } from './report-periods.js';
import type { ReportData } from './report-source.js';
import { loadReportTemplates, type ReportTemplate } from './report-templates.js';
import { reportCsvLines } from './render-csv.js';
import { writeReportXlsx } from './render-xlsx.js';
import { reportSources } from './sources/index.js';

export type ReportFormat = 'xlsx' | 'csv';

export interface ReportOrder {
  template: string;
  /** As parseReportPeriod reads it; may be left out only by reports of kind `none`. */
  period?: string;
  /** Defaults to the caller's own region: a township key gets its township. */
  region?: string;
  unit?: string;
  format: ReportFormat;
  /** Template options turned on or off; unknown names are refused. */
  options?: Readonly<Record<string, boolean>>;
  /** Why the file is taken, as the caller states it: kept in the audit line. */
  purpose?: string;
  /** The clock: today in Asia/Shanghai, and the document date written into the file. */
  now?: Date;
}

export interface ProducedReport {
  template: ReportTemplate;
  fileName: string;
  contentType: string;
  bytes: Buffer;
  /** SM3 of the bytes, lower-case hex, as the audit line records it. */
  sm3: string;
  rows: number;
  auditId: number;
}

export const reportContentTypes: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

export function findReportTemplate(name: string): ReportTemplate {
  const template = loadReportTemplates().get(name);
  if (!template) throw new ProblemError('unknown-report', `no report "${name}" (GET /v1/reports lists them)`);
  return template;
}

export async function produceReport(knex: Knex, actor: Actor, order: ReportOrder): Promise<ProducedReport> {
  const template = findReportTemplate(order.template);
  const source = reportSources.get(template.source)!;
  const policy = requireCapability(actor, source.capability, `read the report ${template.name}`);
  if (source.roles && !source.roles.includes(actor.role)) {
    throw new ProblemError('forbidden', `role ${actor.role} cannot read the report ${template.name}: only ${source.roles.join(' and ')} keys take it`);
  }
  const regionCode = order.region ?? actor.regionCode;
  if (!isRegionCode(regionCode)) throw new ProblemError('validation-failed', `"${regionCode}" is not a region code`, [{ parameter: 'region', detail: 'must be 6, 9 or 12 digits' }]);
  if (!isWithinScope(actor.regionCode, regionCode)) throw new ProblemError('out-of-scope', `region ${regionCode} is outside this key's region ${actor.regionCode}`);
  for (const name of Object.keys(order.options ?? {})) {
    if (!template.options?.[name]) {
      throw new ProblemError('validation-failed', `the report ${template.name} has no option "${name}"`, [{ parameter: 'option', detail: `known: ${Object.keys(template.options ?? {}).join(', ') || 'none'}` }]);
    }
  }
  const now = order.now ?? new Date();
  const today = todayInShanghai(now);
  const period = parseReportPeriod(order.period, template.periods, today);
  const data = await source.load(knex, { regionCode, period, unit: order.unit, today, policy, actor: { ...actor, regionCode } });
  const bytes = await renderReport(template, data, { format: order.format, options: order.options, documentDate: today });
  const sm3 = createSm3().update(bytes).digest('hex');
  const fileName = `${template.title}_${regionCode}_${period.text}.${order.format}`;
  const auditId = await recordAudit(knex, actor, {
    action: 'report.export', outcome: 'ok', resourceType: 'report', resourceId: template.name, regionCode, subjectPersonIds: data.subjectPersonIds,
    detail: `${template.name} ${period.text} ${regionCode}${order.unit ? ` unit ${order.unit}` : ''} ${order.format}: ${data.rows.length} rows, sm3 ${sm3}${order.purpose ? `; purpose: ${order.purpose}` : ''}`,
  });
  return { template, fileName, contentType: reportContentTypes[order.format], bytes, sm3, rows: data.rows.length, auditId };
}

export interface RenderOptions {
  format: ReportFormat;
  options?: Readonly<Record<string, boolean>>;
  /** YYYY-MM-DD: {generatedOn} and the XLSX's document dates. */
  documentDate: string;
}

/** The file's bytes: the same template, data and date give the same bytes. */
export async function renderReport(template: ReportTemplate, data: ReportData, options: RenderOptions): Promise<Buffer> {
  const layout = layOutReport(template, data, { options: options.options, generatedOn: options.documentDate });
  if (options.format === 'csv') return Buffer.from([...reportCsvLines(template, layout)].join(''), 'utf8');
  return writeReportXlsx(template, layout, { documentDate: options.documentDate, title: template.title, headerRows: reportHeaderRows(template, options.options) });
}
