import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AdapterError } from './adapter-error.js';

/**
 * The three parts of an XLSX workbook a streamed sheet is read from — the shared strings, the cell formats of the
 * styles and the sheet itself (ECMA-376 Part 1 §18.4, §18.8, §18.3) — parsed with saxes as their text arrives, one
 * row held at a time. The streaming reader used exceljs's WorkbookReader internals for this; they built an object
 * per cell and per row (the rows' styles, the cells' models) that the reader threw away, and changed from release to
 * release. This reads only what a cell's text needs: its column, its type, its style's number format and its value.
 *
 * Element names are compared without their namespace prefix (`x:row` is written by some generators). A document type
 * declaration is refused, as everywhere else: Excel never writes one, and entities are how XML bombs work.
 */

/** A row as it stands in the sheet XML: Excel's 1-based `r` (NaN when absent), and its cells' raw parts by column. */
export interface SheetXmlRow {
  number: number;
  cells: string[];
}

/** What a cell's text is made from, besides the cell: the workbook's shared strings and its styles' number formats. */
export interface CellContext {
  sharedStrings: readonly string[];
  /** Number format code by cell style index (`s`), from the styles' cellXfs. */
  formats: readonly (string | undefined)[];
  /** Turns a number cell into its text by its number format (xlsx-reader.ts, the same rule as the loaded path). */
  numberText: (value: number, format: string | undefined) => string;
}

/** The text of every `<si>` of the shared-string table, in order. */
export async function readSharedStrings(texts: AsyncIterable<string>, fileName: string): Promise<string[]> {
  const strings: string[] = [];
  const parser = newParser(fileName, 'shared strings');
  let inItem = false;
  let phonetic = 0;
  let inText = false;
  let current = '';
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'si') {
      inItem = true;
      current = '';
    } else if (name === 'rPh') phonetic += 1;
    else if (name === 't' && inItem && phonetic === 0) inText = true;
  });
  parser.on('text', (text) => {
    if (inText) current += text;
  });
  parser.on('cdata', (text) => {
    if (inText) current += text;
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name === 't') inText = false;
    else if (name === 'rPh') phonetic -= 1;
    else if (name === 'si') {
      strings.push(unescapeOoxml(current));
      inItem = false;
    }
  });
  for await (const text of texts) parser.write(text);
  parser.close();
  return strings;
}

/**
 * The number format code of each cell style (`<cellXfs><xf numFmtId>` in order): the workbook's own `<numFmt>` codes,
 * else the built-in ones SheetJS's format table knows, with the locale-specific ids (a Chinese Excel's 27–36 and
 * 50–58 are dates) resolved as SheetJS resolves them.
 */
export function readCellFormats(stylesXml: string, builtIn: Readonly<Record<number, string | undefined>>, fileName: string): (string | undefined)[] {
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let inCellXfs = false;
  const parser = newParser(fileName, 'styles');
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'numFmt') {
      const id = Number(attribute(tag, 'numFmtId'));
      const code = attribute(tag, 'formatCode');
      if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
    } else if (name === 'cellXfs') inCellXfs = true;
    else if (name === 'xf' && inCellXfs) formatIds.push(Number(attribute(tag, 'numFmtId') ?? 0));
  });
  parser.on('closetag', (tag) => {
    if (localName(tag.name) === 'cellXfs') inCellXfs = false;
  });
  parser.write(stylesXml).close();
  return formatIds.map((id) => custom.get(id) ?? builtIn[id] ?? builtIn[localeFormatIds[id] ?? -1]);
}

/**
 * Built-in format ids whose codes depend on Excel's locale, and the id of the same kind SheetJS reads them as
 * (SSF_default_map in xlsx 0.20): 27–31 and 50–58, the East Asian date formats, read as dates.
 */
const localeFormatIds: Readonly<Record<number, number>> = {
  5: 37, 6: 38, 7: 39, 8: 40, 23: 0, 24: 0, 25: 0, 26: 0, 27: 14, 28: 14, 29: 14, 30: 14, 31: 14,
  50: 14, 51: 14, 52: 14, 53: 14, 54: 14, 55: 14, 56: 14, 57: 14, 58: 14, 59: 1, 60: 2, 61: 3, 62: 4,
  67: 9, 68: 10, 69: 12, 70: 13, 71: 14, 72: 14, 73: 15, 74: 16, 75: 17, 76: 20, 77: 21, 78: 22, 79: 45, 80: 46, 81: 47, 82: 0,
};

/**
 * The sheet's rows as their text arrives: after each chunk, the rows it completed. A cell's text follows the same
 * rules as the loaded path (xlsx-reader.ts): shared and inline strings as written, formula strings as their cached
 * result, booleans TRUE / FALSE, errors as their text, numbers through `numberText` with the cell's format.
 */
export async function* readSheetRows(texts: AsyncIterable<string>, context: CellContext, fileName: string): AsyncGenerator<SheetXmlRow[]> {
  const parser = newParser(fileName, 'sheet');
  let done: SheetXmlRow[] = [];
  let row: SheetXmlRow | undefined;
  let column = 0;
  /** Where a cell written without a reference goes: after the cell before it, empty or not. */
  let nextColumn = 0;
  let type = 'n';
  let style = 0;
  let capturing = false;
  let inInline = false;
  let phonetic = 0;
  let value = '';
  let hasValue = false;
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'c' && row) {
      const reference = attribute(tag, 'r');
      column = reference === undefined ? nextColumn : columnIndex(reference, fileName);
      nextColumn = column + 1;
      type = attribute(tag, 't') ?? 'n';
      style = Number(attribute(tag, 's') ?? 0);
      value = '';
      hasValue = false;
    } else if (name === 'v' && row) {
      capturing = true;
      hasValue = true;
    } else if (name === 'is') inInline = true;
    else if (name === 'rPh') phonetic += 1;
    else if (name === 't' && inInline && phonetic === 0) {
      capturing = true;
      hasValue = true;
    } else if (name === 'row') {
      row = { number: Number(attribute(tag, 'r')), cells: [] };
      nextColumn = 0;
    }
  });
  const take = (text: string) => {
    if (capturing) value += text;
  };
  parser.on('text', take);
  parser.on('cdata', take);
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    if (name === 'v' || name === 't') capturing = false;
    else if (name === 'c' && row) {
      if (hasValue) {
        const text = cellText(type, value, style, context);
        if (text !== '') {
          while (row.cells.length < column) row.cells.push('');
          row.cells[column] = text;
        }
      }
    } else if (name === 'is') inInline = false;
    else if (name === 'rPh') phonetic -= 1;
    else if (name === 'row' && row) {
      done.push(row);
      row = undefined;
    }
  });
  for await (const text of texts) {
    parser.write(text);
    if (done.length > 0) {
      yield done;
      done = [];
    }
  }
  parser.close();
  if (done.length > 0) yield done;
}

function cellText(type: string, value: string, style: number, context: CellContext): string {
  switch (type) {
    case 's':
      return context.sharedStrings[Number(value)] ?? '';
    case 'inlineStr':
      return unescapeOoxml(value);
    case 'str':
    case 'e':
      return value;
    case 'b':
      return value.trim() === '1' || value.trim() === 'true' ? 'TRUE' : 'FALSE';
    case 'd':
      // ISO 8601 in the cell itself (Strict OOXML, rare): its date part, as the loaded path gives a date cell.
      return value.slice(0, 10);
    default: {
      if (value.trim() === '') return '';
      const number = Number(value);
      return Number.isNaN(number) ? value : context.numberText(number, context.formats[style]);
    }
  }
}

/** "AB12" → 27 (0-based); a reference the sheet's own grammar does not allow is refused, not guessed at. */
function columnIndex(reference: string, fileName: string): number {
  let column = 0;
  let at = 0;
  for (; at < reference.length; at++) {
    const code = reference.charCodeAt(at);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else break;
  }
  if (at === 0 || column > 16_384) throw new AdapterError('unreadable', fileName, `a cell of its sheet has the reference "${reference.slice(0, 20)}", which names no column.`);
  return column - 1;
}

/** OOXML writes characters XML cannot carry (a carriage return, a control character) as _xHHHH_ (§22.9.2.19). */
function unescapeOoxml(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function newParser(fileName: string, part: string): SaxesParser {
  const parser = new SaxesParser();
  parser.on('error', (error) => {
    throw new AdapterError('unreadable', fileName, `its ${part} XML is not well-formed at line ${parser.line}, column ${parser.column}: ${error.message.replace(/^\d+:\d+: /, '')}`, { cause: error });
  });
  parser.on('doctype', () => {
    throw new AdapterError('xml-entities', fileName, `its ${part} XML has a document type declaration, refused: they are how XML bombs work, and Excel writes none`);
  });
  return parser;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  return tag.attributes[name];
}
