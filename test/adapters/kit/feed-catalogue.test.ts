import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFeedCatalogue } from '../../../adapters/kit/feed-mappings.js';
import { mapRows, type RowOutcome } from '../../../adapters/kit/map-rows.js';
import type { RawRow } from '../../../adapters/kit/rows.js';
import type { FeedMapping } from '../../../schemas/types/index.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jiuzhu-feeds-dir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const packaged = (source: string) => structuredClone(loadFeedCatalogue().get(source)!.mapping);

async function mapCsv(mapping: FeedMapping, lines: string[][]): Promise<RowOutcome[]> {
  async function* rows(): AsyncIterable<RawRow> {
    for (const [index, cells] of lines.entries()) yield { location: `line ${index + 1}`, cells };
  }
  const outcomes: RowOutcome[] = [];
  for await (const outcome of mapRows(mapping, rows(), 'test.csv', { today: '2024-12-31' })) outcomes.push(outcome);
  return outcomes;
}

/** A 户籍注销 list whose change column is called 注销事由, which no packaged alias names. */
const cancellations = [
  ['姓名', '公民身份号码', '注销事由', '注销日期'],
  ['杨秀英', '64012119380412021X', '死亡', '2024-06-05'],
  ['张立军', '64012119621021057X', '户籍迁出', '2024-06-03'],
];

describe('feed mappings from the deployment folder (JIUZHU_FEEDS_DIR)', () => {
  it('gives the packaged feeds, marked as such, when there is no folder', () => {
    const catalogue = loadFeedCatalogue();
    expect(catalogue.get('gongan-hukou')).toMatchObject({ origin: 'package', mappingFile: 'adapters/departments/gongan-hukou.mapping.json' });
    expect(catalogue.get('gongan-hukou')!.synonymsFile).toBeUndefined();
  });

  it('replaces a packaged mapping by one of the same source, and adds a feed of a new source', () => {
    const weijian = { ...packaged('weijian'), title: '大病专项救治名单（本县版）' };
    const county = { ...packaged('weijian'), source: 'weijian-county', title: '县卫健局慢病名单' };
    const overridePath = put('weijian.mapping.json', weijian);
    put('weijian-county.mapping.json', county);
    const catalogue = loadFeedCatalogue({ deploymentDir: dir });
    expect(catalogue.get('weijian')).toMatchObject({ origin: 'deployment', mappingFile: overridePath });
    expect(catalogue.get('weijian')!.mapping.title).toBe('大病专项救治名单（本县版）');
    expect(catalogue.get('weijian-county')).toMatchObject({ origin: 'deployment' });
    expect(catalogue.get('yibao')).toMatchObject({ origin: 'package' });
    expect(catalogue.size).toBe(loadFeedCatalogue().size + 1);
  });

  it('adds a synonyms file’s headers after a packaged mapping’s own, and its wordings to the value map, without copying the mapping', async () => {
    const path = put('gongan-hukou.synonyms.json', {
      extends: 'gongan-hukou',
      description: '本县户政 注销 export, 2026',
      fields: { changeType: { headers: ['注销事由'], map: { 户籍迁出: 'person-moved-out' } } },
    });
    const feed = loadFeedCatalogue({ deploymentDir: dir }).get('gongan-hukou')!;
    expect(feed).toMatchObject({ origin: 'package', mappingFile: 'adapters/departments/gongan-hukou.mapping.json', synonymsFile: path });
    expect(feed.mapping.fields.changeType!.headers.at(-1)).toBe('注销事由');
    expect(feed.mapping.fields.changeType!.headers[0]).toBe('变动类型');
    const outcomes = await mapCsv(feed.mapping, cancellations);
    expect(outcomes.map((o) => (o.type === 'fact' ? o.fact.kind : o.type))).toEqual(['person-death', 'person-moved-out']);
    // The packaged catalogue is untouched: the synonyms belong to this deployment.
    await expect(mapCsv(loadFeedCatalogue().get('gongan-hukou')!.mapping, cancellations)).rejects.toThrow(/变动类型/);
  });

  it('lays a synonyms file over the deployment’s own mapping of the same source', () => {
    put('weijian.mapping.json', { ...packaged('weijian'), title: '本县版' });
    put('weijian.synonyms.json', { extends: 'weijian', fields: { idNumber: { headers: ['患者证件号'] } } });
    const feed = loadFeedCatalogue({ deploymentDir: dir }).get('weijian')!;
    expect(feed.origin).toBe('deployment');
    expect(feed.mapping.title).toBe('本县版');
    expect(feed.mapping.fields.idNumber!.headers).toContain('患者证件号');
  });

  it('refuses a deployment mapping that fails the schema, naming the file, the place in it and the schema rule', () => {
    const broken = packaged('weijian') as unknown as { fields: Record<string, { headers: string[]; type: string }> };
    broken.fields.idNumber!.type = 'identity';
    const path = put('weijian.mapping.json', broken);
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(`[feeds] ${path} /fields/idNumber/type: must be equal to one of the allowed values (schemas/feed-mapping.schema.json#/definitions/field/properties/type/enum)`);
  });

  it('refuses a synonyms file with a property the schema does not allow, naming it', () => {
    const path = put('gongan-hukou.synonyms.json', { extends: 'gongan-hukou', fields: { changeType: { headers: ['注销事由'], type: 'date' } } });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(`[feeds] ${path} /fields/changeType/type: is not allowed (schemas/feed-synonyms.schema.json#/properties/fields/additionalProperties/additionalProperties)`);
  });

  it('refuses synonyms for a field the mapping lacks, and a wording that would mean a value the field never has', () => {
    const path = put('gongan-hukou.synonyms.json', { extends: 'gongan-hukou', fields: { reason: { headers: ['注销事由'] } } });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(`[feeds] ${path} /fields/reason: the mapping gongan-hukou has no field reason`);
    put('gongan-hukou.synonyms.json', { extends: 'gongan-hukou', fields: { changeType: { map: { 户籍迁出: 'person-moved' } } } });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(/\/fields\/changeType\/map\/户籍迁出: "person-moved" is not a value of changeType/);
  });

  it('refuses a synonyms file for an unknown feed, or named after another', () => {
    put('nosuch.synonyms.json', { extends: 'nosuch', fields: { idNumber: { headers: ['证件号'] } } });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(/nosuch\.synonyms\.json \/extends: no feed "nosuch"/);
    rmSync(join(dir, 'nosuch.synonyms.json'));
    put('hukou.synonyms.json', { extends: 'gongan-hukou', fields: { idNumber: { headers: ['证件号'] } } });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(/the file must be named gongan-hukou\.synonyms\.json/);
  });

  it('refuses a misnamed JSON file rather than pass over it, and a folder that is not there', () => {
    put('gongan-hukou.synonym.json', { extends: 'gongan-hukou', fields: {} });
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(/gongan-hukou\.synonym\.json: a feeds folder holds <source>\.mapping\.json and <source>\.synonyms\.json files only/);
    expect(() => loadFeedCatalogue({ deploymentDir: join(dir, 'absent') })).toThrow(/JIUZHU_FEEDS_DIR .*absent is not a folder/);
  });

  it('refuses a file that is not JSON, naming it', () => {
    const path = put('weijian.mapping.json', '{ "source": "weijian", ');
    expect(() => loadFeedCatalogue({ deploymentDir: dir })).toThrow(`[feeds] ${path}: not readable JSON`);
  });
});
