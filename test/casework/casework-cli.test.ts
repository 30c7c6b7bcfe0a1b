import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { createDiscoveryCase } from '../../gateway/casework/discovery-cases.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { runJiuzhu } from '../helpers/cli.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-casework-cli-'));
const env = { JIUZHU_DB: join(dir, 'casework.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };

beforeAll(async () => {
  const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: env.JIUZHU_DB }, exchange: exchangeConfigFrom(env) });
  try {
    await addHousehold(store.knex, '640121100200', [{ idNumber: idNumber('640121', '1960-02-03', 11), name: '马建国', enrolment: { category: '120', startDate: '2024-01-10' } }]);
    await addHousehold(store.knex, '640121101200', [{ idNumber: idNumber('640121', '1940-11-02', 15), name: '李老汉', enrolment: { category: '132', startDate: '2024-09-20' } }]);
    await createDiscoveryCase(store.knex, commandLineActor('test'), {
      discoverer: { name: '陈网格' }, townshipCode: '640121100', subject: { name: '赵大' }, familySituation: '独居老人', suspectedAssistance: ['dibao'], discoveredOn: '2024-06-03',
    }, { today: '2024-06-12', rules: loadRuleSet() });
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('casework from the command line', () => {
  it('lists the households due for a visit per township as JSON, with the overdue flagged', async () => {
    const result = await runJiuzhu(env, 'visits', 'due', '--township', '640121100', '--as-of', '2024-10-09', '--json');
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toMatchObject({ asOf: '2024-10-09', policy: 'default', total: 1, overdue: 1 });
    // Enrolled 10 January, never visited: Q2, the first whole quarter, had no visit, so overdue since 30 June.
    expect(list.items[0]).toMatchObject({ headName: '马建国', category: { id: 'dibao' }, lastVisitOn: null, nextDueOn: '2024-06-30', overdue: true, overdueDays: 101 });
  });

  it('prints a township in words, soonest first', async () => {
    const result = await runJiuzhu(env, 'visits', 'due', '--township', '640121101', '--as-of', '2024-10-09');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('1 households due as of 2024-10-09 (policy default), 0 overdue');
    // Enrolled 20 September: October is the first whole month.
    expect(lines[1]).toMatch(/^ {2}2024-10-31 .*李老汉.*every 1 mo +分散供养特困人员$/);
  });

  it('refuses to walk the whole register: the operator, wider than a county, names a township', async () => {
    const result = await runJiuzhu(env, 'visits', 'due', '--as-of', '2024-10-09');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('jiuzhu: The request does not match its schema: a key for 000000, wider than a county, lists visits due one township at a time: '
      + 'give township (township: required for a key wider than a county (or give assistant))\n');
  });

  it('refuses a township code that is not 9 digits, in one sentence', async () => {
    const result = await runJiuzhu(env, 'visits', 'due', '--township', '6401211');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('jiuzhu: The request does not match its schema: --township takes a 9-digit township code, not 6401211\n');
  });

  it('lists discovery cases as JSON, ID numbers masked', async () => {
    const result = await runJiuzhu(env, 'discoveries', 'list', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ method: 'work', status: 'open', subject: { name: '赵大', idNumber: null }, township: { code: '640121100' }, discoveredOn: '2024-06-03' }]);
    const none = await runJiuzhu(env, 'discoveries', 'list', '--period', '2024-05', '--json');
    expect(JSON.parse(none.stdout)).toEqual([]);
  });
});
