/**
 * Builds the comparison benchmark's store, which later processes compare: a demo county of about PERSONS persons
 * seeded through the real path (`seedDemoCounty`), then FACTS department facts (comparison-facts.ts) loaded one
 * batch per feed with the bulk writer, as `importFeedFile` loads them — facts linked to register persons (by one
 * UPDATE after the load, as the import does on PostgreSQL), one audit entry per batch appended
 * to the chain — in one transaction. With CSV_DIR, also writes
 * the register and the facts there as CSV for the DuckDB baseline. Prints the seeding and the fact load as two figures.
 * With per-township, each feed is loaded as one batch per township of the register, each stamped with its township
 * (the scale section's simulation of a province's counties, each uploading and comparing its own).
 * Usage: comparison-store.ts build TARGET PERSONS FACTS PERIOD [CSV_DIR|-] [one-per-feed|per-township] | comparison-store.ts drop TARGET
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { commandLineActor } from '../../gateway/access/actor.js';
import { nationwide } from '../../gateway/access/region-scope.js';
import { lastDayOfPeriod } from '../../gateway/calendar/periods.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { openBulkWriter, type BulkTable, type BulkValue } from '../../gateway/store/bulk/bulk-writer.js';
import type { Store } from '../../gateway/store/connect.js';
import { attributesAtRest } from '../../gateway/store/fact-attributes.js';
import { linkUnlinkedFactsSql } from '../../gateway/store/fact-persons.js';
import { typedAttributeColumnNames, typedAttributeColumns } from '../../gateway/store/typed-attributes.js';
import { createIdNumberStorer } from '../../gateway/store/personal-data.js';
import { appendAuditEntry, type AuditRecord } from '../../gateway/store/repositories/audit-log.js';
import { reportCase, secondsSince } from '../case-result.js';
import { benchFeeds, type BenchFact, type BenchRegister } from './comparison-facts.js';
import { createTarget, dropTarget, openTarget } from './comparison-target.js';

const [mode = 'build', target = '', ...rest] = process.argv.slice(2);

const tables: BulkTable[] = [
  { name: 'batches', keepIndexes: true, columns: ['id', 'source', 'period', 'sm3', 'file_name', 'status', 'received_at', 'rows_total', 'accepted', 'rejected', 'skipped', 'refusal', 'actor', 'detail', 'region_code'] },
  {
    name: 'facts',
    columns: ['id', 'batch_id', 'source', 'kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name', 'occurred_on',
      'period', 'amount_fen', 'attributes', 'location', ...typedAttributeColumnNames],
  },
];

if (mode === 'drop') {
  await dropTarget(target);
} else {
  const [personsArg = '1000000', factsArg = '5000000', period = '2024-06', csvArg = '-', batchesArg = 'one-per-feed'] = rest;
  const csvDir = csvArg === '-' ? undefined : csvArg;
  if (!['one-per-feed', 'per-township'].includes(batchesArg)) throw new Error(`batches are one-per-feed or per-township, not "${batchesArg}"`);
  await createTarget(target);
  const store = await openTarget(target);
  try {
    const actor = commandLineActor('bench');
    const seedStart = process.hrtime.bigint();
    // The generator averages about 2.5 persons per household (see seed.ts).
    const seeded = await seedDemoCounty(store, actor, { countyCode: '640121', households: Math.round(Number(personsArg) / 2.5), seed: 1, asOf: lastDayOfPeriod(period) });
    reportCase({ name: `seed ${seeded.persons.toLocaleString('en')} persons (${store.dialect})`, rows: seeded.persons, unit: 'persons', seconds: secondsSince(seedStart) });

    const loadStart = process.hrtime.bigint();
    const register = await readRegister(store, lastDayOfPeriod(period));
    const batches: BatchPlan = batchesArg === 'per-township' ? { townships: await townshipsOfRegister(store, register) } : {};
    const loaded = await loadFacts(store, register, { period, facts: Number(factsArg), seed: 1 }, batches);
    // What autovacuum does on its own within a minute or so of a load this size: done here so that the timed run
    // never depends on whether it got there first. SQLite gathers no statistics unasked, nor do imports ask.
    // Only this store's schema: a bare ANALYZE takes every table of the database, and waits on another bench's
    // store while that one is still loading.
    if (store.dialect === 'pg') await analyzeOwnTables(store);
    reportCase({ name: `load ${loaded.toLocaleString('en')} facts, ${register.idNumbers.length.toLocaleString('en')}-person register (${store.dialect})`, rows: loaded, unit: 'facts', seconds: secondsSince(loadStart) });

    if (csvDir) {
      const exportStart = process.hrtime.bigint();
      const rows = await exportCsv(store, csvDir);
      reportCase({ name: 'export register and facts to CSV for DuckDB', rows, unit: 'rows', seconds: secondsSince(exportStart) });
    }
  } finally {
    await store.close();
  }
}

async function analyzeOwnTables(store: Store): Promise<void> {
  const tables: string[] = await store.knex('pg_tables').whereRaw('schemaname = current_schema()').pluck('tablename');
  for (const table of tables) await store.knex.raw('ANALYZE ??', [table]);
}

/** The register as the generator needs it, and each person's household id (by position), for per-township batches. */
type ReadRegister = BenchRegister & { households: readonly number[] };

/** What the fact generator needs of the register, read in pages so the register never sits in memory as rows. */
async function readRegister(store: Store, periodEnd: string): Promise<ReadRegister> {
  const knex = store.knex;
  const maxId = Number((await knex('persons').max({ id: 'id' }).first())?.id ?? 0);
  const position = new Int32Array(maxId + 1).fill(-1);
  const idNumbers: string[] = [];
  const names: string[] = [];
  const households: number[] = [];
  for (let after = 0; ;) {
    const page: { id: number; id_cipher: string; name: string; household_id: number }[] = await knex('persons').where('id', '>', after).orderBy('id').limit(100_000)
      .select('id', 'id_cipher', 'name', 'household_id');
    if (page.length === 0) break;
    const pageIdNumbers = await store.keyring.decryptMany(page.map((row) => row.id_cipher));
    for (const [index, row] of page.entries()) {
      position[row.id] = idNumbers.length;
      idNumbers.push(pageIdNumbers[index]!);
      names.push(row.name);
      households.push(row.household_id);
    }
    after = page.at(-1)!.id;
  }
  const basic = new Set(['110', '120', '130', '131', '132']);
  const register: ReadRegister = {
    idNumbers, names, households, enrolled: new Uint8Array(idNumbers.length), basicCategory: new Array<string>(idNumbers.length).fill(''),
    basicRegion: new Array<string>(idNumbers.length).fill(''), recipientHousehold: new Uint8Array(idNumbers.length),
  };
  const recipientHouseholds = new Set<number>();
  for (let after = 0; ;) {
    const page: { id: number; person_id: number; household_id: number; category: string; region_code: string }[] = await knex('enrolments')
      .where('id', '>', after).andWhere('start_date', '<=', periodEnd).andWhere((q) => q.whereNull('end_date').orWhere('end_date', '>', periodEnd))
      .orderBy('id').limit(100_000).select('id', 'person_id', 'household_id', 'category', 'region_code');
    if (page.length === 0) break;
    for (const row of page) {
      const at = position[row.person_id] ?? -1;
      if (at < 0) continue;
      register.enrolled[at] = 1;
      recipientHouseholds.add(row.household_id);
      if (basic.has(row.category)) {
        register.basicCategory[at] = row.category;
        register.basicRegion[at] = row.region_code;
      }
    }
    after = page.at(-1)!.id;
  }
  households.forEach((household, at) => {
    if (recipientHouseholds.has(household)) register.recipientHousehold[at] = 1;
  });
  return register;
}

/**
 * Where each fact's batch belongs: one nationwide batch per feed (the default, as the county's own upload), or with
 * `townships`, one batch per feed and township, stamped with the township's region — as if each township uploaded its
 * share, the way each county of a province uploads its own (docs/scale.md). A register person's facts go to their
 * household's township; an outsider's to a township drawn from their ID number, the same one every time.
 */
interface BatchPlan {
  townships?: { codes: readonly string[]; ofPerson: ReadonlyMap<string, number> };
}

/** Every feed as one batch (or one per township) of one transaction, as an import writes it; returns the number of facts. */
async function loadFacts(store: Store, register: BenchRegister, plan: { period: string; facts: number; seed: number }, batches: BatchPlan = {}): Promise<number> {
  const actor = commandLineActor('bench');
  const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true });
  const storeSubjects = createIdNumberStorer(store.keyring);
  const audits: AuditRecord[] = [];
  const regions = batches.townships?.codes ?? [nationwide];
  const regionOf = (idNumber: string): number => {
    const townships = batches.townships;
    if (!townships) return 0;
    return townships.ofPerson.get(idNumber) ?? Number(idNumber.slice(14, 17)) % townships.codes.length;
  };
  let total = 0;
  try {
    for (const feed of benchFeeds(register, plan)) {
      const now = new Date().toISOString();
      const open: { batchId: number; rows: BenchFact[]; count: number }[] = [];
      for (const region of regions) {
        const batchId = writer.nextId('batches');
        await writer.write('batches', [batchId, feed.source, plan.period, randomBytes(32).toString('hex'), `${feed.source}-${plan.period}.csv`, 'applied', now, 0, 0, 0, 0, null,
          actor.label, null, region]);
        open.push({ batchId, rows: [], count: 0 });
      }
      // As the import does: a thousand facts' ID numbers indexed and encrypted at once, repeated subjects once.
      const flush = async (batch: (typeof open)[number]) => {
        const { rows, batchId } = batch;
        const subjects = storeSubjects(rows.map((fact) => fact[1]));
        await writer.writeMany('facts', rows.map(([kind, , name, occurredOn, period, amountFen, attributes], index): BulkValue[] => {
          const subject = subjects[index]!;
          const clear = JSON.parse(attributes) as Record<string, unknown>;
          return [writer.nextId('facts'), batchId, feed.source, kind, subject.key, subject.cipher, subject.regionCode, subject.birthDate, subject.sex, name, occurredOn, period,
            amountFen, attributesAtRest(kind, clear, store.keyring), `line ${batch.count - rows.length + index + 2}`, ...typedAttributeColumns(kind, clear)];
        }));
        batch.rows = [];
      };
      for (const fact of feed.facts) {
        const batch = open[regionOf(fact[1])]!;
        batch.count += 1;
        batch.rows.push(fact);
        if (batch.rows.length === 1000) await flush(batch);
      }
      for (const batch of open) {
        if (batch.rows.length > 0) await flush(batch);
        await writer.run('UPDATE batches SET rows_total = ?, accepted = ? WHERE id = ?', [batch.count, batch.count, batch.batchId]);
        audits.push({ action: 'feed.import', outcome: 'ok', resourceType: 'batch', resourceId: String(batch.batchId),
          detail: `${feed.source} ${feed.source}-${plan.period}.csv: ${batch.count} accepted, 0 rejected, 0 skipped` });
        total += batch.count;
      }
    }
    // Facts about register people point at them, as importFeedFile links them on PostgreSQL: here once for all
    // batches after the load (SQLite's import writes each chunk's persons with it; this needs no map of them here).
    await writer.run(linkUnlinkedFactsSql, []);
    // Appended last, as importFeedFile does, so the audit head is locked only while the load commits.
    for (const audit of audits) await appendAuditEntry(writer, actor, audit);
    await writer.commit();
  } catch (error) {
    await writer.rollback();
    throw error;
  }
  return total;
}

/**
 * The township (9 digits) each register person's household lives in, by ID number, and the townships in order: from
 * the register already read (its ID numbers and household ids) and the households' residence, nothing decrypted again.
 */
async function townshipsOfRegister(store: Store, register: ReadRegister): Promise<NonNullable<BatchPlan['townships']>> {
  const codes: string[] = [];
  const positions = new Map<string, number>();
  const townshipOf = new Map<number, number>();
  const rows: { id: number; township: string }[] = await store.knex('households').select('id', store.knex.raw('substr(residence_region, 1, 9) AS township'));
  for (const { id, township } of rows) {
    let at = positions.get(township);
    if (at === undefined) {
      at = codes.length;
      codes.push(township);
      positions.set(township, at);
    }
    townshipOf.set(id, at);
  }
  const ofPerson = new Map(register.idNumbers.map((idNumber, at) => [idNumber, townshipOf.get(register.households[at]!)!]));
  return { codes, ofPerson };
}

/** persons.csv (id_key, household_id) and facts.csv, with a header row, RFC 4180 quoting; returns rows written. */
async function exportCsv(store: Store, dir: string): Promise<number> {
  // Joined on the blind index, as the comparison joins: the ID numbers themselves are not in the store.
  const files = [
    { file: 'persons.csv', header: 'id_key,household_id', sql: 'SELECT id_key, household_id FROM persons' },
    { file: 'facts.csv', header: 'id,kind,subject_key,occurred_on,period,amount_fen,attributes', sql: 'SELECT id, kind, subject_key, occurred_on, period, amount_fen, attributes FROM facts' },
  ];
  let rows = 0;
  for (const { file, header, sql } of files) rows += store.dialect === 'sqlite' ? await exportSqlite(store, join(dir, file), header, sql) : await exportPg(store, join(dir, file), sql);
  return rows;
}

async function exportSqlite(store: Store, path: string, header: string, sql: string): Promise<number> {
  const connection = (await store.knex.client.acquireConnection()) as Database.Database;
  let rows = 0;
  try {
    const stream = createWriteStream(path);
    let chunk = `${header}\n`;
    for (const row of connection.prepare(sql).raw().iterate() as Iterable<unknown[]>) {
      chunk += `${row.map(csvCell).join(',')}\n`;
      rows += 1;
      if (chunk.length > 1 << 20) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    stream.end(chunk);
    await finished(stream);
  } finally {
    await store.knex.client.releaseConnection(connection);
  }
  return rows;
}

/** The server writes the CSV itself (COPY … TO STDOUT, header from the column names): rows counted by their lines. */
async function exportPg(store: Store, path: string, sql: string): Promise<number> {
  const client = (await store.knex.client.acquireConnection()) as pg.Client;
  let lines = 0;
  try {
    const copy = client.query(copyStreams.to(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER true)`));
    // CSV quoting may put a newline inside a field; attributes are JSON with escaped newlines, keys and codes have none.
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
        done(null, chunk);
      },
    });
    await pipeline(copy, counted, createWriteStream(path));
  } finally {
    await store.knex.client.releaseConnection(client);
  }
  return lines - 1;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
