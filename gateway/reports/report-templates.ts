/**
 * Report templates as schema-checked data (report-templates/<name>.json, schemas/report-template.schema.json), read
 * once. Beyond the schema, a template must agree with the source it names: every field a column shows exists there
 * in a type the column's format can print, the group field exists, and every option a line depends on is declared.
 * A bad edit is refused whole at load, naming the file and each problem, so it never surfaces as a half-written sheet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import type { ReportTemplate } from '../../schemas/types/index.js';
import { placeholderPattern, standardPlaceholders } from './report-layout.js';
import { formatsOfFieldType, type ReportSource } from './report-source.js';
import { reportSources } from './sources/index.js';

export type { ReportTemplate };

export const reportTemplatesDirectory = projectPath('report-templates');

export class ReportTemplateError extends Error {
  constructor(file: string, problems: string[]) {
    super(`[report-templates] ${file} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ReportTemplateError';
  }
}

let cached: ReadonlyMap<string, ReportTemplate> | undefined;

/** Every bundled template by name, in name order. */
export function loadReportTemplates(): ReadonlyMap<string, ReportTemplate> {
  cached ??= readReportTemplates(reportTemplatesDirectory);
  return cached;
}

export function readReportTemplates(directory: string, sources: ReadonlyMap<string, ReportSource> = reportSources): ReadonlyMap<string, ReportTemplate> {
  const files = readdirSync(directory).filter((f) => f.endsWith('.json')).sort();
  return new Map(files.map((file) => {
    const template = readReportTemplate(join(directory, file), sources);
    return [template.name, template];
  }));
}

export function readReportTemplate(path: string, sources: ReadonlyMap<string, ReportSource> = reportSources): ReportTemplate {
  const file = basename(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportTemplateError(file, [`not JSON: ${(error as Error).message}`]);
  }
  const template = checkReportTemplate(parsed, file, sources);
  if (template.name !== file.replace(/\.json$/, '')) throw new ReportTemplateError(file, [`/name is "${template.name}" but must equal the file name`]);
  return template;
}

export function checkReportTemplate(data: unknown, file: string, sources: ReadonlyMap<string, ReportSource> = reportSources): ReportTemplate {
  const validate = schemaValidator<ReportTemplate>('report-template');
  if (!validate(data)) {
    throw new ReportTemplateError(file, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = templateProblems(data, sources);
  if (problems.length > 0) throw new ReportTemplateError(file, problems);
  return data;
}

function templateProblems(template: ReportTemplate, sources: ReadonlyMap<string, ReportSource>): string[] {
  const source = sources.get(template.source);
  if (!source) return [`/source "${template.source}" is not a report source (known: ${[...sources.keys()].join(', ')})`];
  const problems: string[] = [];
  template.columns.forEach((column, index) => {
    if (column.field === '#') {
      if (column.format !== 'integer') problems.push(`/columns/${index}/format: the serial number column (#) is an integer column`);
      return;
    }
    const field = source.fields[column.field];
    if (!field) problems.push(`/columns/${index}/field "${column.field}" is not a field of source ${source.name}`);
    else if (!formatsOfFieldType[field.type].includes(column.format)) {
      problems.push(`/columns/${index}/format ${column.format} cannot show ${column.field}, a ${field.type} field (use ${formatsOfFieldType[field.type].join(' or ')})`);
    }
    if (column.total === 'sum' && field && field.type !== 'integer' && field.type !== 'fen') {
      problems.push(`/columns/${index}/total: only integer and fen fields can be summed, ${column.field} is ${field.type}`);
    }
  });
  if (template.group && !source.fields[template.group.by]) problems.push(`/group/by "${template.group.by}" is not a field of source ${source.name}`);
  const outer = template.group?.outer;
  if (outer && !source.fields[outer.by]) problems.push(`/group/outer/by "${outer.by}" is not a field of source ${source.name}`);
  const options = new Set(Object.keys(template.options ?? {}));
  const placeholders = new Set<string>([...standardPlaceholders, ...Object.keys(source.contextFields ?? {})]);
  for (const [where, rows] of [['titleRows', template.titleRows], ['footerRows', template.footerRows ?? []]] as const) {
    rows.forEach((row, index) => {
      if (row.when !== undefined && !options.has(row.when)) problems.push(`/${where}/${index}/when names option "${row.when}", which /options does not declare`);
      for (const [, name] of row.text.matchAll(placeholderPattern)) {
        if (!placeholders.has(name!)) problems.push(`/${where}/${index}/text: {${name}} is not a placeholder of source ${source.name} (${[...placeholders].join(', ')})`);
      }
    });
  }
  if (template.columns[0] && (template.group || template.grandTotal) && template.columns[0].total) {
    problems.push('/columns/0 carries the subtotal and total labels, so it cannot have a total of its own');
  }
  if (template.basis.kind !== 'project' && (!template.basis.seed || !template.basis.quote)) problems.push('/basis: a report from a seed names the seed file and quotes it');
  if (template.basis.kind === 'seed-inferred') {
    template.columns.forEach((column, index) => {
      if (column.field !== '#' && column.inferred === undefined) problems.push(`/columns/${index}: the seed gives no columns for this report, so each is marked "inferred" with why`);
    });
  }
  return problems;
}
