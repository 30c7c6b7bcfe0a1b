import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../../bench/case-result.js';
import { formatSummary, formatValue, summarise, summariseLine, summaryLineIds, summaryLines, type SummaryLineId, type SummaryMeasurement, type SummarySkip } from '../../bench/summary.js';

const result = (name: string, rows: number, seconds: number, peakRssMb = 100): CaseResult => ({ name, rows, unit: 'rows', seconds, peakRssMb });
const lineOf = (id: SummaryLineId) => summaryLines.find((line) => line.id === id)!;

describe('the bench summary (issue 15)', () => {
  it('lists every line of the issue once, in its order', () => {
    expect(summaryLines.map((line) => line.id)).toEqual([...summaryLineIds]);
  });

  it('divides rates figure over baseline and meets an at-least aim only at or above it', () => {
    const floor = result('floor', 200_000, 2);
    const met = summariseLine(lineOf('csv-sqlite'), { figure: result('import', 200_000, 2.5), baseline: floor, size: '200,000 rows, 24.0 MB file' });
    expect(met).toMatchObject({ figure: 80_000, baseline: 100_000, aim: '≥ 0.8×', status: 'met' });
    expect(met.ratio).toBeCloseTo(0.8, 10);
    const missed = summariseLine(lineOf('csv-sqlite'), { figure: result('import', 200_000, 2.6), baseline: floor, size: '200,000 rows' });
    expect(missed.status).toBe('NOT met');
    expect(missed.ratio).toBeCloseTo(0.769, 3);
  });

  it('divides durations figure over baseline and meets an at-most aim only at or below it', () => {
    const duckdb = result('duckdb', 5_000_000, 1);
    const line = lineOf('compare-sqlite');
    const size = '5,000,000 facts × 1,000,000 persons (992,329 seeded)';
    const within = summariseLine(line, { figure: result('sqlite', 5_000_000, 4), baseline: duckdb, size });
    expect(within).toMatchObject({ figure: 4, baseline: 1, ratio: 4, aim: '≤ 4×', status: 'met', unit: 's' });
    expect(within.issueSize).toBeUndefined();
    expect(summariseLine(line, { figure: result('sqlite', 5_000_000, 6.74), baseline: duckdb, size }).status).toBe('NOT met');
    expect(summariseLine(lineOf('compare-pg'), { figure: result('pg', 5_000_000, 4.5), baseline: duckdb, size }).status).toBe('met');
  });

  it('keeps the peak RSS of both processes and names the cases', () => {
    const row = summariseLine(lineOf('seal'), { figure: result('seal · jiuzhu', 268.4, 5, 107), baseline: result('seal · openssl', 268.4, 2.2, 9), size: 'a 256 MiB file' });
    expect(row).toMatchObject({ peakRssMb: 107, baselinePeakRssMb: 9, figureCase: 'seal · jiuzhu', baselineCase: 'seal · openssl' });
  });

  it("states the issue's size beside a run that used another one", () => {
    const measured: SummaryMeasurement = { figure: result('import', 20_000, 1), baseline: result('floor', 20_000, 0.5), size: '20,000 rows, 2.4 MB file' };
    const row = summariseLine(lineOf('csv-sqlite'), measured);
    expect(row.issueSize).toBe('200,000 rows');
    expect(formatSummary([row]).split('\n')[3]).toBe("      20,000 rows, 2.4 MB file; the issue's line names 200,000 rows; baseline: the facts the import stored, bare INSERTs + indexes, its peak RSS 100 MB");
  });

  it('leaves a line a section did not measure as not run, with the reason', () => {
    const skipped: SummarySkip = { notRun: 'not run: --only crypto skipped the import section' };
    expect(summariseLine(lineOf('xlsx-sqlite'), skipped)).toMatchObject({ status: 'not run', reason: skipped.notRun });
    expect(summariseLine(lineOf('xlsx-sqlite'), undefined)).toMatchObject({ status: 'not run', reason: 'not run' });
    expect(summariseLine(lineOf('xlsx-sqlite'), skipped).ratio).toBeUndefined();
  });

  it('prints a header, then each line with its figures and, beneath, its size and baseline', () => {
    const measured = new Map<SummaryLineId, SummaryMeasurement | SummarySkip>([
      ['sm2-verify', { figure: { ...result('jiuzhu verify', 6_585, 3), unit: 'ops' }, baseline: { ...result('openssl verify', 12_660, 3), unit: 'ops' }, size: 'a 256-byte message' }],
      ['compare-pg', { notRun: 'not run: PostgreSQL not reachable (set BENCH_PG_URL)' }],
    ]);
    const rows = summarise(measured);
    expect(rows.map((row) => row.status)).toEqual(['not run', 'not run', 'not run', 'not run', 'not run', 'NOT met', 'not run']);
    const text = formatSummary(rows).split('\n');
    expect(text[0]).toMatch(/^ {2}work +figure now +baseline, same run +ratio +aim +aim met\? +peak RSS$/);
    expect(text).toHaveLength(2 + 2 * rows.length);
    const verify = text.findIndex((line) => line.startsWith('  SM2 verify'));
    expect(text[verify]).toMatch(/2,195 \/s +4,220 \/s +0\.52× +≥ 0\.8× +NOT met +100 MB$/);
    expect(text[verify + 1]).toBe('      a 256-byte message; baseline: `openssl speed sm2` verify, its peak RSS 100 MB');
    expect(text).toContain('      not run: PostgreSQL not reachable (set BENCH_PG_URL)');
    // Every row's columns line up under the header's.
    const ratioColumn = text[0]!.indexOf('ratio') + 'ratio'.length;
    expect(text[verify]!.indexOf('0.52×') + '0.52×'.length).toBe(ratioColumn);
  });

  it('writes durations with two decimals and rates as whole numbers, small rates with one decimal', () => {
    expect(formatValue(6.7412, 's')).toBe('6.74 s');
    expect(formatValue(44_611.4, 'rows/s')).toBe('44,611 rows/s');
    expect(formatValue(48.06, 'MB/s')).toBe('48.1 MB/s');
  });
});
