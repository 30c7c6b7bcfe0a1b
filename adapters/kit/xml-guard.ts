import { AdapterError } from './adapter-error.js';

/** Long enough for `<!`, any run of whitespace a real file has, and `DOCTYPE`; and for any entity name a file uses. */
const lookahead = 64;

const entityReference = /&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z_:][A-Za-z0-9._:-]{0,56});/y;
const declaration = /<!\s*(DOCTYPE|ENTITY)/iy;
/** What the scan stops at in content: a reference, or the start of a section in which `&` and `<` mean nothing. */
const contentMark = /&|<[!?]/g;

type Section = 'content' | 'comment' | 'cdata' | 'instruction';
const sectionEnds: Record<Exclude<Section, 'content'>, string> = { comment: '-->', cdata: ']]>', instruction: '?>' };
const sectionNames: Record<Exclude<Section, 'content'>, string> = { comment: 'comment', cdata: 'CDATA section', instruction: 'processing instruction' };

/**
 * Looks over an XML file's text before the parser does, for the three things the parser must not be left to meet:
 * - `<!DOCTYPE` and `<!ENTITY`, anywhere, in any case (XML is case-sensitive, lenient parsers are not): XML bombs and
 *   external-entity attacks both need one, and no department export has one. Refused as `xml-entities`.
 * - a `&` that does not start a reference (`李四&王五` from an exporter that forgot to escape): saxes would read an
 *   entity name up to the next `;`, across the tags after it and, with no `;` left, to the end of the file, holding
 *   all of it. Refused where it stands, with its line, as the parser this reader replaced did.
 * - more than `maxRunChars` characters without a `<`, or in one comment, CDATA section or instruction: saxes holds
 *   a text, a tag or a section whole until it ends, so an export that is one endless text would be held whole too.
 *
 * Comments, CDATA and processing instructions are skipped, since `&` is plain text inside them. Text comes in chunks;
 * what a decision needs of the next chunk is carried over.
 */
export class XmlGuard {
  private section: Section = 'content';
  private carried = '';
  /** Where `carried` starts in the file: its line, and the column (1-based) of its first character. */
  private line = 1;
  private column = 1;
  /** Characters since the last `<` in content, or since the current section began. */
  private run = 0;

  constructor(
    private readonly fileName: string,
    private readonly maxRunChars: number,
  ) {}

  /**
   * Checks a chunk of text (`final` when nothing follows it) and gives back what it cleared: the text up to where a
   * decision needs the next chunk, whose rest comes with the next call. The parser is fed only cleared text, so it
   * never meets a declaration or a stray `&` before the guard has judged it.
   */
  check(chunk: string, final = false): string {
    this.measureRun(chunk);
    const text = this.carried + chunk;
    let at = 0;
    while (at < text.length) {
      if (this.section !== 'content') {
        const end = text.indexOf(sectionEnds[this.section], at);
        if (end === -1) {
          at = Math.max(at, text.length - 2);
          break;
        }
        at = end + sectionEnds[this.section].length;
        this.section = 'content';
        continue;
      }
      contentMark.lastIndex = at;
      const mark = contentMark.exec(text);
      if (mark === null) {
        // A `<` at the very end may open a declaration the next chunk spells out.
        at = !final && text.endsWith('<') ? text.length - 1 : text.length;
        break;
      }
      at = mark.index;
      if (!final && text.length - at < lookahead) break;
      if (mark[0] === '&') {
        entityReference.lastIndex = at;
        if (!entityReference.test(text)) this.refuse(text, at, 'unreadable', 'has an "&" that starts no entity reference', 'a plain "&" is written &amp;');
        at = entityReference.lastIndex;
        continue;
      }
      declaration.lastIndex = at;
      const refused = declaration.exec(text);
      if (refused) {
        const why = 'document type declarations and entities are refused (they are how XML bombs and external-entity attacks work, and exports do not need them)';
        this.refuse(text, at, 'xml-entities', `contains <!${refused[1]!.toUpperCase()}`, why);
      }
      if (text.startsWith('<!--', at)) this.enter('comment');
      else if (text.startsWith('<![CDATA[', at)) this.enter('cdata');
      else if (text.startsWith('<?', at)) this.enter('instruction');
      at += 2;
    }
    if (final) at = text.length;
    this.advance(text, at);
    return text.slice(0, at);
  }

  private enter(section: Exclude<Section, 'content'>): void {
    this.section = section;
    this.run = 0;
  }

  /**
   * Counts the characters since the last `<` (in content) or since the section began, a chunk at a time; the count
   * may run up to a chunk behind where a section starts or ends, which a limit of megabytes does not notice. Only a
   * chunk that could hold a run over the limit is searched for every `<` in it.
   */
  private measureRun(chunk: string): void {
    if (this.run + chunk.length <= this.maxRunChars) {
      const lastTag = this.section === 'content' ? chunk.lastIndexOf('<') : -1;
      this.run = lastTag === -1 ? this.run + chunk.length : chunk.length - lastTag;
      return;
    }
    let from = 0;
    for (let tag = this.section === 'content' ? chunk.indexOf('<') : -1; tag !== -1; tag = chunk.indexOf('<', tag + 1)) {
      if (this.run + tag - from > this.maxRunChars) break;
      this.run = 0;
      from = tag;
    }
    this.run += chunk.length - from;
    if (this.run > this.maxRunChars) {
      const what = this.section === 'content' ? 'characters without a "<"' : `characters in one ${sectionNames[this.section]}`;
      throw new AdapterError('unreadable', this.fileName, `has more than ${this.maxRunChars} ${what} by line ${this.line}: not an export of records`);
    }
  }

  private advance(text: string, upTo: number): void {
    const lines = countLines(text, 0, upTo);
    this.line += lines;
    this.column = lines > 0 ? upTo - text.lastIndexOf('\n', upTo - 1) : this.column + upTo;
    this.carried = text.slice(upTo);
  }

  private refuse(text: string, at: number, code: 'unreadable' | 'xml-entities', what: string, why: string): never {
    const line = this.line + countLines(text, 0, at);
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const column = lineStart > 0 ? at - lineStart + 1 : this.column + at;
    throw new AdapterError(code, this.fileName, `${what} at line ${line}, column ${column}: ${why}`);
  }
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
