import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCitation, citationsInJson, citationsInMarkdown, foundInSeed, normalise, quotedPhrases, seedsNamed, type CitationProblem } from '../helpers/seed-citations.js';

/**
 * Issue 13: configuration, report templates and the monitoring guide cite a seed only for what its text says. Every
 * `seed` named in config/ and report-templates/ must be a seed file with words quoted from it; every quoted phrase the
 * README and docs/ attribute to a seed must be in that seed.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(root, dir, name);
    if (statSync(path).isDirectory()) return filesUnder(relative(root, path), suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

describe('the checker itself', () => {
  it('finds seed numbers and quoted Chinese words in prose', () => {
    expect(seedsNamed('seed 001: 公示7天; seeds 002 and 004 ask for it')).toEqual(['001', '002', '004']);
    expect(quotedPhrases('seed 002: "杜绝“人情保”“关系保”" and “及时” and "plain"')).toEqual(['杜绝“人情保”“关系保”', '及时']);
  });

  it('matches across full-width and ASCII punctuation and elisions, and refuses words the seed lacks', () => {
    expect(normalise('乡镇（街道） 调查')).toBe('乡镇(街道)调查');
    expect(foundInSeed('001', '居住地受理3个工作日内启动对申请人家庭进行入户调查')).toBe(true);
    expect(foundInSeed('001', '居住地受理3个工作日内启动入户调查')).toBe(false);
    expect(foundInSeed('002', '对在册社会救助对象……家庭经济状况信息监测')).toBe(true);
    expect(foundInSeed('002', '家庭经济状况信息监测……对在册社会救助对象')).toBe(false);
    expect(checkCitation({ where: 'x', seeds: ['009'], quote: '及时' }, { requireQuote: true })?.problem).toMatch(/does not exist/);
    expect(checkCitation({ where: 'x', seeds: ['001'], quote: '' }, { requireQuote: true })?.problem).toMatch(/without quoting/);
  });
});

describe('seed citations', () => {
  const jsonFiles = [...filesUnder('config', '.json'), ...filesUnder('report-templates', '.json')];

  it.each(jsonFiles.map((f) => [relative(root, f), f] as const))('%s quotes each seed it names', (name, file) => {
    const citations = citationsInJson(JSON.parse(readFileSync(file, 'utf8')), name);
    const problems = citations.map((c) => checkCitation(c, { requireQuote: true })).filter((p): p is CitationProblem => p !== null);
    expect(problems.map((p) => `${p.where}: ${p.problem}`)).toEqual([]);
  });

  const markdown = [join(root, 'README.md'), ...filesUnder('docs', '.md'), ...filesUnder('report-templates', '.md'), ...filesUnder('config', '.md')];

  it.each(markdown.map((f) => [relative(root, f), f] as const))('%s quotes only words the seed has', (name, file) => {
    const problems = citationsInMarkdown(readFileSync(file, 'utf8'), name).map((c) => checkCitation(c, { requireQuote: false })).filter((p): p is CitationProblem => p !== null);
    expect(problems.map((p) => `${p.where}: ${p.problem}`)).toEqual([]);
  });
});

describe('seed citations in the code', () => {
  const dirs = ['gateway', 'adapters', 'schemas'];
  // schemas/types is generated from the schemas, which are checked themselves.
  const code = dirs.flatMap((dir) => filesUnder(dir, '.ts')).filter((f) => !relative(root, f).startsWith('schemas/types/'));
  const json = dirs.flatMap((dir) => filesUnder(dir, '.json'));

  it('quote only words the seed has, in comments and messages alike', () => {
    const citations = [
      ...code.flatMap((file) => citationsInMarkdown(readFileSync(file, 'utf8'), relative(root, file))),
      ...json.flatMap((file) => citationsInJson(JSON.parse(readFileSync(file, 'utf8')), relative(root, file))),
    ];
    const problems = citations.map((c) => checkCitation(c, { requireQuote: false })).filter((p): p is CitationProblem => p !== null);
    expect(problems.map((p) => `${p.where}: ${p.problem}`)).toEqual([]);
  });
});
