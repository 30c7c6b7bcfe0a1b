import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../adapters/kit/adapter-error.js';
import { XmlGuard } from '../../../adapters/kit/xml-guard.js';

/** The guard's verdict on a text given in chunks of `size` characters: all the cleared text, or the refusal. */
function verdict(text: string, size: number, maxRunChars = 1_000): string {
  const guard = new XmlGuard('f.xml', maxRunChars);
  let cleared = '';
  try {
    for (let at = 0; at < text.length; at += size) cleared += guard.check(text.slice(at, at + size));
    cleared += guard.check('', true);
  } catch (error) {
    if (error instanceof AdapterError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return cleared;
}

const passing = [
  '<rows><row a="&lt;&#x4E2D;"><v>A &amp; B &#20013; &nbsp; &x.y-z:w;</v></row></rows>',
  '<rows><!-- a & b <!DOCTYPE in a comment is text --><row><v><![CDATA[李四 & 王五 ]] ]]]></v></row><?pi a & b?></rows>',
  '<?xml version="1.0"?>\n<rows>\n  <row><v>&amp;</v></row>\n</rows>\n',
];

const refused: [string, string][] = [
  ['<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "b">]><r/>', 'xml-entities: f.xml: contains <!DOCTYPE at line 2, column 1: document type'],
  ['<r>\n  <a>x</a>\n  <!  entity a "b"></r>', 'xml-entities: f.xml: contains <!ENTITY at line 3, column 3: document type'],
  ['<r>\n<a>李四 & 王五</a></r>', 'unreadable: f.xml: has an "&" that starts no entity reference at line 2, column 7: a plain "&" is written &amp;'],
  ['<r><a>&#xZZ;</a></r>', 'unreadable: f.xml: has an "&" that starts no entity reference at line 1, column 7'],
  ['<r><a>&;</a></r>', 'unreadable: f.xml: has an "&" that starts no entity reference at line 1, column 7'],
  [`<r><a>&${'n'.repeat(60)};</a></r>`, 'unreadable: f.xml: has an "&" that starts no entity reference at line 1, column 7'],
  [`<r>${'x'.repeat(1_001)}</r>`, 'unreadable: f.xml: has more than 1000 characters without a "<" by line 1: not an export of records'],
];

describe('XmlGuard', () => {
  it('clears every well-formed text whole, however it is cut into chunks', () => {
    for (const text of passing) {
      for (const size of [1, 2, 3, 5, 7, 8, 9, 13, 64, text.length]) expect(verdict(text, size), `chunks of ${size}`).toBe(text);
    }
  });

  it('refuses declarations, stray ampersands and endless text at the same line and column however the text is cut', () => {
    for (const [text, refusal] of refused) {
      for (const size of [1, 2, 3, 5, 7, 8, 9, 13, 64, text.length]) expect(verdict(text, size), `${text.slice(0, 30)} in chunks of ${size}`).toMatch(new RegExp(`^${escape(refusal)}`));
    }
  });

  it('holds back what it has not judged: a declaration split across chunks reaches no one', () => {
    const guard = new XmlGuard('f.xml', 1_000);
    expect(guard.check('<r><a>x</a><!DOC')).toBe('<r><a>x</a>');
    expect(guard.check('TYPE r>')).toBe('');
    expect(() => guard.check('', true)).toThrow(/contains <!DOCTYPE at line 1, column 12/);
    const cutAtTag = new XmlGuard('f.xml', 1_000);
    expect(cutAtTag.check('<r><a>x</a><')).toBe('<r><a>x</a>');
  });

  it('lets a section run long only as far as the limit', () => {
    expect(verdict(`<r><![CDATA[${'<'.repeat(900)}]]></r>`, 64)).toMatch(/^<r>/);
    expect(verdict(`<r><![CDATA[${'<'.repeat(2_100)}]]></r>`, 64)).toMatch(/^unreadable: f\.xml: has more than 1000 characters in one CDATA section/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
