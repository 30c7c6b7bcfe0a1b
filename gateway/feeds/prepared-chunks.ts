import { mapRecords, mapRows, type RowOutcome } from '../../adapters/kit/map-rows.js';
import type { FileFormat, FileInput, ReaderLimits } from '../../adapters/kit/rows.js';
import type { FeedMapping } from '../../schemas/types/index.js';
import type { WritingKeyring } from '../keystore/data-keys.js';
import { attributesAtRest } from '../store/fact-attributes.js';
import { typedAttributeColumnNames, typedAttributeColumns } from '../store/typed-attributes.js';
import { createIdNumberStorer, idNumberKey } from '../store/personal-data.js';
import { createFlatTable, type FlatTable } from './packed-table.js';

/** What the read-and-map side of an import is given: plain data, so it crosses to a worker thread as it is. */
export interface PrepareRequest {
  input: FileInput;
  format: FileFormat;
  /** The feed's mapping with the import's own header names already laid over it. */
  mapping: FeedMapping;
  fixedValues: Record<string, string>;
  /** The 'today' dates and ID numbers are checked against, fixed once for the whole file. */
  today: string;
  sheet?: string;
  limits?: Partial<ReaderLimits>;
  /** A dry run stores nothing: only the blind indexes the region check needs, and reasons in clear. */
  dryRun: boolean;
  /** The importer is not nationwide: facts carry their row as sent, in case the region check turns them into rejects. */
  keepRaw: boolean;
}

/**
 * A thousand rows of a file, ready for the database: facts as their stored columns (blind index, ciphertexts,
 * attributes at rest), rejects as theirs. `row` numbers the rows within the chunk, so facts the region check turns
 * into rejects take their place among the others.
 */
export interface PreparedChunk {
  rows: number;
  factLess: number;
  skipped: number;
  /** factColumns; subject_cipher and attributes are null in a dry run, raw is null unless keepRaw. */
  facts: FlatTable;
  /** rejectColumns: reason and raw are ciphertexts, or in a dry run the reason in clear and no raw. */
  rejects: FlatTable;
}

export const factColumns = ['row', 'kind', 'subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex', 'subject_name', 'occurred_on',
  'period', 'amount_fen', 'attributes', 'location', 'raw', ...typedAttributeColumnNames] as const;
export const rejectColumns = ['row', 'location', 'reason', 'raw'] as const;

/** Where each column sits in a packed row. */
export const factColumn = Object.fromEntries(factColumns.map((name, index) => [name, index])) as Record<(typeof factColumns)[number], number>;
export const rejectColumn = Object.fromEntries(rejectColumns.map((name, index) => [name, index])) as Record<(typeof rejectColumns)[number], number>;

const chunkRows = 1000;

/**
 * Reads, decodes and maps the file, and turns each thousand outcomes into a PreparedChunk. The same code runs in the
 * import's reading worker and, for a small file, on the caller's thread.
 */
export async function* prepareChunks(request: PrepareRequest, keyring: WritingKeyring): AsyncIterable<PreparedChunk> {
  // Each chunk's ID numbers are indexed and encrypted together (one SM4 call), its rejected rows likewise.
  const storeSubjects = createIdNumberStorer(keyring);
  let chunk: RowOutcome[] = [];
  for await (const outcome of mapOutcomes(request)) {
    chunk.push(outcome);
    if (chunk.length >= chunkRows) {
      yield prepareChunk(chunk, request, keyring, storeSubjects);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield prepareChunk(chunk, request, keyring, storeSubjects);
}

/**
 * The file's outcomes, row by row. Each reader is loaded when a file needs it: a worker starts fresh for every import,
 * and loading the spreadsheet readers (SheetJS, exceljs) alone would add a third to a CSV import's start-up.
 */
async function* mapOutcomes(request: PrepareRequest): AsyncIterable<RowOutcome> {
  const { input, format, mapping, limits } = request;
  const mapOptions = { today: request.today, fixedValues: request.fixedValues };
  if (format === 'csv') {
    const { readCsvRows } = await import('../../adapters/kit/csv-reader.js');
    yield* mapRows(mapping, readCsvRows(input, limits), input.fileName, mapOptions);
  } else if (format === 'xlsx' || format === 'xls') {
    const { readSpreadsheetRows } = await import('../../adapters/kit/xlsx-reader.js');
    yield* mapRows(mapping, readSpreadsheetRows(input, { sheet: request.sheet ?? mapping.sheet }, limits), input.fileName, mapOptions);
  } else if (format === 'xml') {
    const { readXmlRecords } = await import('../../adapters/kit/xml-reader.js');
    yield* mapRecords(mapping, readXmlRecords(input, { recordElement: mapping.xmlRecordElement }, limits), input.fileName, mapOptions);
  } else {
    const { readJsonRecords } = await import('../../adapters/kit/json-reader.js');
    yield* mapRecords(mapping, readJsonRecords(input, limits), input.fileName, mapOptions);
  }
}

function prepareChunk(chunk: readonly RowOutcome[], request: PrepareRequest, keyring: WritingKeyring, storeSubjects: ReturnType<typeof createIdNumberStorer>): PreparedChunk {
  const facts = createFlatTable(factColumns.length);
  const rejects = createFlatTable(rejectColumns.length);
  let factLess = 0;
  let skipped = 0;
  const factRows: number[] = [];
  const rejectRows: number[] = [];
  for (let row = 0; row < chunk.length; row++) {
    const type = chunk[row]!.type;
    if (type === 'fact') factRows.push(row);
    else if (type === 'reject') rejectRows.push(row);
    else if (type === 'fact-less') factLess += 1;
    else skipped += 1;
  }
  const idNumbers = factRows.map((row) => (chunk[row] as Extract<RowOutcome, { type: 'fact' }>).fact.subject.idNumber);
  if (request.dryRun) {
    factRows.forEach((row, index) => {
      const { location } = chunk[row]!;
      facts.push([row, null, idNumberKey(keyring, idNumbers[index]!), null, null, null, null, null, null, null, null, null, location, null,
        ...typedAttributeColumnNames.map(() => null)]);
    });
    for (const row of rejectRows) {
      const outcome = chunk[row] as Extract<RowOutcome, { type: 'reject' }>;
      rejects.push([row, outcome.location, outcome.reason, null]);
    }
  } else {
    const subjects = storeSubjects(idNumbers);
    factRows.forEach((row, index) => {
      const { fact, location, raw } = chunk[row] as Extract<RowOutcome, { type: 'fact' }>;
      const subject = subjects[index]!;
      facts.push([row, fact.kind, subject.key, subject.cipher, subject.regionCode, subject.birthDate, subject.sex, fact.subject.name ?? null,
        fact.occurredOn ?? null, fact.period ?? null, fact.amountFen ?? null,
        attributesAtRest(fact.kind, fact.attributes, keyring), location, request.keepRaw ? rawText(raw) : null, ...typedAttributeColumns(fact.kind, fact.attributes)]);
    });
    const outcomes = rejectRows.map((row) => chunk[row] as Extract<RowOutcome, { type: 'reject' }>);
    const reasonsAndRows = keyring.encryptMany(outcomes.flatMap((o) => [o.reason.slice(0, 1000), rawText(o.raw)]));
    rejectRows.forEach((row, index) => rejects.push([row, outcomes[index]!.location, reasonsAndRows[2 * index]!, reasonsAndRows[2 * index + 1]!]));
  }
  return { rows: chunk.length, factLess, skipped, facts: { width: facts.width, rows: facts.rows, cells: facts.cells }, rejects: { width: rejects.width, rows: rejects.rows, cells: rejects.cells } };
}

/** A rejected row as kept (encrypted) with its batch: the cells as sent, cut at 4,000 characters. */
export function rawText(raw: string[] | Record<string, string>): string {
  return JSON.stringify(raw).slice(0, 4000);
}
