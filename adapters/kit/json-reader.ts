import { AdapterError } from './adapter-error.js';
import { peekText, readTextChunks } from './encoding.js';
import { defaultReaderLimits, type FileInput, type RawRecord, type ReaderLimits } from './rows.js';

/**
 * One record (a person, a household) is kilobytes. Megabytes mean a broken file — a string never closed
 * swallowing the rest — and the cap bounds what is held while a record is waited for.
 */
export const maxJsonRecordChars = 8 * 1024 * 1024;

/** How much text the NDJSON-or-JSON question is settled on. */
const layoutSampleChars = 64 * 1024;

/**
 * Reads JSON records, streaming, in the layouts department exports use:
 * - a top-level array of objects: `[{…}, {…}]`;
 * - an object holding the array, directly or nested: `{"data": […]}`, `{"code": 0, "data": {"total": 2, "list": […]}}`
 *   (the first array of objects found through object properties; a second one refuses the file as ambiguous);
 * - NDJSON, one object per line: by extension (`.ndjson`, `.jsonl`) or because a second value follows the first.
 *
 * Values become text: strings as they are, numbers as written in the file (an 18-digit ID given as a number keeps
 * its digits, and one the exporter already rounded stays detectably wrong), `true`/`false`, null as ''. A nested
 * object is flattened one level (`address.city`); anything deeper, and arrays, stay as their JSON text. Field maps
 * have no prototype, so a `__proto__` key is just a key.
 *
 * Locations are `record N` (JSON) or `line N` (NDJSON). A JSON document that is not well-formed is refused whole
 * (`AdapterError('unreadable')` naming line and column; `truncated` if it stops mid-record). NDJSON stays a stream:
 * a line that does not parse is yielded as a record whose only field is `__error` (the reason, with its column),
 * which becomes a reject downstream, and the lines around it go through. Blank NDJSON lines are skipped.
 */
export async function* readJsonRecords(input: FileInput, limits: Partial<ReaderLimits> = {}): AsyncIterable<RawRecord> {
  const resolved = { ...defaultReaderLimits, ...limits };
  const { head, texts } = await peekText(readTextChunks(input, resolved), layoutSampleChars);
  const ndjson = hasNdjsonExtension(input.fileName) || looksLikeNdjson(head, head.length < layoutSampleChars);
  yield* ndjson ? readNdjsonLines(texts, input.fileName, resolved) : readJsonDocument(texts, input.fileName, resolved);
}

/** Reads the file as NDJSON whatever its name and first line say. */
export async function* readNdjsonRecords(input: FileInput, limits: Partial<ReaderLimits> = {}): AsyncIterable<RawRecord> {
  const resolved = { ...defaultReaderLimits, ...limits };
  yield* readNdjsonLines(readTextChunks(input, resolved), input.fileName, resolved);
}

export function hasNdjsonExtension(fileName: string): boolean {
  return /\.(ndjson|jsonl)$/i.test(fileName);
}

/**
 * NDJSON when the text starts with an object on one line followed by another value (JSON allows only one), or is a
 * single one-line object holding no array of objects (one record). A pretty-printed object is JSON. `complete`
 * says the sample is the whole file.
 */
export function looksLikeNdjson(sample: string, complete: boolean): boolean {
  const cursor = new JsonCursor(sample, 0, complete);
  try {
    if (cursor.peek() !== OPEN_BRACE) return false;
    const start = cursor.position;
    cursor.skipValue();
    if (sample.slice(start, cursor.position).includes('\n')) return false;
    if (cursor.peek() !== END) return true;
    return locateRecordsArray(new JsonCursor(sample, 0, true)) === 'none';
  } catch {
    return false;
  }
}

const END = -1;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The text ran out before the value did; the caller reads more and tries again from its checkpoint. */
class NeedMoreText extends Error {}

/** Well-formedness, with the position (in the cursor's text) where it failed. */
class JsonSyntaxError extends Error {
  constructor(
    readonly position: number,
    message: string,
    readonly atEnd = false,
  ) {
    super(message);
  }
}

class FieldTooLong extends Error {}

/** A second array of records after the first: which one the export meant cannot be guessed. */
class AmbiguousRecords extends Error {}

const numberPattern = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** The rest of a string with no escapes and no control characters, up to its closing quote: almost every string. */
// eslint-disable-next-line no-control-regex
const plainStringRest = /[^"\\\u0000-\u001f]*"/y;

/**
 * A position in buffered JSON text. `final` says no more text follows; otherwise running off the end throws
 * `NeedMoreText` so the caller can retry with more.
 */
class JsonCursor {
  constructor(
    readonly text: string,
    public position: number,
    readonly final: boolean,
  ) {}

  /** The next character after whitespace, not consumed; `END` at the end of a final text. */
  peek(): number {
    const text = this.text;
    let position = this.position;
    for (; position < text.length; position++) {
      const code = text.charCodeAt(position);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    }
    this.position = position;
    if (position < text.length) return text.charCodeAt(position);
    if (this.final) return END;
    throw new NeedMoreText();
  }

  expect(code: number, what: string): void {
    if (this.peek() !== code) this.fail(`expected ${what}`);
    this.position++;
  }

  readString(): string {
    if (this.peek() !== QUOTE) this.fail('expected a string');
    const start = this.position;
    const text = this.text;
    plainStringRest.lastIndex = start + 1;
    if (plainStringRest.test(text)) {
      this.position = plainStringRest.lastIndex;
      return text.slice(start + 1, this.position - 1);
    }
    let end = start + 1;
    for (; end < text.length; end++) {
      const code = text.charCodeAt(end);
      if (code === BACKSLASH) end++;
      else if (code === QUOTE) break;
    }
    if (end >= text.length) this.runOut('inside a string');
    try {
      const value = JSON.parse(text.slice(start, end + 1)) as string;
      this.position = end + 1;
      return value;
    } catch {
      return this.fail('a bad escape or a control character inside a string', start);
    }
  }

  /** A scalar as text: a string's value, a number as written, `true`/`false`, and null as ''. */
  readScalarText(): string {
    const code = this.peek();
    if (code === QUOTE) return this.readString();
    if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return this.readNumber();
    for (const [literal, text] of literals) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return text;
      }
      const rest = this.text.length - this.position;
      if (rest < literal.length && !this.final && literal.startsWith(this.text.slice(this.position))) throw new NeedMoreText();
    }
    return this.fail('expected a value');
  }

  /** Consumes one value of any kind, checking it is well-formed. */
  skipValue(): void {
    const code = this.peek();
    if (code === OPEN_BRACE) {
      this.position++;
      if (this.peek() === CLOSE_BRACE) {
        this.position++;
        return;
      }
      do {
        this.readString();
        this.expect(COLON, "':'");
        this.skipValue();
      } while (this.separator(CLOSE_BRACE, "',' or '}'"));
    } else if (code === OPEN_BRACKET) {
      this.position++;
      if (this.peek() === CLOSE_BRACKET) {
        this.position++;
        return;
      }
      do this.skipValue();
      while (this.separator(CLOSE_BRACKET, "',' or ']'"));
    } else {
      this.readScalarText();
    }
  }

  /** The source text of the next value, as it stands in the file. */
  readRawValue(): string {
    this.peek();
    const start = this.position;
    this.skipValue();
    return this.text.slice(start, this.position);
  }

  /** After a member or element: true after a comma, false after the closing character. */
  separator(close: number, what: string): boolean {
    const code = this.peek();
    this.position++;
    if (code === COMMA) return true;
    if (code === close) return false;
    this.position--;
    return this.fail(`expected ${what}`);
  }

  fail(message: string, position = this.position): never {
    if (position >= this.text.length) this.runOut(message);
    throw new JsonSyntaxError(position, `${message}, found ${describeCharacter(this.text, position)}`);
  }

  runOut(where: string): never {
    if (!this.final) throw new NeedMoreText();
    throw new JsonSyntaxError(this.text.length, `the text ends ${where.startsWith('expected') ? `where it ${where}` : where}`, true);
  }

  /** The whole run of number characters first, so a number cut after `1.5e` waits for the rest rather than ending there. */
  private readNumber(): string {
    const text = this.text;
    let end = this.position;
    while (end < text.length && isNumberCharacter(text.charCodeAt(end))) end++;
    if (end >= text.length && !this.final) throw new NeedMoreText();
    const number = text.slice(this.position, end);
    if (!numberPattern.test(number)) return this.fail(`'${number}' is not a number`);
    this.position = end;
    return number;
  }
}

function isNumberCharacter(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2b || code === 0x2e || code === 0x65 || code === 0x45;
}

const literals: [string, string][] = [
  ['true', 'true'],
  ['false', 'false'],
  ['null', ''],
];

function describeCharacter(text: string, position: number): string {
  const character = text.codePointAt(position);
  return character === undefined ? 'the end' : `'${String.fromCodePoint(character)}'`;
}

/**
 * One record object as flat text fields: nested objects one level deep (`parent.child`), deeper values and
 * arrays as their JSON text.
 */
function readRecordFields(cursor: JsonCursor, maxCellLength: number): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  const put = (key: string, value: string): void => {
    if (value.length > maxCellLength) throw new FieldTooLong(`field "${key}" is over ${maxCellLength} characters (${value.length})`);
    fields[key] = value;
  };
  cursor.expect(OPEN_BRACE, "'{'");
  if (cursor.peek() === CLOSE_BRACE) {
    cursor.position++;
    return fields;
  }
  do {
    const key = cursor.readString();
    cursor.expect(COLON, "':'");
    const code = cursor.peek();
    if (code === OPEN_BRACE) {
      cursor.position++;
      if (cursor.peek() === CLOSE_BRACE) cursor.position++;
      else {
        do {
          const child = cursor.readString();
          cursor.expect(COLON, "':'");
          const childCode = cursor.peek();
          put(`${key}.${child}`, childCode === OPEN_BRACE || childCode === OPEN_BRACKET ? cursor.readRawValue() : cursor.readScalarText());
        } while (cursor.separator(CLOSE_BRACE, "',' or '}'"));
      }
    } else if (code === OPEN_BRACKET) {
      put(key, cursor.readRawValue());
    } else {
      put(key, cursor.readScalarText());
    }
  } while (cursor.separator(CLOSE_BRACE, "',' or '}'"));
  return fields;
}

interface RecordsArray {
  /** Property names from the top object down to the array; empty for a top-level array. */
  path: string[];
  /** Just after the array's `[`. */
  position: number;
}

/**
 * Walks the document from its start to the array that holds the records: the top-level array, or the first
 * array of objects reached through object properties. Without one, the whole document has been read: `empty`
 * if it holds an empty array (`{"data": []}`, no records), `none` if no array at all.
 */
function locateRecordsArray(cursor: JsonCursor): RecordsArray | 'empty' | 'none' {
  const code = cursor.peek();
  if (code === OPEN_BRACKET) return { path: [], position: cursor.position + 1 };
  if (code !== OPEN_BRACE) return cursor.fail("expected '[' or '{' to begin the document");
  const seen = { emptyArray: false };
  return walkObject(cursor, [], 'find', false, seen) ?? (seen.emptyArray ? 'empty' : 'none');
}

/**
 * Reads an object's members from its `{` (or, with `resume`, from just after a member) to its `}`, descending
 * into objects. In `find` mode it stops at the first array of objects and returns it; in `refuse` mode (after the
 * records) such an array means the file holds two sets of records.
 */
function walkObject(cursor: JsonCursor, path: string[], mode: 'find' | 'refuse', resume = false, seen = { emptyArray: false }): RecordsArray | undefined {
  if (!resume) {
    cursor.expect(OPEN_BRACE, "'{'");
    if (cursor.peek() === CLOSE_BRACE) {
      cursor.position++;
      return undefined;
    }
  } else if (!cursor.separator(CLOSE_BRACE, "',' or '}'")) {
    return undefined;
  }
  do {
    const key = cursor.readString();
    cursor.expect(COLON, "':'");
    const code = cursor.peek();
    if (code === OPEN_BRACKET) {
      const start = cursor.position;
      cursor.position++;
      const first = cursor.peek();
      if (first === OPEN_BRACE) {
        if (mode === 'find') return { path: [...path, key], position: start + 1 };
        throw new AmbiguousRecords(`"${[...path, key].join('.')}"`);
      }
      if (first === CLOSE_BRACKET) seen.emptyArray = true;
      cursor.position = start;
      cursor.skipValue();
    } else if (code === OPEN_BRACE) {
      const found = walkObject(cursor, [...path, key], mode, false, seen);
      if (found) return found;
    } else {
      cursor.skipValue();
    }
  } while (cursor.separator(CLOSE_BRACE, "',' or '}'"));
  return undefined;
}

/**
 * Decoded text held from a checkpoint (the start of what is being parsed) onwards, with the line the checkpoint
 * is on. A parse that runs out of text is retried once the held text has doubled, so a record cut by a chunk
 * boundary is re-read at most a few times and the total work stays linear.
 */
class TextWindow {
  text = '';
  checkpoint = 0;
  checkpointLine = 1;
  /** Where the checkpoint's line begins in `text`; negative once that part has been let go. */
  private lineStart = 0;
  ended = false;
  private readonly chunks: AsyncIterator<string>;

  constructor(
    texts: AsyncIterable<string>,
    private readonly fileName: string,
  ) {
    this.chunks = texts[Symbol.asyncIterator]();
  }

  cursor(): JsonCursor {
    return new JsonCursor(this.text, this.checkpoint, this.ended);
  }

  /** Moves the checkpoint to `position`, counting the lines passed. */
  advance(position: number): void {
    const text = this.text;
    for (let index = text.indexOf('\n', this.checkpoint); index !== -1 && index < position; index = text.indexOf('\n', index + 1)) {
      this.checkpointLine++;
      this.lineStart = index + 1;
    }
    this.checkpoint = position;
  }

  /** Reads on until the text held since the checkpoint has doubled (or the file ends). */
  async readMore(what: string): Promise<void> {
    const held = this.text.length - this.checkpoint;
    if (held > maxJsonRecordChars) {
      throw new AdapterError('unreadable', this.fileName, `${what} at line ${this.checkpointLine} runs past ${maxJsonRecordChars} characters: an unclosed string or bracket?`);
    }
    const parts = [this.text.slice(this.checkpoint)];
    let length = held;
    while (length < Math.max(2 * held, 1)) {
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      parts.push(next.value);
      length += next.value.length;
    }
    this.text = parts.join('');
    this.lineStart -= this.checkpoint;
    this.checkpoint = 0;
  }

  /** `line L, column C` of a position in the held text. */
  describe(position: number): string {
    let line = this.checkpointLine;
    let lineStart = this.lineStart;
    for (let index = this.text.indexOf('\n', this.checkpoint); index !== -1 && index < position; index = this.text.indexOf('\n', index + 1)) {
      line++;
      lineStart = index + 1;
    }
    return `line ${line}, column ${position - lineStart + 1}`;
  }

  refuse(error: JsonSyntaxError, context: string): AdapterError {
    const code = error.atEnd ? 'truncated' : 'unreadable';
    return new AdapterError(code, this.fileName, `is not well-formed JSON ${context}at ${this.describe(error.position)}: ${error.message}`, { cause: error });
  }
}

async function* readJsonDocument(texts: AsyncIterable<string>, fileName: string, limits: ReaderLimits): AsyncIterable<RawRecord> {
  const window = new TextWindow(texts, fileName);
  await window.readMore('the start of the document');

  let records: RecordsArray;
  for (;;) {
    try {
      const cursor = window.cursor();
      if (cursor.peek() === END) throw new AdapterError('unreadable', fileName, 'is empty');
      const found = locateRecordsArray(cursor);
      if (typeof found === 'string') {
        expectEnd(cursor);
        if (found === 'empty') return;
        throw new AdapterError('unreadable', fileName, 'holds no array of records (expected [{…}, …] or {"data": [{…}, …]})');
      }
      records = found;
      break;
    } catch (error) {
      if (error instanceof NeedMoreText) await window.readMore('the part before the records');
      else if (error instanceof JsonSyntaxError) throw window.refuse(error, '');
      else throw error;
    }
  }
  window.advance(records.position);

  let count = 0;
  let closed = false;
  const batch: RawRecord[] = [];
  while (!closed) {
    try {
      for (;;) {
        const cursor = window.cursor();
        const code = cursor.peek();
        if (code === CLOSE_BRACKET) {
          window.advance(cursor.position + 1);
          closed = true;
          break;
        }
        if (count > 0) {
          if (code !== COMMA) cursor.fail("expected ',' or ']' after a record");
          cursor.position++;
        }
        if (cursor.peek() !== OPEN_BRACE) cursor.fail(`expected record ${count + 1} to be an object`);
        const fields = readRecordFields(cursor, limits.maxCellLength);
        count++;
        if (count > limits.maxRows) throw new AdapterError('too-many-rows', fileName, `has more than ${limits.maxRows} records`);
        batch.push({ location: `record ${count}`, fields });
        window.advance(cursor.position);
      }
    } catch (error) {
      if (error instanceof FieldTooLong) throw new AdapterError('unreadable', fileName, `record ${count + 1}: ${error.message}`);
      if (error instanceof JsonSyntaxError) throw window.refuse(error, `in record ${count + 1} `);
      if (!(error instanceof NeedMoreText)) throw error;
    }
    for (const record of batch) yield record;
    batch.length = 0;
    if (!closed) await window.readMore(`record ${count + 1}`);
  }

  for (;;) {
    try {
      const cursor = window.cursor();
      for (let depth = records.path.length; depth > 0; depth--) walkObject(cursor, records.path.slice(0, depth - 1), 'refuse', true);
      expectEnd(cursor);
      return;
    } catch (error) {
      if (error instanceof NeedMoreText) await window.readMore('the part after the records');
      else if (error instanceof JsonSyntaxError) throw window.refuse(error, 'after the records ');
      else if (error instanceof AmbiguousRecords) {
        throw new AdapterError('unreadable', fileName, `holds two arrays of records, "${records.path.join('.')}" and ${error.message}; which one is meant cannot be told`);
      } else throw error;
    }
  }
}

function expectEnd(cursor: JsonCursor): void {
  if (cursor.peek() !== END) cursor.fail('expected the end of the document');
}

async function* readNdjsonLines(texts: AsyncIterable<string>, fileName: string, limits: ReaderLimits): AsyncIterable<RawRecord> {
  let carry = '';
  let line = 1;
  let count = 0;
  const readLine = (text: string): RawRecord | undefined => {
    if (text.trim() === '') return undefined;
    count++;
    if (count > limits.maxRows) throw new AdapterError('too-many-rows', fileName, `has more than ${limits.maxRows} records (line ${line} is beyond the limit)`);
    return { location: `line ${line}`, fields: parseNdjsonLine(text, limits.maxCellLength) };
  };
  for await (const chunk of texts) {
    const text = carry === '' ? chunk : carry + chunk;
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      const record = readLine(text.slice(start, end));
      if (record) yield record;
      line++;
      start = end + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxJsonRecordChars) {
      throw new AdapterError('unreadable', fileName, `line ${line} runs past ${maxJsonRecordChars} characters: not one record per line?`);
    }
  }
  const last = readLine(carry);
  if (last) yield last;
}

/** One NDJSON line as fields, or as `{ __error }` saying why it is not a record. */
function parseNdjsonLine(text: string, maxCellLength: number): Record<string, string> {
  const cursor = new JsonCursor(text, 0, true);
  try {
    if (cursor.peek() !== OPEN_BRACE) cursor.fail('expected an object');
    const fields = readRecordFields(cursor, maxCellLength);
    expectEnd(cursor);
    return fields;
  } catch (error) {
    const fields = Object.create(null) as Record<string, string>;
    if (error instanceof JsonSyntaxError) fields.__error = `not a JSON object: ${error.message} at column ${error.position + 1}`;
    else if (error instanceof FieldTooLong) fields.__error = error.message;
    else throw error;
    return fields;
  }
}
