import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeDivision, isKnownDivision } from '../../gateway/identity/division-names.js';
import type { CountyRegions } from '../../schemas/types/index.js';

const referenceData = new URL('../../gateway/store/reference-data/', import.meta.url);

function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, referenceData), 'utf8')) as T;
}

interface DivisionsFile {
  source: string;
  divisions: Record<string, string>;
  retired: string[];
}

describe('describeDivision', () => {
  it('names 640121 as 永宁县 under 银川市, 宁夏', () => {
    expect(describeDivision('640121')).toEqual({
      code: '640121',
      province: '宁夏回族自治区',
      prefecture: '银川市',
      county: '永宁县',
      fullName: '宁夏回族自治区银川市永宁县',
      retired: false,
    });
  });

  it('names 500114 as 黔江区 of 重庆市 without the 市辖区 grouping', () => {
    const division = describeDivision('500114');
    expect(division).toEqual({ code: '500114', province: '重庆市', county: '黔江区', fullName: '重庆市黔江区', retired: false });
    expect(division?.prefecture).toBeUndefined();
  });

  it('leaves the 市辖区 and 县 groupings of every municipality out of the names', () => {
    expect(describeDivision('110105')?.fullName).toBe('北京市朝阳区');
    expect(describeDivision('120116')?.fullName).toBe('天津市滨海新区');
    expect(describeDivision('310115')?.fullName).toBe('上海市浦东新区');
    expect(describeDivision('500230')).toMatchObject({ province: '重庆市', county: '丰都县', fullName: '重庆市丰都县' });
    expect(describeDivision('500230')?.prefecture).toBeUndefined();
  });

  it('keeps retired codes that old ID numbers still carry, flagged as retired', () => {
    // 黔江土家族苗族自治县 became 黔江区 (500114) in 2000.
    expect(describeDivision('500239')).toEqual({
      code: '500239',
      province: '重庆市',
      county: '黔江土家族苗族自治县',
      fullName: '重庆市黔江土家族苗族自治县',
      retired: true,
    });
    // A 1980s 四川 code from before 重庆 became a municipality (涪陵地区, 1983–1988).
    expect(describeDivision('512328')).toMatchObject({
      province: '四川省',
      prefecture: '涪陵地区',
      county: '黔江土家族苗族自治县',
      retired: true,
    });
    // 银川市城区, merged into 兴庆区 in 2002.
    expect(describeDivision('640102')).toMatchObject({ fullName: '宁夏回族自治区银川市城区', retired: true });
  });

  it('gives only the province for a province-level code', () => {
    expect(describeDivision('640000')).toEqual({ code: '640000', province: '宁夏回族自治区', fullName: '宁夏回族自治区', retired: false });
  });

  it('gives province and prefecture for a prefecture-level code', () => {
    expect(describeDivision('640100')).toEqual({
      code: '640100',
      province: '宁夏回族自治区',
      prefecture: '银川市',
      fullName: '宁夏回族自治区银川市',
      retired: false,
    });
  });

  it('returns undefined for an unknown province or a malformed code', () => {
    expect(describeDivision('990101')).toBeUndefined();
    expect(describeDivision('000000')).toBeUndefined();
    expect(describeDivision('64012')).toBeUndefined();
    expect(describeDivision('6401210')).toBeUndefined();
    expect(describeDivision('64012X')).toBeUndefined();
    expect(describeDivision('')).toBeUndefined();
  });

  it('still names the province when the county is unknown', () => {
    expect(describeDivision('649999')).toEqual({ code: '649999', province: '宁夏回族自治区', fullName: '宁夏回族自治区', retired: false });
  });
});

describe('isKnownDivision', () => {
  it('accepts current and retired codes at every level', () => {
    for (const code of ['640000', '640100', '640121', '500114', '110100', '500200', '429004', '500239', '512328']) {
      expect(isKnownDivision(code), code).toBe(true);
    }
  });

  it('rejects an unknown county under a known province, an unknown province and malformed input', () => {
    for (const code of ['649999', '640199', '990101', '000000', '64012', '64012X', ' 640121']) {
      expect(isKnownDivision(code), code).toBe(false);
    }
  });
});

describe('gb2260.json', () => {
  const table = readJson<DivisionsFile>('gb2260.json');

  it('maps six-digit codes to non-empty names, every code under a listed province', () => {
    const codes = Object.keys(table.divisions);
    expect(codes.length).toBeGreaterThan(7000);
    for (const code of codes) {
      expect(code).toMatch(/^\d{6}$/);
      expect(table.divisions[code]?.trim(), code).toBeTruthy();
      expect(table.divisions[`${code.slice(0, 2)}0000`], `province of ${code}`).toBeDefined();
    }
  });

  it('lists each retired code once, and only codes that have a name', () => {
    expect(new Set(table.retired).size).toBe(table.retired.length);
    for (const code of table.retired) expect(table.divisions[code], code).toBeDefined();
    expect(table.retired).toContain('500239');
    expect(table.retired).not.toContain('640121');
    expect(table.source).toMatch(/yescallop\/areacodes/);
  });
});

describe.each(['640121', '500114'])('regions/%s.json', (countyCode) => {
  const county = readJson<CountyRegions>(`regions/${countyCode}.json`);
  const divisions = readJson<DivisionsFile>('gb2260.json').divisions;

  it('describes the county its file name says, with province and prefecture matching gb2260.json', () => {
    expect(county.code).toBe(countyCode);
    expect(county.name).toBe(divisions[countyCode]);
    expect(county.province.code).toBe(`${countyCode.slice(0, 2)}0000`);
    expect(county.province.name).toBe(divisions[county.province.code]);
    expect(county.prefecture.code).toBe(`${countyCode.slice(0, 4)}00`);
    expect(county.prefecture.name).toBe(divisions[county.prefecture.code]);
    expect(county.source).toMatch(/2023/);
  });

  it('has 9-digit township codes under the county, 12-digit village codes under their township', () => {
    expect(county.townships.length).toBeGreaterThan(0);
    for (const township of county.townships) {
      expect(township.code).toMatch(/^\d{9}$/);
      expect(township.code.startsWith(countyCode), township.code).toBe(true);
      expect(township.villages?.length ?? 0, `villages of ${township.code}`).toBeGreaterThan(0);
      for (const village of township.villages ?? []) {
        expect(village.code).toMatch(/^\d{12}$/);
        expect(village.code.startsWith(township.code), village.code).toBe(true);
        if (village.urbanRural !== undefined) expect(village.urbanRural).toMatch(/^\d{3}$/);
      }
    }
  });

  it('has no duplicate codes and no empty names', () => {
    const codes = county.townships.flatMap((t) => [t.code, ...(t.villages ?? []).map((v) => v.code)]);
    expect(new Set(codes).size).toBe(codes.length);
    const names = county.townships.flatMap((t) => [t.name, ...(t.villages ?? []).map((v) => v.name)]);
    for (const name of names) expect(name.trim()).not.toBe('');
  });

  it('gives each township the kind its code range means (0xx street, 1xx town, 2xx–3xx township, else other)', () => {
    for (const township of county.townships) {
      const serial = Number(township.code.slice(6));
      const expected = serial < 100 ? 'street' : serial < 200 ? 'town' : serial < 400 ? 'township' : 'other';
      expect(township.kind, township.code).toBe(expected);
    }
  });
});

describe('regions/640121.json (永宁县)', () => {
  const county = readJson<CountyRegions>('regions/640121.json');
  const township = (name: string) => county.townships.find((t) => t.name === name);

  it('includes 团结西路街道 and 闽宁镇', () => {
    expect(township('团结西路街道')).toMatchObject({ code: '640121001', kind: 'street' });
    expect(township('闽宁镇')).toMatchObject({ code: '640121104', kind: 'town' });
    expect(township('闽宁镇')?.villages?.map((v) => v.name)).toContain('原隆村委会');
  });
});
