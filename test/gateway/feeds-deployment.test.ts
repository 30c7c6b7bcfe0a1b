import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { loadFeedCatalogue } from '../../adapters/kit/feed-mappings.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { ProblemError } from '../../gateway/errors.js';
import { importFeedFile } from '../../gateway/feeds/import-feed.js';
import { projectPath } from '../../gateway/project-files.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

/** A 户籍注销 list whose change column is 注销事由 and whose move wording is 户籍迁出: neither is packaged. */
const cancellations = Buffer.from([
  '姓名,公民身份号码,注销事由,注销日期',
  '杨秀英,64012119380412021X,死亡,2024-06-05',
  '张立军,64012119621021057X,户籍迁出,2024-06-03',
  '',
].join('\n'));

const deathsSample = projectPath('test/fixtures/feeds/gongan-deaths/death-cancellations-2024-06.csv');

describe.each(dialects)('feeds adapted by the deployment on %s (issue 14)', (dialect) => {
  let t: TestApp;
  let feedsDir: string;
  let synonymsFile: string;
  const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-feeds-import-'));
  const actor = commandLineActor('test');
  const today = '2024-12-31';

  const batchDetail = async (id: number) => JSON.parse(String((await t.store.knex('batches').where({ id }).first()).detail)) as Record<string, unknown>;
  const importAudit = async (id: number) => String((await t.store.knex('audit_log').where({ action: 'feed.import', resource_id: String(id) }).first()).detail);

  beforeAll(async () => {
    feedsDir = join(dir, 'feeds');
    mkdirSync(feedsDir);
    synonymsFile = join(feedsDir, 'gongan-hukou.synonyms.json');
    writeFileSync(synonymsFile, JSON.stringify({ extends: 'gongan-hukou', fields: { changeType: { headers: ['注销事由'], map: { 户籍迁出: 'person-moved-out' } } } }));
    t = await buildTestApp(dialect, { feeds: loadFeedCatalogue({ deploymentDir: feedsDir }) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports an upload by the deployment’s synonyms, and records in the batch and the audit which files read it', async () => {
    const headers = { ...(await t.authAs('integrator', '640121')), 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="zhuxiao.csv"' };
    const response = await t.app.inject({ method: 'POST', url: '/v1/feeds/gongan-hukou/batches', headers, payload: cancellations });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ batchId: number; accepted: number; rejected: number }>();
    expect(body).toMatchObject({ accepted: 2, rejected: 0 });
    const kinds = await t.store.knex('facts').where({ batch_id: body.batchId }).orderBy('id').pluck('kind');
    expect(kinds).toEqual(['person-death', 'person-moved-out']);
    expect(await batchDetail(body.batchId)).toMatchObject({ mapping: { origin: 'package', file: 'adapters/departments/gongan-hukou.mapping.json', synonyms: synonymsFile } });
    expect(await importAudit(body.batchId)).toContain(`(read with mapping adapters/departments/gongan-hukou.mapping.json + ${synonymsFile})`);
  });

  it('refuses the same file by the packaged mapping alone, naming the nearest header and how to add it', async () => {
    const refused = importFeedFile(t.store, { source: 'gongan-hukou', input: { fileName: 'zhuxiao.csv', bytes: cancellations }, actor, today });
    await expect(refused).rejects.toBeInstanceOf(AdapterError);
    await expect(refused).rejects.toThrow(/the file's 注销事由 is closest to 注销原因, a header of changeType\. .*--column '注销事由=changeType'.*gongan-hukou\.synonyms\.json in JIUZHU_FEEDS_DIR/);
  });

  it('reads one file’s own header as a field for that import only, and records it with the batch', async () => {
    const packaged = loadFeedCatalogue();
    const file = Buffer.from(cancellations.toString().replace('户籍迁出', '迁出').replace('2024-06-05', '2024-06-06'));
    const result = await importFeedFile(t.store, { source: 'gongan-hukou', feeds: packaged, columns: { 注销事由: '变动类型' }, input: { fileName: 'once.csv', bytes: file }, actor, today });
    expect(result).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await batchDetail(result.batchId!)).toMatchObject({ columns: { 注销事由: 'changeType' }, mapping: { origin: 'package' } });
    expect(await importAudit(result.batchId!)).toContain('(read with column 注销事由 as changeType)');
    // For that import only: the packaged mapping is as it was.
    expect(packaged.get('gongan-hukou')!.mapping.fields.changeType!.headers).not.toContain('注销事由');
  });

  it('imports a death-only 户籍注销 export, which has no change column, as gongan-deaths and as gongan-hukou with 变动类型 fixed for the file', async () => {
    const deaths = await importFeedFile(t.store, { source: 'gongan-deaths', input: { fileName: 'deaths.csv', path: deathsSample }, actor, today });
    expect(deaths).toMatchObject({ accepted: 4, rejected: 2, skipped: 2 });
    const fixed = await importFeedFile(t.store, { source: 'gongan-hukou', fixedValues: { 变动类型: '死亡' }, input: { fileName: 'deaths.csv', path: deathsSample }, actor, today });
    expect(fixed).toMatchObject({ accepted: 5, rejected: 1, skipped: 2 });
    expect(new Set(await t.store.knex('facts').where({ batch_id: fixed.batchId }).pluck('kind'))).toEqual(new Set(['person-death']));
    expect(await batchDetail(fixed.batchId!)).toMatchObject({ fixedValues: { changeType: '死亡' } });
    expect(await importAudit(fixed.batchId!)).toContain('(read with changeType=死亡 on every row)');
  });

  it('refuses a column or value for a field the feed does not have, or a value the field cannot take, before reading the file', async () => {
    const input = { fileName: 'x.csv', bytes: cancellations };
    await expect(importFeedFile(t.store, { source: 'gongan-hukou', columns: { 注销事由: 'reason' }, input, actor, today }))
      .rejects.toThrow(new ProblemError('validation-failed', 'column 注销事由=reason: the feed gongan-hukou has no field reason (its fields: idNumber, name, changeType, changedOn, deathPlace, deathCause, destination; see `jiuzhu sources show gongan-hukou`)'));
    await expect(importFeedFile(t.store, { source: 'gongan-hukou', fixedValues: { 变动类型: '失踪' }, input, actor, today }))
      .rejects.toThrow(/^value changeType=失踪: not one of 死亡、/);
    expect(Number((await t.store.knex('batches').where({ file_name: 'x.csv' }).count({ n: '*' }).first())!.n)).toBe(0);
  });
});
