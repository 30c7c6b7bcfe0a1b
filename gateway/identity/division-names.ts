/**
 * Names for GB/T 2260 administrative division codes — the first six digits of every citizen ID number.
 *
 * An ID number keeps the division code that was valid on the day it was issued, so a person registered in
 * 1985 may carry a code that was abolished decades ago (e.g. 500239, 黔江土家族苗族自治县, now 500114
 * 黔江区). The table behind this module therefore keeps retired codes next to current ones: dropping them
 * would make real, valid ID numbers look fabricated. Data and provenance: store/reference-data/gb2260.json
 * and the README beside it.
 */

import { readFileSync } from 'node:fs';
import { projectPath } from '../project-files.js';

export interface DivisionDescription {
  /** The six-digit code that was looked up. */
  code: string;
  /** 省级 name, e.g. 宁夏回族自治区. */
  province?: string;
  /** 地级 name, e.g. 银川市; absent for placeholders such as 市辖区/县 under the municipalities. */
  prefecture?: string;
  /** 县级 name, e.g. 永宁县; absent when the code itself is a province or prefecture. */
  county?: string;
  /** The names joined for display, e.g. 宁夏回族自治区银川市永宁县. */
  fullName: string;
  /** True when the code is no longer in use (still valid inside ID numbers issued while it was). */
  retired: boolean;
}

interface DivisionTable {
  names: ReadonlyMap<string, string>;
  retired: ReadonlySet<string>;
}

const DIVISION_TABLE_FILE = projectPath('gateway/store/reference-data/gb2260.json');

/**
 * Prefecture-level entries that only group counties and are not places a person would name: 市辖区 and 县
 * under the municipalities (110100, 500200 …), 市 (500300, 1997–2005) and the 省/自治区直辖县级行政区划
 * groupings (419000, 659000 …). Printing them would give "重庆市市辖区黔江区", so they are left out.
 */
const PLACEHOLDER_PREFECTURE_NAMES: ReadonlySet<string> = new Set([
  '市辖区',
  '县',
  '市',
  '省直辖县级行政区划',
  '自治区直辖县级行政区划',
]);

const SIX_DIGITS = /^\d{6}$/;

let cachedTable: DivisionTable | undefined;

/** Reads gb2260.json on first use only: most requests never need a division name, and the file is ~240 kB. */
function divisionTable(): DivisionTable {
  if (cachedTable) return cachedTable;
  const raw: unknown = JSON.parse(readFileSync(DIVISION_TABLE_FILE, 'utf8'));
  const { divisions, retired } = (raw ?? {}) as { divisions?: unknown; retired?: unknown };
  if (typeof divisions !== 'object' || divisions === null || !Array.isArray(retired)) {
    throw new Error(`${DIVISION_TABLE_FILE}: expected { divisions: {code: name}, retired: [code] }`);
  }
  cachedTable = {
    names: new Map(Object.entries(divisions as Record<string, string>)),
    retired: new Set(retired as string[]),
  };
  return cachedTable;
}

/**
 * Resolves a six-digit division code to its province, prefecture and county names.
 *
 * Returns undefined when the code is not six digits or its province (first two digits + 0000) is unknown.
 * Otherwise returns whichever levels the table knows: a county code whose prefecture entry is missing (e.g.
 * 139001, 河北省 direct-administered 1988–1995) still gets its province and county. Use isKnownDivision() to ask
 * whether the code itself is listed.
 */
export function describeDivision(code6: string): DivisionDescription | undefined {
  if (!SIX_DIGITS.test(code6)) return undefined;
  const { names, retired } = divisionTable();
  const province = names.get(`${code6.slice(0, 2)}0000`);
  if (province === undefined) return undefined;

  const isProvinceCode = code6.endsWith('0000');
  const isPrefectureCode = !isProvinceCode && code6.endsWith('00');
  const prefectureName = isProvinceCode ? undefined : names.get(`${code6.slice(0, 4)}00`);
  const prefecture =
    prefectureName !== undefined && !PLACEHOLDER_PREFECTURE_NAMES.has(prefectureName) ? prefectureName : undefined;
  const county = isProvinceCode || isPrefectureCode ? undefined : names.get(code6);

  const description: DivisionDescription = {
    code: code6,
    province,
    fullName: [province, prefecture, county].filter((part) => part !== undefined).join(''),
    retired: retired.has(code6),
  };
  if (prefecture !== undefined) description.prefecture = prefecture;
  if (county !== undefined) description.county = county;
  return description;
}

/**
 * True when the code is six digits and listed in the division table at its own level: a province code
 * (xx0000) needs its province, a prefecture code (xxxx00) its prefecture entry (placeholders such as 110100
 * 市辖区 count), and any other code its province and its own county entry. Retired codes count as known,
 * because ID numbers issued under them stay valid. The prefecture of a county code is not required: counties
 * directly under a province (e.g. 429004 仙桃市) and records whose prefecture was never listed still pass.
 */
export function isKnownDivision(code6: string): boolean {
  if (!SIX_DIGITS.test(code6)) return false;
  const { names } = divisionTable();
  return names.has(`${code6.slice(0, 2)}0000`) && names.has(code6);
}
