import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { AdapterError } from './adapter-error.js';
import { checkFileSize, detectEncoding, encodingSampleBytes, formatBytes } from './encoding.js';
import { defaultReaderLimits, type FileInput, type RawRecord, type ReaderLimits } from './rows.js';

/**
 * fast-xml-parser builds the whole document tree in memory (it does not stream): measured here, an 84 MB export of
 * 400,000 records took 20 s and 1.46 GB of memory (17× the file). Past 64 MiB — about 300,000 records, 1.1 GB — the
 * risk is the process running out of memory for everyone, so such an export should come as CSV.
 */
export const maxXmlFileBytes = 64 * 1024 ** 2;

export interface XmlReadOptions {
  /** The repeated element that is one record (`<row>`, `<Record>`); found by itself when not given. */
  recordElement?: string;
}

/**
 * Entities stay unexpanded in the parser: every entity-expansion advisory against fast-xml-parser (billion laughs,
 * its limit bypasses, the DOCTYPE ReDoS) names `processEntities: false` as the fix. The five predefined entities
 * and character references are decoded afterwards by `decodeReferences`, one pass, nothing recursive.
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

/**
 * Reads XML records: each `recordElement` (or, when not named, the most repeated element whose children are all
 * leaves) is one record, its attributes become `@name` fields and each child element a field holding its text
 * (a child's attribute is `child@name`; a repeated child is `child`, `child[2]`, …; a child with children of its own
 * gives `child.grandchild`). Text is as the file holds it, references decoded, CDATA verbatim. Locations are
 * `record N`.
 *
 * Any `<!DOCTYPE` or `<!ENTITY` refuses the file (`AdapterError('xml-entities')`) before parsing: XML bombs and
 * XXE (`<!ENTITY xxe SYSTEM "file:///etc/passwd">`) both need a DTD, and no department export has one.
 *
 * The declared encoding is honoured (`<?xml version="1.0" encoding="GBK"?>`; GBK and GB2312 read as GB18030);
 * without a declaration the encoding is detected as for CSV. Not streaming: the whole file is read, so it is
 * capped at 64 MiB (or the lower file limit).
 */
export async function* readXmlRecords(input: FileInput, options: XmlReadOptions = {}, limits: Partial<ReaderLimits> = {}): AsyncIterable<RawRecord> {
  const resolved = { ...defaultReaderLimits, ...limits };
  const size = await checkFileSize(input, resolved.maxFileBytes);
  if (size > maxXmlFileBytes) {
    throw new AdapterError('too-large', input.fileName, `is ${formatBytes(size)}, more than the ${formatBytes(maxXmlFileBytes)} an XML file may be (XML is read whole); send large exports as CSV`);
  }
  const bytes = input.bytes ?? (await readFile(input.path ?? missingSource(input)));
  const text = decodeXml(bytes, input.fileName);
  refuseDocumentTypes(text, input.fileName);

  const elements = parseXml(text, input.fileName);
  const recordName = options.recordElement ?? findRecordElement(elements);
  if (recordName === undefined) throw new AdapterError('unreadable', input.fileName, 'has no repeated element whose children are all plain values to read as records');
  const records = collectElements(elements, recordName);
  if (records.length === 0) throw new AdapterError('unreadable', input.fileName, `has no <${recordName}> elements`);
  if (records.length > resolved.maxRows) throw new AdapterError('too-many-rows', input.fileName, `has more than ${resolved.maxRows} <${recordName}> records (${records.length})`);

  for (const [index, element] of records.entries()) {
    const fields = recordFields(element);
    for (const [name, value] of Object.entries(fields)) {
      if (value.length > resolved.maxCellLength) {
        throw new AdapterError('unreadable', input.fileName, `record ${index + 1}: field "${name}" is over ${resolved.maxCellLength} characters (${value.length})`);
      }
    }
    yield { location: `record ${index + 1}`, fields };
  }
}

function missingSource(input: FileInput): never {
  throw new TypeError(`${input.fileName}: a FileInput needs a path or bytes`);
}

/** Refuses DTDs. Case-insensitive, though XML is not, because lenient parsers are. */
function refuseDocumentTypes(text: string, fileName: string): void {
  const match = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (match) {
    throw new AdapterError(
      'xml-entities',
      fileName,
      `contains <!${match[1]!.toUpperCase()} at character ${match.index}: document type declarations and entities are refused (they are how XML bombs and external-entity attacks work, and exports do not need them)`,
    );
  }
}

/** Read over the first bytes as Latin-1, which any ASCII-compatible encoding's declaration survives (a UTF-8 BOM shows as ï»¿). */
const declarationPattern = /^(?:\xEF\xBB\xBF)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/** The text, decoded with the encoding the declaration names, or the detected one when it names none. */
function decodeXml(bytes: Uint8Array, fileName: string): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  const declared = declarationPattern.exec(head)?.[1];
  const encoding = declared === undefined ? detectEncoding(bytes.subarray(0, encodingSampleBytes), fileName) : resolveDeclaredEncoding(declared, fileName);
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    throw new AdapterError('encoding', fileName, `is not valid ${declared ?? encoding}${declared ? ', the encoding its XML declaration names' : ''}`, { cause: error });
  }
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

/** An element as fast-xml-parser's ordered output has it: `{ name: children, ':@': attributes }`. */
type OrderedNode = Record<string, unknown>;

interface XmlElement {
  name: string;
  attributes: [string, string][];
  children: XmlElement[];
  /** Text and CDATA directly inside, in order. */
  text: string;
}

function parseXml(text: string, fileName: string): XmlElement[] {
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text, { allowBooleanAttributes: false }) as OrderedNode[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const open = elementsLeftOpen(message);
    if (open) throw new AdapterError('truncated', fileName, `ends with <${open.join('>, <')}> still open`, { cause: error });
    throw new AdapterError('unreadable', fileName, `is not well-formed XML: ${message}`, { cause: error });
  }
  return toElements(nodes);
}

/** The validator's two ways of saying the text ended inside elements: `Unclosed tag 'a'.` and `Invalid '["a","b"]' found.` */
function elementsLeftOpen(message: string): string[] | undefined {
  const single = /^Unclosed tag '([^']*)'/.exec(message);
  if (single) return [single[1]!];
  const several = /^Invalid '(\[[^']*\])' found/.exec(message);
  if (!several) return undefined;
  try {
    return JSON.parse(several[1]!) as string[];
  } catch {
    return undefined;
  }
}

function toElements(nodes: OrderedNode[]): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (name === undefined || name === '#text' || name === '#cdata') continue;
    elements.push(toElement(name, node));
  }
  return elements;
}

function toElement(name: string, node: OrderedNode): XmlElement {
  const attributes = Object.entries((node[':@'] ?? {}) as Record<string, string>).map(([key, value]): [string, string] => [key, decodeReferences(String(value))]);
  const content = (node[name] ?? []) as OrderedNode[];
  let text = '';
  const children: XmlElement[] = [];
  for (const part of content) {
    if ('#text' in part) text += decodeReferences(String(part['#text']));
    else if ('#cdata' in part) text += ((part['#cdata'] ?? []) as OrderedNode[]).map((inner) => String(inner['#text'] ?? '')).join('');
    else children.push(...toElements([part]));
  }
  return { name, attributes, children, text };
}

const references = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const predefined: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five predefined entities and character references, in one pass; anything else stays as written. */
export function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(references, (whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return predefined[name] ?? whole;
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
    return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && code !== 0 ? String.fromCodePoint(code) : whole;
  });
}

function isLeaf(element: XmlElement): boolean {
  return element.children.length === 0;
}

/**
 * The record element when none is named: the most repeated element whose children are all leaves, or, failing
 * that, the most repeated element with attributes only (`<row id="1" name="…"/>`). Elements with children come
 * first, so neither a `<phone type="home">` repeated inside each record nor an `<amount unit="元">` beside it
 * is taken for the record; in a one-record file, the record still beats its attributed children.
 */
function findRecordElement(roots: XmlElement[]): string | undefined {
  const counts = new Map<string, { count: number; withChildren: boolean }>();
  const visit = (element: XmlElement): void => {
    const hasChildren = element.children.length > 0;
    if ((hasChildren || element.attributes.length > 0) && element.children.every(isLeaf)) {
      const entry = counts.get(element.name) ?? { count: 0, withChildren: false };
      entry.count++;
      entry.withChildren ||= hasChildren;
      counts.set(element.name, entry);
    }
    element.children.forEach(visit);
  };
  roots.forEach(visit);
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

function collectElements(roots: XmlElement[], name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement): void => {
    if (element.name === name) found.push(element);
    else element.children.forEach(visit);
  };
  roots.forEach(visit);
  return found;
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
    if (isLeaf(child)) {
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
