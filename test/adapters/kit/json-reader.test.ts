import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeNdjson, readJsonRecords } from '../../../adapters/kit/json-reader.js';
import type { RawRecord } from '../../../adapters/kit/rows.js';
import { collect, fileOf, readError } from './reader-input.js';

async function recordsOf(fileName: string, text: string, limits = {}): Promise<RawRecord[]> {
  return collect(readJsonRecords(fileOf(fileName, text), limits));
}

describe('readJsonRecords: JSON documents', () => {
  it('reads a top-level array of objects, every value as text', async () => {
    const text = JSON.stringify([{ 姓名: '张三', 金额: 300.5, 在册: true, 备注: null, 成员: ['李四'] }, { 姓名: '李四' }]);
    expect(await recordsOf('roster.json', text)).toEqual([
      { location: 'record 1', fields: { 姓名: '张三', 金额: '300.5', 在册: 'true', 备注: '', 成员: '["李四"]' } },
      { location: 'record 2', fields: { 姓名: '李四' } },
    ]);
  });

  it('keeps a number as written, so an 18-digit ID given as a number keeps its digits', async () => {
    const [record] = await recordsOf('ids.json', '[{"id": 110105194912310021, "small": 1.50e3, "negative": -0}]');
    expect(record?.fields).toEqual({ id: '110105194912310021', small: '1.50e3', negative: '-0' });
  });

  it('flattens a nested object one level, keeping deeper values as their JSON text', async () => {
    const [record] = await recordsOf('nested.json', '[{"address": {"city": "银川市", "geo": {"lat": 38.4}}, "empty": {}}]');
    expect(record?.fields).toEqual({ 'address.city': '银川市', 'address.geo': '{"lat": 38.4}' });
  });

  it('decodes escapes, surrogate pairs included', async () => {
    const [record] = await recordsOf('escapes.json', String.raw`[{"name": "\u5f20\u4e09 \"A\"\n", "rare": "\ud842\udfb7"}]`);
    expect(record?.fields).toEqual({ name: '张三 "A"\n', rare: '𠮷' });
  });

  it('reads the records out of a wrapping object, however deep', async () => {
    expect(await recordsOf('wrapped.json', '{"code": 0, "data": [{"a": "1"}, {"a": "2"}], "msg": "ok"}')).toEqual([
      { location: 'record 1', fields: { a: '1' } },
      { location: 'record 2', fields: { a: '2' } },
    ]);
    const nested = '{"code": 0, "data": {"total": 1, "columns": ["a"], "list": [{"a": "1"}]}, "page": {"size": 20}}';
    expect(await recordsOf('paged.json', nested)).toEqual([{ location: 'record 1', fields: { a: '1' } }]);
  });

  it('reads an empty array of records as no records', async () => {
    expect(await recordsOf('none.json', '{"data": []}')).toEqual([]);
    expect(await recordsOf('none.json', '[ ]')).toEqual([]);
  });

  it('refuses a document holding two arrays of records', async () => {
    const error = await readError(readJsonRecords(fileOf('two.json', '{"data": [{"a": 1}], "extra": {"rows": [{"b": 2}]}}')));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe('two.json: holds two arrays of records, "data" and "extra.rows"; which one is meant cannot be told');
  });

  it('refuses a document with no array of records', async () => {
    const error = await readError(readJsonRecords(fileOf('flat.json', '{"data": {"a": 1},\n "b": 2}')));
    expect(error.message).toContain('holds no array of records');
  });

  it('refuses malformed JSON, naming the record, line and column', async () => {
    const error = await readError(readJsonRecords(fileOf('bad.json', '[\n  {"a": "1"},\n  {"a": "2",}\n]')));
    expect(error.code).toBe('unreadable');
    expect(error.message).toBe("bad.json: is not well-formed JSON in record 2 at line 3, column 13: expected a string, found '}'");
  });

  it('refuses a record that is not an object', async () => {
    const error = await readError(readJsonRecords(fileOf('scalars.json', '[{"a": 1}, 2]')));
    expect(error.message).toBe("scalars.json: is not well-formed JSON in record 2 at line 1, column 12: expected record 2 to be an object, found '2'");
  });

  it('calls a document that stops inside a record truncated, after yielding the records before it', async () => {
    const seen: RawRecord[] = [];
    const error = await readError(
      (async function* () {
        for await (const record of readJsonRecords(fileOf('cut.json', '[{"a": "1"}, {"a": "2'))) {
          seen.push(record);
          yield record;
        }
      })(),
    );
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('cut.json: is not well-formed JSON in record 2 at line 1, column 22: the text ends inside a string');
    expect(seen).toHaveLength(1);
  });

  it('refuses text after the document', async () => {
    expect((await readError(readJsonRecords(fileOf('tail.json', '[{"a": 1}] x')))).message).toContain('after the records');
  });

  it('refuses an empty file', async () => {
    expect((await readError(readJsonRecords(fileOf('empty.json', '  \n')))).message).toBe('empty.json: is empty');
  });

  it('keeps a __proto__ key as a plain field, polluting nothing', async () => {
    const [record] = await recordsOf('proto.json', '[{"__proto__": {"polluted": "yes"}, "constructor": "c"}]');
    expect(Object.keys(record!.fields)).toEqual(['__proto__.polluted', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses more records than allowed, and a field over the cell limit', async () => {
    expect((await readError(readJsonRecords(fileOf('many.json', '[{}, {}, {}]'), { maxRows: 2 }))).code).toBe('too-many-rows');
    const long = await readError(readJsonRecords(fileOf('long.json', `[{"a": "${'x'.repeat(11)}"}]`), { maxCellLength: 10 }));
    expect(long.message).toBe('long.json: record 1: field "a" is over 10 characters (11)');
  });

  it('refuses a string that never closes once it passes the record size cap, without holding the file', async () => {
    const text = '[{"a": "never closed' + ' '.repeat(20 * 1024 * 1024);
    const error = await readError(readJsonRecords(fileOf('runaway.json', text)));
    expect(error.code).toBe('unreadable');
    expect(error.message).toContain('record 1 at line 1 runs past 8388608 characters');
  });
});

describe('readJsonRecords: NDJSON', () => {
  it('reads one object per line, by extension, numbering lines and skipping blank ones', async () => {
    expect(await recordsOf('feed.jsonl', '{"a": 1}\n\n{"a": 2}\r\n')).toEqual([
      { location: 'line 1', fields: { a: '1' } },
      { location: 'line 3', fields: { a: '2' } },
    ]);
  });

  it('recognises NDJSON by its content under a .json name', async () => {
    expect(await recordsOf('feed.json', '{"a": 1}\n{"a": 2}')).toHaveLength(2);
  });

  it('yields a broken line as a record with only __error, and reads on', async () => {
    expect(await recordsOf('feed.ndjson', '{"a": 1}\n{"a": 2,}\n[3]\n{"a": 4}\n')).toEqual([
      { location: 'line 1', fields: { a: '1' } },
      { location: 'line 2', fields: { __error: "not a JSON object: expected a string, found '}' at column 9" } },
      { location: 'line 3', fields: { __error: "not a JSON object: expected an object, found '[' at column 1" } },
      { location: 'line 4', fields: { a: '4' } },
    ]);
  });

  it('yields a line with two objects on it as an error', async () => {
    const [record] = await recordsOf('feed.ndjson', '{"a": 1} {"a": 2}\n');
    expect(record?.fields.__error).toContain('expected the end of the document');
  });

  it('reads a file holding a single object as one record', async () => {
    expect(await recordsOf('one.json', '{"姓名": "张三"}')).toEqual([{ location: 'line 1', fields: { 姓名: '张三' } }]);
  });
});

describe('looksLikeNdjson', () => {
  it('tells NDJSON from a wrapped JSON document', () => {
    expect(looksLikeNdjson('{"a": 1}\n{"a": 2}\n', true)).toBe(true);
    expect(looksLikeNdjson('{"a": 1}', true)).toBe(true);
    expect(looksLikeNdjson('{"data": [{"a": 1}]}', true)).toBe(false);
    expect(looksLikeNdjson('{"data": [{"a": 1},', false)).toBe(false);
    expect(looksLikeNdjson('[{"a": 1}]', true)).toBe(false);
    expect(looksLikeNdjson('{\n  "a": 1\n}\n', true)).toBe(false);
  });
});

describe('readJsonRecords across chunk boundaries', () => {
  const scalar = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.string({ maxLength: 4 }).map((s) => `${s}"\\\n\u0001`),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const record = fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }).filter((key) => !key.includes('.')), scalar, { maxKeys: 4 });
  const expected = (value: unknown): string => (value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

  it('reads what JSON.stringify wrote, wherever the 64 KiB chunk boundaries fall', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), fc.nat({ max: 400 }), fc.boolean(), async (records, shift, pretty) => {
        const body = JSON.stringify(records, null, pretty ? 2 : undefined);
        // Whitespace inside the array puts the boundary somewhere in the records.
        const text = `{"data": [${' '.repeat(64 * 1024 - 10 - shift)}${body.slice(1)}}`;
        const read = await recordsOf('shifted.json', text);
        expect(read.map((r) => r.fields)).toEqual(records.map((r) => Object.fromEntries(Object.entries(r).map(([key, value]) => [key, expected(value)]))));
      }),
      { numRuns: 150 },
    );
  });
});
