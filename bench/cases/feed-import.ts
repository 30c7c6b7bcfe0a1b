/**
 * Imports one department file into a fresh store through the real path (`importFeedFile`: reader → mapping →
 * bulk writer, one transaction), or one of two baselines: the bare reader alone, or the database floor — the
 * same number of fact rows, built in memory beforehand, written with bare prepared INSERTs into a fresh
 * store's facts table and indexed, as the import's writer does, with no reading, mapping or checking.
 * Usage: feed-import.ts import|import-clear sqlite|pg FILE SOURCE | feed-import.ts read FILE | feed-import.ts floor ROWS
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
  const rows = Number(rest[0] ?? 1_000_000);
  const { store, dispose } = await openFreshBenchStore('sqlite');
  const facts: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) {
    // The subject's columns as the clear baseline writes them: the ID number where the blind index and ciphertext go.
    const idNumber = `6401211950010${String(i).padStart(5, '0')}`;
    facts.push([i + 1, 1, 'yibao', 'medical-settlement', idNumber, idNumber, '640121', '1950-01-01', '1', '马秀兰', `2024-05-${String(1 + (i % 28)).padStart(2, '0')}`, '2024-05',
      50_050 + i, JSON.stringify({ settlementType: 'outpatient', totalFen: 150_150 + i }), `line ${i + 2}`]);
  }
  const connection = (await store.knex.client.acquireConnection()) as Database.Database;
  const start = process.hrtime.bigint();
  connection.pragma('foreign_keys = OFF');
  connection.exec('BEGIN IMMEDIATE');
  connection.prepare("INSERT INTO batches (id, source, sm3, file_name, status, received_at, actor) VALUES (1, 'yibao', 'x', 'x', 'applied', '2024-05-31', 'bench')").run();
  const indexes = connection.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const index of indexes) connection.exec(`DROP INDEX "${index.name}"`);
  const insert = connection.prepare(`INSERT INTO facts (id, batch_id, source, kind, subject_key, subject_cipher, subject_region, subject_birth_date, subject_sex, subject_name,
    occurred_on, period, amount_fen, attributes, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const fact of facts) insert.run(fact);
  for (const index of indexes) connection.exec(index.sql);
  connection.exec('COMMIT');
  const seconds = secondsSince(start);
  await store.knex.client.releaseConnection(connection);
  await dispose();
  reportCase({ name: `baseline: ${rows.toLocaleString('en')} facts prebuilt, bare INSERTs + indexes, SQLite`, rows, unit: 'rows', seconds });
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
