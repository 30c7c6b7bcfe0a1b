import { createReadStream } from 'node:fs';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { loadFeedCatalogue, type FeedCatalogue, type LoadedFeed } from '../../adapters/kit/feed-mappings.js';
import { fixedValueProblem } from '../../adapters/kit/map-rows.js';
import { fieldNamed, withColumnHeaders } from '../../adapters/kit/mapping-overlays.js';
import { detectFormat } from '../../adapters/kit/read-file.js';
import type { FileInput, ReaderLimits } from '../../adapters/kit/rows.js';
import type { Actor } from '../access/actor.js';
import { isWithinScope, nationwide, prefixRange, scopePrefix } from '../access/region-scope.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { openBulkWriter, type BulkTable, type BulkValue } from '../store/bulk/bulk-writer.js';
import type { Store } from '../store/connect.js';
import { factLinkLockSql, linkBatchFactsSql } from '../store/fact-persons.js';
import type { FeedMapping } from '../../schemas/types/index.js';
import { appendAuditEntry } from '../store/repositories/audit-log.js';
import { cellAt, type FlatTable } from './packed-table.js';
import { typedAttributeColumnNames } from '../store/typed-attributes.js';
import { factColumn, rejectColumn, type PrepareRequest, type PreparedChunk } from './prepared-chunks.js';
import { startReading, type ReadingThread } from './reading-thread.js';

export interface ImportOptions {
  source: string;
  /** The feeds to import by (packaged and the deployment's); the packaged ones when not given. */
  feeds?: FeedCatalogue;
  /**
   * This file's own header names: header text → field (its name, or one of its headers). For a one-off file whose
   * header the mapping lacks (`jiuzhu import --column`); recorded with the batch.
   */
  columns?: Readonly<Record<string, string>>;
  /** Field (name or header) → the value of every row, for a file without that column (`jiuzhu import --set`); recorded with the batch. */
  fixedValues?: Readonly<Record<string, string>>;
  input: FileInput;
  actor: Actor;
  dryRun?: boolean;
  sheet?: string;
  /** For tests and back-dated imports: the 'today' that dates are checked against. */
  today?: string;
  limits?: Partial<ReaderLimits>;
  onProgress?: (rowsDone: number) => void;
  /** Where the file is read and mapped (reading-thread.ts): 'auto' unless a test wants one path. */
  readingThread?: ReadingThread;
}

export interface ImportResult {
  /** null for a dry run, and for a duplicate of a batch outside the caller's region (it may not read that batch). */
  batchId: number | null;
  source: string;
  accepted: number;
  rejected: number;
  skipped: number;
  /** The same content was imported before; nothing changed. */
  duplicate: boolean;
  dryRun: boolean;
  /** A dry run's first rejects, to show what a file would do. */
  sampleRejects?: { location: string; reason: string }[];
}

const tables: BulkTable[] = [
  { name: 'batches', keepIndexes: true, columns: ['id', 'source', 'period', 'sm3', 'file_name', 'status', 'received_at', 'rows_total', 'accepted', 'rejected', 'skipped', 'refusal', 'actor', 'detail', 'region_code'] },
  {
    name: 'facts',
    columns: ['id', 'batch_id', 'person_id', 'source', 'kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name',
      'occurred_on', 'period', 'amount_fen', 'attributes', 'location', ...typedAttributeColumnNames],
  },
  { name: 'batch_rejects', columns: ['id', 'batch_id', 'location', 'reason_cipher', 'raw_cipher'] },
];

/** Runs a read in whatever transaction the import is in. */
type Query = (sql: string, bindings: readonly BulkValue[]) => Promise<Record<string, unknown>[]>;

/**
 * Imports one department file as one batch. The batch is keyed by its feed and the SM3 of the file's bytes: the same
 * file again to the same feed is recognised and changes nothing. Rows become facts or rejects (with location and
 * reason) in one transaction, so a crash, a kill or a file that turns out unreadable half way leaves the store as it
 * was. A file refused whole (unreadable, no header, a zip bomb) leaves no batch at all.
 *
 * The batch belongs to the importer's region: a row about someone in the register whose household lies wholly
 * outside it (registered and living elsewhere) is rejected — a county's key does not write about another county's
 * people — and only comparison runs whose region overlaps the batch's read its facts.
 */
export async function importFeedFile(store: Store, options: ImportOptions): Promise<ImportResult> {
  const feed = (options.feeds ?? loadFeedCatalogue()).get(options.source);
  if (!feed) throw new ProblemError('unknown-source', `no feed "${options.source}" (see \`jiuzhu sources\`)`);
  const reading = howToRead(feed, options);
  const { mapping } = reading;
  const digest = await fileDigest(options.input);
  const region = options.actor.regionCode;
  const knexQuery: Query = async (sql, bindings) => rowsOf(await store.knex.raw(sql, bindings as BulkValue[]));
  const earlier = await sameContent(knexQuery, options.source, digest, region);
  if (earlier) return duplicateResult(earlier, options.source, region, options.dryRun === true);

  const format = await detectFormat(options.input);
  const request: PrepareRequest = {
    input: options.input, format, mapping, fixedValues: reading.fixedValues,
    // Dates and ID numbers are checked against one 'today' for the whole file: fixed once, not per cell.
    today: options.today ?? todayInShanghai(),
    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    dryRun: options.dryRun === true,
    keepRaw: region !== nationwide,
  };

  const counts = { accepted: 0, rejected: 0, skipped: 0 };
  let rows = 0;
  const count = (chunk: PreparedChunk, turned: number) => {
    const before = rows;
    rows += chunk.rows;
    counts.accepted += chunk.factLess + chunk.facts.rows - turned;
    counts.rejected += chunk.rejects.rows + turned;
    counts.skipped += chunk.skipped;
    if (options.onProgress && !options.dryRun) for (let done = before - (before % 10_000) + 10_000; done <= rows; done += 10_000) options.onProgress(done);
  };
  if (options.dryRun) {
    const prepared = startReading(request, store.keyring, options.readingThread);
    try {
      const sampleRejects: { location: string; reason: string }[] = [];
      for await (const chunk of prepared.chunks) {
        const { outside } = await registerPersonsOf(knexQuery, chunk, region, false);
        count(chunk, outside.size);
        for (const next of rejectsInOrder(chunk, outside)) {
          if (sampleRejects.length >= 100) break;
          sampleRejects.push(next.from === 'file'
            ? { location: String(cellAt(chunk.rejects, next.index, rejectColumn.location)), reason: String(cellAt(chunk.rejects, next.index, rejectColumn.reason)) }
            : { location: String(cellAt(chunk.facts, next.index, factColumn.location)), reason: outsideReason(region) });
        }
      }
      return { batchId: null, source: options.source, ...counts, duplicate: false, dryRun: true, sampleRejects };
    } finally {
      await prepared.close();
    }
  }

  // The worker starts reading while the writer opens: its start-up overlaps the lock and the duplicate check.
  const prepared = startReading(request, store.keyring, options.readingThread);
  let batchId: number;
  try {
    const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true });
    const now = new Date().toISOString();
    try {
      // Asked again now that the writer holds the lock: a concurrent upload of the same file may have won meanwhile.
      const writerQuery: Query = (sql, bindings) => writer.run(sql, bindings);
      const concurrent = await sameContent(writerQuery, options.source, digest, region);
      if (concurrent) {
        await writer.rollback();
        return duplicateResult(concurrent, options.source, region, false);
      }
      batchId = writer.nextId('batches');
      await writer.write('batches', [batchId, options.source, null, digest, options.input.fileName, 'applied', now, 0, 0, 0, 0, null, options.actor.label,
        JSON.stringify({ format, sheet: options.sheet ?? mapping.sheet ?? null, ...reading.record }), region]);
      for await (const chunk of prepared.chunks) {
        // On SQLite each fact is written pointing at its register person (fact-persons.ts), found with the region
        // check's query; PostgreSQL links after the load (below), where a query per chunk would break the COPY.
        const { outside, personIds } = await registerPersonsOf(writerQuery, chunk, region, store.dialect === 'sqlite');
        count(chunk, outside.size);
        const facts: BulkValue[][] = [];
        for (let index = 0; index < chunk.facts.rows; index++) {
          if (!outside.has(index)) facts.push(factRow(chunk.facts, index, writer.nextId('facts'), batchId, personIds.get(index) ?? null, options.source));
        }
        // Facts turned away by the region check become rejects here: the worker did not encrypt their reason and row.
        const turned = [...outside];
        const turnedCiphers = store.keyring.encryptMany(turned.flatMap((index) => [outsideReason(region).slice(0, 1000), String(cellAt(chunk.facts, index, factColumn.raw))]));
        const turnedAt = new Map(turned.map((index, order) => [index, order]));
        const rejects = rejectsInOrder(chunk, outside).map((next): BulkValue[] => {
          if (next.from === 'file') {
            const cell = (column: number) => cellAt(chunk.rejects, next.index, column);
            return [writer.nextId('batch_rejects'), batchId, String(cell(rejectColumn.location)).slice(0, 80), cell(rejectColumn.reason), cell(rejectColumn.raw)];
          }
          const order = turnedAt.get(next.index)!;
          return [writer.nextId('batch_rejects'), batchId, String(cellAt(chunk.facts, next.index, factColumn.location)).slice(0, 80), turnedCiphers[2 * order]!, turnedCiphers[2 * order + 1]!];
        });
        if (facts.length > 0) await writer.writeMany('facts', facts);
        if (rejects.length > 0) await writer.writeMany('batch_rejects', rejects);
      }
      await writer.run('UPDATE batches SET rows_total = ?, accepted = ?, rejected = ?, skipped = ? WHERE id = ?', [rows, counts.accepted, counts.rejected, counts.skipped, batchId]);
      // PostgreSQL links the batch's facts now, under the lock a registration takes (fact-persons.ts), so a person
      // registered while the chunks were written is found too. SQLite's one connection let no registration in meanwhile.
      const linkLock = factLinkLockSql(store.dialect);
      if (linkLock) {
        await writer.run(linkLock, []);
        await writer.run(linkBatchFactsSql, [batchId]);
      }
      await writer.run(assistanceChainInsert(store.dialect), [now, batchId]);
      // Last before commit: from here the audit head stays locked until the load commits.
      await appendAuditEntry(writer, options.actor, {
        action: 'feed.import', outcome: 'ok', resourceType: 'batch', resourceId: String(batchId),
        detail: `${options.source} ${options.input.fileName}: ${counts.accepted} accepted, ${counts.rejected} rejected, ${counts.skipped} skipped${reading.note}`,
      });
      await writer.commit();
    } catch (error) {
      await writer.rollback();
      throw error;
    }
  } finally {
    await prepared.close();
  }
  return { batchId, source: options.source, ...counts, duplicate: false, dryRun: false };
}

/** One fact's row of the facts table, from its prepared columns. */
function factRow(facts: FlatTable, index: number, id: number, batchId: number, personId: number | null, source: string): BulkValue[] {
  const cell = (column: number) => cellAt(facts, index, column);
  return [id, batchId, personId, source, cell(factColumn.kind), cell(factColumn.subject_key), cell(factColumn.subject_cipher), cell(factColumn.subject_region),
    cell(factColumn.subject_birth_date), cell(factColumn.subject_sex), cell(factColumn.subject_name), cell(factColumn.occurred_on), cell(factColumn.period),
    cell(factColumn.amount_fen), cell(factColumn.attributes), cell(factColumn.location), ...typedAttributeColumnNames.map((name) => cell(factColumn[name]))];
}

interface Reading {
  mapping: FeedMapping;
  fixedValues: Record<string, string>;
  /** Kept in the batch's detail: which mapping files read the file, and what this import added to them. */
  record: { mapping: { origin: LoadedFeed['origin']; file: string; synonyms?: string }; columns?: Record<string, string>; fixedValues?: Record<string, string> };
  /** The same, for the audit line, when the import added anything. */
  note: string;
}

/**
 * The mapping this file is read by: the feed's, with the import's own header names and whole-file values. Names
 * that no field goes by are refused before the file is read, naming the feed's fields.
 */
function howToRead(feed: LoadedFeed, options: ImportOptions): Reading {
  const fieldOf = (given: string, what: string) => {
    const field = fieldNamed(feed.mapping, given);
    if (!field) {
      throw new ProblemError('validation-failed', `${what}: the feed ${feed.mapping.source} has no field ${given} (its fields: ${Object.keys(feed.mapping.fields).join(', ')}; see \`jiuzhu sources show ${feed.mapping.source}\`)`);
    }
    return field;
  };
  const columns = Object.fromEntries(Object.entries(options.columns ?? {}).map(([header, given]) => [header, fieldOf(given, `column ${header}=${given}`)]));
  const fixedValues = Object.fromEntries(Object.entries(options.fixedValues ?? {}).map(([given, value]) => [fieldOf(given, `value ${given}=${value}`), value]));
  const mapping = withColumnHeaders(feed.mapping, columns);
  for (const [field, value] of Object.entries(fixedValues)) {
    const problem = fixedValueProblem(mapping.fields[field]!, value, { today: options.today });
    if (problem) throw new ProblemError('validation-failed', `value ${field}=${value}: ${problem}`);
  }
  const added = [
    ...Object.entries(columns).map(([header, field]) => `column ${header} as ${field}`),
    ...Object.entries(fixedValues).map(([field, value]) => `${field}=${value} on every row`),
  ];
  const widened = feed.origin === 'deployment' || feed.synonymsFile !== undefined;
  const notes = [...added, ...(widened ? [`mapping ${[feed.mappingFile, feed.synonymsFile].filter(Boolean).join(' + ')}`] : [])];
  return {
    mapping,
    fixedValues,
    record: {
      mapping: { origin: feed.origin, file: feed.mappingFile, ...(feed.synonymsFile ? { synonyms: feed.synonymsFile } : {}) },
      ...(Object.keys(columns).length > 0 ? { columns } : {}),
      ...(Object.keys(fixedValues).length > 0 ? { fixedValues } : {}),
    },
    note: notes.length > 0 ? ` (read with ${notes.join('; ')})` : '',
  };
}

interface EarlierBatch {
  id: number;
  regionCode: string;
  accepted: number;
  rejected: number;
  skipped: number;
}

/**
 * A batch of the same feed and content whose region contains the importer's: its facts already reach every run the
 * importer can start, so importing the file again would only count them twice. The same content under a narrower
 * region (a county's upload, then the province's) is imported again, for the rows outside that county.
 */
async function sameContent(query: Query, source: string, digest: string, region: string): Promise<EarlierBatch | undefined> {
  const rows = await query('SELECT id, region_code, accepted, rejected, skipped FROM batches WHERE source = ? AND sm3 = ? ORDER BY id', [source, digest]);
  const earlier = rows.find((row) => isWithinScope(String(row.region_code), region));
  return earlier && {
    id: Number(earlier.id), regionCode: String(earlier.region_code), accepted: Number(earlier.accepted), rejected: Number(earlier.rejected), skipped: Number(earlier.skipped),
  };
}

/** "Already imported": with the batch's id only when the importer may read that batch. */
function duplicateResult(earlier: EarlierBatch, source: string, region: string, dryRun: boolean): ImportResult {
  const readable = isWithinScope(region, earlier.regionCode);
  return {
    batchId: readable ? earlier.id : null, source, accepted: earlier.accepted, rejected: earlier.rejected, skipped: earlier.skipped, duplicate: true, dryRun,
  };
}

/**
 * The register persons a chunk's facts are about, by blind index, in one query: each fact's person (by the fact's
 * index in the chunk), and the facts about persons whose household lies wholly outside `region` — rejected, since a
 * county's key does not write about another county's people. A nationwide importer's facts never are, so for it the
 * query is made only when `findPersons` asks for the persons.
 */
async function registerPersonsOf(
  query: Query, chunk: PreparedChunk, region: string, findPersons: boolean,
): Promise<{ outside: Set<number>; personIds: Map<number, number> }> {
  const outside = new Set<number>();
  const personIds = new Map<number, number>();
  if (chunk.facts.rows === 0 || (region === nationwide && !findPersons)) return { outside, personIds };
  const indexesByKey = new Map<string, number[]>();
  for (let index = 0; index < chunk.facts.rows; index++) {
    const key = String(cellAt(chunk.facts, index, factColumn.subject_key));
    const indexes = indexesByKey.get(key);
    if (indexes) indexes.push(index);
    else indexesByKey.set(key, [index]);
  }
  const keys = [...indexesByKey.keys()];
  const marks = keys.map(() => '?').join(', ');
  const { low, high } = prefixRange(scopePrefix(region));
  const rows = region === nationwide
    ? await query(`SELECT p.id, p.id_key, 0 AS outside FROM persons p WHERE p.id_key IN (${marks})`, keys)
    : await query(`SELECT p.id, p.id_key, CASE WHEN (h.registered_region >= ? AND h.registered_region < ?) OR (h.residence_region >= ? AND h.residence_region < ?)
         THEN 0 ELSE 1 END AS outside FROM persons p JOIN households h ON h.id = p.household_id WHERE p.id_key IN (${marks})`, [low, high, low, high, ...keys]);
  for (const row of rows) {
    for (const index of indexesByKey.get(String(row.id_key)) ?? []) {
      if (Number(row.outside) === 1) outside.add(index);
      else personIds.set(index, Number(row.id));
    }
  }
  return { outside, personIds };
}

function outsideReason(region: string): string {
  return `the person is in the register outside ${region}: this key may not write about them`;
}

/** A chunk's rejects in the order of its rows: the file's own, and the facts the region check turned away. */
function rejectsInOrder(chunk: PreparedChunk, outside: ReadonlySet<number>): { from: 'file' | 'region'; index: number }[] {
  const fromFile = Array.from({ length: chunk.rejects.rows }, (_, index) => ({ from: 'file' as const, index, row: Number(cellAt(chunk.rejects, index, rejectColumn.row)) }));
  if (outside.size === 0) return fromFile;
  const fromRegion = [...outside].map((index) => ({ from: 'region' as const, index, row: Number(cellAt(chunk.facts, index, factColumn.row)) }));
  return [...fromFile, ...fromRegion].sort((a, b) => a.row - b.row);
}

/** knex.raw's rows, whichever the dialect: better-sqlite3 gives the array, pg a result with `rows`. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows;
}

/** Assistance that departments report becomes links of the person's assistance chain, for people in the register. */
function assistanceChainInsert(dialect: Store['dialect']): string {
  const attribute = (name: string) => (dialect === 'pg' ? `(f.attributes ->> '${name}')` : `json_extract(f.attributes, '$.${name}')`);
  return `INSERT INTO assistance_records (person_id, household_id, department, assistance_type, amount_fen, assisted_on, note, batch_id, created_at)
    SELECT p.id, p.household_id, ${attribute('department')}, ${attribute('assistanceType')}, f.amount_fen, f.occurred_on, NULL, f.batch_id, ?
      FROM facts f JOIN persons p ON p.id_key = f.subject_key
     WHERE f.batch_id = ? AND f.kind = 'assistance-given' AND f.amount_fen IS NOT NULL AND f.occurred_on IS NOT NULL`;
}

/** SM3 of the file as received, streamed for files on disk. */
async function fileDigest(input: FileInput): Promise<string> {
  const hash = createSm3();
  if (input.bytes) return hash.update(input.bytes).digest('hex');
  if (!input.path) throw new AdapterError('unreadable', input.fileName, 'no file content');
  for await (const chunk of createReadStream(input.path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
