/**
 * Imports one department file into a fresh store through the real path (`importFeedFile`: reader → mapping →
 * bulk writer, one transaction), or one of two baselines: the bare reader alone, or the database floor — the very
 * rows the import stores for the file (storedRowsOfImport), held in memory beforehand, written with bare prepared
 * INSERTs into a fresh store's facts table and indexed, as the import's writer does, with no reading, mapping,
 * encrypting or checking.
 * Usage: feed-import.ts import|import-clear sqlite|pg FILE SOURCE | feed-import.ts read FILE | feed-import.ts floor FILE SOURCE
 */
import { basename } from 'node:path';
import { readCsvRows } from '../../adapters/kit/csv-reader.js';
import { detectFormat } from '../../adapters/kit/read-file.js';
import { readSpreadsheetRows } from '../../adapters/kit/xlsx-reader.js';
import { readXmlRecords } from '../../adapters/kit/xml-reader.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { importFeedFile } from '../../gateway/feeds/import-feed.js';
import type { ReadingThread } from '../../gateway/feeds/reading-thread.js';
import type Database from 'better-sqlite3';
import { reportCase, secondsSince } from '../case-result.js';
import { openFreshBenchStore } from './fresh-store.js';

const [mode = 'read', ...rest] = process.argv.slice(2);

if (mode === 'read') {
  const [file = ''] = rest;
  const input = { fileName: basename(file), path: file };
  const format = await detectFormat(input);
  const start = process.hrtime.bigint();
  let rows = 0;
  const records = format === 'csv' ? readCsvRows(input) : format === 'xml' ? readXmlRecords(input) : readSpreadsheetRows(input);
  for await (const _row of records) rows += 1;
  reportCase({ name: `baseline: the ${format.toUpperCase()} reader alone, ${basename(file)}`, rows, unit: 'rows', seconds: secondsSince(start) });
} else if (mode === 'floor') {
  const [file = '', source = 'yibao'] = rest;
  const stored = await storedRowsOfImport(file, source);
  const { store, dispose } = await openFreshBenchStore('sqlite');
  const connection = (await store.knex.client.acquireConnection()) as Database.Database;
  const start = process.hrtime.bigint();
  connection.pragma('foreign_keys = OFF');
  connection.exec('BEGIN IMMEDIATE');
  connection.prepare(`INSERT INTO batches (${stored.batchColumns.join(', ')}) VALUES (${stored.batchColumns.map(() => '?').join(', ')})`).run(stored.batch);
  const indexes = connection.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const index of indexes) connection.exec(`DROP INDEX "${index.name}"`);
  const insert = connection.prepare(`INSERT INTO facts (${stored.factColumns.join(', ')}) VALUES (${stored.factColumns.map(() => '?').join(', ')})`);
  for (const fact of stored.facts) insert.run(fact);
  for (const index of indexes) connection.exec(index.sql);
  connection.exec('COMMIT');
  const seconds = secondsSince(start);
  await store.knex.client.releaseConnection(connection);
  await dispose();
  const rows = stored.facts.length;
  reportCase({ name: `baseline: the ${rows.toLocaleString('en')} facts the import stored, bare INSERTs + indexes, SQLite`, rows, unit: 'rows', seconds });
} else {
  // import-clear: the same import into a store whose personal fields are written in clear, the baseline encryption is measured against.
  const [dialect = 'sqlite', file = '', source = 'yibao'] = rest;
  const clear = mode === 'import-clear';
  const { store, dispose } = await openFreshBenchStore(dialect, { clear });
  const start = process.hrtime.bigint();
  // BENCH_READING_THREAD=inline|worker sets where the file is read, to compare the two on one file; the gateway's choice otherwise.
  const readingThread = process.env.BENCH_READING_THREAD as ReadingThread | undefined;
  const result = await importFeedFile(store, {
    source, input: { fileName: basename(file), path: file }, actor: commandLineActor('bench'), today: '2024-12-31', ...(readingThread ? { readingThread } : {}),
  });
  const seconds = secondsSince(start);
  const stored = Number((await store.knex('facts').count({ n: '*' }).first())?.n);
  if (stored !== result.accepted) throw new Error(`stored ${stored} facts, import said ${result.accepted}`);
  await dispose();
  const rows = result.accepted + result.rejected + result.skipped;
  const into = `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${clear ? ', personal fields in clear (baseline)' : ''}`;
  reportCase({ name: `${clear ? 'baseline: ' : ''}import ${basename(file)} into ${into}`, rows, unit: 'rows', seconds, detail: `${result.accepted} facts, ${result.rejected} rejects` });
}

/**
 * The floor's rows: the file imported once through the real path into a fresh store (not timed), and every row of its
 * facts table and its batch read back as stored — blind index, ciphertexts, attributes at rest, typed columns and all —
 * so the floor writes exactly the bytes the import writes, and nothing is left for the import to do but write them.
 */
async function storedRowsOfImport(file: string, source: string): Promise<{ batchColumns: string[]; batch: unknown[]; factColumns: string[]; facts: unknown[][] }> {
  const { store, dispose } = await openFreshBenchStore('sqlite');
  try {
    await importFeedFile(store, { source, input: { fileName: basename(file), path: file }, actor: commandLineActor('bench'), today: '2024-12-31' });
    const connection = (await store.knex.client.acquireConnection()) as Database.Database;
    try {
      const columnsOf = (table: string) => (connection.prepare(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`).all() as { name: string }[]).map((c) => c.name);
      const batches = connection.prepare('SELECT * FROM batches').raw().all() as unknown[][];
      if (batches.length !== 1) throw new Error(`the floor's import stored ${batches.length} batches, not one`);
      return {
        batchColumns: columnsOf('batches'), batch: batches[0]!,
        factColumns: columnsOf('facts'), facts: connection.prepare('SELECT * FROM facts ORDER BY id').raw().all() as unknown[][],
      };
    } finally {
      await store.knex.client.releaseConnection(connection);
    }
  } finally {
    await dispose();
  }
}
