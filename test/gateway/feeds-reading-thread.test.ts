import { Buffer } from 'node:buffer';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as XLSX from 'xlsx';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import type { Actor } from '../../gateway/access/actor.js';
import { importFeedFile, type ImportOptions } from '../../gateway/feeds/import-feed.js';
import { attributesInClear } from '../../gateway/store/fact-attributes.js';
import { rejectsOfBatch } from '../../gateway/store/repositories/batch-rejects.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';
import { typedAttributeColumnNames, typedAttributeColumns } from '../../gateway/store/typed-attributes.js';
import { workerFromBytes } from '../../gateway/feeds/reading-thread.js';

/**
 * The import's reading worker (gateway/feeds/reading-thread.ts) against the same import read inline: the same
 * outcome row by row, errors of the same class and code, and a store left as it was when the worker fails or dies.
 * Every Worker the import starts is recorded, so each test knows which path it took, and one test kills it.
 */
const workers = vi.hoisted(() => ({ started: [] as NodeWorker[], killOnFirstChunk: false }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class RecordedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      workers.started.push(this);
      if (workers.killOnFirstChunk) this.once('message', () => void this.terminate());
    }
  }
  return { ...actual, Worker: RecordedWorker };
});

const importer: Actor = { keyId: null, role: 'admin', regionCode: '640121', label: 'test' };
/** A register person whose household lies in another county: rows about them are rejected for a 640121 importer. */
const qianjiang = idNumber('500114', '1951-02-02', 32);

/**
 * A 医保 settlement file of 2,500 rows (three chunks): good rows, bad amounts, a blank row, a duplicate row, and two
 * rows about the other county's register person, one on each side of a chunk boundary.
 */
function settlementFile(rows = 2500, tail = ''): Buffer {
  const lines = ['序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付'];
  for (let i = 0; i < rows; i++) {
    const id = i === 700 || i === 1800 ? qianjiang : idNumber('640121', `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`, i % 1000);
    const paid = i % 97 === 5 ? 'abc' : `${100 + i}.50`;
    lines.push(i === 1200 ? ',,,,,,' : i === 1500 ? lines[11]! : `${i + 1},马秀兰${i % 7},${id},${i % 3 === 0 ? '门诊' : '住院'},2024-05-0${1 + (i % 9)},"3,000.00",${paid}`);
  }
  return Buffer.from(`${lines.join('\n')}\n${tail}`);
}

/** The same rows as an XLSX workbook, as a bureau's Excel export would hold them. */
function settlementWorkbook(rows: number): Buffer {
  const lines = settlementFile(rows).toString('utf8').trimEnd().split('\n').map((line) => line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '')));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(lines), '结算明细');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

/** A 殡葬 cremation export of `records` people (the binzang feed's MZ/T 141 XML); `broken` puts a bare "&" in that record. */
function cremationExport(records: number, broken?: number): Buffer {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<DeadInformations>\n'];
  for (let i = 0; i < records; i++) {
    const home = i === broken ? '永宁县殡仪馆 & 公墓' : '永宁县殡仪馆 &amp; 公墓';
    parts.push(`<DeadInformation><DeadName>马秀兰${i % 7}</DeadName><CertificateNo>${idNumber('640121', `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`, i % 1000)}</CertificateNo>`
      + `<CremationDate>2024-05-0${1 + (i % 9)}</CremationDate><FuneralHomeName>${home}</FuneralHomeName></DeadInformation>\n`);
  }
  parts.push('</DeadInformations>\n');
  return Buffer.from(parts.join(''));
}

async function run(store: TestStore, bytes: Buffer, extra: Partial<ImportOptions>, fileName = 'yibao.csv') {
  return importFeedFile(store, { source: 'yibao', input: { fileName, bytes }, actor: importer, today: '2024-12-31', ...extra });
}

/** A batch's facts and rejects in clear, without the ids and ciphertexts that differ between two stores. */
async function batchInClear(store: TestStore, batchId: number) {
  const facts = await store.knex('facts').where('batch_id', batchId).orderBy('id')
    .select('kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name', 'occurred_on', 'period', 'amount_fen', 'attributes', 'location',
      ...typedAttributeColumnNames);
  const keys = new Set<string>();
  const clear = [];
  for (const { subject_cipher: cipher, subject_key: key, attributes, ...rest } of facts) {
    keys.add(key);
    const inClear = await attributesInClear(attributes, store.keyring);
    // The typed columns the rules filter on (migration 026) are filled from the attributes, whichever thread read the row.
    expect(typedAttributeColumnNames.map((name) => rest[name])).toEqual(typedAttributeColumns(rest.kind, inClear));
    clear.push({ ...rest, idNumber: await store.keyring.decrypt(cipher), attributes: inClear });
  }
  const rejects = (await rejectsOfBatch(store.knex, batchId)).map(({ id: _id, ...reject }) => reject);
  return { facts: clear, distinctKeys: keys.size, rejects };
}

async function tableCounts(store: TestStore) {
  const count = async (table: string) => Number((await store.knex(table).count({ n: '*' }).first())?.n);
  return { batches: await count('batches'), facts: await count('facts'), rejects: await count('batch_rejects'), audit: await count('audit_log') };
}

describe.each(dialects)('an import read in a worker thread on %s', (dialect) => {
  let inline: TestStore;
  let worker: TestStore;

  beforeAll(async () => {
    [inline, worker] = await Promise.all([openTestStore(dialect), openTestStore(dialect)]);
    for (const store of [inline, worker]) await addHousehold(store.knex, '500114001001', [{ idNumber: qianjiang, name: '张黔江', enrolment: { category: '120', startDate: '2023-01-01' } }]);
  });
  afterAll(async () => {
    await inline?.dispose();
    await worker?.dispose();
  });

  it('accepts, rejects and skips the same rows as the inline import, with the same locations, reasons and facts', async () => {
    const file = settlementFile();
    const before = workers.started.length;
    const fromInline = await run(inline, file, { readingThread: 'inline' });
    expect(workers.started.length).toBe(before);
    const fromWorker = await run(worker, file, { readingThread: 'worker' });
    expect(workers.started.length).toBe(before + 1);

    expect(fromWorker).toEqual({ ...fromInline, batchId: fromWorker.batchId });
    // 2,500 rows: 26 bad amounts, a blank row, a duplicate, two about the other county's register person.
    expect(fromInline).toMatchObject({ accepted: 2470, rejected: 29, skipped: 1 });
    const [a, b] = [await batchInClear(inline, fromInline.batchId!), await batchInClear(worker, fromWorker.batchId!)];
    expect(b.facts).toEqual(a.facts);
    expect(new Set(b.facts.map((fact) => fact.attr_code))).toEqual(new Set(b.facts.map((fact) => fact.attributes.settlementType)));
    expect(b.facts.some((fact) => fact.attr_code !== null)).toBe(true);
    expect(b.rejects).toEqual(a.rejects);
    expect(a.rejects.filter((r) => /outside 640121/.test(r.reason)).map((r) => r.location)).toEqual(['line 702', 'line 1802']);
    expect(a.rejects.find((r) => r.location === 'line 1502')?.reason).toBe('duplicate of line 12');
    expect(a.rejects.map((r) => r.location)).toEqual([...a.rejects.map((r) => r.location)].sort((x, y) => Number(x.slice(5)) - Number(y.slice(5))));
  });

  it('reads a workbook in the worker to the same facts and rejects as inline', async () => {
    const book = settlementWorkbook(1200);
    const fromInline = await run(inline, book, { readingThread: 'inline' }, 'yibao.xlsx');
    const fromWorker = await run(worker, book, { readingThread: 'worker' }, 'yibao.xlsx');
    expect(fromWorker).toEqual({ ...fromInline, batchId: fromWorker.batchId });
    expect(fromInline.accepted).toBeGreaterThan(1000);
    const [a, b] = [await batchInClear(inline, fromInline.batchId!), await batchInClear(worker, fromWorker.batchId!)];
    expect(b).toEqual(a);
    expect(a.rejects.find((r) => /outside 640121/.test(r.reason))?.location).toMatch(/!A702$/);
  });

  it('streams an XML export in the worker to the same facts as inline, and rolls back one that breaks after its first chunks', async () => {
    const file = cremationExport(2500);
    const fromInline = await run(inline, file, { readingThread: 'inline', source: 'binzang' }, 'binzang.xml');
    const fromWorker = await run(worker, file, { readingThread: 'worker', source: 'binzang' }, 'binzang.xml');
    expect(fromWorker).toEqual({ ...fromInline, batchId: fromWorker.batchId });
    expect(fromInline).toMatchObject({ accepted: 2500, rejected: 0 });
    const [a, b] = [await batchInClear(inline, fromInline.batchId!), await batchInClear(worker, fromWorker.batchId!)];
    expect(b).toEqual(a);
    expect(a.facts[2499]).toMatchObject({ kind: 'person-cremation', location: 'record 2500', attributes: { funeralHome: '永宁县殡仪馆 & 公墓' } });

    const countsBefore = await tableCounts(worker);
    const broken = run(worker, cremationExport(2500, 2400), { readingThread: 'worker', source: 'binzang' }, 'binzang.xml');
    await expect(broken).rejects.toMatchObject({ name: 'AdapterError', code: 'unreadable', message: expect.stringMatching(/^binzang\.xml: has an "&" that starts no entity reference at line 2403, column \d+/) });
    expect(await tableCounts(worker)).toEqual(countsBefore);
  });

  it('gives a dry run the same counts and sample rejects, and writes nothing', async () => {
    const file = settlementFile(2500, '2501,马秀兰,640121195001011234,门诊,2024-05-01,"3,000.00",1.00\n');
    const countsBefore = await tableCounts(worker);
    const fromInline = await run(inline, file, { readingThread: 'inline', dryRun: true });
    const fromWorker = await run(worker, file, { readingThread: 'worker', dryRun: true });
    expect(fromWorker).toEqual(fromInline);
    expect(fromWorker.sampleRejects?.slice(0, 2)).toEqual([{ location: 'line 7', reason: expect.stringMatching(/个人自付/) }, { location: 'line 104', reason: expect.stringMatching(/个人自付/) }]);
    expect(fromWorker.sampleRejects?.some((r) => r.location === 'line 702' && /outside 640121/.test(r.reason))).toBe(true);
    expect(await tableCounts(worker)).toEqual(countsBefore);
  });

  it('refuses a file without the header, an AdapterError with its code, and leaves the store untouched', async () => {
    const countsBefore = await tableCounts(worker);
    const refused = run(worker, Buffer.from('a,b,c\n1,2,3\n'), { readingThread: 'worker' });
    await expect(refused).rejects.toBeInstanceOf(AdapterError);
    await expect(refused).rejects.toMatchObject({ code: 'no-header', fileName: 'yibao.csv', message: expect.stringMatching(/^yibao\.csv: no header row names the required column/) });
    expect(await tableCounts(worker)).toEqual(countsBefore);
  });

  it('rolls back the chunks already written when the worker fails half way (an unclosed quote, a row limit)', async () => {
    const countsBefore = await tableCounts(worker);
    const truncated = run(worker, settlementFile(2500, '2501,"马秀兰,640121195001011234\n'), { readingThread: 'worker' });
    await expect(truncated).rejects.toBeInstanceOf(AdapterError);
    await expect(truncated).rejects.toMatchObject({ code: 'truncated' });
    const inlineError = await run(inline, settlementFile(2500, '2501,"马秀兰,640121195001011234\n'), { readingThread: 'inline' }).catch((error: unknown) => error);
    await expect(truncated).rejects.toThrow((inlineError as Error).message);

    const tooMany = run(worker, settlementFile(2600), { readingThread: 'worker', limits: { maxRows: 1500 } });
    await expect(tooMany).rejects.toMatchObject({ name: 'AdapterError', code: 'too-many-rows' });
    expect(await tableCounts(worker)).toEqual(countsBefore);
  });

  it('fails and rolls back when the worker dies in the middle of the file', async () => {
    const countsBefore = await tableCounts(worker);
    workers.killOnFirstChunk = true;
    try {
      await expect(run(worker, settlementFile(3000), { readingThread: 'worker' })).rejects.toThrow(/reading thread stopped \(exit code 1\)/);
    } finally {
      workers.killOnFirstChunk = false;
    }
    expect(await tableCounts(worker)).toEqual(countsBefore);
  });

  it('reads a small file inline when left to choose, and a large one in a worker', async () => {
    const before = workers.started.length;
    const small = await run(worker, settlementFile(20), {});
    expect(small.accepted + small.rejected).toBe(20);
    expect(workers.started.length).toBe(before);
    const large = await run(worker, settlementFile(16_000), {});
    expect(large.accepted).toBeGreaterThan(15_000);
    expect(workers.started.length).toBe(before + 1);
  });

  it('reads a workbook inline when left to choose, however large', async () => {
    const before = workers.started.length;
    const workbook = settlementWorkbook(50_000);
    expect(workbook.length).toBeGreaterThanOrEqual(workerFromBytes);
    const result = await run(worker, workbook, {}, 'yibao.xlsx');
    expect(result.accepted).toBeGreaterThan(49_000);
    expect(workers.started.length).toBe(before);
  }, 60_000);
});
