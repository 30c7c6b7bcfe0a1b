/**
 * Imports one department file into a fresh store through the real path (`importFeedFile`: reader → mapping →
 * bulk writer, one transaction), or — the baseline — only reads it with the bare reader.
 * Usage: feed-import.ts import sqlite|pg FILE SOURCE | feed-import.ts read FILE
 */
import { basename } from 'node:path';
import { readCsvRows } from '../../adapters/kit/csv-reader.js';
import { detectFormat } from '../../adapters/kit/read-file.js';
import { readSpreadsheetRows } from '../../adapters/kit/xlsx-reader.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { importFeedFile } from '../../gateway/feeds/import-feed.js';
import { reportCase, secondsSince } from '../case-result.js';
import { openFreshBenchStore } from './fresh-store.js';

const [mode = 'read', ...rest] = process.argv.slice(2);

if (mode === 'read') {
  const [file = ''] = rest;
  const input = { fileName: basename(file), path: file };
  const format = await detectFormat(input);
  const start = process.hrtime.bigint();
  let rows = 0;
  for await (const _row of format === 'csv' ? readCsvRows(input) : readSpreadsheetRows(input)) rows += 1;
  reportCase({ name: `baseline: the ${format.toUpperCase()} reader alone, ${basename(file)}`, rows, unit: 'rows', seconds: secondsSince(start) });
} else {
  const [dialect = 'sqlite', file = '', source = 'yibao'] = rest;
  const { store, dispose } = await openFreshBenchStore(dialect);
  const start = process.hrtime.bigint();
  const result = await importFeedFile(store, { source, input: { fileName: basename(file), path: file }, actor: commandLineActor('bench'), today: '2024-12-31' });
  const seconds = secondsSince(start);
  const stored = Number((await store.knex('facts').count({ n: '*' }).first())?.n);
  if (stored !== result.accepted) throw new Error(`stored ${stored} facts, import said ${result.accepted}`);
  await dispose();
  const rows = result.accepted + result.rejected + result.skipped;
  reportCase({ name: `import ${basename(file)} into ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, rows, unit: 'rows', seconds, detail: `${result.accepted} facts, ${result.rejected} rejects` });
}
