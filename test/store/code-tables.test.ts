import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CODE_TABLES_DIRECTORY,
  CodeTableError,
  codeName,
  isKnownCode,
  loadCodeTables,
  readCodeTables,
} from '../../gateway/store/reference-data/code-tables.js';

const EXPECTED_TABLES = [
  'assistance-category',
  'assistance-type',
  'department',
  'disability-category',
  'disability-grade',
  'ethnicity',
  'gender',
  'health',
  'health-civil-affairs',
  'household-registration-type',
  'labour-ability',
  'marital-status',
  'relation',
  'self-care-ability',
];

const tables = [...loadCodeTables().values()];

describe('the bundled code tables', () => {
  it('load one table per JSON file, every file passing the schema', () => {
    const files = readdirSync(CODE_TABLES_DIRECTORY).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(loadCodeTables().size);
    expect([...loadCodeTables().keys()].sort()).toEqual(EXPECTED_TABLES);
  });

  it.each(tables.map((table) => [table.id, table] as const))('%s has no repeated code', (_id, table) => {
    const codes = table.codes.map((value) => value.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(tables.map((table) => [table.id, table] as const))('%s names only existing parents', (_id, table) => {
    const codes = new Set(table.codes.map((value) => value.code));
    for (const value of table.codes) {
      if (value.parent !== undefined) expect(codes, `${value.code} → ${value.parent}`).toContain(value.parent);
    }
  });

  it('are frozen, so no caller can change the shared copy', () => {
    const relation = loadCodeTables().get('relation');
    expect(Object.isFrozen(relation)).toBe(true);
    expect(Object.isFrozen(relation?.codes[0])).toBe(true);
  });
});

describe('spot checks against the standards', () => {
  it('files 妻 as relation 12 under 配偶 (GB/T 4761-2008)', () => {
    const wife = loadCodeTables().get('relation')?.codes.find((value) => value.code === '12');
    expect(wife).toEqual({ code: '12', name: '妻', parent: '10' });
    expect(codeName('relation', '10')).toBe('配偶');
  });

  it('lists the 56 nationalities of GB/T 3304-1991 with 回族 as 03 and 基诺族 as 56', () => {
    expect(codeName('ethnicity', '03')).toBe('回族');
    expect(codeName('ethnicity', '56')).toBe('基诺族');
    const nationalities = loadCodeTables()
      .get('ethnicity')
      ?.codes.filter((value) => Number(value.code) <= 56);
    expect(nationalities).toHaveLength(56);
  });

  it('marks 农村低保 as a basic-living category and 临时救助 as not', () => {
    const categories = loadCodeTables().get('assistance-category')?.codes ?? [];
    expect(categories.find((value) => value.code === '120')).toMatchObject({ basicLiving: true, group: 'dibao' });
    expect(categories.find((value) => value.code === '500')).toMatchObject({ basicLiving: false, group: 'temporary' });
  });

  it('treats exactly 低保 and 特困 as basic-living categories', () => {
    const categories = loadCodeTables().get('assistance-category')?.codes ?? [];
    const basicLiving = categories.filter((value) => value.basicLiving).map((value) => value.code);
    expect(basicLiving).toEqual(['110', '120', '130', '131', '132']);
  });

  it('gives the gender codes of GB/T 2261.1-2003', () => {
    expect(['0', '1', '2', '9'].map((code) => codeName('gender', code))).toEqual(['未知的性别', '男', '女', '未说明的性别']);
  });
});

describe('codeName and isKnownCode', () => {
  it('answer undefined and false for a code the table lacks', () => {
    expect(codeName('relation', '98')).toBeUndefined();
    expect(isKnownCode('relation', '98')).toBe(false);
    expect(isKnownCode('relation', '99')).toBe(true);
  });

  it('throw on a table that does not exist, naming the ones that do', () => {
    expect(() => codeName('religion', '1')).toThrow(/no code table "religion".*relation/);
  });
});

describe('readCodeTables on a broken directory', () => {
  let directory: string | undefined;

  afterEach(() => {
    if (directory) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  function directoryWith(file: string, content: unknown): URL {
    directory = mkdtempSync(join(tmpdir(), 'jiuzhu-code-tables-'));
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    writeFileSync(join(directory, file), text);
    return pathToFileURL(`${directory}/`);
  }

  const gender = JSON.parse(
    readFileSync(new URL('gender.json', CODE_TABLES_DIRECTORY), 'utf8'),
  ) as { codes: Record<string, unknown>[] };

  it('names the file and the path of a code that breaks the pattern', () => {
    const broken = { ...gender, codes: [...gender.codes, { code: '1 2', name: '坏' }] };
    expect(() => readCodeTables(directoryWith('gender.json', broken))).toThrow(
      expect.objectContaining({ name: 'CodeTableError', file: 'gender.json', pointer: '/codes/4/code' }),
    );
  });

  it('names a property the schema does not allow', () => {
    const broken = { ...gender, codes: [{ code: '1', name: '男', label: 'male' }] };
    expect(() => readCodeTables(directoryWith('gender.json', broken))).toThrow(/gender\.json \/codes\/0\/label/);
  });

  it('refuses a repeated code', () => {
    const broken = { ...gender, codes: [...gender.codes, { code: '1', name: '男' }] };
    expect(() => readCodeTables(directoryWith('gender.json', broken))).toThrow(
      /gender\.json \/codes\/4\/code: repeats/,
    );
  });

  it('refuses a parent that is not in the table', () => {
    const broken = { ...gender, codes: [{ code: '1', name: '男', parent: '7' }] };
    expect(() => readCodeTables(directoryWith('gender.json', broken))).toThrow(/\/codes\/0\/parent/);
  });

  it('refuses a table whose id differs from its file name', () => {
    expect(() => readCodeTables(directoryWith('sex.json', gender))).toThrow(/sex\.json \/id/);
  });

  it('refuses an assistance category without basicLiving', () => {
    const broken = {
      id: 'assistance-category',
      title: '社会救助业务类别',
      standard: 'test',
      codes: [{ code: '110', name: '城市最低生活保障', group: 'dibao' }],
    };
    expect(() => readCodeTables(directoryWith('assistance-category.json', broken))).toThrow(
      /assistance-category\.json \/codes\/0\/basicLiving/,
    );
  });

  it('keeps the parse error as the cause when a file is not JSON', () => {
    let thrown: unknown;
    try {
      readCodeTables(directoryWith('gender.json', '{ "id": '));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodeTableError);
    expect((thrown as CodeTableError).cause).toBeInstanceOf(SyntaxError);
  });
});
