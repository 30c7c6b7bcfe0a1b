import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadFeedMappings } from '../../../adapters/kit/feed-mappings.js';
import { matchHeader } from '../../../adapters/kit/header-match.js';
import { mapRecords, mapRows, type MapOptions, type RowOutcome } from '../../../adapters/kit/map-rows.js';
import { readRecords } from '../../../adapters/kit/read-file.js';
import { projectPath } from '../../../gateway/project-files.js';
import type { Fact, FeedMapping } from '../../../schemas/types/index.js';
import { buildFixtureWorkbooks } from '../../fixtures/feeds/make-fixtures.js';

/**
 * The contract every department feed keeps: its mapping loads, and its recorded sample maps to exactly the facts,
 * rejects and skips a person reviewed in test/fixtures/feeds/<source>/expected.json. Adding a feed is adding a
 * mapping and a sample folder; nothing here changes (adapters/departments/README.md).
 */

/** The department feeds jiuzhu ships a mapping for. */
const sourceIds = [
  'gongan-hukou',
  'gongan-deaths',
  'gongan-vehicles',
  'binzang',
  'renshe',
  'renshe-contributions',
  'renshe-pensions',
  'renshe-unemployment',
  'budongchan',
  'shichang',
  'yibao',
  'weijian',
  'jiaoyu',
  'canlian',
  'yingji',
  'gonghui',
  'assistance-given',
  'staff-roster',
  'antipoverty',
  'jinmin-roster',
];

/** Fixed, so that birth dates and "more than a year from today" are judged the same on every run. */
const today = '2024-12-31';

const feedsDir = projectPath('test/fixtures/feeds');

interface Expected {
  facts: Fact[];
  rejects: { location: string; reason: string }[];
  skipped: number;
}

const sampleSources = (await readdir(feedsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

async function sampleOf(source: string): Promise<{ fileName: string; path: string; expected: Expected }> {
  const files = (await readdir(join(feedsDir, source))).filter((name) => name !== 'expected.json');
  if (files.length !== 1) throw new Error(`test/fixtures/feeds/${source} must hold one sample file and expected.json, but holds ${files.join(', ')}`);
  const fileName = files[0]!;
  const expected = JSON.parse(await readFile(join(feedsDir, source, 'expected.json'), 'utf8')) as Expected;
  return { fileName, path: join(feedsDir, source, fileName), expected };
}

async function mapSample(mapping: FeedMapping, fileName: string, path: string, options: MapOptions = {}): Promise<RowOutcome[]> {
  const content = await readRecords(
    { fileName, path },
    { ...(mapping.sheet === undefined ? {} : { sheet: mapping.sheet }), ...(mapping.xmlRecordElement === undefined ? {} : { recordElement: mapping.xmlRecordElement }) },
  );
  const outcomes = content.kind === 'rows' ? mapRows(mapping, content.rows, fileName, { today, ...options }) : mapRecords(mapping, content.records, fileName, { today, ...options });
  const all: RowOutcome[] = [];
  for await (const outcome of outcomes) all.push(outcome);
  return all;
}

describe('department feed mappings', () => {
  it('loads one mapping for each department feed, and no other', () => {
    expect([...loadFeedMappings().keys()].sort()).toEqual([...sourceIds].sort());
  });

  it('has a reviewed sample for every mapping', () => {
    expect(sampleSources).toEqual([...sourceIds].sort());
  });

  it.each(sampleSources)('maps the %s sample to exactly the reviewed facts, rejects and skips', async (source) => {
    const mapping = loadFeedMappings().get(source);
    expect(mapping, `no mapping adapters/departments/${source}.mapping.json`).toBeDefined();
    const { fileName, path, expected } = await sampleOf(source);
    const outcomes = await mapSample(mapping!, fileName, path);

    const facts = outcomes.flatMap((o) => (o.type === 'fact' ? [o.fact] : []));
    const rejects = outcomes.flatMap((o) => (o.type === 'reject' ? [{ location: o.location, reason: o.reason }] : []));
    const skipped = outcomes.filter((o) => o.type === 'skip').length;
    expect(facts).toStrictEqual(expected.facts);
    expect(rejects).toStrictEqual(expected.rejects);
    expect(skipped).toBe(expected.skipped);
  });

  it('keeps the committed XLSX samples identical to what make-fixtures.ts builds', async () => {
    for (const { source, fileName, bytes } of buildFixtureWorkbooks()) {
      const committed = await readFile(join(feedsDir, source, fileName));
      expect(committed.equals(bytes), `${source}/${fileName} differs from make-fixtures.ts; run npx tsx test/fixtures/feeds/make-fixtures.ts`).toBe(true);
    }
  });
});

const layoutsDir = projectPath('test/fixtures/feed-layouts');

/** Further layouts of packaged feeds (another department export, other headers): each file beside its reviewed `<file>.expected.json`. */
const layoutSamples = (await readdir(layoutsDir, { recursive: true }))
  .filter((path) => !path.endsWith('.expected.json') && path.includes('/'))
  .sort()
  .map((path) => ({ source: path.split('/')[0]!, fileName: path.split('/').slice(1).join('/'), path: join(layoutsDir, path) }));

describe('further layouts of the packaged feeds', () => {
  it.each(layoutSamples)('maps the $source layout $fileName to exactly the reviewed facts, rejects and skips', async ({ source, fileName, path }) => {
    const expected = JSON.parse(await readFile(`${path}.expected.json`, 'utf8')) as Expected & { factLess: number };
    const outcomes = await mapSample(loadFeedMappings().get(source)!, fileName, path);
    expect(outcomes.flatMap((o) => (o.type === 'fact' ? [o.fact] : []))).toStrictEqual(expected.facts);
    expect(outcomes.flatMap((o) => (o.type === 'reject' ? [{ location: o.location, reason: o.reason }] : []))).toStrictEqual(expected.rejects);
    expect(outcomes.filter((o) => o.type === 'skip').length).toBe(expected.skipped);
    expect(outcomes.filter((o) => o.type === 'fact-less').length).toBe(expected.factLess);
  });

  it('reads a death-only 户籍注销 export, which has no change column, as gongan-hukou deaths when the import fixes 变动类型 for the file', async () => {
    const { fileName, path } = await sampleOf('gongan-deaths');
    const outcomes = await mapSample(loadFeedMappings().get('gongan-hukou')!, fileName, path, { fixedValues: { changeType: '死亡' } });
    // gongan-hukou dates a row by its 注销日期 (the change), where gongan-deaths takes the 死亡日期: the same people, other days.
    expect(outcomes.flatMap((o) => (o.type === 'fact' ? [[o.fact.kind, o.fact.subject.name, o.fact.occurredOn]] : []))).toEqual([
      ['person-death', '杨秀英', '2024-06-05'],
      ['person-death', '马占山', '2024-06-10'],
      ['person-death', '李凤兰', '2024-06-12'],
      ['person-death', '王秀珍', '2024-06-18'],
      ['person-death', '周桂花', '2024-06-24'],
    ]);
    expect(outcomes.filter((o) => o.type === 'reject').map((o) => o.location)).toEqual(['line 7']);
  });

  it('refuses that export sent to gongan-hukou as it is, naming the missing 变动类型 and how to add a synonym', async () => {
    const { fileName, path } = await sampleOf('gongan-deaths');
    await expect(mapSample(loadFeedMappings().get('gongan-hukou')!, fileName, path)).rejects.toThrow(/required column\(s\) 变动类型 .*--column/);
  });

  it('rejects a row of gongan-deaths whose 注销原因 says it is no death, so a mixed list sent there makes no deaths of moves', async () => {
    const { path } = layoutSamples.find((s) => s.fileName === 'hukou-cancellations-2024-06.csv')!;
    const outcomes = await mapSample(loadFeedMappings().get('gongan-deaths')!, 'hukou-cancellations-2024-06.csv', path);
    expect(outcomes.flatMap((o) => (o.type === 'fact' ? [o.fact.subject.name] : []))).toEqual(['杨秀英', '田志明']);
    expect(outcomes.filter((o) => o.type === 'reject').map((o) => (o.type === 'reject' ? o.reason : ''))).toEqual([
      '注销原因 "迁出": not one of 死亡、死亡注销、被宣告死亡、宣告死亡',
      '注销原因 "参军": not one of 死亡、死亡注销、被宣告死亡、宣告死亡',
      '注销原因 "出国（境）定居": not one of 死亡、死亡注销、被宣告死亡、宣告死亡',
      '注销原因 "其他": not one of 死亡、死亡注销、被宣告死亡、宣告死亡',
      '注销原因 "户口恢复": not one of 死亡、死亡注销、被宣告死亡、宣告死亡',
    ]);
  });
});

/**
 * Header names county practice uses beyond the reviewed samples, each with where research/domain-data.md saw it. A
 * header row of every other field's first alias plus this one must give the column to this field and no other.
 */
const countyPracticeHeaders: [source: string, field: string, header: string, seen: string][] = [
  ...['antipoverty', 'assistance-given', 'binzang', 'budongchan', 'canlian', 'gongan-deaths', 'gongan-hukou', 'gongan-vehicles', 'gonghui', 'jiaoyu', 'renshe',
    'renshe-contributions', 'renshe-pensions', 'renshe-unemployment', 'staff-roster', 'weijian', 'yibao', 'yingji'].flatMap((source): [string, string, string, string][] => [
    [source, 'idNumber', '有效身份证件号码', '§1.4 D204 d204a010005'],
    [source, 'idNumber', '身份证件号码', '§1.3 BASEINFO_PEOPLE 身份证件类型代码/号码'],
  ]),
  ['gongan-hukou', 'changeType', '注销原因', 'issue 14: 户籍注销 exports'],
  ['gongan-hukou', 'changeType', '注销类别', 'issue 14: 户籍注销 exports'],
  ['binzang', 'idNumber', '证件号', '§3 D204Z62 殡葬 (逝者, 证件号)'],
  ['binzang', 'name', '逝者', '§3 D204Z62 殡葬'],
  ['gongan-vehicles', 'plate', '车牌', '§6 车辆 (品牌, 车牌, 类型, 初次登记日期, 原值/现值, 使用性质, 所有人)'],
  ['gongan-vehicles', 'vehicleType', '类型', '§6 车辆'],
  ['gongan-vehicles', 'value', '原值', '§6 车辆'],
  ['budongchan', 'certificateNo', '证号', '§6 房产 (证号, 坐落, 类型, 产权, 面积, 是否居住类)'],
  ['budongchan', 'use', '是否居住类', '§6 房产'],
  ['budongchan', 'use', '是否居住类房产', '§3 D204C22 是否居住类房产'],
  ['renshe-pensions', 'amount', '退休金', '§6 社保 (退休金/失业金领取)'],
  ['renshe-unemployment', 'amount', '失业金', '§6 社保 (退休金/失业金领取)'],
  ['jinmin-roster', 'category', 'abax6002', '§1.2 金民 baf01 abax6002 救助类型/业务编码'],
  ['jinmin-roster', 'idNumber', 'axdf0004', '§1.2 金民 baf01 axdf0004 户主身份证'],
  ['jinmin-roster', 'name', 'axdf0002', '§1.2 金民 baf01 axdf0002 户主姓名'],
  ['jinmin-roster', 'regionCode', 'abax9999', '§1.2 金民 baf01 abax9999 所属地区区划编码'],
  ['assistance-given', 'idNumber', '享受人身份证号', '§4 一卡通 花名册 享受人 姓名/身份证号'],
  ['assistance-given', 'name', '享受人姓名', '§4 一卡通 花名册'],
  ['assistance-given', 'amount', '补贴金额', '§4 一卡通 花名册 补贴金额; 巴中 年度发放清单'],
  ['assistance-given', 'assistanceType', '补贴项目', '§4 巴中 年度发放清单 (补贴项目, 补贴金额)'],
];

describe('header names from county practice', () => {
  it.each(countyPracticeHeaders)('%s reads %s from a column headed %s (%s)', (source, field, header) => {
    const mapping = loadFeedMappings().get(source)!;
    const others = Object.entries(mapping.fields).filter(([name]) => name !== field).map(([, definition]) => definition!.headers[0]);
    const match = matchHeader(mapping, [[...others, header]]);
    expect(match.columns.get(field)).toBe(others.length);
  });

  async function mapLines(source: string, lines: string[][]): Promise<RowOutcome[]> {
    async function* rows() {
      for (const [index, cells] of lines.entries()) yield { location: `line ${index + 1}`, cells };
    }
    const outcomes: RowOutcome[] = [];
    for await (const outcome of mapRows(loadFeedMappings().get(source)!, rows(), `${source}.csv`, { today })) outcomes.push(outcome);
    return outcomes;
  }
  const attributesOf = (outcomes: RowOutcome[]) => outcomes.map((o) => (o.type === 'fact' ? o.fact.attributes : o));

  it('reads the GB/T 26341 grade wordings 一级（极重度）… and 极重度… as the grades 1–4 (§1.5)', async () => {
    const outcomes = await mapLines('canlian', [['身份证号', '残疾类别', '残疾等级'], ['64012119380412021X', '肢体', '一级（极重度）'], ['640121194409190132', '智力', '重度'], ['640121195102270327', '视力', '轻度']]);
    expect(attributesOf(outcomes).map((a) => (a as { grade: string }).grade)).toEqual(['1', '2', '4']);
  });

  it('reads a 是否居住类房产 column of 是/否 as residential or not (§3 D204C22)', async () => {
    const outcomes = await mapLines('budongchan', [['权利人证件号', '不动产权证号', '是否居住类房产'], ['64012119380412021X', '宁(2023)永宁县不动产权第0001234号', '是'], ['640121194409190132', '宁(2023)永宁县不动产权第0001235号', '否']]);
    expect(attributesOf(outcomes).map((a) => (a as { residential: boolean }).residential)).toEqual([true, false]);
  });

  it('reads 农村五保 as 132 农村特困 in a 金民 roster (§1.5: CAMS 03 农村五保, now 特困)', async () => {
    const outcomes = await mapLines('jinmin-roster', [['axdf0004', 'axdf0002', 'abax6002'], ['64012119380412021X', '杨秀英', '农村五保']]);
    expect(attributesOf(outcomes)).toEqual([{ category: '132' }]);
  });
});

describe('loading feed mappings from a folder', () => {
  let dir: string | undefined;

  afterEach(async () => {
    vi.doUnmock('../../../gateway/project-files.js');
    vi.resetModules();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /**
   * The loader reads the fixed folder adapters/departments and caches what it read, so the module is loaded afresh
   * with that one folder redirected to a temporary one.
   */
  async function loadFrom(files: Record<string, unknown>): Promise<() => ReadonlyMap<string, FeedMapping>> {
    dir = await mkdtemp(join(tmpdir(), 'jiuzhu-mappings-'));
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), JSON.stringify(content, null, 2));
    const mappingsDir = dir;
    vi.resetModules();
    vi.doMock('../../../gateway/project-files.js', async (importOriginal) => {
      const actual = await importOriginal<typeof import('../../../gateway/project-files.js')>();
      return { ...actual, projectPath: (...segments: string[]) => (segments.join('/') === 'adapters/departments' ? mappingsDir : actual.projectPath(...segments)) };
    });
    const { loadFeedMappings: load } = await import('../../../adapters/kit/feed-mappings.js');
    return load;
  }

  const weijian = JSON.parse(readFileSync(projectPath('adapters/departments/weijian.mapping.json'), 'utf8')) as FeedMapping;

  it('loads a valid mapping from the folder it is given', async () => {
    const load = await loadFrom({ 'weijian.mapping.json': weijian });
    expect([...load().keys()]).toEqual(['weijian']);
  });

  it('refuses a mapping whose fact refers to an undeclared field, naming the file and the field', async () => {
    const broken = { ...weijian, source: 'weijian-broken', fact: { ...weijian.fact, attributes: { disease: 'diseaseName' } } };
    const load = await loadFrom({ 'weijian.mapping.json': weijian, 'weijian-broken.mapping.json': broken });
    expect(() => load()).toThrow('[feeds] weijian-broken.mapping.json: the fact refers to undeclared field(s) diseaseName');
  });
});
