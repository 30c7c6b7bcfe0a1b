/**
 * Department-file cell text → typed values (dates, months, money, counts, yes/no, text).
 *
 * Every department types the same value its own way — 2024/5/3, 2024年5月3日, an Excel serial; ¥1,234.50,
 * 1234.5元, 0.12万 — with full-width digits and stray spaces on top. Each parser accepts the forms that mean one
 * thing only and refuses the rest with a reason a clerk can act on: a value that could be read two ways is
 * refused, never guessed, and money is never rounded. Parsers never throw on bad input.
 *
 * An empty cell is refused by every parser; whether a column may be empty is the mapping's decision, made before
 * a parser is called.
 */

import { todayInShanghai } from '../../gateway/calendar/shanghai-date.js';

export type ParsedCell<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ParseDateOptions {
  /** The date against which "too far in the future" is judged, YYYY-MM-DD; defaults to today in Asia/Shanghai. */
  today?: string;
}

export interface ParseFenOptions {
  /** Accept amounts below zero (refunds, corrections); most columns hold payments and must not. */
  allowNegative?: boolean;
}

/**
 * The lower bound for any date or month, the same as the ID-number check's earliest birth year: nothing in a
 * register is older, so an earlier year is a typing slip (0224 for 2024), not data.
 */
const EARLIEST_YEAR = 1880;

/**
 * Excel's day 0 is 1899-12-31, but Excel counts a 29 February 1900 that never existed (kept from Lotus 1-2-3),
 * so from serial 61 (1900-03-01) onwards serial n is 1899-12-30 plus n days.
 */
const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** Serial 60 is Excel's phantom 1900-02-29; serials up to it name dates one day off from the real calendar. */
const LAST_AMBIGUOUS_SERIAL = 60;

/**
 * A bare number below the serial of 1950 in a date column is more often an amount or a count from a neighbouring
 * column than a date, so it is refused. The cost: an older person's birth date must arrive written out, not as a
 * serial.
 */
const EARLIEST_SERIAL_DATE = '1950-01-01';

/** Full-width ASCII (U+FF01–U+FF5E) sits exactly 0xFEE0 above its ASCII twin. */
const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;
const FULL_WIDTH_OFFSET = 0xfee0;

/** Zero-width spaces and joiners, word joiner and the BOM that Excel and Word leave behind. */
const INVISIBLE_CHARACTERS = /[\u200B-\u200D\u2060\uFEFF]/g;

/** `\s` covers tabs, NBSP (U+00A0) and the ideographic space U+3000. */
const WHITESPACE_RUN = /\s+/g;

/**
 * Trims, collapses inner whitespace to one space and strips zero-width characters; nothing else. No Unicode
 * normalisation, not even NFC: CJK compatibility ideographs (U+F900–U+FAFF) decompose canonically, so NFC would
 * rewrite some rare characters in personal names and break matching against 公安 records.
 */
/** Cells that are already plain — no spaces at all, nothing invisible — are most cells; they skip the regex passes. */
const PLAIN_CELL = /^[^\s\u200B-\u200D\u2060\uFEFF]*$/;

export function normaliseText(text: string): string {
  if (PLAIN_CELL.test(text)) return text;
  return text.replace(INVISIBLE_CHARACTERS, '').replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * For codes (division codes, category codes, account numbers): NFKC turns full-width letters and digits into
 * ASCII, then the code is upper-cased and trimmed. Never use it on names; see normaliseText.
 */
export function normaliseCode(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE_CHARACTERS, '').trim().toUpperCase();
}

/** A text cell: normaliseText, refused when nothing is left. */
export function parseText(text: string): ParsedCell<string> {
  const value = normaliseText(text);
  return value === '' ? refuse('The cell is empty.') : { ok: true, value };
}

/**
 * A calendar date, YYYY-MM-DD. Accepts 2024-05-03, 2024/5/3, 2024.5.3, 2024年5月3日, 20240503, an Excel date serial
 * (45415), and any of the separated forms followed by a time of day, which is dropped: department exports turn a
 * date column into "2024-05-03 00:00:00", and the time never carries meaning in these files. An ISO timestamp
 * with a zone (2024-05-02T16:00:00Z) names an instant, and its date is taken in Asia/Shanghai.
 * Refuses two-digit years and day-first or month-first orders (24/5/3, 3/5/2024), which are ambiguous, dates that
 * do not exist, years before 1880, and dates more than a year after `today`.
 */
/** The latest acceptable date for a given 'today'; a file's cells all share one today, so it is worked out once. */
let latestFor: { today: string; latest: string } | undefined;

export function parseDate(text: string, options: ParseDateOptions = {}): ParsedCell<string> {
  const today = options.today ?? todayInShanghai();
  if (latestFor?.today !== today) latestFor = { today, latest: addOneYear(today) };
  const latest = latestFor.latest;
  // Most date cells are already YYYY-MM-DD; a real one within bounds needs no more work.
  if (text.length === 10 && ISO_DATE.test(text)) {
    const year = Number(text.slice(0, 4));
    const month = Number(text.slice(5, 7));
    const day = Number(text.slice(8, 10));
    if (year >= EARLIEST_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && text <= latest) return { ok: true, value: text };
  }
  const cleaned = toHalfWidth(text).replace(/\s*([年月日号])\s*/g, '$1');
  if (cleaned === '') return refuse('The date is empty.');

  const instant = ZONED_TIMESTAMP.exec(cleaned);
  if (instant) {
    const [, year = '', month = '', day = ''] = instant;
    const invalid = describeImpossibleDate(year, month, day);
    if (invalid) return refuse(invalid);
    const instantMs = Date.parse(cleaned);
    if (Number.isNaN(instantMs)) return refuse('The timestamp is not a valid ISO 8601 date and time.');
    return boundedDate(todayInShanghai(new Date(instantMs)), latest);
  }

  const [datePart = '', timePart] = splitTimeOfDay(cleaned);
  if (timePart !== undefined && !TIME_OF_DAY.test(timePart)) {
    return refuse(`The part after the date, "${timePart}", is not a time of day.`);
  }

  const parts = matchDateParts(datePart);
  if (parts) {
    const invalid = describeImpossibleDate(parts.year, parts.month, parts.day);
    if (invalid) return refuse(invalid);
    return boundedDate(isoDate(Number(parts.year), Number(parts.month), Number(parts.day)), latest);
  }

  if (timePart === undefined && /^\d{4}$/.test(datePart) && Number(datePart) >= EARLIEST_YEAR) {
    return refuse('This is only a year, but the column needs a full date such as 2024-05-03.');
  }
  if (timePart === undefined && EXCEL_SERIAL.test(datePart)) return parseExcelSerial(datePart, latest);

  if (TWO_DIGIT_YEAR.test(datePart)) {
    return refuse('The year has only two digits, so its century is unknown; write the full year, as in 2024-05-03.');
  }
  if (YEAR_LAST.test(datePart)) {
    return refuse(
      'The year comes last, so day and month could be either way round (3/5 is 3 May or 5 March); ' +
        'write the date as YYYY-MM-DD.',
    );
  }
  return refuse('This is not a date; write it as 2024-05-03, 2024/5/3 or 2024年5月3日.');
}

/**
 * A month, YYYY-MM (a benefit month, a 台账 period). Accepts 2024-05, 2024/05, 2024.5, 2024年5月 and 202405.
 * Refuses 2024.1: a spreadsheet that stored October as the number 2024.10 shows it as 2024.1, so it may mean
 * January or October. Periods have no upper bound: payroll plans months ahead.
 */
export function parsePeriod(text: string): ParsedCell<string> {
  const cleaned = toHalfWidth(text).replace(/\s*([年月])\s*/g, '$1');
  if (cleaned === '') return refuse('The month is empty.');

  const separated = SEPARATED_PERIOD.exec(cleaned);
  if (separated?.[2] === '.' && separated[3] === '1') {
    return refuse(
      'The month ".1" may be January or October (a spreadsheet shows the number 2024.10 as 2024.1); ' +
        'write 2024-01 or 2024-10.',
    );
  }
  const parts = separated ? [separated[1], separated[3]] : (CHINESE_PERIOD.exec(cleaned) ?? COMPACT_PERIOD.exec(cleaned))?.slice(1);
  if (parts) {
    const [year = '', month = ''] = parts;
    if (Number(year) < EARLIEST_YEAR) return refuse(`The year ${year} is before ${EARLIEST_YEAR}; check for a typing slip.`);
    if (Number(month) < 1 || Number(month) > 12) return refuse(`There is no month ${month}.`);
    return { ok: true, value: `${year}-${month.padStart(2, '0')}` };
  }

  if (SEPARATED_DATE.test(cleaned) || CHINESE_DATE.test(cleaned) || COMPACT_DATE.test(cleaned)) {
    return refuse('This is a full date, but the column holds a month; write it as 2024-05.');
  }
  if (/^\d{2}([-/.年])\d{1,2}月?$/.test(cleaned)) {
    return refuse('The year has only two digits, so its century is unknown; write the full year, as in 2024-05.');
  }
  return refuse('This is not a month; write it as 2024-05, 202405 or 2024年5月.');
}

/**
 * An amount of money in integer fen (分). Accepts 1234.5, 1,234.50 (either comma width), ¥/￥, a 元 suffix, and
 * 万/万元 (× 10,000, common in department statistics: 12.3万元 = 123,000.00 元); the accounting negative (12.00)
 * and -12.00 only with `allowNegative`. Digits are converted as text, never through floating point, and digits
 * finer than one fen must be zeros: 12.300 is 1230 fen, 12.345 is refused, because money is never rounded.
 */
/**
 * Most amounts are plain — 1234.5, 1,234.50 — with at most 15 digits, so their fen value is exact as a double.
 * They take this path; everything else (units, signs, full-width digits, odd grouping) the general parser below.
 */
const PLAIN_AMOUNT = /^(\d{1,3}(?:,\d{3}){0,4}|\d{1,13})(?:\.(\d{1,2}))?$/;

export function parseFen(text: string, options: ParseFenOptions = {}): ParsedCell<number> {
  const plain = PLAIN_AMOUNT.exec(text);
  if (plain) {
    const whole = Number(plain[1]!.replaceAll(',', ''));
    const fraction = plain[2] === undefined ? 0 : Number(plain[2].padEnd(2, '0'));
    return { ok: true, value: whole * 100 + fraction };
  }
  const cleaned = toHalfWidth(text).replace(/\u2212/g, '-');
  if (cleaned === '') return refuse('The amount is empty.');
  if (/\d\s+\d/.test(cleaned)) return refuse('The amount has a space between its digits.');

  const compact = cleaned.replace(/\s+/g, '');
  if (/^[-+]?[\d.]+e[-+]?\d+$/i.test(compact)) {
    return refuse('The amount is in scientific notation, so its exact value is lost; re-export the column as text.');
  }
  if ((compact.match(/\./g) ?? []).length > 1) return refuse('The amount has more than one decimal point.');

  const match = AMOUNT.exec(compact);
  if (!match?.groups) return refuse(describeStrayAmountCharacters(compact));
  const { open, sign, signAfterCurrency, integer = '', fraction, unit, close } = match.groups;

  if (Boolean(open) !== Boolean(close)) return refuse('The amount has an unmatched parenthesis.');
  if ([open, sign, signAfterCurrency].filter(Boolean).length > 1) return refuse('The amount has more than one sign.');
  if (integer === '' && (fraction ?? '') === '') return refuse('The amount has no digits.');
  if (integer.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(integer)) {
    return refuse(
      /^\d+,\d{1,2}$/.test(integer) && fraction === undefined
        ? 'The amount has a comma where a decimal point may be meant; write 1234.50, not 1234,50.'
        : 'The thousands separators in the amount do not separate groups of three digits.',
    );
  }

  const inTenThousands = unit === '万' || unit === '万元';
  const scale = inTenThousands ? 6 : 2;
  const decimals = fraction ?? '';
  if (/[1-9]/.test(decimals.slice(scale))) {
    return refuse(
      inTenThousands
        ? 'An amount in 万 may have at most 6 decimal places (one fen); money is never rounded.'
        : `The amount has ${decimals.length} decimal places, but money has at most 2 (fen); money is never rounded.`,
    );
  }

  const magnitude = BigInt(`${integer.replace(/,/g, '') || '0'}${decimals.slice(0, scale).padEnd(scale, '0')}`);
  const negative = (open !== undefined || sign === '-' || signAfterCurrency === '-') && magnitude !== 0n;
  if (negative && !options.allowNegative) return refuse('The amount is negative, and this column takes no negative amounts.');
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return refuse('The amount is too large to be a real payment.');
  return { ok: true, value: Number(negative ? -magnitude : magnitude) };
}

/**
 * The inverse of parseFen for export: fen as yuan with exactly two decimals and no grouping ("1234.50",
 * "-12.00"), the form every department import accepts. Built from the digits, never by dividing a float.
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatYuan: fen must be a safe integer, got ${fen}.`);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * A whole number (household size, months, a count). Accepts thousands separators and a zero fraction, which is
 * how a spreadsheet exports a numeric cell (3.0); refuses any other fraction rather than truncating it.
 */
export function parseInteger(text: string): ParsedCell<number> {
  const cleaned = toHalfWidth(text).replace(/\u2212/g, '-').replace(/\s+/g, '');
  if (cleaned === '') return refuse('The number is empty.');
  const match = /^([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return refuse('This is not a whole number.');
  const [, sign = '', digits = '', fraction = ''] = match;
  if (/[1-9]/.test(fraction)) return refuse('The number has a fraction, but this column takes whole numbers.');
  const magnitude = BigInt(digits.replace(/,/g, ''));
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return refuse('The number is too large.');
  return { ok: true, value: Number(sign === '-' ? -magnitude : magnitude) };
}

/** The spellings of yes and no that department forms use; anything else is refused, not read as no. */
const BOOLEAN_SPELLINGS: ReadonlyMap<string, boolean> = new Map([
  ['是', true], ['有', true], ['y', true], ['yes', true], ['1', true], ['true', true], ['√', true], ['✓', true], ['✔', true],
  ['否', false], ['无', false], ['n', false], ['no', false], ['0', false], ['false', false], ['×', false], ['✗', false], ['✘', false],
]);

/** A yes/no cell: 是/否, 有/无, Y/N, yes/no, 1/0, true/false, √/× (any case, either width). */
export function parseBoolean(text: string): ParsedCell<boolean> {
  const cleaned = toHalfWidth(text).toLowerCase();
  if (cleaned === '') return refuse('The yes/no cell is empty.');
  const value = BOOLEAN_SPELLINGS.get(cleaned);
  if (value === undefined) return refuse('This is not a yes/no value; use 是/否, 有/无, Y/N, 1/0, true/false or √/×.');
  return { ok: true, value };
}

/** True when no cell holds anything but whitespace or invisible characters. */
export function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((cell) => normaliseText(cell) === '');
}

/** The labels of totals rows, compared without spaces and case: "合 计" and "TOTAL" are the same label. */
const TOTALS_LABELS: ReadonlySet<string> = new Set([
  '合计', '总计', '小计', '共计', '总合计', 'total', 'totals', 'subtotal', 'sub-total', 'grandtotal',
]);

/**
 * A 合计/总计/小计 (or "Total") row under a department table: its first non-empty cell is the label, optionally
 * followed by a colon. It sums the rows above and describes nobody, so it is skipped, not rejected.
 */
export function isTotalsRow(cells: readonly string[]): boolean {
  let first: string | undefined;
  for (const cell of cells) {
    const text = normaliseText(cell);
    if (text !== '') {
      first = text;
      break;
    }
  }
  // The longest label is 11 characters; a name or a sequence number is ruled out without more work.
  if (first === undefined || first.length > 16) return false;
  const label = toHalfWidth(first).replace(/\s+/g, '').replace(/:$/, '').toLowerCase();
  return TOTALS_LABELS.has(label);
}

/**
 * A merged title row ("2024年5月城乡低保名册", "填报单位：…"): spreadsheet readers put a merged cell's text in its
 * first cell and leave the rest empty, so the row has one non-empty cell, in the first column, in a table of
 * several columns. A lone number is not a title but a data row holding only its 序号, which must be rejected
 * visibly; so is a lone value in a later column. A missed title costs a visible reject, a false one would hide
 * a person's row.
 */
export function isTitleRow(cells: readonly string[], columnCount: number): boolean {
  if (columnCount < 2 || cells.length === 0) return false;
  for (let column = 1; column < cells.length; column++) if (normaliseText(cells[column]!) !== '') return false;
  const only = normaliseText(cells[0]!);
  return only !== '' && parseInteger(only).ok === false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SEPARATED_DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const CHINESE_DATE = /^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const EXCEL_SERIAL = /^\d{1,5}(\.\d+)?$/;
const TWO_DIGIT_YEAR = /^\d{1,2}([-/.])\d{1,2}\1\d{1,2}$|^\d{2}年/;
const YEAR_LAST = /^\d{1,2}([-/.])\d{1,2}\1\d{4}$/;
const TIME_OF_DAY = /^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?( ?[AaPp][Mm])?$/;
const ZONED_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const SEPARATED_PERIOD = /^(\d{4})([-/.])(\d{1,2})$/;
const CHINESE_PERIOD = /^(\d{4})年(\d{1,2})月?$/;
const COMPACT_PERIOD = /^(\d{4})(\d{2})$/;

/**
 * Sign, currency and unit around the digits. The sign may stand before or after the currency sign (-¥12 and
 * ¥-12 both occur); the integer part may use thousands separators, checked separately for a precise reason.
 */
const AMOUNT =
  /^(?<open>\()?(?<sign>[-+])?(?:¥|rmb|cny)?(?<signAfterCurrency>[-+])?(?<integer>[\d,]*)(?:\.(?<fraction>\d*))?(?<unit>万元|万|元)?(?<close>\))?$/i;

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Full-width ASCII, the full-width yen sign and invisible characters to their plain forms; trimmed. */
function toHalfWidth(text: string): string {
  return normaliseText(
    text
      .replace(FULL_WIDTH_ASCII, (character) => String.fromCharCode(character.charCodeAt(0) - FULL_WIDTH_OFFSET))
      .replace(/\uFFE5/g, '¥'),
  );
}

/** Year, month and day from the three written forms of a date; undefined when the text has none of them. */
function matchDateParts(datePart: string): { year: string; month: string; day: string } | undefined {
  const separated = SEPARATED_DATE.exec(datePart);
  if (separated) return { year: separated[1] ?? '', month: separated[3] ?? '', day: separated[4] ?? '' };
  const written = CHINESE_DATE.exec(datePart) ?? COMPACT_DATE.exec(datePart);
  if (written) return { year: written[1] ?? '', month: written[2] ?? '', day: written[3] ?? '' };
  return undefined;
}

function splitTimeOfDay(cleaned: string): [string, string | undefined] {
  const match = /^(\S+?)(?:[ T]|(?<=日))(\d.*)$/.exec(cleaned);
  return match ? [match[1] ?? '', match[2]] : [cleaned, undefined];
}

function parseExcelSerial(serialText: string, latest: string): ParsedCell<string> {
  const serial = Number(serialText.split('.')[0]);
  if (serial <= LAST_AMBIGUOUS_SERIAL) {
    return refuse(
      `As an Excel date serial, ${serial} falls in early 1900, where Excel counts a 29 February that never ` +
        'existed, so the date is ambiguous; this is probably not a date.',
    );
  }
  const date = new Date(EXCEL_EPOCH_UTC + serial * DAY_MS).toISOString().slice(0, 10);
  if (date < EARLIEST_SERIAL_DATE) {
    return refuse(
      `As an Excel date serial, ${serial} would be ${date}, before ${EARLIEST_SERIAL_DATE}; ` +
        'it is probably a number from another column.',
    );
  }
  if (date > latest) {
    return refuse(
      `As an Excel date serial, ${serial} would be ${date}, more than a year from today; ` +
        'it is probably a number from another column.',
    );
  }
  return { ok: true, value: date };
}

function describeImpossibleDate(yearText: string, monthText: string, dayText: string): string | undefined {
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (year < EARLIEST_YEAR) return `The year ${yearText} is before ${EARLIEST_YEAR}; check for a typing slip.`;
  if (month < 1 || month > 12) return `There is no month ${monthText}.`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `There is no day ${dayText} in ${yearText}-${String(month).padStart(2, '0')}, which has ${days} days.`;
  return undefined;
}

function boundedDate(date: string, latest: string): ParsedCell<string> {
  if (date < `${EARLIEST_YEAR}-01-01`) return refuse(`The date ${date} is before ${EARLIEST_YEAR}; check for a typing slip.`);
  if (date > latest) return refuse(`The date ${date} is more than a year from today; check the year.`);
  return { ok: true, value: date };
}

/** One year after `today`; 29 February steps back to the 28th in a common year. */
function addOneYear(today: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`parseDate: options.today must be a calendar date YYYY-MM-DD, got "${today}".`);
  }
  return isoDate(year + 1, month, Math.min(day, daysInMonth(year + 1, month)));
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Gregorian rule: 1900 was not a leap year, 2000 was. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function describeStrayAmountCharacters(compact: string): string {
  const stray = [...new Set(compact.replace(/[\d.,()\-+¥]|万元|万|元|rmb|cny/gi, ''))];
  if (stray.length === 0) return 'This is not an amount of money; write it as 1234.50.';
  return `The amount contains ${stray.map((character) => `"${character}"`).join(', ')}; write it as 1234.50.`;
}
