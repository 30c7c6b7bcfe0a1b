/**
 * Builds the comparison benchmark's store, which later processes compare: a demo county of about PERSONS persons
 * seeded through the real path (`seedDemoCounty`), then FACTS department facts (comparison-facts.ts) loaded one
 * batch per feed with the bulk writer, as `importFeedFile` loads them — facts linked to register persons by the
 * same UPDATE, one audit entry per batch appended to the chain — in one transaction. With CSV_DIR, also writes
 * the register and the facts there as CSV for the DuckDB baseline. Prints the seeding and the fact load as two figures.
 * Usage: comparison-store.ts build TARGET PERSONS FACTS PERIOD [CSV_DIR] | comparison-store.ts drop TARGET
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type Database from 'better-sqlite3';
import { commandLineActor } from '../../gateway/access/actor.js';
import { lastDayOfPeriod } from '../../gateway/calendar/periods.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { openBulkWriter, type BulkTable, type BulkValue } from '../../gateway/store/bulk/bulk-writer.js';
import type { Store } from '../../gateway/store/connect.js';
import { attributesAtRest } from '../../gateway/store/fact-attributes.js';
import { typedAttributeColumnNames, typedAttributeColumns } from '../../gateway/store/typed-attributes.js';
import { createIdNumberStorer } from '../../gateway/store/personal-data.js';
import { appendAuditEntry, type AuditRecord } from '../../gateway/store/repositories/audit-log.js';
import { reportCase, secondsSince } from '../case-result.js';
import { benchFeeds, type BenchFact, type BenchRegister } from './comparison-facts.js';
import { createTarget, dropTarget, openTarget } from './comparison-target.js';

const [mode = 'build', target = '', ...rest] = process.argv.slice(2);

const tables: BulkTable[] = [
  { name: 'batches', keepIndexes: true, columns: ['id', 'source', 'period', 'sm3', 'file_name', 'status', 'received_at', 'rows_total', 'accepted', 'rejected', 'skipped', 'refusal', 'actor', 'detail'] },
  {
    name: 'facts',
    columns: ['id', 'batch_id', 'source', 'kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name', 'occurred_on',
      'period', 'amount_fen', 'attributes', 'location', ...typedAttributeColumnNames],
  },
];

if (mode === 'drop') {
  await dropTarget(target);
} else {
  const [personsArg = '1000000', factsArg = '5000000', period = '2024-06', csvDir] = rest;
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
    const loaded = await loadFacts(store, register, { period, facts: Number(factsArg), seed: 1 });
    // What autovacuum does on its own within a minute or so of a load this size: done here so that the timed run
    // never depends on whether it got there first. SQLite gathers no statistics unasked, nor do imports ask.
    if (store.dialect === 'pg') await store.knex.raw('ANALYZE');
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

/** What the fact generator needs of the register, read in pages so the register never sits in memory as rows. */
async function readRegister(store: Store, periodEnd: string): Promise<BenchRegister> {
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
  const register: BenchRegister = {
    idNumbers, names, enrolled: new Uint8Array(idNumbers.length), basicCategory: new Array<string>(idNumbers.length).fill(''),
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

/** Every feed as one batch of one transaction, as an import writes it; returns the number of facts. */
async function loadFacts(store: Store, register: BenchRegister, plan: { period: string; facts: number; seed: number }): Promise<number> {
  const actor = commandLineActor('bench');
  const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true });
  const storeSubjects = createIdNumberStorer(store.keyring);
  const audits: AuditRecord[] = [];
  let total = 0;
  try {
    for (const feed of benchFeeds(register, plan)) {
      const now = new Date().toISOString();
      const batchId = writer.nextId('batches');
      await writer.write('batches', [batchId, feed.source, plan.period, randomBytes(32).toString('hex'), `${feed.source}-${plan.period}.csv`, 'applied', now, 0, 0, 0, 0, null, actor.label, null]);
      let rows: BenchFact[] = [];
      let count = 0;
      // As the import does: a thousand facts' ID numbers indexed and encrypted at once, repeated subjects once.
      const flush = async () => {
        const subjects = storeSubjects(rows.map((fact) => fact[1]));
        await writer.writeMany('facts', rows.map(([kind, , name, occurredOn, period, amountFen, attributes], index): BulkValue[] => {
          const subject = subjects[index]!;
          const clear = JSON.parse(attributes) as Record<string, unknown>;
          return [writer.nextId('facts'), batchId, feed.source, kind, subject.key, subject.cipher, subject.regionCode, subject.birthDate, subject.sex, name, occurredOn, period,
            amountFen, attributesAtRest(kind, clear, store.keyring), `line ${count - rows.length + index + 2}`, ...typedAttributeColumns(kind, clear)];
        }));
        rows = [];
      };
      for (const fact of feed.facts) {
        count += 1;
        rows.push(fact);
        if (rows.length === 1000) await flush();
      }
      if (rows.length > 0) await flush();
      await writer.run('UPDATE batches SET rows_total = ?, accepted = ? WHERE id = ?', [count, count, batchId]);
      audits.push({ action: 'feed.import', outcome: 'ok', resourceType: 'batch', resourceId: String(batchId), detail: `${feed.source} ${feed.source}-${plan.period}.csv: ${count} accepted, 0 rejected, 0 skipped` });
      total += count;
    }
    // As importFeedFile does for its batch, facts about register people point at them: once for all batches here,
    // since facts.batch_id has no index while the load has them dropped.
    await writer.run('UPDATE facts SET person_id = p.id FROM persons p WHERE p.id_key = facts.subject_key', []);
    // Appended last, as importFeedFile does, so the audit head is locked only while the load commits.
    for (const audit of audits) await appendAuditEntry(writer, actor, audit);
    await writer.commit();
  } catch (error) {
    await writer.rollback();
    throw error;
  }
  return total;
}

/** persons.csv (id_key, household_id) and facts.csv, with a header row, RFC 4180 quoting; returns rows written. */
async function exportCsv(store: Store, dir: string): Promise<number> {
  if (store.dialect !== 'sqlite') throw new Error('the CSV export reads the SQLite store');
  const connection = (await store.knex.client.acquireConnection()) as Database.Database;
  let rows = 0;
  try {
    const write = async (file: string, header: string, sql: string) => {
      const stream = createWriteStream(join(dir, file));
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
    };
    // Joined on the blind index, as the comparison joins: the ID numbers themselves are not in the store.
    await write('persons.csv', 'id_key,household_id', 'SELECT id_key, household_id FROM persons');
    await write('facts.csv', 'id,kind,subject_key,occurred_on,period,amount_fen,attributes', 'SELECT id, kind, subject_key, occurred_on, period, amount_fen, attributes FROM facts');
  } finally {
    await store.knex.client.releaseConnection(connection);
  }
  return rows;
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
