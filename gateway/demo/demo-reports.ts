/**
 * Every report template written for the demo month into `dir/reports/`, as XLSX: the Qianjiang table for 黔江区 (the
 * county whose document defines it), everything else for the demo month's county (永宁县). Each report takes the
 * month when it can, else the ISO week holding the month's last day, the quarter holding it, or the year to its end.
 * Written through produceReport, so each file is audited with its SM3 like any other export.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../access/actor.js';
import { lastDayOfPeriod } from '../calendar/periods.js';
import { produceReport } from '../reports/produce-report.js';
import { isoWeekOf, type ReportPeriodKind } from '../reports/report-periods.js';
import { loadReportTemplates, type ReportTemplate } from '../reports/report-templates.js';
import type { Store } from '../store/connect.js';

export interface DemoReport {
  template: string;
  file: string;
  rows: number;
  sm3: string;
}

/** Seed 004 is Qianjiang's notice: its table is filled for 黔江区; the rest report on the demo month's county. */
function regionOf(template: ReportTemplate, monthCounty: string): string {
  return template.basis.seed?.startsWith('004_') ? '500114' : monthCounty;
}

function periodFor(kinds: readonly ReportPeriodKind[], period: string): string | undefined {
  const lastDay = lastDayOfPeriod(period);
  const order: [ReportPeriodKind, () => string | undefined][] = [
    ['month', () => period],
    ['none', () => undefined],
    ['week', () => isoWeekOf(lastDay)],
    ['quarter', () => `${period.slice(0, 4)}-Q${Math.ceil(Number(period.slice(5, 7)) / 3)}`],
    ['year-to-date', () => `${period}-ytd`],
    ['year', () => period.slice(0, 4)],
  ];
  const chosen = order.find(([kind]) => kinds.includes(kind));
  return chosen ? chosen[1]() : `${period}-01..${lastDay}`;
}

export async function writeDemoReports(
  store: Store, options: { dir: string; period: string; monthCounty: string; actor: Actor; now?: Date; periods?: Readonly<Record<string, string>> },
): Promise<DemoReport[]> {
  const dir = join(options.dir, 'reports');
  mkdirSync(dir, { recursive: true });
  const written: DemoReport[] = [];
  for (const template of loadReportTemplates().values()) {
    // A written reminder is one township's document as issued: the demo month writes the one it issued.
    if (template.name === 'supervision-reminder') continue;
    const report = await produceReport(store.knex, options.actor, {
      template: template.name, period: options.periods?.[template.name] ?? periodFor(template.periods, options.period), region: regionOf(template, options.monthCounty), format: 'xlsx',
      purpose: 'demo', now: options.now,
    });
    const file = join(dir, `${template.name}.xlsx`);
    writeFileSync(file, report.bytes);
    written.push({ template: template.name, file, rows: report.rows, sm3: report.sm3 });
  }
  return written;
}
