import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../../../adapters/kit/rows.js';
import { maxXmlDepth, maxXmlRecordChars, readXmlRecords, type XmlReadOptions } from '../../../adapters/kit/xml-reader.js';
import { collect, fileOf, fixture, readError } from './reader-input.js';

async function recordsOf(fileName: string, text: string | Uint8Array, options: XmlReadOptions = {}, limits = {}): Promise<RawRecord[]> {
  return collect(readXmlRecords(fileOf(fileName, text), options, limits));
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rows><row><name>&lol9;</name></row><row><name>x</name></row></rows>`;

const externalEntity = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rows [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rows><row><name>&xxe;</name></row><row><name>x</name></row></rows>`;

describe('readXmlRecords', () => {
  it('decodes a GBK-declared export and finds its record element by itself', async () => {
    const input = fixture('gbk-declared.xml');
    expect([...input.bytes!.subarray(38, 42)]).toEqual([0xb5, 0xcd, 0xb1, 0xa3]); // 低保 in GBK: the fixture was not re-saved
    expect(await collect(readXmlRecords(input))).toEqual([
      { location: 'record 1', fields: { '@编号': '0001', 户主: '张三', 身份证号: '11010519491231002X', '金额@单位': '元', 金额: '300.00' } },
      { location: 'record 2', fields: { '@编号': '0002', 户主: '李四&王五', 身份证号: '110105195001010011', '金额@单位': '元', 金额: '1,200.00' } },
    ]);
  });

  it('reads a character only GB18030 has in a file that declares GB2312', async () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="gb2312"?><rows><row><name>'),
      Buffer.from([0x95, 0x34, 0xb2, 0x35, 0xcf, 0xe9]), // 𠮷祥
      Buffer.from('</name></row><row><name>x</name></row></rows>'),
    ]);
    expect((await recordsOf('rare.xml', bytes))[0]?.fields).toEqual({ name: '𠮷祥' });
  });

  it('refuses a file that is not in the encoding it declares', async () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><rows><row><name>'), Buffer.from([0xd5, 0xc5]), Buffer.from('</name></row></rows>')]);
    const error = await readError(readXmlRecords(fileOf('lying.xml', bytes)));
    expect(error.code).toBe('encoding');
    expect(error.message).toBe('lying.xml: is not valid UTF-8, the encoding its XML declaration names');
  });

  it('names repeated children, child attributes, and grandchildren; keeps CDATA verbatim and decodes references once', async () => {
    const text = `<export><person id="7">
        <name>A &amp;amp; B &#x4E2D;&#25991;</name>
        <note><![CDATA[<not a tag> &amp;]]></note>
        <phone type="home">1</phone><phone type="work">2</phone>
        <address><city>银川</city><street>北京路</street></address>
      </person><person id="8"><name/></person></export>`;
    const [first, second] = await recordsOf('people.xml', text, { recordElement: 'person' });
    expect(first).toEqual({
      location: 'record 1',
      fields: {
        '@id': '7',
        name: 'A &amp; B 中文',
        note: '<not a tag> &amp;',
        'phone@type': 'home',
        phone: '1',
        'phone[2]@type': 'work',
        'phone[2]': '2',
        'address.city': '银川',
        'address.street': '北京路',
      },
    });
    expect(second).toEqual({ location: 'record 2', fields: { '@id': '8', name: '' } });
  });

  it('decodes the predefined entities and character references once, and keeps other entities as written', async () => {
    const text = '<rows><row a="&lt;&#x4E2D;&gt;"><v>&lt;a&gt; &quot;&apos; &amp;lt; &#20013;&#x6587; &nbsp; &#0; &#x110000;</v></row><row><v/></row></rows>';
    expect((await recordsOf('refs.xml', text))[0]?.fields).toEqual({ '@a': '<中>', v: '<a> "\' &lt; 中文 &nbsp; &#0; &#x110000;' });
  });

  it('takes elements with attributes only as records when nothing else repeats', async () => {
    expect(await recordsOf('attributes.xml', '<rows><row id="1" name="张三"/><row id="2" name="李四"/></rows>')).toEqual([
      { location: 'record 1', fields: { '@id': '1', '@name': '张三' } },
      { location: 'record 2', fields: { '@id': '2', '@name': '李四' } },
    ]);
  });

  it('prefers the record to a child with attributes repeated inside it', async () => {
    const text = '<rows><row><phone type="a">1</phone><phone type="b">2</phone></row><row><phone type="a">3</phone><phone type="b">4</phone></row></rows>';
    expect((await recordsOf('phones.xml', text)).map((record) => record.fields.phone)).toEqual(['1', '3']);
  });

  it('refuses a named record element that is not there', async () => {
    const error = await readError(readXmlRecords(fileOf('rows.xml', '<rows><row><a>1</a></row></rows>'), { recordElement: 'Record' }));
    expect(error.message).toBe('rows.xml: has no <Record> elements');
  });

  it('refuses a billion-laughs file as xml-entities before expanding anything', async () => {
    const started = performance.now();
    const error = await readError(readXmlRecords(fileOf('lolz.xml', billionLaughs)));
    expect(error.code).toBe('xml-entities');
    expect(error.message).toMatch(/^lolz\.xml: contains <!DOCTYPE at line 2, column 1: document type declarations/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an external-entity (XXE) file as xml-entities, reading nothing it points to', async () => {
    const error = await readError(readXmlRecords(fileOf('xxe.xml', externalEntity)));
    expect(error.code).toBe('xml-entities');
    expect(error.message).not.toContain('root:');
  });

  it('refuses an entity declaration however it is spelled or wherever it hides', async () => {
    expect((await readError(readXmlRecords(fileOf('lower.xml', '<!doctype r><r/>')))).code).toBe('xml-entities');
    expect((await readError(readXmlRecords(fileOf('bare.xml', '<rows><row><a>1</a></row><!ENTITY x "y"></rows>')))).code).toBe('xml-entities');
  });

  it('calls a file that stops inside its elements truncated, naming them', async () => {
    const error = await readError(readXmlRecords(fileOf('cut.xml', '<rows><row><a>1</a></row><row><a>2')));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('cut.xml: ends with <rows>, <row>, <a> still open');
  });

  it('refuses malformed XML with the parser’s line and column', async () => {
    const error = await readError(readXmlRecords(fileOf('bad.xml', '<rows>\n<row><a>1</b></row></rows>')));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe('bad.xml: is not well-formed XML at line 2, column 13: unexpected close tag.');
  });

  it('refuses an "&" that starts no reference where it stands, as the parser before did, but not inside CDATA', async () => {
    const error = await readError(readXmlRecords(fileOf('amp.xml', '<rows>\n<row><a>李四 & 王五</a></row><row><a>x</a></row></rows>')));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe('amp.xml: has an "&" that starts no entity reference at line 2, column 12: a plain "&" is written &amp;');
    const cdata = '<rows><row><a><![CDATA[李四 & 王五]]></a></row><row><a>x</a></row></rows>';
    expect((await recordsOf('cdata.xml', cdata)).map((record) => record.fields.a)).toEqual(['李四 & 王五', 'x']);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const error = await readError(readXmlRecords(fileOf('big.xml', '<rows><row><a>1</a></row></rows>'), {}, { maxFileBytes: 10 }));
    expect(error.code).toBe('too-large');
  });

  it('refuses elements nested deeper than any export needs, a record that never ends and text that never does', async () => {
    const deep = `${'<a>'.repeat(maxXmlDepth + 1)}x${'</a>'.repeat(maxXmlDepth + 1)}`;
    const tooDeep = await readError(readXmlRecords(fileOf('deep.xml', deep), { recordElement: 'row' }));
    expect(tooDeep.message).toBe(`deep.xml: nests elements more than ${maxXmlDepth} deep at line 1; a department export needs a few levels`);
    const field = `<a>${'x'.repeat(30_000)}</a>`;
    const endless = `<rows><row><a>1</a></row><row>${field.repeat(Math.ceil(maxXmlRecordChars / 30_000))}</row></rows>`;
    const runaway = await readError(readXmlRecords(fileOf('endless.xml', endless), { recordElement: 'row' }));
    expect(runaway.message).toBe(`endless.xml: record 2 at line 1 runs past ${maxXmlRecordChars} characters: an element never closed?`);
    const text = `<rows><row><a>${'x'.repeat(maxXmlRecordChars + 1)}</a></row></rows>`;
    const unending = await readError(readXmlRecords(fileOf('text.xml', text), { recordElement: 'row' }));
    expect(unending.message).toBe(`text.xml: has more than ${maxXmlRecordChars} characters without a "<" by line 1: not an export of records`);
  });

  it('refuses more records than allowed and a field over the cell limit', async () => {
    const text = '<rows><row><a>1</a></row><row><a>22</a></row></rows>';
    expect((await readError(readXmlRecords(fileOf('many.xml', text), {}, { maxRows: 1 }))).code).toBe('too-many-rows');
    expect((await readError(readXmlRecords(fileOf('long.xml', text), {}, { maxCellLength: 1 }))).message).toBe('long.xml: record 2: field "a" is over 1 characters (2)');
  });
});
