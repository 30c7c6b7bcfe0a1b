import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { runJiuzhu } from '../helpers/cli.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-oversight-cli-'));
const env = { JIUZHU_DB: join(dir, 'oversight.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
let checked = 0;
let unchecked = 0;

beforeAll(async () => {
  const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: env.JIUZHU_DB }, exchange: exchangeConfigFrom(env) });
  try {
    checked = await addHousehold(store.knex, '640121100200', [{ idNumber: idNumber('640121', '1960-02-03', 11), name: '马建国', enrolment: { category: '120', startDate: '2024-01-10' } }]);
    unchecked = await addHousehold(store.knex, '640121101200', [{ idNumber: idNumber('640121', '1940-11-02', 15), name: '李老汉', enrolment: { category: '132', startDate: '2024-02-01' } }]);
    for (const finishedAt of ['2024-03-15T04:00:00.000Z', '2024-08-15T04:00:00.000Z']) {
      await store.knex('comparison_runs').insert({
        period: finishedAt.slice(0, 7), mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: finishedAt, finished_at: finishedAt, status: 'finished', region_code: '640121100',
      });
    }
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('oversight rosters from the command line', () => {
  it('lists a county\'s households short of economic checks as JSON', async () => {
    const result = await runJiuzhu(env, 'economic-checks', '--region', '640121', '--as-of', '2024-10-09', '--short', '--json');
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toMatchObject({ asOf: '2024-10-09', reading: 'year', total: 1, short: 1 });
    expect(list.items[0]).toMatchObject({ householdId: unchecked, headName: '李老汉', checksThisYear: 0, shortfall: 2 });
  });

  it('reads one check per half year when asked, and says so', async () => {
    const result = await runJiuzhu(env, 'economic-checks', '--township', '640121100', '--as-of', '2024-10-09', '--half-years');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('1 enrolled households as of 2024-10-09 (reading: one each half year, local practice), 0 short of checks');
    expect(result.stdout).toContain('2 this year  last 2024-08-15 comparison');
  });

  it('refuses to walk the whole register without a region, in one sentence', async () => {
    const result = await runJiuzhu(env, 'economic-checks');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('jiuzhu: The request does not match its schema: give --region (a county) or --township\n');
  });

  it('adds a household to the 重点人群 roster, lists it with its visit due, and takes it off', async () => {
    const added = await runJiuzhu(env, 'key-group', 'add', '--household', String(checked), '--reason', '独居老人', '--on', '2024-10-01');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe(`household ${checked} on the roster since 2024-10-01: 独居老人\n`);
    const list = await runJiuzhu(env, 'key-group', 'list', '--region', '640121', '--as-of', '2024-11-05', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ total: 1, overdue: 1, items: [{ householdId: checked, basis: 'added', nextVisitDueOn: '2024-10-31', overdueDays: 5 }] });
    const removed = await runJiuzhu(env, 'key-group', 'remove', '--household', String(checked), '--reason', '已纳入低保');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(new RegExp(`^household ${checked} off the roster on \\d{4}-\\d{2}-\\d{2}: 已纳入低保\\n$`));
  });
});
