import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../gateway/project-files.js';
import { runJiuzhu } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-feeds-cli-'));
const feedsDir = join(dir, 'feeds');
mkdirSync(feedsDir);
const env = { JIUZHU_DB: join(dir, 'feeds.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
const withFeeds = { ...env, JIUZHU_FEEDS_DIR: feedsDir };

const weijian = JSON.parse(readFileSync(projectPath('adapters/departments/weijian.mapping.json'), 'utf8')) as Record<string, unknown>;
writeFileSync(join(feedsDir, 'weijian-county.mapping.json'), JSON.stringify({ ...weijian, source: 'weijian-county', title: '县卫健局慢病名单' }));
writeFileSync(join(feedsDir, 'gongan-hukou.synonyms.json'), JSON.stringify({ extends: 'gongan-hukou', fields: { changeType: { headers: ['注销事由'], map: { 户籍迁出: 'person-moved-out' } } } }));

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function batchDetails(): Record<string, unknown>[] {
  const db = new Database(env.JIUZHU_DB, { readonly: true });
  try {
    return (db.prepare('SELECT detail FROM batches ORDER BY id').all() as { detail: string }[]).map((row) => JSON.parse(row.detail));
  } finally {
    db.close();
  }
}

// Commands other than migrate, seed, demo and serve refuse a store that is not there yet.
beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feeds a county adapts without code, from the command line (issue 14)', () => {
  it('lists the deployment’s feeds and widened feeds, marked', async () => {
    const text = await runJiuzhu(withFeeds, 'sources');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^weijian-county +wj +县卫健局慢病名单 +→ major-illness +\[deployment\]$/m);
    expect(text.stdout).toMatch(/^gongan-hukou +ga +户籍变动人员信息（出生、死亡、迁出） +→ person-death, person-moved-out, person-birth +\[\+ deployment synonyms\]$/m);
    expect(text.stdout).toMatch(/^gongan-deaths +ga +户籍注销人员信息（死亡注销） +→ person-death$/m);
    const json = JSON.parse((await runJiuzhu(withFeeds, 'sources', '--json')).stdout) as { source: string; origin: string; widened: boolean }[];
    expect(json.find((s) => s.source === 'weijian-county')).toMatchObject({ origin: 'deployment', widened: false });
    expect(json.find((s) => s.source === 'gongan-hukou')).toMatchObject({ origin: 'package', widened: true });
    expect(json.find((s) => s.source === 'yibao')).toMatchObject({ origin: 'package', widened: false });
  });

  it('shows a feed’s headers per field, types, accepted values, constants and where it comes from', async () => {
    const text = await runJiuzhu(withFeeds, 'sources', 'show', 'gongan-hukou');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('mapping  package: adapters/departments/gongan-hukou.mapping.json');
    expect(text.stdout).toContain(`+ synonyms ${join(feedsDir, 'gongan-hukou.synonyms.json')}`);
    expect(text.stdout).toContain('  changeType  text, required  → kind\n    headers: 变动类型、变动原因、变更类型、户籍变动类型、业务类型、注销原因、注销类别、注销类型、注销事由\n');
    expect(text.stdout).toContain('      死亡、死亡注销、被宣告死亡、宣告死亡 → person-death\n');
    expect(text.stdout).toContain('      其他、其它 → (accepted, no fact)\n');
    expect(text.stdout).toMatch(/迁出、迁出注销、户口迁出、出国（境）定居.*、户籍迁出 → person-moved-out/);

    const shichang = JSON.parse((await runJiuzhu(env, 'sources', 'show', 'shichang', '--json')).stdout) as { origin: string; constants: Record<string, unknown>; kind: unknown };
    expect(shichang.origin).toBe('package');
    expect(shichang.kind).toEqual({ fixed: 'business-registration' });
    expect(Object.keys(shichang.constants).length).toBeGreaterThan(0);
    const county = JSON.parse((await runJiuzhu(withFeeds, 'sources', 'show', 'weijian-county', '--json')).stdout) as { origin: string; mappingFile: string; fields: { field: string; headers: string[]; fills: string[] }[] };
    expect(county).toMatchObject({ origin: 'deployment', mappingFile: join(feedsDir, 'weijian-county.mapping.json') });
    expect(county.fields.find((f) => f.field === 'idNumber')).toMatchObject({ fills: ['subject.idNumber'] });

    const unknown = await runJiuzhu(env, 'sources', 'show', 'nosuch');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no feed "nosuch"');
  });

  it('reads a header the mapping lacks with --column for one file, and refuses the file without it, naming the nearest header', async () => {
    const file = csv('zhuxiao-once.csv', ['姓名,公民身份号码,注销事项,注销日期', '杨秀英,64012119380412021X,死亡,2024-06-05', '张立军,64012119621021057X,迁出,2024-06-03']);
    const refused = await runJiuzhu(env, 'import', '--source', 'gongan-hukou', file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the file's 注销事项 is closest to 注销原因, a header of changeType. To read a header as a field, give `jiuzhu import --column '注销事项=changeType'` for this file");
    const read = await runJiuzhu(env, 'import', '--source', 'gongan-hukou', '--column', '注销事项=变动类型', file, '--json');
    expect(read.code, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ accepted: 2, rejected: 0, duplicate: false });
    expect(batchDetails().at(-1)).toMatchObject({ columns: { 注销事项: 'changeType' } });
  });

  it('imports the death-only export with no change column, as gongan-deaths or with --set', async () => {
    const sample = projectPath('test/fixtures/feeds/gongan-deaths/death-cancellations-2024-06.csv');
    const deaths = await runJiuzhu(env, 'import', '--source', 'gongan-deaths', sample, '--json');
    expect(JSON.parse(deaths.stdout)).toMatchObject({ accepted: 4, rejected: 2, skipped: 2 });
    const fixed = await runJiuzhu(env, 'import', '--source', 'gongan-hukou', '--set', '变动类型=死亡', sample, '--json');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ accepted: 5, rejected: 1, skipped: 2 });
    expect(batchDetails().at(-1)).toMatchObject({ fixedValues: { changeType: '死亡' } });
    const badPair = await runJiuzhu(env, 'import', '--source', 'gongan-hukou', '--set', '变动类型', sample);
    expect(badPair.code).not.toBe(0);
    expect(badPair.stderr).toContain('expected NAME=VALUE, got "变动类型"');
  });

  it('imports by the deployment’s synonyms file with nothing given on the command line', async () => {
    const file = csv('zhuxiao.csv', ['姓名,公民身份号码,注销事由,注销日期', '杨秀英,64012119380412021X,死亡,2024-06-07', '张立军,64012119621021057X,户籍迁出,2024-06-04']);
    const result = await runJiuzhu(withFeeds, 'import', '--source', 'gongan-hukou', file, '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it('stops a command, and the server at start, when a deployment file is broken, naming the file and the place in it', async () => {
    const brokenDir = join(dir, 'broken');
    mkdirSync(brokenDir);
    writeFileSync(join(brokenDir, 'gongan-hukou.synonyms.json'), JSON.stringify({ extends: 'gongan-hukou', fields: { changeType: { headers: [] } } }));
    // `serve` would listen until killed: with the broken folder it stops at start, before taking a request.
    for (const args of [['sources'], ['import', '--source', 'yibao', '--dry-run', join(dir, 'zhuxiao.csv')], ['serve']]) {
      const result = await runJiuzhu({ ...env, JIUZHU_FEEDS_DIR: brokenDir, PORT: '0' }, ...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`jiuzhu: [feeds] ${join(brokenDir, 'gongan-hukou.synonyms.json')} /fields/changeType/headers: must NOT have fewer than 1 items (schemas/feed-synonyms.schema.json#/properties/fields/additionalProperties/properties/headers/minItems)`);
    }
  });
});
