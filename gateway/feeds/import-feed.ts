import { createReadStream } from 'node:fs';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { readCsvRows } from '../../adapters/kit/csv-reader.js';
import { loadFeedCatalogue, type FeedCatalogue, type LoadedFeed } from '../../adapters/kit/feed-mappings.js';
import { readJsonRecords } from '../../adapters/kit/json-reader.js';
import { fixedValueProblem, mapRecords, mapRows, type RowOutcome } from '../../adapters/kit/map-rows.js';
import { fieldNamed, withColumnHeaders } from '../../adapters/kit/mapping-overlays.js';
import { detectFormat } from '../../adapters/kit/read-file.js';
import type { FileInput, ReaderLimits } from '../../adapters/kit/rows.js';
import { readSpreadsheetRows } from '../../adapters/kit/xlsx-reader.js';
import { readXmlRecords } from '../../adapters/kit/xml-reader.js';
import type { Actor } from '../access/actor.js';
import { isWithinScope, nationwide, prefixRange, scopePrefix } from '../access/region-scope.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { createSm3 } from '../crypto/sm3.js';
import { ProblemError } from '../errors.js';
import { openBulkWriter, type BulkTable, type BulkValue } from '../store/bulk/bulk-writer.js';
import { attributesAtRest } from '../store/fact-attributes.js';
import { createIdNumberStorer, idNumberKey } from '../store/personal-data.js';
import { typedAttributeColumnNames, typedAttributeColumns } from '../store/typed-attributes.js';
import type { Store } from '../store/connect.js';
import type { FeedMapping } from '../../schemas/types/index.js';
import { appendAuditEntry } from '../store/repositories/audit-log.js';

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
    columns: ['id', 'batch_id', 'source', 'kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name',
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
  // Dates and ID numbers are checked against one 'today' for the whole file: fixed once, not per cell.
  const mapOptions = { today: options.today ?? todayInShanghai(), fixedValues: reading.fixedValues };
  const outcomes: AsyncIterable<RowOutcome> =
    format === 'csv'
      ? mapRows(mapping, readCsvRows(options.input, options.limits), options.input.fileName, mapOptions)
      : format === 'xlsx' || format === 'xls'
        ? mapRows(mapping, readSpreadsheetRows(options.input, { sheet: options.sheet ?? mapping.sheet }, options.limits), options.input.fileName, mapOptions)
        : format === 'xml'
          ? mapRecords(mapping, readXmlRecords(options.input, { recordElement: mapping.xmlRecordElement }, options.limits), options.input.fileName, mapOptions)
          : mapRecords(mapping, readJsonRecords(options.input, options.limits), options.input.fileName, mapOptions);

  const counts = { accepted: 0, rejected: 0, skipped: 0 };
  if (options.dryRun) {
    const sampleRejects: { location: string; reason: string }[] = [];
    const reject = (location: string, reason: string) => {
      counts.rejected += 1;
      if (sampleRejects.length < 100) sampleRejects.push({ location, reason });
    };
    const keysOf = (idNumbers: readonly string[]) => idNumbers.map((idNumber) => idNumberKey(store.keyring, idNumber));
    for await (const chunk of regionChecked(outcomes, knexQuery, region, keysOf)) {
      for (const outcome of chunk) {
        if (outcome.type === 'fact' || outcome.type === 'fact-less') counts.accepted += 1;
        else if (outcome.type === 'skip') counts.skipped += 1;
        else reject(outcome.location, outcome.reason);
      }
    }
    return { batchId: null, source: options.source, ...counts, duplicate: false, dryRun: true, sampleRejects };
  }

  const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true });
  const now = new Date().toISOString();
  let batchId: number;
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
    let rows = 0;
    // Each chunk's ID numbers are indexed and encrypted together (one SM4 call), its rejected rows likewise.
    const storeSubjects = createIdNumberStorer(store.keyring);
    // The region check's blind indexes come from the same storer, which remembers them for the chunk's facts.
    const keysOf = (idNumbers: readonly string[]) => storeSubjects(idNumbers).map((subject) => subject.key);
    for await (const chunk of regionChecked(outcomes, writerQuery, region, keysOf)) {
      const factOutcomes = chunk.filter((o) => o.type === 'fact');
      const rejectOutcomes = chunk.filter((o) => o.type === 'reject');
      const subjects = storeSubjects(factOutcomes.map((o) => o.fact.subject.idNumber));
      const facts = factOutcomes.map(({ fact, location }, index): BulkValue[] => {
        const subject = subjects[index]!;
        return [writer.nextId('facts'), batchId, options.source, fact.kind, subject.key, subject.cipher, subject.regionCode, subject.birthDate, subject.sex,
          fact.subject.name ?? null, fact.occurredOn ?? null, fact.period ?? null, fact.amountFen ?? null, attributesAtRest(fact.kind, fact.attributes, store.keyring), location,
          ...typedAttributeColumns(fact.kind, fact.attributes)];
      });
      const reasonsAndRows = store.keyring.encryptMany(rejectOutcomes.flatMap((o) => [o.reason.slice(0, 1000), JSON.stringify(o.raw).slice(0, 4000)]));
      const rejects = rejectOutcomes.map((o, index): BulkValue[] => [writer.nextId('batch_rejects'), batchId, o.location.slice(0, 80), reasonsAndRows[2 * index]!, reasonsAndRows[2 * index + 1]!]);
      for (const outcome of chunk) {
        rows += 1;
        if (outcome.type === 'fact' || outcome.type === 'fact-less') counts.accepted += 1;
        else if (outcome.type === 'reject') counts.rejected += 1;
        else counts.skipped += 1;
        if (options.onProgress && rows % 10_000 === 0) options.onProgress(rows);
      }
      if (facts.length > 0) await writer.writeMany('facts', facts);
      if (rejects.length > 0) await writer.writeMany('batch_rejects', rejects);
    }
    await writer.run('UPDATE batches SET rows_total = ?, accepted = ?, rejected = ?, skipped = ? WHERE id = ?', [rows, counts.accepted, counts.rejected, counts.skipped, batchId]);
    // Facts about people in the register point at them; everyone else stays a bare ID number (active discovery).
    // A join, not a subquery per fact: only the matched rows are rewritten (a tenth of the time on SQLite).
    await writer.run('UPDATE facts SET person_id = p.id FROM persons p WHERE p.id_key = facts.subject_key AND facts.batch_id = ?', [batchId]);
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
  return { batchId, source: options.source, ...counts, duplicate: false, dryRun: false };
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

const chunkRows = 1000;

/** The blind indexes of canonical ID numbers, in order. */
type BlindKeys = (idNumbers: readonly string[]) => string[];

/**
 * The outcomes a thousand at a time, with the facts about register persons outside `region` turned into rejects.
 * One query per chunk asks which of its subjects are such persons; a nationwide importer is not asked anything.
 */
async function* regionChecked(outcomes: AsyncIterable<RowOutcome>, query: Query, region: string, keysOf: BlindKeys): AsyncIterable<RowOutcome[]> {
  let chunk: RowOutcome[] = [];
  const checked = async () => {
    if (region === nationwide) return chunk;
    const subjects = [...new Set(chunk.flatMap((o) => (o.type === 'fact' ? [o.fact.subject.idNumber] : [])))];
    const outside = await registeredOutside(query, keysOf, subjects, region);
    if (outside.size === 0) return chunk;
    return chunk.map((o): RowOutcome => (o.type === 'fact' && outside.has(o.fact.subject.idNumber)
      ? { type: 'reject', location: o.location, reason: `the person is in the register outside ${region}: this key may not write about them`, raw: o.raw }
      : o));
  };
  for await (const outcome of outcomes) {
    chunk.push(outcome);
    if (chunk.length >= chunkRows) {
      yield await checked();
      chunk = [];
    }
  }
  if (chunk.length > 0) yield await checked();
}

/** Of the ID numbers, those of register persons whose household is neither registered nor living within `region`. */
async function registeredOutside(query: Query, keysOf: BlindKeys, idNumbers: readonly string[], region: string): Promise<Set<string>> {
  if (idNumbers.length === 0) return new Set();
  const keys = keysOf(idNumbers);
  const byKey = new Map(idNumbers.map((idNumber, index) => [keys[index]!, idNumber]));
  const { low, high } = prefixRange(scopePrefix(region));
  const rows = await query(`SELECT p.id_key FROM persons p JOIN households h ON h.id = p.household_id
     WHERE p.id_key IN (${idNumbers.map(() => '?').join(', ')})
       AND NOT (h.registered_region >= ? AND h.registered_region < ?) AND NOT (h.residence_region >= ? AND h.residence_region < ?)`,
  [...byKey.keys(), low, high, low, high]);
  return new Set(rows.map((row) => byKey.get(String(row.id_key))!));
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
