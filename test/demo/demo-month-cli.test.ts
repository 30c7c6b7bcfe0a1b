import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJiuzhu } from '../helpers/cli.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-demo-cli-'));
const env = { JIUZHU_DB: join(workDir, 'demo.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key') };
const jiuzhu = (...args: string[]) => runJiuzhu(env, ...args);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('jiuzhu demo', () => {
  const out = join(workDir, 'may');

  it('runs the month into the configured store and prints the summary as JSON', async () => {
    const { stdout, stderr, code } = await jiuzhu('demo', '--out', out, '--period', '2024-05', '--json');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(stdout);
    expect(summary.period).toBe('2024-05');
    expect(summary.imported).toMatchObject({ files: 19, rejected: 5, newBatches: 19 });
    expect(summary.warnings.total).toBe(24);
    // Every rule but partly-enrolled-household-in-hardship: the demo register enrols whole households (demo-month.test.ts).
    expect(summary.warnings.byRule.filter((r: { count: number }) => r.count === 0).map((r: { ruleId: string }) => r.ruleId)).toEqual(['partly-enrolled-household-in-hardship']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, 'feeds', 'vehicles-2024-05.xlsx'))).toBe(true);
    expect(stderr).toContain('jiuzhu: compared 2024-05: run 1, 24 new warnings');
    expect(stderr).toContain('jiuzhu: payment roll 2024-04: closed before this month\'s files');
  }, 60_000);

  it('plants a death reported late: April\'s closed roll paid after it, May\'s roll recovers it, both rolls verify', async () => {
    const reports = join(out, 'reports');
    const paid = await dumpSheet(readFileSync(join(reports, 'compliance-paid-after-death.xlsx')));
    const row = rowOf(paid.cells, 4);
    // The crematorium's record is dated in March; 公安 registered the death in May.
    expect(row.G).toMatch(/^2024-03-1[1-3]$/);
    expect(row.I).toBe('2024-04');
    expect(String(row.L)).toMatch(/^已有追回/);
    expect(paid.cells.A5).toBe('合计');
    const duplicates = await dumpSheet(readFileSync(join(reports, 'compliance-duplicates.xlsx')));
    const conflicts = [4, 5, 6, 7, 8].map((n) => rowOf(duplicates.cells, n)).filter((r) => r.B === '重复享受基本生活救助');
    expect(conflicts.length).toBeGreaterThan(0);
    for (const conflict of conflicts) expect([String(conflict.C).length > 0, String(conflict.H).startsWith('金民名册在保：'), conflict.J]).toEqual([true, true, '待核查']);
    const integrity = await dumpSheet(readFileSync(join(reports, 'compliance-closed-roll-integrity.xlsx')));
    expect([rowOf(integrity.cells, 4).C, rowOf(integrity.cells, 4).G, rowOf(integrity.cells, 5).C, rowOf(integrity.cells, 5).G]).toEqual(['2024-04', '一致', '2024-05', '一致']);
  }, 60_000);

  it('says plainly that a second run of the month found nothing new', async () => {
    const { stdout, code } = await jiuzhu('demo', '--out', join(workDir, 'may-again'), '--period', '2024-05');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^demo month 2024-05, 永宁县: 19 files, \d+ facts, 5 rejected rows; 24 warnings \(none new\); 10 transitions, 1 visits, 1 referrals, 1 discovery cases\n/);
    expect(stdout).toContain('     1  recipient-died');
    expect(stdout).toContain(`summary: ${join(workDir, 'may-again', 'summary.md')}`);
  }, 60_000);

  it('shows the month’s filing round with jiuzhu progress status', async () => {
    const { stdout, code } = await jiuzhu('progress', 'status', '--period', '2024-05', '--json');
    expect(code).toBe(0);
    const [yongning] = JSON.parse(stdout).programmes;
    expect(yongning.deadline).toMatchObject({ dueOn: '2024-06-05' });
    const hs = yongning.units.find((row: { unit: { code: string } }) => row.unit.code === 'hs');
    expect(hs).toMatchObject({ unit: { name: '红十字会' }, status: { filing: 'missing', overdue: true }, tasksMissing: [13] });
    const text = await jiuzhu('progress', 'status', '--period', '2024-05', '--region', '640121100');
    expect(text.stdout).toMatch(/^2024-05 永宁县 \(yongning\): due 2024-06-05, on time through 2024-06-05, entries until 2024-06-15\n {2}640121100 +杨和镇/);
    expect(text.stdout).toContain('1 units: 1 on time, 0 late, 0 incomplete, 0 missing; 1 approved');
  });

  it('refuses a month that has not ended, in one sentence', async () => {
    const { stderr, code } = await jiuzhu('demo', '--out', join(workDir, 'future'), '--period', '2099-12');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^jiuzhu: 2099-12 has not ended yet \(today is \d{4}-\d{2}-\d{2}\); run a month up to \d{4}-\d{2}\n$/);
  });
});

/** The cells of one sheet row by column letter. */
function rowOf(cells: Record<string, unknown>, row: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cells).filter(([ref]) => ref.replace(/^[A-Z]+/, '') === String(row)).map(([ref, value]) => [ref.replace(/\d+$/, ''), value]));
}
