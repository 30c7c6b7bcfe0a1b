import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { produceReport, type ReportFormat } from '../reports/produce-report.js';
import { loadReportTemplates } from '../reports/report-templates.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';
import { regionCodeOption } from './region-option.js';

function templateOption(value: string, chosen: Record<string, boolean> = {}): Record<string, boolean> {
  if (!/^[a-zA-Z0-9]+(:off)?$/.test(value)) throw new InvalidArgumentError('an option is a name, or name:off');
  return { ...chosen, ...(value.endsWith(':off') ? { [value.slice(0, -4)]: false } : { [value]: true }) };
}

function formatOf(out: string, format: string | undefined): ReportFormat {
  const chosen = format ?? extname(out).slice(1).toLowerCase();
  if (chosen !== 'xlsx' && chosen !== 'csv') throw new InvalidArgumentError(`the format is xlsx or csv (from --format or the --out file's extension), not "${chosen}"`);
  return chosen;
}

export function reportCommand(): Command {
  return new Command('report')
    .description('write a report (a mandated table or jiuzhu\'s own) as styled XLSX or CSV; `jiuzhu report --list` names them')
    .argument('[template]', 'the report\'s name, e.g. qianjiang-discovery-detail')
    .option('--list', 'list the report templates: name, title, periods taken, options')
    .option('--period <period>', '2024-06, 2024-Q2, 2024-W23, 2024, 2024-06-ytd or 2024-06-01..2024-06-30, as the template takes')
    .option('--region <code>', 'the region reported (default: the whole country)', regionCodeOption)
    .option('--unit <code>', 'the reporting unit, for reports filed per unit')
    .option('--out <file>', 'where the file is written')
    .option('--format <xlsx|csv>', 'default: from the --out file\'s extension')
    .option('--option <name[:off]>', 'turn a template option on (or off); repeatable', templateOption)
    .option('--purpose <text>', 'why the file is taken; kept in the audit log')
    .option('--json', 'print what was written (file, rows, SM3) as JSON')
    .action(async (template: string | undefined, options: {
      list?: boolean; period?: string; region?: string; unit?: string; out?: string; format?: string; option?: Record<string, boolean>; purpose?: string; json?: boolean;
    }) => {
      if (options.list || !template) {
        for (const t of loadReportTemplates().values()) {
          printLine(`${t.name.padEnd(30)} ${t.title}`);
          printLine(`${''.padEnd(30)} periods: ${t.periods.join(', ')}${t.options ? `; options: ${Object.keys(t.options).join(', ')}` : ''}`);
        }
        return;
      }
      if (!options.out) throw new InvalidArgumentError('--out <file> is required');
      const format = formatOf(options.out, options.format);
      const { store } = await openCommandStore();
      try {
        const report = await produceReport(store.knex, commandLineActor('report'), {
          template, period: options.period, region: options.region, unit: options.unit, format, options: options.option, purpose: options.purpose,
        });
        writeFileSync(options.out, report.bytes);
        const written = { file: options.out, report: report.template.name, title: report.template.title, rows: report.rows, bytes: report.bytes.length, sm3: report.sm3 };
        if (options.json) printJson(written);
        else printLine(`${options.out}: ${report.template.title}, ${report.rows} rows, ${report.bytes.length} bytes, SM3 ${report.sm3}`);
      } finally {
        await store.close();
      }
    });
}
