/**
 * The summary table issue 15 asks `npm run bench` to end with: each of its lines, the figure now beside the baseline
 * measured in the same run, their ratio, the aim, and whether the aim is met. Pure: run.ts collects the case results
 * as its sections run and hands them here; nothing in this module measures or prints.
 */
import type { CaseResult } from './case-result.js';

/** The issue's lines, in its order. The XLSX line has two aims (over the reader, and the reader over exceljs), so two rows. */
export const summaryLineIds = ['csv-sqlite', 'xlsx-sqlite', 'xlsx-reader', 'compare-sqlite', 'compare-pg', 'sm2-verify', 'seal'] as const;
export type SummaryLineId = (typeof summaryLineIds)[number];

/**
 * `rate`: the figure is work per second and the ratio is figure ÷ baseline, higher is better (aim: at least).
 * `seconds`: the figure is a duration and the ratio is figure's time ÷ baseline's time, lower is better (aim: at most).
 */
export type SummaryMeasure = 'rate' | 'seconds';

export interface SummaryLine {
  id: SummaryLineId;
  work: string;
  baseline: string;
  measure: SummaryMeasure;
  /** The unit printed after a rate (`rows/s`), or `s` for durations. */
  unit: string;
  /** The ratio the issue asks for: at least this for rates, at most this for durations. */
  aim: number;
  /** The size the issue's line names, stated beside the size actually used when they differ. */
  issueSize: string;
}

export const summaryLines: readonly SummaryLine[] = [
  { id: 'csv-sqlite', work: 'GBK CSV into SQLite', baseline: 'the facts the import stored, bare INSERTs + indexes', measure: 'rate', unit: 'rows/s', aim: 0.8, issueSize: '200,000 rows' },
  { id: 'xlsx-sqlite', work: 'XLSX into SQLite', baseline: 'the XLSX reader alone', measure: 'rate', unit: 'rows/s', aim: 0.9, issueSize: '40,000 rows' },
  { id: 'xlsx-reader', work: 'XLSX reader alone', baseline: "exceljs's streaming WorkbookReader", measure: 'rate', unit: 'rows/s', aim: 1, issueSize: '40,000 rows' },
  { id: 'compare-sqlite', work: 'comparison run, SQLite', baseline: "DuckDB's bare join of the same data", measure: 'seconds', unit: 's', aim: 4, issueSize: '5,000,000 facts × 1,000,000 persons' },
  { id: 'compare-pg', work: 'comparison run, PostgreSQL', baseline: 'the same DuckDB join', measure: 'seconds', unit: 's', aim: 5, issueSize: '5,000,000 facts × 1,000,000 persons' },
  { id: 'sm2-verify', work: 'SM2 verify', baseline: '`openssl speed sm2` verify', measure: 'rate', unit: '/s', aim: 0.8, issueSize: '' },
  { id: 'seal', work: 'seal a 256 MB envelope', baseline: '`openssl enc -sm4-cbc`', measure: 'rate', unit: 'MB/s', aim: 0.8, issueSize: '' },
];

/** What a section measured for one line: the two cases' results and the size it used, in words. */
export interface SummaryMeasurement {
  figure: CaseResult;
  baseline: CaseResult;
  size: string;
}

/** A line a section did not measure, and why ("not run": skipped with --only; "PostgreSQL not reachable" …). */
export interface SummarySkip {
  notRun: string;
}

export interface SummaryRow {
  id: SummaryLineId;
  work: string;
  size: string;
  /** The issue's size when the run used another one, else undefined. */
  issueSize?: string;
  unit: string;
  figure?: number;
  baselineLabel: string;
  baseline?: number;
  ratio?: number;
  aim: string;
  status: 'met' | 'NOT met' | 'not run';
  /** Why the line was not run, when it was not. */
  reason?: string;
  peakRssMb?: number;
  baselinePeakRssMb?: number;
  figureCase?: string;
  baselineCase?: string;
}

const perSecond = (result: CaseResult) => result.rows / result.seconds;

/** One row of the table: the ratio in the line's direction, and whether it meets the aim. */
export function summariseLine(line: SummaryLine, measured: SummaryMeasurement | SummarySkip | undefined): SummaryRow {
  const aim = line.measure === 'rate' ? `≥ ${line.aim}×` : `≤ ${line.aim}×`;
  const common = { id: line.id, work: line.work, unit: line.unit, baselineLabel: line.baseline, aim };
  if (measured === undefined || 'notRun' in measured) {
    return { ...common, size: '', status: 'not run', reason: measured?.notRun ?? 'not run' };
  }
  const { figure, baseline, size } = measured;
  const [figureValue, baselineValue] = line.measure === 'rate' ? [perSecond(figure), perSecond(baseline)] : [figure.seconds, baseline.seconds];
  const ratio = figureValue / baselineValue;
  const met = line.measure === 'rate' ? ratio >= line.aim : ratio <= line.aim;
  return {
    ...common,
    size,
    ...(line.issueSize !== '' && !sameSize(size, line.issueSize) ? { issueSize: line.issueSize } : {}),
    figure: figureValue,
    baseline: baselineValue,
    ratio,
    status: met ? 'met' : 'NOT met',
    peakRssMb: figure.peakRssMb,
    baselinePeakRssMb: baseline.peakRssMb,
    figureCase: figure.name,
    baselineCase: baseline.name,
  };
}

/** A size matches the issue's when it starts with the issue's words ("200,000 rows, 24.1 MB" matches "200,000 rows"). */
function sameSize(size: string, issueSize: string): boolean {
  return size.startsWith(issueSize);
}

export function summarise(measured: ReadonlyMap<SummaryLineId, SummaryMeasurement | SummarySkip>): SummaryRow[] {
  return summaryLines.map((line) => summariseLine(line, measured.get(line.id)));
}

/** Durations with two decimals, rates under 100 with one, larger rates as whole numbers with thousands separators. */
export function formatValue(value: number, unit: string): string {
  if (unit === 's') return `${value.toFixed(2)} s`;
  const digits = value < 100 ? 1 : 0;
  return `${value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** The table as plain text, one line per row and the sizes beneath each, to be printed last. */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const cells = rows.map((row) => [
    row.work,
    row.figure === undefined ? '—' : formatValue(row.figure, row.unit),
    row.baseline === undefined ? '—' : formatValue(row.baseline, row.unit),
    row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
    row.aim,
    row.status,
    row.peakRssMb === undefined ? '—' : `${row.peakRssMb} MB`,
  ]);
  const heading = ['work', 'figure now', 'baseline, same run', 'ratio', 'aim', 'aim met?', 'peak RSS'];
  const widths = heading.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]!.length)));
  // Names left-aligned, figures right-aligned, as the section lines above are.
  const format = (row: string[]) => `  ${row.map((cell, column) => (column === 0 || column >= 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd()}`;
  const lines = [format(heading), `  ${widths.map((width) => '─'.repeat(width)).join('  ')}`];
  rows.forEach((row, index) => {
    lines.push(format(cells[index]!));
    lines.push(`      ${describeRow(row)}`);
  });
  return lines.join('\n');
}

function describeRow(row: SummaryRow): string {
  if (row.status === 'not run') return row.reason ?? 'not run';
  const issue = row.issueSize === undefined ? '' : `; the issue's line names ${row.issueSize}`;
  const baselineRss = row.baselinePeakRssMb === undefined ? '' : `, its peak RSS ${row.baselinePeakRssMb} MB`;
  return `${row.size}${issue}; baseline: ${row.baselineLabel}${baselineRss}`;
}
