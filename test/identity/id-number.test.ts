import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  IdNumberError,
  checkIdNumber,
  cleanIdNumber,
  computeCheckCharacter,
  isValidIdNumber,
  maskIdNumber,
  requireIdNumber,
  upgradeIdNumber15,
  type IdNumberProblem,
} from '../../gateway/identity/id-number.js';

/** GB 11643-1999's own example (female, born 1949-12-31 in 北京市朝阳区). */
const STANDARD_EXAMPLE = '11010519491231002X';
const TODAY = '2025-01-01';

const PROVINCE_CODES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
];

/** python-stdnum's formulation, independent of the weight table: (1 − 2·int(body, 13)) mod 11, 'X' for 10. */
function referenceCheckCharacter(first17: string): string {
  const base13 = [...first17].reduce((total, digit) => total * 13n + BigInt(digit), 0n);
  const value = (((1n - 2n * base13) % 11n) + 11n) % 11n;
  return value === 10n ? 'X' : value.toString();
}

function withCheckCharacter(first17: string): string {
  return first17 + computeCheckCharacter(first17);
}

function problemOf(raw: unknown): IdNumberProblem | undefined {
  const check = checkIdNumber(raw, { today: TODAY });
  return check.ok ? undefined : check.problem;
}

/** Characters cleanIdNumber rewrites or removes, so arbitrary text meets them often. */
const TRICKY_CHARACTERS = [
  ' ', '\u3000', '\u00A0', '\t', '\u200B', '\uFEFF',
  "'", '"', '‘', '’', '“', '”', '「', '」', '＂', '＇',
  'x', 'ｘ', 'Ｘ', '１',
];

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

const validParts = fc.record({
  province: fc.constantFrom(...PROVINCE_CODES),
  district: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
  birthDate: fc
    .date({ min: new Date('1880-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
    .map(isoDate),
  sequence: fc.integer({ min: 0, max: 999 }).map((n) => String(n).padStart(3, '0')),
});

const validIdNumber = validParts.map((parts) => ({
  ...parts,
  idNumber: withCheckCharacter(parts.province + parts.district + parts.birthDate.replaceAll('-', '') + parts.sequence),
}));

const toFullWidth = (character: string): string => String.fromCharCode(character.charCodeAt(0) + 0xfee0);

/** What department files wrap around a number: spacing of every kind, full-width forms, quotes, Excel's apostrophe. */
function noisyForm(idNumber: string): fc.Arbitrary<string> {
  const separator = fc.constantFrom('', '', ' ', '\u3000', '\u00A0', '\t', '\u200B', '\uFEFF');
  const quotes = fc.constantFrom(
    { open: '', close: '' },
    { open: '"', close: '"' },
    { open: "'", close: "'" },
    { open: '“', close: '”' },
    { open: '‘', close: '’' },
    { open: '「', close: '」' },
    { open: "'", close: '' },
  );
  return fc
    .record({
      characters: fc.array(fc.record({ fullWidth: fc.boolean(), lowerCase: fc.boolean(), after: separator }), {
        minLength: idNumber.length,
        maxLength: idNumber.length,
      }),
      quotes,
      outerSpace: separator,
    })
    .map(({ characters, quotes: { open, close }, outerSpace }) => {
      const body = [...idNumber]
        .map((character, index) => {
          const style = characters[index];
          if (!style) return character;
          const cased = style.lowerCase ? character.toLowerCase() : character;
          return (style.fullWidth ? toFullWidth(cased) : cased) + style.after;
        })
        .join('');
      return `${outerSpace}${open}${body}${close}${outerSpace}`;
    });
}

describe('checkIdNumber on known numbers', () => {
  it('accepts the example from GB 11643-1999 and derives gender, birth date and region', () => {
    expect(checkIdNumber(STANDARD_EXAMPLE, { today: TODAY })).toEqual({
      ok: true,
      idNumber: STANDARD_EXAMPLE,
      gender: 'female',
      birthDate: '1949-12-31',
      regionCode: '110105',
      upgradedFrom15: false,
    });
  });

  it('accepts a birth date on a leap day', () => {
    const check = checkIdNumber('44030420000229009X', { today: TODAY });
    expect(check).toMatchObject({ ok: true, birthDate: '2000-02-29', gender: 'male', regionCode: '440304' });
  });

  it('upgrades a 15-digit number by inserting 19 and appending the check character', () => {
    expect(checkIdNumber('110105491231002', { today: TODAY })).toEqual({
      ok: true,
      idNumber: STANDARD_EXAMPLE,
      gender: 'female',
      birthDate: '1949-12-31',
      regionCode: '110105',
      upgradedFrom15: true,
    });
  });

  it('accepts a valid number that happens to end in 000 rather than calling it Excel damage', () => {
    expect(checkIdNumber('440304200002299000', { today: TODAY })).toMatchObject({ ok: true });
  });

  it('accepts the residence-permit prefix 83 of 台湾居民居住证', () => {
    expect(checkIdNumber(withCheckCharacter('83000019900101002'), { today: TODAY }).ok).toBe(true);
  });

  it.each([
    ['lower-case x', '11010519491231002x'],
    ['full-width digits and X', '１１０１０５１９４９１２３１００２Ｘ'],
    ['full-width lower-case x', '１１０１０５１９４９１２３１００２ｘ'],
    ['double quotes', '"11010519491231002X"'],
    ['curly quotes', '“11010519491231002X”'],
    ['corner brackets', '「11010519491231002X」'],
    ['spaces between groups', '110105 19491231 002X'],
    ['ideographic spaces', '110105\u300019491231\u3000002X'],
    ['NBSP and a tab', '\u00A011010519491231002X\t'],
    ["Excel's leading apostrophe", "'11010519491231002X"],
    ['a byte-order mark', '\uFEFF11010519491231002X'],
    ['a zero-width space inside', '1101051949\u200B1231002X'],
  ])('normalises %s to the canonical form', (_form, raw) => {
    expect(checkIdNumber(raw, { today: TODAY })).toMatchObject({ ok: true, idNumber: STANDARD_EXAMPLE });
  });

  it.each<[string, unknown, IdNumberProblem]>([
    ['a wrong check character', '110105194912310021', 'bad-check-character'],
    ['29 February 1900, which was not a leap year', withCheckCharacter('11010519000229002'), 'bad-birth-date'],
    ['30 February 2023', withCheckCharacter('11010520230230002'), 'bad-birth-date'],
    ['month 13', withCheckCharacter('11010519491331002'), 'bad-birth-date'],
    ['a birth date before 1880', withCheckCharacter('11010518791231002'), 'bad-birth-date'],
    ['a birth date after today', withCheckCharacter('11010520300101002'), 'future-birth-date'],
    ['province 99', withCheckCharacter('99010519491231002'), 'bad-region'],
    ['province 00', withCheckCharacter('00010519491231002'), 'bad-region'],
    ['17 digits', '11010519491231002', 'bad-length'],
    ['19 characters', '11010519491231002X1', 'bad-length'],
    ['letters in the middle', '1101051949A231002X', 'bad-characters'],
    ['an X that is not last', '11010519491231X021', 'bad-characters'],
    ['an X in a 15-digit number', '11010549123100X', 'bad-characters'],
    ['hyphens', '110105-19491231-002X', 'bad-characters'],
    ['the empty string', '', 'empty'],
    ['only whitespace', ' \u3000\t\u00A0', 'empty'],
    ['only quote marks', '""', 'empty'],
    ['null', null, 'empty'],
    ['undefined', undefined, 'empty'],
    ['an object', { idNumber: STANDARD_EXAMPLE }, 'bad-characters'],
  ])('rejects %s', (_case, raw, problem) => {
    expect(problemOf(raw)).toBe(problem);
  });

  it('rejects a number Excel turned into scientific notation', () => {
    for (const raw of ['1.10105E+17', '6.40121E+17', '1.10105e+17', '１.１０１０５Ｅ＋１７']) {
      const check = checkIdNumber(raw, { today: TODAY });
      expect(check).toMatchObject({ ok: false, problem: 'excel-mangled' });
      expect(check.ok ? '' : check.reason).toMatch(/scientific notation/);
    }
  });

  it('rejects a number that a spreadsheet saved with a trailing .0', () => {
    const check = checkIdNumber('110105194912310021.0', { today: TODAY });
    expect(check).toMatchObject({ ok: false, problem: 'excel-mangled' });
    expect(check.ok ? '' : check.reason).toMatch(/"\.0"/);
  });

  it('says a failing number ending in 000 may have been truncated by Excel to 15 significant digits', () => {
    const check = checkIdNumber('110105194912310000', { today: TODAY });
    expect(check).toMatchObject({ ok: false, problem: 'excel-mangled' });
    expect(check.ok ? '' : check.reason).toMatch(/may have/);
  });

  it('rejects an ID number that arrived as a JavaScript number, since its digits are no longer trustworthy', () => {
    expect(problemOf(110105194912310020)).toBe('excel-mangled');
    expect(problemOf(110105491231002)).toBe('excel-mangled');
    expect(checkIdNumber(110105491231002, { today: TODAY })).toMatchObject({ input: '110105491231002' });
  });

  it('keeps the raw input on a rejection and gives a one-sentence reason', () => {
    const check = checkIdNumber(' 110105194912310021 ', { today: TODAY });
    expect(check).toMatchObject({ ok: false, input: ' 110105194912310021 ' });
    expect(check.ok ? '' : check.reason).toBe('The check character is "1", but the first 17 digits require "X".');
  });

  it('names the stray characters it found', () => {
    const check = checkIdNumber('1101051949A231002X', { today: TODAY });
    expect(check.ok ? '' : check.reason).toContain('"A"');
  });

  it('refuses a malformed today option instead of guessing', () => {
    expect(() => checkIdNumber(STANDARD_EXAMPLE, { today: '2025-02-30' })).toThrow(RangeError);
  });
});

describe('checkIdNumber without a today option', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const bornFirstOfJuly2024 = withCheckCharacter('11010520240701002');

  it('counts today in Asia/Shanghai, so a baby born just after midnight Beijing time is not in the future', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-06-30T17:00:00Z'));
    expect(checkIdNumber(bornFirstOfJuly2024).ok).toBe(true);
  });

  it('treats a birth date one Beijing day ahead as in the future', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2024-06-30T15:59:00Z'));
    expect(checkIdNumber(bornFirstOfJuly2024)).toMatchObject({ ok: false, problem: 'future-birth-date' });
  });
});

describe('computeCheckCharacter', () => {
  it('gives X for the standard example', () => {
    expect(computeCheckCharacter('11010519491231002')).toBe('X');
  });

  it('agrees with the base-13 formulation used by python-stdnum', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }), (digits) => {
        const first17 = digits.join('');
        expect(computeCheckCharacter(first17)).toBe(referenceCheckCharacter(first17));
      }),
    );
  });

  it('throws on anything but 17 digits', () => {
    expect(() => computeCheckCharacter('1101051949123100')).toThrow(IdNumberError);
    expect(() => computeCheckCharacter('1101051949123100X')).toThrow(IdNumberError);
  });

  it('changes under every single-digit substitution in every position of the body', () => {
    const first17 = STANDARD_EXAMPLE.slice(0, 17);
    for (let position = 0; position < 17; position += 1) {
      for (let delta = 1; delta <= 9; delta += 1) {
        const replaced = String((Number(first17[position]) + delta) % 10);
        const mutated = first17.slice(0, position) + replaced + first17.slice(position + 1);
        expect(computeCheckCharacter(mutated)).not.toBe('X');
      }
    }
  });
});

describe('upgradeIdNumber15', () => {
  it('inserts 19 after the region and appends the check character', () => {
    expect(upgradeIdNumber15('110105491231002')).toBe(STANDARD_EXAMPLE);
  });

  it('throws an IdNumberError for an 18-character number', () => {
    expect(() => upgradeIdNumber15(STANDARD_EXAMPLE)).toThrow(IdNumberError);
  });

  it('throws an IdNumberError naming the problem for an impossible date', () => {
    expect(() => upgradeIdNumber15('110105490231002')).toThrow(
      expect.objectContaining({ name: 'IdNumberError', problem: 'bad-birth-date' }),
    );
  });
});

describe('requireIdNumber and isValidIdNumber', () => {
  it('returns the checked number when it is valid', () => {
    expect(requireIdNumber(' 11010519491231002x ')).toMatchObject({ idNumber: STANDARD_EXAMPLE });
    expect(isValidIdNumber(STANDARD_EXAMPLE)).toBe(true);
  });

  it('throws an IdNumberError carrying the problem and reason when it is not', () => {
    expect(() => requireIdNumber('1.10105E+17')).toThrow(
      expect.objectContaining({ problem: 'excel-mangled', message: expect.stringMatching(/scientific notation/) }),
    );
    expect(isValidIdNumber(null)).toBe(false);
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 6 and last 4 characters of an 18-character number', () => {
    expect(maskIdNumber(STANDARD_EXAMPLE)).toBe('110105********002X');
  });

  it('masks the birth date of a 15-digit number, keeping only the sequence', () => {
    expect(maskIdNumber('110105491231002')).toBe('110105******002');
  });

  it('masks everything of a value that is not shaped like an ID number', () => {
    expect(maskIdNumber('1.10105E+17')).toBe('***********');
  });
});

describe('properties of valid ID numbers', () => {
  it('accepts every generated valid number and round-trips gender, birth date and region', () => {
    fc.assert(
      fc.property(validIdNumber, ({ idNumber, province, district, birthDate, sequence }) => {
        const check = checkIdNumber(idNumber, { today: TODAY });
        expect(check).toEqual({
          ok: true,
          idNumber,
          gender: Number(sequence.charAt(2)) % 2 === 1 ? 'male' : 'female',
          birthDate,
          regionCode: province + district,
          upgradedFrom15: false,
        });
      }),
    );
  });

  it('upgrades every valid 15-digit number of someone born in the 1900s', () => {
    const bornIn1900s = validParts.filter(({ birthDate }) => birthDate >= '1900-01-01' && birthDate <= '1999-12-31');
    fc.assert(
      fc.property(bornIn1900s, ({ province, district, birthDate, sequence }) => {
        const compact = birthDate.replaceAll('-', '');
        const id15 = province + district + compact.slice(2) + sequence;
        const id18 = withCheckCharacter(province + district + compact + sequence);
        expect(upgradeIdNumber15(id15)).toBe(id18);
        expect(checkIdNumber(id15, { today: TODAY })).toMatchObject({ ok: true, idNumber: id18, upgradedFrom15: true });
      }),
    );
  });

  it('rejects every number with one digit changed, because MOD 11-2 detects all single-digit errors', () => {
    fc.assert(
      fc.property(
        validIdNumber,
        fc.integer({ min: 0, max: 17 }),
        fc.integer({ min: 1, max: 9 }),
        ({ idNumber }, position, delta) => {
          const original = idNumber.charAt(position);
          const replaced = original === 'X' ? String(delta) : String((Number(original) + delta) % 10);
          const mutated = idNumber.slice(0, position) + replaced + idNumber.slice(position + 1);
          expect(checkIdNumber(mutated, { today: TODAY }).ok).toBe(false);
          if (position < 17) {
            expect(computeCheckCharacter(mutated.slice(0, 17))).not.toBe(idNumber.charAt(17));
          }
        },
      ),
    );
  });

  it('detects every swap of two different adjacent digits in the body', () => {
    fc.assert(
      fc.property(validIdNumber, fc.integer({ min: 0, max: 15 }), ({ idNumber }, position) => {
        const left = idNumber.charAt(position);
        const right = idNumber.charAt(position + 1);
        fc.pre(left !== right);
        const swapped = idNumber.slice(0, position) + right + left + idNumber.slice(position + 2, 17);
        expect(computeCheckCharacter(swapped)).not.toBe(idNumber.charAt(17));
      }),
    );
  });

  it('normalises a noisy copy of a valid number back to the number itself', () => {
    const numberAndNoisyCopy = validIdNumber.chain(({ idNumber }) =>
      noisyForm(idNumber).map((noisy) => ({ idNumber, noisy })),
    );
    fc.assert(
      fc.property(numberAndNoisyCopy, ({ idNumber, noisy }) => {
        expect(cleanIdNumber(noisy)).toBe(idNumber);
        expect(checkIdNumber(noisy, { today: TODAY })).toMatchObject({ ok: true, idNumber });
      }),
    );
  });

  it('masks to 18 characters keeping the first 6 and last 4 and hiding the birth date', () => {
    fc.assert(
      fc.property(validIdNumber, ({ idNumber }) => {
        const masked = maskIdNumber(idNumber);
        expect(masked).toHaveLength(18);
        expect(masked.slice(0, 6)).toBe(idNumber.slice(0, 6));
        expect(masked.slice(14)).toBe(idNumber.slice(14));
        expect(masked.slice(6, 14)).toBe('********');
        expect(masked).not.toContain(idNumber.slice(6, 14));
      }),
    );
  });
});

describe('cleanIdNumber', () => {
  const textWithTrickyCharacters = fc.string({
    unit: fc.oneof(fc.constantFrom(...TRICKY_CHARACTERS), fc.string({ unit: 'grapheme' })),
  });

  it('is idempotent on arbitrary text', () => {
    fc.assert(
      fc.property(textWithTrickyCharacters, (raw) => {
        const once = cleanIdNumber(raw);
        expect(cleanIdNumber(once)).toBe(once);
      }),
    );
  });

  it('is idempotent on noisy ID numbers', () => {
    fc.assert(
      fc.property(validIdNumber.chain(({ idNumber }) => noisyForm(idNumber)), (noisy) => {
        const once = cleanIdNumber(noisy);
        expect(cleanIdNumber(once)).toBe(once);
      }),
    );
  });

  it('keeps what it cannot normalise, leaving the judgement to checkIdNumber', () => {
    expect(cleanIdNumber(' 1.10105e+17 ')).toBe('1.10105E+17');
    expect(cleanIdNumber('110105-1949')).toBe('110105-1949');
  });
});
