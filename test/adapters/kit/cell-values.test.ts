import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  formatYuan,
  isBlankRow,
  isTitleRow,
  isTotalsRow,
  normaliseCode,
  normaliseText,
  parseBoolean,
  parseDate,
  parseFen,
  parseInteger,
  parsePeriod,
  parseText,
  type ParsedCell,
} from '../../../adapters/kit/cell-values.js';

const TODAY = '2025-06-30';

const toFullWidth = (text: string): string =>
  text.replace(/[!-~]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

function reasonOf<T>(result: ParsedCell<T>): string {
  return result.ok ? `accepted ${String(result.value)}` : result.reason;
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** Excel serial of a date in 1950 or later: days since 1899-12-30 (the serial of 1900-03-01 onwards). */
function excelSerial(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

describe('parseDate', () => {
  it.each([
    ['ISO', '2024-05-03'],
    ['slashes without padding', '2024/5/3'],
    ['dots without padding', '2024.5.3'],
    ['年月日 without padding', '2024年5月3日'],
    ['年月日 with padding', '2024年05月03日'],
    ['年月日 with spaces', '2024 年 5 月 3 日'],
    ['号 for 日', '2024年5月3号'],
    ['eight digits', '20240503'],
    ['a midnight time', '2024-05-03 00:00:00'],
    ['a time of day', '2024/5/3 14:30'],
    ['an ISO time without zone', '2024-05-03T09:15:00'],
    ['a time with seconds and fraction', '2024-05-03 09:15:00.000'],
    ['a 12-hour time', '2024/5/3 2:30 PM'],
    ['a time after 年月日', '2024年5月3日 08:00'],
    ['full-width digits', '２０２４－０５－０３'],
    ['full-width 年月日 form', '２０２４年５月３日'],
    ['an Excel serial', '45415'],
    ['an Excel serial with a time fraction', '45415.75'],
    ['a UTC timestamp of Beijing midnight', '2024-05-02T16:00:00Z'],
    ['a timestamp with a +08:00 offset', '2024-05-03T00:00:00+08:00'],
    ['surrounding spaces and a zero-width space', ' \u200B2024-05-03\u3000'],
  ])('reads %s as 2024-05-03', (_form, text) => {
    expect(parseDate(text, { today: TODAY })).toEqual({ ok: true, value: '2024-05-03' });
  });

  it('takes the Shanghai date of a UTC instant late in the UTC day', () => {
    expect(parseDate('2024-05-03T23:30:00Z', { today: TODAY })).toEqual({ ok: true, value: '2024-05-04' });
  });

  it('accepts a leap day and the last day a year ahead of today', () => {
    expect(parseDate('2024-02-29', { today: TODAY })).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseDate('2026-06-30', { today: TODAY })).toEqual({ ok: true, value: '2026-06-30' });
  });

  it('counts a year from 29 February as 28 February of the next year', () => {
    expect(parseDate('2025-02-28', { today: '2024-02-29' }).ok).toBe(true);
    expect(parseDate('2025-03-01', { today: '2024-02-29' }).ok).toBe(false);
  });

  it.each([
    ['an empty cell', '', 'The date is empty.'],
    ['whitespace only', ' \u3000 ', 'The date is empty.'],
    ['29 February in a common year', '2023-02-29', 'There is no day 29 in 2023-02, which has 28 days.'],
    ['31 April', '2024/4/31', 'There is no day 31 in 2024-04, which has 30 days.'],
    ['month 13', '2024-13-01', 'There is no month 13.'],
    ['day 0 in eight digits', '20240500', 'There is no day 00 in 2024-05, which has 31 days.'],
    ['a year before 1880', '0224-05-03', 'The year 0224 is before 1880; check for a typing slip.'],
    ['a date more than a year ahead', '2026-07-01', 'The date 2026-07-01 is more than a year from today; check the year.'],
    ['a two-digit year first', '24/5/3', /two digits/],
    ['a two-digit year last', '3/5/24', /two digits/],
    ['a two-digit year in 年月日', '24年5月3日', /two digits/],
    ['a four-digit year last', '3/5/2024', /day and month could be either way round/],
    ['an hour that does not exist', '2024/5/3 25:00', 'The part after the date, "25:00", is not a time of day.'],
    ['a year alone', '2024', 'This is only a year, but the column needs a full date such as 2024-05-03.'],
    ['Excel serial 60, the phantom 1900-02-29', '60', /29 February that never existed/],
    ['a small serial', '1', /29 February that never existed/],
    ['a serial before 1950', '18263', /would be 1949-12-31, before 1950-01-01; it is probably a number from another column/],
    ['a serial more than a year ahead', '46204', /would be 2026-07-01, more than a year from today/],
    ['mixed separators', '2024-05/03', /not a date/],
    ['seven digits', '2024053', /not a date/],
    ['words', '五月三日', /not a date/],
  ])('refuses %s', (_case, text, reason) => {
    const result = parseDate(text, { today: TODAY });
    expect(result.ok).toBe(false);
    if (typeof reason === 'string') expect(reasonOf(result)).toBe(reason);
    else expect(reasonOf(result)).toMatch(reason);
  });

  it('accepts the first serial of 1950', () => {
    expect(parseDate('18264', { today: TODAY })).toEqual({ ok: true, value: '1950-01-01' });
  });

  it('refuses a malformed today option instead of guessing', () => {
    expect(() => parseDate('2024-05-03', { today: '2025-02-30' })).toThrow(RangeError);
  });

  describe('without a today option', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('counts a year ahead from today in Asia/Shanghai', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2024-06-30T16:30:00Z'));
      expect(parseDate('2025-07-01').ok).toBe(true);
      expect(parseDate('2025-07-02').ok).toBe(false);
    });
  });

  it('reads any date from 1950 to today in every supported form as that date', () => {
    const dateAndTime = fc.record({
      date: fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(dateAndTime, ({ date, hour, minute }) => {
        const iso = date.toISOString().slice(0, 10);
        const year = date.getUTCFullYear();
        const month = date.getUTCMonth() + 1;
        const day = date.getUTCDate();
        const forms = [
          iso,
          `${year}/${month}/${day}`,
          `${year}/${pad(month)}/${pad(day)}`,
          `${year}.${month}.${day}`,
          `${year}年${month}月${day}日`,
          `${year}年${pad(month)}月${pad(day)}日`,
          `${year}${pad(month)}${pad(day)}`,
          `${iso} 00:00:00`,
          `${year}/${month}/${day} ${hour}:${pad(minute)}`,
          // Below 23:00: Shanghai kept daylight saving time in 1986–1991, so 23:xx+08:00 fell on the next day there.
          `${iso}T${pad(Math.min(hour, 22))}:${pad(minute)}:00+08:00`,
          toFullWidth(iso),
          String(excelSerial(year, month, day)),
        ];
        for (const form of forms) {
          expect(parseDate(form, { today: TODAY }), form).toEqual({ ok: true, value: iso });
        }
      }),
    );
  });
});

describe('parsePeriod', () => {
  it.each([
    ['2024-05', '2024-05'],
    ['2024-5', '2024-05'],
    ['202405', '2024-05'],
    ['2024年5月', '2024-05'],
    ['2024 年 05 月', '2024-05'],
    ['2024.5', '2024-05'],
    ['2024.10', '2024-10'],
    ['2024/05', '2024-05'],
    ['２０２４－０５', '2024-05'],
  ])('reads %s as %s', (text, period) => {
    expect(parsePeriod(text)).toEqual({ ok: true, value: period });
  });

  it.each([
    ['an empty cell', '', 'The month is empty.'],
    ['2024.1, which may be January or an October that lost its zero', '2024.1', /January or October/],
    ['month 13', '2024-13', 'There is no month 13.'],
    ['month 0', '202400', 'There is no month 00.'],
    ['a full date', '2024-05-03', 'This is a full date, but the column holds a month; write it as 2024-05.'],
    ['a full date in eight digits', '20240503', /full date/],
    ['a two-digit year', '24-05', /two digits/],
    ['a year before 1880', '0224-05', /before 1880/],
    ['words', '五月', /not a month/],
  ])('refuses %s', (_case, text, reason) => {
    const result = parsePeriod(text);
    expect(result.ok).toBe(false);
    if (typeof reason === 'string') expect(reasonOf(result)).toBe(reason);
    else expect(reasonOf(result)).toMatch(reason);
  });

  it('reads every month of every year in each supported form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1880, max: 2999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const period = `${year}-${pad(month)}`;
        const forms = [period, `${year}${pad(month)}`, `${year}年${month}月`, `${year}/${pad(month)}`];
        if (month !== 1) forms.push(`${year}.${month}`);
        for (const form of forms) expect(parsePeriod(form), form).toEqual({ ok: true, value: period });
      }),
    );
  });
});

describe('parseFen', () => {
  it.each([
    ['1234.5', 123_450],
    ['1,234.50', 123_450],
    ['1，234.50', 123_450],
    ['¥1234.5', 123_450],
    ['￥1,234', 123_400],
    ['1234.50元', 123_450],
    ['1234元', 123_400],
    ['¥ 1,234.50 元', 123_450],
    ['RMB 1234.50', 123_450],
    ['12.3万元', 12_300_000],
    ['1.5万', 1_500_000],
    ['0.000001万', 1],
    ['１２３４.５', 123_450],
    ['１，２３４．５０', 123_450],
    ['12.300', 1_230],
    ['0.29', 29],
    ['1.15', 115],
    ['4.35', 435],
    ['.5', 50],
    ['0', 0],
    ['-0.00', 0],
    ['9007199254740.99', 900_719_925_474_099],
  ])('reads %s as %i fen', (text, fen) => {
    expect(parseFen(text)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ['-12.00', -1_200],
    ['(12.00)', -1_200],
    ['（12.00）', -1_200],
    ['¥-12', -1_200],
    ['-¥12', -1_200],
    ['−12.50', -1_250],
    ['-1.5万', -1_500_000],
  ])('reads the negative %s as %i fen when negatives are allowed', (text, fen) => {
    expect(parseFen(text, { allowNegative: true })).toEqual({ ok: true, value: fen });
  });

  it.each([
    ['an empty cell', '', 'The amount is empty.'],
    ['a negative amount where none is allowed', '-12.00', 'The amount is negative, and this column takes no negative amounts.'],
    ['an accounting negative where none is allowed', '(12.00)', 'The amount is negative, and this column takes no negative amounts.'],
    ['three significant decimals', '12.345', 'The amount has 3 decimal places, but money has at most 2 (fen); money is never rounded.'],
    ['a fraction of a fen in 万', '0.0000001万', /at most 6 decimal places/],
    ['two decimal points', '1.2.3', 'The amount has more than one decimal point.'],
    ['a decimal comma', '1234,50', /comma where a decimal point may be meant/],
    ['misplaced thousands separators', '12,34,567', /groups of three digits/],
    ['a space between digits', '1 234', 'The amount has a space between its digits.'],
    ['scientific notation', '1.2E+5', /scientific notation/],
    ['an unmatched parenthesis', '(12.00', 'The amount has an unmatched parenthesis.'],
    ['two signs', '(-12)', 'The amount has more than one sign.'],
    ['no digits', '¥元', 'The amount has no digits.'],
    ['a 整 suffix', '1234元整', 'The amount contains "整"; write it as 1234.50.'],
    ['words', '壹仟元', /contains "壹", "仟"/],
    ['more than a safe integer of fen', '99999999999999999999', 'The amount is too large to be a real payment.'],
  ])('refuses %s', (_case, text, reason) => {
    const result = parseFen(text);
    expect(result.ok).toBe(false);
    if (typeof reason === 'string') expect(reasonOf(result)).toBe(reason);
    else expect(reasonOf(result)).toMatch(reason);
  });

  const fenUpToTrillion = fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 });

  it('round-trips formatYuan for any amount up to 10^12 fen', () => {
    fc.assert(
      fc.property(fenUpToTrillion, (fen) => {
        expect(parseFen(formatYuan(fen), { allowNegative: true })).toEqual({ ok: true, value: fen });
        if (fen >= 0) expect(parseFen(formatYuan(fen))).toEqual({ ok: true, value: fen });
      }),
    );
  });

  it('reads decorated forms of any amount as the same fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), (fen) => {
        const plain = formatYuan(fen);
        const [integer = '', fraction = ''] = plain.split('.');
        const grouped = `${integer.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
        const tenThousands = String(fen).padStart(7, '0');
        const forms = [
          grouped,
          `¥${grouped}`,
          `${plain}元`,
          toFullWidth(grouped),
          grouped.replaceAll(',', '，'),
          `${plain}0`,
          `${tenThousands.slice(0, -6)}.${tenThousands.slice(-6)}万`,
        ];
        for (const form of forms) expect(parseFen(form), form).toEqual({ ok: true, value: fen });
      }),
    );
  });

  it('formats fen with two decimals from the digits', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(123_450)).toBe('1234.50');
    expect(formatYuan(-1_200)).toBe('-12.00');
    expect(() => formatYuan(1.5)).toThrow(RangeError);
  });
});

describe('parseInteger', () => {
  it.each([
    ['3', 3],
    [' 3 ', 3],
    ['３', 3],
    ['3.0', 3],
    ['1,234', 1_234],
    ['-2', -2],
    ['+7', 7],
  ])('reads %s as %i', (text, value) => {
    expect(parseInteger(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'The number is empty.'],
    ['3.5', 'The number has a fraction, but this column takes whole numbers.'],
    ['3人', 'This is not a whole number.'],
    ['12,34', 'This is not a whole number.'],
    ['99999999999999999', 'The number is too large.'],
  ])('refuses "%s"', (text, reason) => {
    expect(reasonOf(parseInteger(text))).toBe(reason);
  });
});

describe('parseBoolean', () => {
  it.each(['是', '有', 'Y', 'y', 'Yes', 'Ｙ', '1', 'true', 'TRUE', '√', ' 是 '])('reads %s as true', (text) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value: true });
  });

  it.each(['否', '无', 'N', 'n', 'no', 'ｎ', '0', 'false', '×'])('reads %s as false', (text) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value: false });
  });

  it('refuses anything else instead of reading it as no', () => {
    expect(reasonOf(parseBoolean('不详'))).toBe(
      'This is not a yes/no value; use 是/否, 有/无, Y/N, 1/0, true/false or √/×.',
    );
    expect(reasonOf(parseBoolean(''))).toBe('The yes/no cell is empty.');
  });
});

describe('text normalisation', () => {
  it('trims, collapses inner whitespace and strips zero-width characters, and nothing more', () => {
    expect(normaliseText(' 张\u3000\u3000三\u200B\t')).toBe('张 三');
    expect(normaliseText('ＡＢ１')).toBe('ＡＢ１');
  });

  it('leaves CJK compatibility ideographs in names untouched', () => {
    expect(normaliseText('\uF900')).toBe('\uF900');
  });

  it('turns full-width letters and digits of a code into upper-case ASCII', () => {
    expect(normaliseCode(' ａｂ１２\u3000')).toBe('AB12');
    expect(normaliseCode('\u200Bdb01')).toBe('DB01');
  });

  it('parses text and refuses an empty cell', () => {
    expect(parseText('  李  四 ')).toEqual({ ok: true, value: '李 四' });
    expect(reasonOf(parseText('\u200B '))).toBe('The cell is empty.');
  });

  it('normalises text idempotently', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(normaliseText(normaliseText(text))).toBe(normaliseText(text));
      }),
    );
  });
});

describe('rows to skip', () => {
  it('sees a row of whitespace and invisible characters as blank', () => {
    expect(isBlankRow(['', ' ', '\u3000', '\u200B'])).toBe(true);
    expect(isBlankRow([])).toBe(true);
    expect(isBlankRow(['', '张三'])).toBe(false);
  });

  it.each([
    [['合计', '', '12345.00']],
    [['', '合 计', '3']],
    [['总计：', '']],
    [['小计', '5']],
    [['Total', '5']],
    [['TOTAL:', '5']],
    [['Ｔｏｔａｌ']],
  ])('sees %j as a totals row', (cells) => {
    expect(isTotalsRow(cells)).toBe(true);
  });

  it('does not see a person or an empty row as a totals row', () => {
    expect(isTotalsRow(['1', '张三', '合计'])).toBe(false);
    expect(isTotalsRow(['合计收入', '张三'])).toBe(false);
    expect(isTotalsRow(['', ''])).toBe(false);
  });

  it('sees a lone text in the first column of a wider table as a merged title', () => {
    expect(isTitleRow(['2024年5月城乡低保名册', '', '', ''], 4)).toBe(true);
    expect(isTitleRow(['填报单位：永宁县民政局'], 4)).toBe(true);
  });

  it('does not see a data row as a title, so that it is rejected visibly instead of skipped', () => {
    expect(isTitleRow(['7', '', '', ''], 4)).toBe(false);
    expect(isTitleRow(['', '张三', '', ''], 4)).toBe(false);
    expect(isTitleRow(['1', '张三', '', ''], 4)).toBe(false);
    expect(isTitleRow(['张三'], 1)).toBe(false);
    expect(isTitleRow(['', '', ''], 3)).toBe(false);
  });
});
