/**
 * Baseline: the fastest the driver itself loads person-shaped rows — 1M prepared INSERTs in one
 * transaction into an index-free table (better-sqlite3), or one COPY (PostgreSQL). No generation, no
 * constraints, no other tables: what seeding is compared against.
 * Usage: raw-insert.ts sqlite|pg ROWS
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { reportCase, secondsSince } from '../case-result.js';
import { freshPgSchema } from './pg-schema.js';

const [dialect = 'sqlite', rowsArg = '1000000'] = process.argv.slice(2);
const rows = Number(rowsArg);

function* personRows(): Generator<[number, string, string, string, string]> {
  for (let i = 0; i < rows; i++) {
    const id = `640121${19500101 + (i % 500000)}${String(i % 1000).padStart(3, '0')}X`;
    yield [i + 1, id, '张三丰', '1', '1950-01-01'];
  }
}

if (dialect === 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-bench-'));
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE persons (id INTEGER PRIMARY KEY, id_number TEXT, name TEXT, gender TEXT, birth_date TEXT)');
  const insert = db.prepare('INSERT INTO persons VALUES (?, ?, ?, ?, ?)');
  const start = process.hrtime.bigint();
  db.transaction(() => {
    for (const row of personRows()) insert.run(row);
  })();
  const seconds = secondsSince(start);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  reportCase({ name: 'baseline: raw better-sqlite3 prepared INSERT, 5 columns, no index', rows, unit: 'rows', seconds });
} else {
  const schema = await freshPgSchema();
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  await client.query(`SET search_path TO ${schema.name}`);
  await client.query('CREATE TABLE persons (id integer PRIMARY KEY, id_number text, name text, gender text, birth_date date)');
  const start = process.hrtime.bigint();
  await client.query('BEGIN');
  // Lines go to COPY in chunks of about 1 MB, as a careful loader would send them.
  const lines = (function* () {
    let chunk = '';
    for (const row of personRows()) {
      chunk += `${row.join('\t')}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  })();
  await pipeline(Readable.from(lines), client.query(copyStreams.from('COPY persons FROM STDIN')));
  await client.query('COMMIT');
  const seconds = secondsSince(start);
  await client.end();
  await schema.drop();
  reportCase({ name: 'baseline: raw COPY, 5 columns, primary key only', rows, unit: 'rows', seconds });
}
