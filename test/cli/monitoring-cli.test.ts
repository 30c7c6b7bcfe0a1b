import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { previousPeriod } from '../../gateway/calendar/periods.js';
import { todayInShanghai } from '../../gateway/calendar/shanghai-date.js';
import { runJiuzhu } from '../helpers/cli.js';
import { idNumber } from '../helpers/monitoring.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-monitoring-cli-'));
const env = { JIUZHU_DB: join(dir, 'monitoring.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };

// Commands other than migrate, seed, demo and serve refuse a store that is not there yet.
beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('comparison from the command line', () => {
  it('lists the rules as JSON, every one of the default set', async () => {
    const listed = await runJiuzhu(env, 'rules', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((rule: { id: string }) => rule.id)).toEqual(loadRuleSet().ruleSet.rules.map((rule) => rule.id));
  });

  it('compares a period, prints {runId, period, warnings, byRule}, and raises nothing new the second time', async () => {
    const file = join(dir, 'settlements.csv');
    const patient = idNumber('640121', '1966-04-18', 24);
    writeFileSync(file, `姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n马秀兰,${patient},住院,2024-05-06,"80,000.00","25,000.00"\n`);
    expect((await runJiuzhu(env, 'import', '--source', 'yibao', file)).code).toBe(0);

    const first = await runJiuzhu(env, 'compare', '--period', '2024-05', '--json');
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ runId: expect.any(Number), period: '2024-05', warnings: 1 });
    expect(report.byRule['non-recipient-inpatient-self-pay']).toBe(1);
    expect(Object.values(report.byRule).reduce((a: number, b) => a + Number(b), 0)).toBe(1);

    const again = JSON.parse((await runJiuzhu(env, 'compare', '--period', '2024-05', '--json')).stdout);
    expect(again).toMatchObject({ runId: report.runId + 1, warnings: 0 });
  });

  it('counts the warning the comparison pushed today in this month’s statistics, under the county it went to', async () => {
    const month = todayInShanghai().slice(0, 7);
    const result = await runJiuzhu(env, 'stats', '--region', '640121', '--period', month, '--json');
    expect(result.code, result.stderr).toBe(0);
    const statistics = JSON.parse(result.stdout);
    expect(statistics.total).toMatchObject({ warningsPushed: 1, warningsHandled: 0, warningsOverdue: 0 });
    // An inpatient outside the register goes to the county that issued the ID number, handled there.
    expect(statistics.byRegion.map((r: { code: string }) => r.code)).toEqual(['640121']);
    const text = await runJiuzhu(env, 'stats', '--region', '640121', '--period', month);
    expect(text.stdout).toMatch(/^合计\s+1\s+0\s+0\s+0/m);
  });

  it('refuses a period that is not YYYY-MM', async () => {
    const result = await runJiuzhu(env, 'compare', '--period', '2024-13');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/period must be YYYY-MM/);
  });

  it('compares last month by default', () => {
    expect(previousPeriod('2024-06-05')).toBe('2024-05');
    expect(previousPeriod('2025-01-02')).toBe('2024-12');
  });
});
