import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  UsccError,
  checkUscc,
  cleanUscc,
  computeOrganisationCheckCharacter,
  computeUsccCheckCharacter,
  isValidUscc,
  type UsccProblem,
} from '../../gateway/identity/uscc.js';

/**
 * Real codes of well-known organisations, as published:
 * - 腾讯科技(深圳), 中国石油化工股份有限公司 (Sinopec) and 宝山钢铁股份有限公司: the examples of China Checkup's
 *   "Unified Social Credit Code" article (chinacheckup.com, 2018), also in python-stdnum's tests/test_cn_uscc.doctest;
 * - 深圳市腾讯计算机系统有限公司: the business-licence section of check-china.com's example report;
 * - 清华大学: the invoice header (纳税人识别号) the university publishes, quoted in many public repositories;
 * - the example of the English Wikipedia article "Unified Social Credit Identifier".
 */
const KNOWN_CODES = [
  { uscc: '9144030071526726XG', holder: '腾讯科技(深圳)有限公司' },
  { uscc: '91110000710926094P', holder: '中国石油化工股份有限公司' },
  { uscc: '91310000631696382C', holder: '宝山钢铁股份有限公司' },
  { uscc: '91440300708461136T', holder: '深圳市腾讯计算机系统有限公司' },
  { uscc: '12100000400000624D', holder: '清华大学' },
  { uscc: '91350100M000100Y43', holder: 'the Wikipedia example' },
];

const TENCENT = '9144030071526726XG';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const PROVINCE_CODES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
];

/** GB 32100 in its verification form: with weights 3^(i−1) mod 31 and the check weighted 1, the sum is ≡ 0 mod 31. */
function referenceUsccCheck(first17: string): string {
  let weight = 1;
  let sum = 0;
  for (const character of first17) {
    sum += ALPHABET.indexOf(character) * weight;
    weight = (weight * 3) % 31;
  }
  const check = [...ALPHABET].find((_character, value) => (sum + value) % 31 === 0);
  return check ?? '?';
}

/** GB 11714 in its verification form: weights 2^(9−i) mod 11, letters A = 10 … Z = 35, sum plus check ≡ 0 mod 11. */
function referenceOrganisationCheck(first8: string): string {
  const sum = [...first8].reduce((total, character, index) => total + parseInt(character, 36) * (2 ** (8 - index) % 11), 0);
  const value = [...Array(11).keys()].find((candidate) => (sum + candidate) % 11 === 0) ?? -1;
  return value === 10 ? 'X' : String(value);
}

function withChecks(first16: string): string {
  const first17 = first16 + referenceOrganisationCheck(first16.slice(8, 16));
  return first17 + referenceUsccCheck(first17);
}

function problemOf(raw: unknown): UsccProblem | undefined {
  const check = checkUscc(raw);
  return check.ok ? undefined : check.problem;
}

function reasonOf(raw: unknown): string {
  const check = checkUscc(raw);
  return check.ok ? '' : check.reason;
}

const alphabetCharacter = fc.constantFrom(...ALPHABET);

const validParts = fc.record({
  registrationAuthority: alphabetCharacter,
  entityType: alphabetCharacter,
  regionCode: fc.oneof(
    fc.constant('100000'),
    fc.tuple(fc.constantFrom(...PROVINCE_CODES), fc.integer({ min: 0, max: 9999 })).map(
      ([province, rest]) => province + String(rest).padStart(4, '0'),
    ),
  ),
  organisationBody: fc.array(alphabetCharacter, { minLength: 8, maxLength: 8 }).map((characters) => characters.join('')),
});

const validUscc = validParts.map((parts) => ({
  ...parts,
  uscc: withChecks(parts.registrationAuthority + parts.entityType + parts.regionCode + parts.organisationBody),
}));

const toFullWidth = (character: string): string => String.fromCharCode(character.charCodeAt(0) + 0xfee0);

describe('checkUscc on published codes', () => {
  it.each(KNOWN_CODES)('accepts $uscc of $holder', ({ uscc }) => {
    expect(checkUscc(uscc)).toMatchObject({ ok: true, uscc });
  });

  it('splits a code into authority, entity type, region and organisation code', () => {
    expect(checkUscc('12100000400000624D')).toEqual({
      ok: true,
      uscc: '12100000400000624D',
      registrationAuthority: '1',
      entityType: '2',
      regionCode: '100000',
      organisationCode: '400000624',
    });
  });

  it('values organisation-code letters over the full alphabet (M = 22, P = 25), as the real code 91340600MA2PBM9HXD needs', () => {
    expect(computeOrganisationCheckCharacter('MA2PBM9H')).toBe('X');
    expect(checkUscc('91340600MA2PBM9HXD').ok).toBe(true);
  });

  it('refuses a pre-standard pilot code that fails the GB 32100 check, leaving it to a person', () => {
    expect(checkUscc('91350100M0001TGQXM')).toMatchObject({ ok: false, problem: 'bad-check-character' });
  });

  it.each([
    ['lower-case letters', '9144030071526726xg'],
    ['full-width characters', '９１４４０３００７１５２６７２６ＸＧ'],
    ['full-width lower-case letters', '９１４４０３００７１５２６７２６ｘｇ'],
    ['spaces between the parts', '9 1 440300 71526726X G'],
    ['ideographic spaces and NBSP', '\u00A09144030071526726XG\u3000'],
    ['double quotes', '"9144030071526726XG"'],
    ['corner brackets', '「9144030071526726XG」'],
    ["Excel's leading apostrophe", "'9144030071526726XG"],
    ['a zero-width space inside', '91440300\u200B71526726XG'],
    ['a byte-order mark', '\uFEFF9144030071526726XG'],
  ])('normalises %s to the canonical form', (_form, raw) => {
    expect(checkUscc(raw)).toMatchObject({ ok: true, uscc: TENCENT });
  });
});

describe('checkUscc refusals', () => {
  const wrongOrganisationCheck = (() => {
    const first17 = `${TENCENT.slice(0, 16)}1`;
    return first17 + referenceUsccCheck(first17);
  })();

  it.each<[string, unknown, UsccProblem, string | RegExp]>([
    ['the empty string', '', 'empty', 'The unified social credit code is empty.'],
    ['only whitespace and quotes', ' "" \u3000', 'empty', 'The unified social credit code is empty.'],
    ['null', null, 'empty', 'No unified social credit code was given (the value is null).'],
    ['undefined', undefined, 'empty', 'No unified social credit code was given (the value is undefined).'],
    ['a hyphen inside', '91440300-71526726XG', 'bad-characters', /contains "-"/],
    ['Chinese characters', '9144030071526726X号', 'bad-characters', /contains "号"/],
    ['the letter O', '9144O30071526726XG', 'bad-characters', /"O".*never uses I, O, Z, S or V/],
    ['the letters I and S', '9144030071526726IS', 'bad-characters', /"I", "S"/],
    ['scientific notation from Excel', '9.14403E+17', 'bad-characters', /scientific notation/],
    ['a JavaScript number', Number('914403001922038216'), 'bad-characters', /arrived as a number/],
    ['an object', { uscc: TENCENT }, 'bad-characters', 'The code must be text, but it is of type object.'],
    ['17 characters', TENCENT.slice(0, 17), 'bad-length', 'The code has 17 characters, but a unified social credit code has 18.'],
    ['19 characters', `${TENCENT}1`, 'bad-length', /19 characters/],
    ['a 15-digit registration number', '440301103448669', 'bad-length', /business registration number \(注册号\)/],
    ['a 9-character organisation code', '71526726X', 'bad-length', /organisation code \(组织机构代码\)/],
    ['an organisation code with its hyphen', '71526726-X', 'bad-length', /organisation code \(组织机构代码\)/],
    ['letters in the region', withChecks('91AB000071526726'), 'bad-region', 'Characters 3–8 must be the 6-digit region code, but they are "AB0000".'],
    ['province 99', withChecks('9199000071526726'), 'bad-region', /"990000".*province-level code of GB\/T 2260/],
    ['province 10 outside central registration', withChecks('9110010071526726'), 'bad-region', /"100100"/],
    ['a wrong check character', `${TENCENT.slice(0, 17)}H`, 'bad-check-character', 'The check character is "H", but the first 17 characters require "G".'],
    ['a wrong organisation check with a matching final check', wrongOrganisationCheck, 'bad-organisation-check', /"715267261".*ends in "1".*requires "X"/],
  ])('refuses %s', (_case, raw, problem, reason) => {
    expect(problemOf(raw)).toBe(problem);
    if (typeof reason === 'string') expect(reasonOf(raw)).toBe(reason);
    else expect(reasonOf(raw)).toMatch(reason);
  });

  it('keeps the input as received on a refusal', () => {
    expect(checkUscc(' 9144030071526726xh ')).toMatchObject({ ok: false, input: ' 9144030071526726xh ' });
  });
});

describe('check characters', () => {
  it('computes G for Tencent and X for its organisation code 71526726', () => {
    expect(computeUsccCheckCharacter(TENCENT.slice(0, 17))).toBe('G');
    expect(computeOrganisationCheckCharacter('71526726')).toBe('X');
  });

  it('writes an organisation check of 11 as 0, as in the 个体工商户 code 92340604MA2PENA300 (python-stdnum tests)', () => {
    expect(computeOrganisationCheckCharacter('MA2PENA3')).toBe('0');
    expect(checkUscc('92340604MA2PENA300').ok).toBe(true);
  });

  it('agrees with the verification form of GB 32100 on any 17 characters', () => {
    fc.assert(
      fc.property(fc.array(alphabetCharacter, { minLength: 17, maxLength: 17 }), (characters) => {
        const first17 = characters.join('');
        expect(computeUsccCheckCharacter(first17)).toBe(referenceUsccCheck(first17));
      }),
    );
  });

  it('agrees with the verification form of GB 11714 on any 8 characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), { minLength: 8, maxLength: 8 }), (characters) => {
        const first8 = characters.join('');
        expect(computeOrganisationCheckCharacter(first8)).toBe(referenceOrganisationCheck(first8));
      }),
    );
  });

  it('throws a UsccError for the wrong length or a character outside the alphabet', () => {
    expect(() => computeUsccCheckCharacter(TENCENT)).toThrow(expect.objectContaining({ problem: 'bad-length' }));
    expect(() => computeUsccCheckCharacter('9144030071526726O')).toThrow(UsccError);
    expect(() => computeOrganisationCheckCharacter('7152672')).toThrow(expect.objectContaining({ problem: 'bad-length' }));
    expect(() => computeOrganisationCheckCharacter('7152672-')).toThrow(expect.objectContaining({ problem: 'bad-characters' }));
  });
});

describe('properties of valid codes', () => {
  it('accepts every generated valid code and returns its parts', () => {
    fc.assert(
      fc.property(validUscc, ({ uscc, registrationAuthority, entityType, regionCode }) => {
        expect(checkUscc(uscc)).toEqual({
          ok: true,
          uscc,
          registrationAuthority,
          entityType,
          regionCode,
          organisationCode: uscc.slice(8, 17),
        });
        expect(isValidUscc(uscc)).toBe(true);
      }),
    );
  });

  it('refuses every code with one character changed', () => {
    fc.assert(
      fc.property(
        validUscc,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: ALPHABET.length - 1 }),
        ({ uscc }, position, shift) => {
          const replaced = ALPHABET.charAt((ALPHABET.indexOf(uscc.charAt(position)) + shift) % ALPHABET.length);
          const mutated = uscc.slice(0, position) + replaced + uscc.slice(position + 1);
          expect(checkUscc(mutated).ok).toBe(false);
        },
      ),
    );
  });

  it('refuses every code with one character replaced by a look-alike GB 32100 leaves out', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'IOZSV'), ({ uscc }, position, letter) => {
        const mutated = uscc.slice(0, position) + letter + uscc.slice(position + 1);
        expect(problemOf(mutated)).toBe('bad-characters');
      }),
    );
  });

  it('normalises a noisy copy of a valid code back to the code', () => {
    const noisyCopy = validUscc.chain(({ uscc }) =>
      fc
        .record({
          styles: fc.array(
            fc.record({ fullWidth: fc.boolean(), lowerCase: fc.boolean(), after: fc.constantFrom('', '', ' ', '\u3000', '\u200B') }),
            { minLength: 18, maxLength: 18 },
          ),
          quote: fc.constantFrom({ open: '', close: '' }, { open: '"', close: '"' }, { open: "'", close: '' }, { open: '“', close: '”' }),
        })
        .map(({ styles, quote: { open, close } }) => {
          const body = [...uscc]
            .map((character, index) => {
              const style = styles[index];
              if (!style) return character;
              const cased = style.lowerCase ? character.toLowerCase() : character;
              return (style.fullWidth ? toFullWidth(cased) : cased) + style.after;
            })
            .join('');
          return { uscc, noisy: `${open}${body}${close}` };
        }),
    );
    fc.assert(
      fc.property(noisyCopy, ({ uscc, noisy }) => {
        expect(checkUscc(noisy)).toMatchObject({ ok: true, uscc });
      }),
    );
  });

  it('cleans idempotently', () => {
    const tricky = fc.constantFrom(' ', '\u3000', '\u00A0', '\u200B', '\uFEFF', "'", '"', '“', '”', '「', '」', 'ｘ', 'Ｇ', '１', 'a', '-');
    fc.assert(
      fc.property(fc.array(fc.oneof(tricky, fc.string({ maxLength: 3 }), alphabetCharacter), { maxLength: 30 }), (pieces) => {
        const once = cleanUscc(pieces.join(''));
        expect(cleanUscc(once)).toBe(once);
      }),
    );
  });
});
