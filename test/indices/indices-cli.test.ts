import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { createStore } from '../../gateway/store/connect.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { runJiuzhu } from '../helpers/cli.js';
import { addIndexHouseholds, type IndexHouseholds } from './index-households.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-indices-cli-'));
const database = join(dir, 'indices.db');
const env = { JIUZHU_DB: database, JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
let ids: IndexHouseholds;

beforeAll(async () => {
  const { store } = await openMigratedStore({ database: { client: 'sqlite', filename: database }, exchange: exchangeConfigFrom(env) });
  try {
    ids = await addIndexHouseholds(store.knex);
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jiuzhu indices', () => {
  it('prints the ranked list as JSON with every component, and audits the read', async () => {
    const result = await runJiuzhu(env, 'indices', '--township', '640121100', '--period', '2024-05', '--json');
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout);
    expect(list).toMatchObject({ period: '2024-05', regionCode: '640121100', matched: 2 });
    expect(list.items.map((h: { householdId: number; need: { score: number }; poverty: { score: number } }) => [h.householdId, h.need.score, h.poverty.score]))
      .toEqual([[ids.family, 46.49, 89.67], [ids.elder, 30, 10]]);
    const store = createStore({ client: 'sqlite', filename: database });
    try {
      const audit = await store.knex('audit_log').where('action', 'indices.list').orderBy('id', 'desc').first();
      expect(audit).toMatchObject({ outcome: 'ok', actor_label: 'cli', resource_type: 'region', resource_id: '640121100' });
      expect(Number((await store.knex('audit_subjects').where('audit_id', audit.id).count({ n: '*' }).first())?.n)).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('prints a table ranked by poverty for people, flagging an incomplete index', async () => {
    const result = await runJiuzhu(env, 'indices', '--township', '640121100', '--period', '2024-05', '--order', 'poverty', '--limit', '1');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2024-05, 640121100: 2 households (formula default), ranked by poverty');
    expect(lines.slice(2)).toEqual([expect.stringMatching(/^ {2}46\.49 {3}89\.67 {2}\S+ +640121100200 +3 {2}马建国$/)]);
    const last = (await runJiuzhu(env, 'indices', '--township', '640121100', '--period', '2024-05', '--order', 'poverty')).stdout.trimEnd().split('\n').at(-1);
    expect(last).toMatch(/^ {2}30\.00 {3}10\.00 {2}\S+ +640121100201 +1 {2}马福贵 {2}\(incomplete: a source had no value\)$/);
  });

  it('refuses to score the whole register: the operator, wider than a county, names a township', async () => {
    const result = await runJiuzhu(env, 'indices', '--period', '2024-05');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('jiuzhu: The request does not match its schema: a key for 000000, wider than a county, lists indices one township at a time: '
      + 'give township (township: required for a key wider than a county)\n');
  });

  it('refuses a period that is not YYYY-MM and an unknown order', async () => {
    const badPeriod = await runJiuzhu(env, 'indices', '--period', '2024-13');
    expect(badPeriod.code).not.toBe(0);
    expect(badPeriod.stderr).toMatch(/period must be YYYY-MM/);
    const badOrder = await runJiuzhu(env, 'indices', '--period', '2024-05', '--order', 'wealth');
    expect(badOrder.code).not.toBe(0);
    expect(badOrder.stderr).toMatch(/--order must be need or poverty/);
  });
});
