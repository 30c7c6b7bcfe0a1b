/**
 * 公民身份号码 — the citizen ID number of GB 11643-1999, the key every person record hangs on.
 *
 * Every ID number that enters jiuzhu passes through here first: department files carry it with full-width
 * characters, stray spaces, quote marks and Excel damage, and a person must match across files whichever way
 * the number was typed. Pure: no I/O, and the clock is read only when no `today` is given.
 * Rules: domain-data.md §7.
 */

import { todayInShanghai } from '../calendar/shanghai-date.js';
import { provinceCodes } from './province-codes.js';

export type IdNumberProblem =
  | 'empty'
  | 'excel-mangled'
  | 'bad-characters'
  | 'bad-length'
  | 'bad-region'
  | 'bad-birth-date'
  | 'future-birth-date'
  | 'bad-check-character';

export interface ValidIdNumber {
  ok: true;
  /** The canonical 18-character form: 17 digits and a check character, 'X' upper-case. */
  idNumber: string;
  gender: 'male' | 'female';
  /** YYYY-MM-DD */
  birthDate: string;
  /** The first 6 digits: the GB/T 2260 division where the number was issued (old codes stay valid). */
  regionCode: string;
  /** True when the input was an old 15-digit number (issued before 1999) and was upgraded to 18. */
  upgradedFrom15: boolean;
}

export interface InvalidIdNumber {
  ok: false;
  /** The input as received, before cleaning. */
  input: string;
  problem: IdNumberProblem;
  /** One English sentence saying what is wrong, quoting only the offending part. */
  reason: string;
}

export type IdNumberCheck = ValidIdNumber | InvalidIdNumber;

export interface CheckIdNumberOptions {
  /** The date birth dates may not exceed, YYYY-MM-DD; defaults to today in Asia/Shanghai. */
  today?: string;
}

export class IdNumberError extends Error {
  readonly problem: IdNumberProblem;

  constructor(problem: IdNumberProblem, reason: string) {
    super(reason);
    this.name = 'IdNumberError';
    this.problem = problem;
  }
}

/** GB 11643-1999 校验码, ISO 7064 MOD 11-2: weight W_i = 2^(18−i) mod 11 for the 17 body digits (domain-data.md §7). */
const CHECK_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;

/** ISO 7064 MOD 11-2: the check character for S mod 11, 'X' standing for 10. */
const CHECK_CHARACTERS = '10X98765432';

/**
 * Province-level codes, plus 83: the 台湾居民居住证 prefix (830000), which, like the 港澳 ones (810000/820000),
 * follows the same 18-character layout (domain-data.md §7).
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([...provinceCodes, '83']);

/** jiuzhu's lower bound, not part of GB 11643: no living card holder was born earlier. */
const EARLIEST_BIRTH_DATE = '1880-01-01';

/** Full-width ASCII (U+FF01–U+FF5E) sits exactly 0xFEE0 above its ASCII twin. */
const FULL_WIDTH_OFFSET = 0xfee0;
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;

/** Zero-width spaces and joiners, word joiner and the BOM that Excel and Word leave behind. */
const INVISIBLE_CHARACTERS = /[\u200B-\u200D\u2060\uFEFF]/g;

/** `\s` covers tabs, NBSP (U+00A0) and the ideographic space U+3000. */
const WHITESPACE = /\s/g;

/**
 * Quote marks around a cell, and Excel's leading apostrophe that marks a cell as text. Full-width quotes are
 * already ASCII by the time this runs.
 */
const SURROUNDING_QUOTES = /^['"‘’“”「」『』]+|['"‘’“”「」『』]+$/g;

/** Normalises what department files carry around an ID number; never validates. Idempotent. */
/** Already canonical: 17 digits and a digit or X. Most ID numbers in feeds are; they skip the cleaning passes. */
const CANONICAL_SHAPE = /^\d{17}[\dX]$/;

export function cleanIdNumber(raw: string): string {
  if (CANONICAL_SHAPE.test(raw)) return raw;
  return raw
    .replace(FULL_WIDTH_ASCII, (character) => String.fromCharCode(character.charCodeAt(0) - FULL_WIDTH_OFFSET))
    .replace(INVISIBLE_CHARACTERS, '')
    .replace(WHITESPACE, '')
    .replace(SURROUNDING_QUOTES, '')
    .replace(/[a-z]/g, (letter) => letter.toUpperCase());
}

/** The check character for the 17 body digits (GB 11643-1999, ISO 7064 MOD 11-2). */
export function computeCheckCharacter(first17: string): string {
  if (first17.length !== 17) {
    throw new IdNumberError('bad-length', `A check character needs 17 digits, not ${first17.length} characters.`);
  }
  if (!/^\d{17}$/.test(first17)) {
    throw new IdNumberError('bad-characters', 'A check character can be computed only from digits.');
  }
  let sum = 0;
  for (let position = 0; position < 17; position += 1) {
    sum += Number(first17[position]) * (CHECK_WEIGHTS[position] ?? 0);
  }
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/** Checks an ID number as a department file carries it, returning the canonical form or one problem. */
export function checkIdNumber(raw: unknown, options: CheckIdNumberOptions = {}): IdNumberCheck {
  const today = options.today ?? todayInShanghai();
  if (today !== lastCheckedToday) {
    assertCalendarDate(today);
    lastCheckedToday = today;
  }

  if (typeof raw !== 'string') return checkNonText(raw);
  const canonical = checkCanonicalIdNumber(raw, today);
  if (canonical !== undefined) return canonical;

  const reject = (problem: IdNumberProblem, reason: string): InvalidIdNumber => ({
    ok: false,
    input: raw,
    problem,
    reason,
  });

  const cleaned = cleanIdNumber(raw);
  if (cleaned === '') return reject('empty', 'The ID number is empty.');

  const excelDamage = describeExcelDamage(cleaned);
  if (excelDamage) return reject('excel-mangled', excelDamage);

  const strayCharacters = [...new Set(cleaned.replace(/[0-9X]/g, ''))];
  if (strayCharacters.length > 0) {
    const quoted = strayCharacters.map((character) => `"${character}"`).join(', ');
    return reject('bad-characters', `The ID number may hold only digits and a final X, but it contains ${quoted}.`);
  }

  if (cleaned.length !== 18 && cleaned.length !== 15) {
    return reject(
      'bad-length',
      `The ID number has ${cleaned.length} characters, but it must have 18 (or 15 for a pre-1999 number).`,
    );
  }

  const misplacedX = cleaned.indexOf('X');
  if (misplacedX !== -1 && misplacedX !== 17) {
    return reject(
      'bad-characters',
      `"X" may only be the last character of an 18-character ID number, but it is character ${misplacedX + 1}.`,
    );
  }

  const upgradedFrom15 = cleaned.length === 15;
  const body = upgradedFrom15 ? `${cleaned.slice(0, 6)}19${cleaned.slice(6)}` : cleaned.slice(0, 17);

  const province = body.slice(0, 2);
  if (!PROVINCE_CODES.has(province)) {
    return reject('bad-region', `The first two digits "${province}" are not a province-level code of GB/T 2260.`);
  }

  const birthDigits = body.slice(6, 14);
  const birthDate = `${birthDigits.slice(0, 4)}-${birthDigits.slice(4, 6)}-${birthDigits.slice(6, 8)}`;
  if (!isCalendarDate(birthDate)) {
    return reject('bad-birth-date', `The birth date "${birthDigits}" is not a real calendar date.`);
  }
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return reject('bad-birth-date', `The birth date ${birthDate} is before ${EARLIEST_BIRTH_DATE}.`);
  }
  if (birthDate > today) {
    return reject('future-birth-date', `The birth date ${birthDate} is after today, ${today}.`);
  }

  const expectedCheck = computeCheckCharacter(body);
  if (!upgradedFrom15 && cleaned.charAt(17) !== expectedCheck) {
    if (looksTruncatedByExcel(cleaned)) {
      return reject(
        'excel-mangled',
        'The ID number ends in "000" and fails its check, so Excel may have zeroed its last 3 digits ' +
          '(it keeps only 15 significant digits); re-export the column as text.',
      );
    }
    return reject(
      'bad-check-character',
      `The check character is "${cleaned.charAt(17)}", but the first 17 digits require "${expectedCheck}".`,
    );
  }

  return {
    ok: true,
    idNumber: body + expectedCheck,
    gender: Number(body.charAt(16)) % 2 === 1 ? 'male' : 'female',
    birthDate,
    regionCode: body.slice(0, 6),
    upgradedFrom15,
  };
}

/** A file's cells share one 'today'; it is validated once, not per ID number. */
let lastCheckedToday: string | undefined;

/**
 * The common case, without the cleaning passes and the string building: an ID number that already has its
 * canonical 18-character shape and is valid. Anything else — dirty, 15 digits, or wrong in any way — returns
 * undefined and takes the full path, which words the reason.
 */
function checkCanonicalIdNumber(raw: string, today: string): ValidIdNumber | undefined {
  if (raw.length !== 18) return undefined;
  let sum = 0;
  for (let position = 0; position < 17; position += 1) {
    const digit = raw.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) return undefined;
    sum += digit * (CHECK_WEIGHTS[position] ?? 0);
  }
  if (raw.charAt(17) !== CHECK_CHARACTERS.charAt(sum % 11)) return undefined;
  if (!PROVINCE_CODES.has(raw.slice(0, 2))) return undefined;
  const year = Number(raw.slice(6, 10));
  const month = Number(raw.slice(10, 12));
  const day = Number(raw.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const birthDate = `${raw.slice(6, 10)}-${raw.slice(10, 12)}-${raw.slice(12, 14)}`;
  if (birthDate < EARLIEST_BIRTH_DATE || birthDate > today) return undefined;
  return {
    ok: true,
    idNumber: raw,
    gender: (raw.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
    birthDate,
    regionCode: raw.slice(0, 6),
    upgradedFrom15: false,
  };
}

/** True when `raw` is, after cleaning, a valid ID number (15 or 18 characters). */
export function isValidIdNumber(raw: unknown): boolean {
  return checkIdNumber(raw).ok;
}

/** The checked ID number, or an IdNumberError carrying the problem and its reason. */
export function requireIdNumber(raw: unknown): ValidIdNumber {
  const check = checkIdNumber(raw);
  if (!check.ok) throw new IdNumberError(check.problem, check.reason);
  return check;
}

/**
 * The 18-character form of a pre-1999 15-digit number (GB 11643-1989 layout): '19' goes before the 2-digit year
 * and the check character is appended. The rule always assumes the 1900s, so a 15-digit number cannot express an
 * earlier birth year. Accepts the same noisy forms as checkIdNumber.
 */
export function upgradeIdNumber15(id15: string): string {
  const check = checkIdNumber(id15);
  if (!check.ok) throw new IdNumberError(check.problem, check.reason);
  if (!check.upgradedFrom15) {
    throw new IdNumberError('bad-length', 'Only a 15-digit ID number can be upgraded, and this one has 18 characters.');
  }
  return check.idNumber;
}

/**
 * The display form: first 6 (region) and last 4 kept, the rest masked, so the birth date never shows
 * (防返贫 公示 must not expose 证件号码, domain-data.md §7). A 15-digit number keeps only its 3-digit sequence at the end, since
 * its fourth-last digit belongs to the birth date; anything not shaped like an ID number is masked completely.
 */
export function maskIdNumber(idNumber: string): string {
  const cleaned = cleanIdNumber(idNumber);
  if (/^\d{17}[\dX]$/.test(cleaned)) return `${cleaned.slice(0, 6)}${'*'.repeat(8)}${cleaned.slice(14)}`;
  if (/^\d{15}$/.test(cleaned)) return `${cleaned.slice(0, 6)}${'*'.repeat(6)}${cleaned.slice(12)}`;
  return '*'.repeat(cleaned.length);
}

/**
 * A non-string arrives when a spreadsheet reader or CSV parser typed the cell as a number: by then a double holds
 * at most 15–17 significant digits, so the last digits (and any X) are already gone.
 */
function checkNonText(raw: unknown): InvalidIdNumber {
  if (raw === null || raw === undefined) {
    return { ok: false, input: '', problem: 'empty', reason: `No ID number was given (the value is ${String(raw)}).` };
  }
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    return {
      ok: false,
      input: String(raw),
      problem: 'excel-mangled',
      reason:
        'The ID number arrived as a number, not as text, so its last digits may have been rounded away; ' +
        'store the column as text.',
    };
  }
  return {
    ok: false,
    input: '',
    problem: 'bad-characters',
    reason: `The ID number must be text, but it is of type ${Array.isArray(raw) ? 'array' : typeof raw}.`,
  };
}

/** Excel stores a long digit string as a double and shows it in scientific notation or with a trailing '.0'. */
function describeExcelDamage(cleaned: string): string | undefined {
  if (/^\d+(\.\d+)?E\+?\d+$/.test(cleaned)) {
    return (
      `"${cleaned}" is in scientific notation: a spreadsheet stored the ID number as a number and dropped ` +
      'its last digits; re-export the column as text.'
    );
  }
  if (/^\d+\.0+$/.test(cleaned)) {
    return (
      `The ID number ends in "${cleaned.slice(cleaned.indexOf('.'))}", so it was stored as a number and the digits ` +
      'after the 15th may have been lost; re-export the column as text.'
    );
  }
  return undefined;
}

/**
 * Excel keeps 15 significant digits, so an 18-digit number typed into a numeric cell ends in "000". A valid number
 * may end in "000" too, so this is asked only once the check character has failed.
 */
function looksTruncatedByExcel(cleaned: string): boolean {
  return /^\d{15}000$/.test(cleaned);
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Gregorian rule: 1900 was not a leap year, 2000 was. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function assertCalendarDate(today: string): void {
  if (!isCalendarDate(today)) {
    throw new RangeError(`checkIdNumber: options.today must be a calendar date YYYY-MM-DD, got "${today}".`);
  }
}

/** Offices work on Beijing time, so a child born just after midnight there is not "born tomorrow" on a UTC server. */
