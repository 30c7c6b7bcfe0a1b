/**
 * 统一社会信用代码 — the unified social credit code of GB 32100-2015, the one identifier of every company,
 * public institution, social organisation and government body since the 2015 三证合一 reform.
 *
 * Assistance files carry it for employers, care institutions, 社会组织 that deliver services and the offices
 * themselves, typed with the same damage as ID numbers, so it is cleaned the same way. Pure: no I/O.
 *
 * Layout (GB 32100-2015 §4): 1 registration-authority code (登记管理部门代码), 1 entity-type code (机构类别代码),
 * 6 digits of GB/T 2260 region (登记管理机关行政区划码), 9 characters of 主体标识码 — the GB 11714 organisation
 * code, whose last character is its own check — and 1 check character over the first 17.
 *
 * The authority and entity-type tables are extended by administrative notice, so only their alphabet is
 * checked: refusing a code issued under a newer table would refuse a real organisation.
 *
 * A few codes issued in pilot areas before the standard took effect fail its check (aarioai/id-rule lists
 * Fujian examples such as 91350100M0001TGQXM); they are refused like any other failing code, for a person to
 * decide on, rather than waved through by a weaker rule.
 */

import { cleanIdNumber } from './id-number.js';
import { provinceCodes } from './province-codes.js';

export type UsccProblem =
  | 'empty'
  | 'bad-characters'
  | 'bad-length'
  | 'bad-region'
  | 'bad-check-character'
  | 'bad-organisation-check';

export interface ValidUscc {
  ok: true;
  /** The canonical 18-character form, letters upper-case. */
  uscc: string;
  /** Character 1, e.g. 1 机构编制, 5 民政, 9 工商 (now 市场监管), Y 其他. */
  registrationAuthority: string;
  /** Character 2, read together with the authority: under 9, 1 is 企业, 2 个体工商户, 3 农民专业合作社. */
  entityType: string;
  /** Characters 3–8: the GB/T 2260 division of the registering office; 100000 for central registration. */
  regionCode: string;
  /** Characters 9–17: the GB 11714 organisation code (组织机构代码), conventionally printed as 8 + '-' + 1. */
  organisationCode: string;
}

export interface InvalidUscc {
  ok: false;
  /** The input as received, before cleaning. */
  input: string;
  problem: UsccProblem;
  /** One English sentence saying what is wrong, quoting only the offending part. */
  reason: string;
}

export type UsccCheck = ValidUscc | InvalidUscc;

export class UsccError extends Error {
  readonly problem: UsccProblem;

  constructor(problem: UsccProblem, reason: string) {
    super(reason);
    this.name = 'UsccError';
    this.problem = problem;
  }
}

/**
 * GB 32100-2015 §4.2 代码字符集: digits and upper-case letters without I, O, Z, S and V, which are too easily
 * confused with other characters; a character's value is its position here (A = 10 … Y = 30).
 */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100-2015 §4.3: weight W_i = 3^(i−1) mod 31 for the 17 characters before the check character. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * GB 11714-1997 organisation-code check: weight W_i = 2^(9−i) mod 11 over the 8 body characters, check
 * C9 = 11 − (Σ mod 11), written 'X' for 10 and '0' for 11.
 */
const ORGANISATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * GB 11714 values letters over the full Latin alphabet (A = 10 … Z = 35), not GB 32100's 31 characters: 'J' is
 * 19 here but 18 in the USCC check. Mixing the two tables is the classic bug in home-grown validators.
 */
const ORGANISATION_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Offices registering at central level write 100000 instead of a region, e.g. 清华大学, registered by the
 * central 机构编制 office: 12100000400000624D.
 */
const CENTRAL_REGISTRATION_REGION = '100000';

/** The letters outside the USCC alphabet, named in reasons so a clerk knows which look-alike to retype. */
const EXCLUDED_LETTERS = /[IOZSV]/g;

/**
 * Normalises what department files carry around a USCC; never validates. Idempotent. A USCC arrives in the same
 * cells and with the same damage as an ID number (full-width characters, stray spaces, quote marks, Excel's
 * leading apostrophe, lower-case letters), so both share one cleaning.
 */
export function cleanUscc(raw: string): string {
  return cleanIdNumber(raw);
}

/** The GB 32100 check character for the first 17 characters of a USCC. */
export function computeUsccCheckCharacter(first17: string): string {
  if (first17.length !== 17) {
    throw new UsccError('bad-length', `A check character needs 17 characters, not ${first17.length}.`);
  }
  let sum = 0;
  for (let position = 0; position < 17; position += 1) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(position));
    if (value === -1) {
      throw new UsccError(
        'bad-characters',
        `"${first17.charAt(position)}" is not in the GB 32100 alphabet, so no check character can be computed.`,
      );
    }
    sum += value * (USCC_WEIGHTS[position] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** The GB 11714 check character (a digit or 'X') for the first 8 characters of an organisation code. */
export function computeOrganisationCheckCharacter(first8: string): string {
  if (first8.length !== 8) {
    throw new UsccError('bad-length', `An organisation check character needs 8 characters, not ${first8.length}.`);
  }
  let sum = 0;
  for (let position = 0; position < 8; position += 1) {
    const value = ORGANISATION_ALPHABET.indexOf(first8.charAt(position));
    if (value === -1) {
      throw new UsccError(
        'bad-characters',
        `"${first8.charAt(position)}" is not a GB 11714 character, so no check character can be computed.`,
      );
    }
    sum += value * (ORGANISATION_WEIGHTS[position] ?? 0);
  }
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  if (check === 11) return '0';
  return String(check);
}

/** Checks a USCC as a department file carries it, returning the canonical form and its parts, or one problem. */
export function checkUscc(raw: unknown): UsccCheck {
  if (typeof raw !== 'string') return checkNonText(raw);

  const reject = (problem: UsccProblem, reason: string): InvalidUscc => ({ ok: false, input: raw, problem, reason });

  const cleaned = cleanUscc(raw);
  if (cleaned === '') return reject('empty', 'The unified social credit code is empty.');

  if (/^\d+(\.\d+)?E\+?\d+$/.test(cleaned)) {
    return reject(
      'bad-characters',
      `"${cleaned}" is in scientific notation: a spreadsheet stored the code as a number and dropped its last ` +
        'digits; re-export the column as text.',
    );
  }

  if (/^[0-9A-Z]{8}-[0-9X]$/.test(cleaned)) {
    return reject(
      'bad-length',
      `"${cleaned}" is a 9-character organisation code (组织机构代码) from before 2015, not an 18-character ` +
        'unified social credit code.',
    );
  }

  const strayCharacters = [...new Set(cleaned.replace(/[0-9A-Z]/g, ''))];
  if (strayCharacters.length > 0) {
    const quoted = strayCharacters.map((character) => `"${character}"`).join(', ');
    return reject(
      'bad-characters',
      `A unified social credit code holds only digits and capital letters, but this one contains ${quoted}.`,
    );
  }

  const excludedLetters = [...new Set(cleaned.match(EXCLUDED_LETTERS) ?? [])];
  if (excludedLetters.length > 0) {
    const quoted = excludedLetters.map((letter) => `"${letter}"`).join(', ');
    return reject(
      'bad-characters',
      `The code contains ${quoted}, but GB 32100 never uses I, O, Z, S or V; check for a mistyped 1, 0, 2, 5 or U.`,
    );
  }

  if (cleaned.length !== 18) return reject('bad-length', describeWrongLength(cleaned));

  const regionCode = cleaned.slice(2, 8);
  if (!/^\d{6}$/.test(regionCode)) {
    return reject('bad-region', `Characters 3–8 must be the 6-digit region code, but they are "${regionCode}".`);
  }
  if (regionCode !== CENTRAL_REGISTRATION_REGION && !provinceCodes.has(regionCode.slice(0, 2))) {
    return reject(
      'bad-region',
      `The region code "${regionCode}" (characters 3–8) does not begin with a province-level code of GB/T 2260.`,
    );
  }

  const expectedCheck = computeUsccCheckCharacter(cleaned.slice(0, 17));
  if (cleaned.charAt(17) !== expectedCheck) {
    return reject(
      'bad-check-character',
      `The check character is "${cleaned.charAt(17)}", but the first 17 characters require "${expectedCheck}".`,
    );
  }

  const organisationCode = cleaned.slice(8, 17);
  const expectedOrganisationCheck = computeOrganisationCheckCharacter(organisationCode.slice(0, 8));
  if (organisationCode.charAt(8) !== expectedOrganisationCheck) {
    return reject(
      'bad-organisation-check',
      `The organisation code "${organisationCode}" (characters 9–17) ends in "${organisationCode.charAt(8)}", but ` +
        `GB 11714 requires "${expectedOrganisationCheck}"; the code may have been made up rather than issued.`,
    );
  }

  return {
    ok: true,
    uscc: cleaned,
    registrationAuthority: cleaned.charAt(0),
    entityType: cleaned.charAt(1),
    regionCode,
    organisationCode,
  };
}

/** True when `raw` is, after cleaning, a valid unified social credit code. */
export function isValidUscc(raw: unknown): boolean {
  return checkUscc(raw).ok;
}

/** Names the older identifiers that land in USCC columns, so the clerk knows what to ask for. */
function describeWrongLength(cleaned: string): string {
  if (/^\d{15}$/.test(cleaned)) {
    return (
      'The code has 15 digits, like a business registration number (注册号) from before 2015, but a unified ' +
      'social credit code has 18 characters.'
    );
  }
  if (/^[0-9A-Z]{8}[0-9X]$/.test(cleaned)) {
    return (
      'The code has 9 characters, like an organisation code (组织机构代码) from before 2015, but a unified ' +
      'social credit code has 18.'
    );
  }
  return `The code has ${cleaned.length} characters, but a unified social credit code has 18.`;
}

/** A number here means a spreadsheet typed the cell: an all-digit code has then lost its last digits. */
function checkNonText(raw: unknown): InvalidUscc {
  if (raw === null || raw === undefined) {
    return {
      ok: false,
      input: '',
      problem: 'empty',
      reason: `No unified social credit code was given (the value is ${String(raw)}).`,
    };
  }
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    return {
      ok: false,
      input: String(raw),
      problem: 'bad-characters',
      reason:
        'The code arrived as a number, not as text, so its last digits may have been rounded away; ' +
        'store the column as text.',
    };
  }
  return {
    ok: false,
    input: '',
    problem: 'bad-characters',
    reason: `The code must be text, but it is of type ${Array.isArray(raw) ? 'array' : typeof raw}.`,
  };
}
