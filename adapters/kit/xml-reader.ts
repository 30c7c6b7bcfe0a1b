import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AdapterError } from './adapter-error.js';
import { checkFileSize, decodeStream, readFileChunks, readHead, readTextChunks } from './encoding.js';
import { XmlGuard } from './xml-guard.js';
import { defaultReaderLimits, type FileInput, type RawRecord, type ReaderLimits } from './rows.js';

/**
 * One record (a death, a person) is kilobytes. A record running to megabytes means a broken file — an element never
 * closed swallowing the rest — and the cap bounds what is held while a record is read (as `maxJsonRecordChars`).
 */
export const maxXmlRecordChars = 8 * 1024 * 1024;

/** Department exports nest a few levels (`<data><list><row>`); thousands mean a hostile file, each level held while open. */
export const maxXmlDepth = 256;

export interface XmlReadOptions {
  /** The repeated element that is one record (`<row>`, `<Record>`); found by itself when not given. */
  recordElement?: string;
}

/**
 * Reads XML records, streaming: each `recordElement` (or, when not named, the most repeated element whose children
 * are all leaves) is one record, its attributes become `@name` fields and each child element a field holding its
 * text (a child's attribute is `child@name`; a repeated child is `child`, `child[2]`, …; a child with children of its
 * own gives `child.grandchild`). Text is as the file holds it, references decoded, CDATA verbatim. Locations are
 * `record N`.
 *
 * Memory is one record and the open elements' names, whatever the file's size: saxes parses the text as it is
 * decoded and only the record being read is built. A file whose record element is not named is read twice, once to
 * find it (counting elements, building nothing) and once for the records, so such a file is checked whole before its
 * first record comes; with the element named (as feed mappings do), a file that turns out malformed half way is
 * refused where it breaks, after the records before it were given out — the import around this reader rolls those
 * back, as for a CSV file cut short.
 *
 * Any `<!DOCTYPE` or `<!ENTITY` refuses the file (`AdapterError('xml-entities')`) before the parser sees it: XML bombs
 * and XXE (`<!ENTITY xxe SYSTEM "file:///etc/passwd">`) both need a DTD, and no department export has one. Entities
 * other than the five predefined ones stay as written (`&nbsp;`), as do character references to characters XML does
 * not allow (`&#0;`); every other well-formedness error refuses the file with its line and column.
 *
 * The declared encoding is honoured (`<?xml version="1.0" encoding="GBK"?>`; GBK and GB2312 read as GB18030);
 * without a declaration the encoding is detected as for CSV.
 */
export async function* readXmlRecords(input: FileInput, options: XmlReadOptions = {}, limits: Partial<ReaderLimits> = {}): AsyncIterable<RawRecord> {
  const resolved = { ...defaultReaderLimits, ...limits };
  await checkFileSize(input, resolved.maxFileBytes);
  const recordName = options.recordElement ?? (await findRecordElement(input, resolved));
  if (recordName === undefined) throw new AdapterError('unreadable', input.fileName, 'has no repeated element whose children are all plain values to read as records');

  const reader = new RecordReader(recordName, input.fileName, resolved);
  for await (const _ of parse(input, resolved, reader.parser, () => reader.openElements)) yield* reader.takeRecords();
  if (reader.recordCount === 0) throw new AdapterError('unreadable', input.fileName, `has no <${recordName}> elements`);
}

/** An element of a record as it is built: the record's own children and, below them, the grandchildren's text. */
interface XmlElement {
  name: string;
  attributes: [string, string][];
  children: XmlElement[];
  /** Text and CDATA directly inside, in order. */
  text: string;
}

/**
 * Turns the parser's events into records as the text is fed to it (`parse`): only the record being read is built.
 * Outside a record it holds only the names of the open elements (for the "still open" message of a file cut short).
 */
class RecordReader {
  recordCount = 0;
  readonly parser: SaxesParser;
  readonly openElements: string[] = [];
  /** The record being built and its open descendants, outermost first; empty outside a record. */
  private readonly building: XmlElement[] = [];
  private recordChars = 0;
  private ready: RawRecord[] = [];

  constructor(
    private readonly recordName: string,
    private readonly fileName: string,
    private readonly limits: ReaderLimits,
  ) {
    this.parser = createParser(fileName);
    this.parser.on('opentag', (tag) => this.openElement(tag as SaxesTagPlain));
    this.parser.on('closetag', () => this.closeElement());
    this.parser.on('text', (text) => this.addText(text));
    this.parser.on('cdata', (text) => this.addText(text));
  }

  takeRecords(): RawRecord[] {
    const records = this.ready;
    this.ready = [];
    return records;
  }

  private openElement(tag: SaxesTagPlain): void {
    refuseIfTooDeep(this.openElements, this.parser, this.fileName);
    this.openElements.push(tag.name);
    if (this.building.length === 0 && tag.name !== this.recordName) return;
    const attributes = Object.entries(tag.attributes);
    for (const [name, value] of attributes) this.count(name.length + value.length);
    const element: XmlElement = { name: tag.name, attributes, children: [], text: '' };
    this.building.at(-1)?.children.push(element);
    this.building.push(element);
  }

  private closeElement(): void {
    this.openElements.pop();
    const element = this.building.pop();
    if (element === undefined || this.building.length > 0) return;
    this.recordCount++;
    if (this.recordCount > this.limits.maxRows) {
      throw new AdapterError('too-many-rows', this.fileName, `has more than ${this.limits.maxRows} <${this.recordName}> records`);
    }
    const fields = recordFields(element);
    for (const [name, value] of Object.entries(fields)) {
      if (value.length > this.limits.maxCellLength) {
        throw new AdapterError('unreadable', this.fileName, `record ${this.recordCount}: field "${name}" is over ${this.limits.maxCellLength} characters (${value.length})`);
      }
    }
    this.ready.push({ location: `record ${this.recordCount}`, fields });
    this.recordChars = 0;
  }

  private addText(text: string): void {
    const element = this.building.at(-1);
    if (element === undefined) return;
    this.count(text.length);
    element.text += text;
  }

  private count(chars: number): void {
    this.recordChars += chars;
    if (this.recordChars > maxXmlRecordChars) {
      throw new AdapterError('unreadable', this.fileName, `record ${this.recordCount + 1} at line ${this.parser.line} runs past ${maxXmlRecordChars} characters: an element never closed?`);
    }
  }
}

/**
 * The record element when none is named: the most repeated element whose children are all leaves, or, failing
 * that, the most repeated element with attributes only (`<row id="1" name="…"/>`). Elements with children come
 * first, so neither a `<phone type="home">` repeated inside each record nor an `<amount unit="元">` beside it
 * is taken for the record; in a one-record file, the record still beats its attributed children. Counts one
 * number per element name while it reads; nothing of the document is kept.
 */
async function findRecordElement(input: FileInput, limits: ReaderLimits): Promise<string | undefined> {
  interface OpenElement {
    name: string;
    hasAttributes: boolean;
    hasChildren: boolean;
    childrenAllLeaves: boolean;
  }
  const counts = new Map<string, { count: number; withChildren: boolean }>();
  const open: OpenElement[] = [];
  const parser = createParser(input.fileName);
  parser.on('opentag', (tag) => {
    refuseIfTooDeep(open, parser, input.fileName);
    const parent = open.at(-1);
    if (parent) parent.hasChildren = true;
    open.push({ name: tag.name, hasAttributes: Object.keys(tag.attributes).length > 0, hasChildren: false, childrenAllLeaves: true });
  });
  parser.on('closetag', () => {
    const element = open.pop()!;
    if ((element.hasChildren || element.hasAttributes) && element.childrenAllLeaves) {
      const entry = counts.get(element.name) ?? { count: 0, withChildren: false };
      entry.count++;
      entry.withChildren ||= element.hasChildren;
      counts.set(element.name, entry);
    }
    const parent = open.at(-1);
    if (parent && element.hasChildren) parent.childrenAllLeaves = false;
  });
  for await (const _ of parse(input, limits, parser, () => open.map((element) => element.name)));

  const rank = ({ count, withChildren }: { count: number; withChildren: boolean }): number[] => [count > 1 ? 1 : 0, withChildren ? 1 : 0, count];
  let best: { name: string; rank: number[] } | undefined;
  for (const [name, entry] of counts) {
    const candidate = { name, rank: rank(entry) };
    if (!best || compareRanks(candidate.rank, best.rank) > 0) best = candidate;
  }
  return best?.name;
}

function compareRanks(left: number[], right: number[]): number {
  for (let index = 0; index < left.length; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Errors saxes reports and this reader lets pass, as the parser it replaced did: an entity XML does not predefine
 * (`&nbsp;`, kept as written), a character reference to a character XML forbids (`&#0;`, kept as written) and a
 * control character in text (kept). Anything else is a file that is not XML.
 */
const toleratedErrors = new Set(['undefined entity.', 'malformed character entity.', 'disallowed character.']);

function createParser(fileName: string): SaxesParser {
  const parser = new SaxesParser({ position: true });
  parser.on('error', (error) => {
    const reason = error.message.replace(/^\d+:\d+: /, '');
    if (toleratedErrors.has(reason)) return;
    throw new AdapterError('unreadable', fileName, `is not well-formed XML at line ${parser.line}, column ${parser.column}: ${reason}`, { cause: error });
  });
  // A DOCTYPE the guard let through (it should not; the parser is the last word on what a declaration is).
  parser.on('doctype', () => {
    throw new AdapterError('xml-entities', fileName, `contains <!DOCTYPE at line ${parser.line}: document type declarations and entities are refused (they are how XML bombs and external-entity attacks work, and exports do not need them)`);
  });
  return parser;
}

/**
 * Feeds the file's text, chunk by chunk, through the guard into the parser, and comes back after each chunk (and once
 * more after the end) so the caller can give out what the chunk completed.
 */
async function* parse(input: FileInput, limits: ReaderLimits, parser: SaxesParser, openElements: () => readonly string[]): AsyncIterable<void> {
  const guard = new XmlGuard(input.fileName, maxXmlRecordChars);
  for await (const text of xmlText(input, limits)) {
    parser.write(guard.check(text));
    yield;
  }
  parser.write(guard.check('', true));
  refuseIfStillOpen(openElements(), input.fileName);
  parser.close();
  yield;
}

/** A file that ends inside elements is cut short, not malformed: said before saxes reports the first of them alone. */
function refuseIfStillOpen(open: readonly string[], fileName: string): void {
  if (open.length > 0) throw new AdapterError('truncated', fileName, `ends with <${open.join('>, <')}> still open`);
}

function refuseIfTooDeep(open: readonly unknown[], parser: SaxesParser, fileName: string): void {
  if (open.length >= maxXmlDepth) {
    throw new AdapterError('unreadable', fileName, `nests elements more than ${maxXmlDepth} deep at line ${parser.line}; a department export needs a few levels`);
  }
}

/** Read over the first bytes as Latin-1, which any ASCII-compatible encoding's declaration survives (a UTF-8 BOM shows as ï»¿). */
const declarationPattern = /^(?:\xEF\xBB\xBF)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const declarationBytes = 1024;

/** The file's text in chunks, decoded with the encoding its declaration names, or the detected one when it names none. */
async function* xmlText(input: FileInput, limits: ReaderLimits): AsyncIterable<string> {
  const head = Buffer.from(await readHead(input, declarationBytes)).toString('latin1');
  const declared = declarationPattern.exec(head)?.[1];
  if (declared === undefined) {
    yield* readTextChunks(input, limits);
    return;
  }
  yield* decodeStream(readFileChunks(input), resolveDeclaredEncoding(declared, input.fileName), {
    fileName: input.fileName,
    invalidMessage: `is not valid ${declared}, the encoding its XML declaration names`,
  });
}

function resolveDeclaredEncoding(label: string, fileName: string): string {
  let encoding: string;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    throw new AdapterError('encoding', fileName, `declares the encoding "${label}", which is not one this reader knows`);
  }
  if (encoding.startsWith('utf-16')) throw new AdapterError('encoding', fileName, `declares ${label} but its declaration reads as single bytes`);
  // GBK and GB2312 files hold GB18030 characters more often than they admit (生僻字 typed by IME); the superset reads both.
  return encoding === 'gbk' ? 'gb18030' : encoding;
}

function recordFields(element: XmlElement): Record<string, string> {
  const fields = Object.create(null) as Record<string, string>;
  for (const [name, value] of element.attributes) fields[`@${name}`] = value;
  const seen = new Map<string, number>();
  for (const child of element.children) {
    const occurrence = (seen.get(child.name) ?? 0) + 1;
    seen.set(child.name, occurrence);
    const key = occurrence === 1 ? child.name : `${child.name}[${occurrence}]`;
    for (const [name, value] of child.attributes) fields[`${key}@${name}`] = value;
    if (child.children.length === 0) {
      fields[key] = child.text;
      continue;
    }
    for (const grandchild of child.children) fields[`${key}.${grandchild.name}`] = textContent(grandchild);
  }
  if (element.text.trim() !== '') fields['#text'] = element.text;
  return fields;
}

function textContent(element: XmlElement): string {
  return element.text + element.children.map(textContent).join('');
}
