import type { ValidateFunction } from 'ajv';
import { checkIdNumber } from '../../gateway/identity/id-number.js';
import { checkUscc } from '../../gateway/identity/uscc.js';
import { compileDerivedSchema, loadedSchema } from '../../gateway/schema-validator.js';
import type { Fact, FeedMapping, MappedField } from '../../schemas/types/index.js';
import { AdapterError } from './adapter-error.js';
import { isBlankRow, isTitleRow, isTotalsRow, normaliseText, parseBoolean, parseDate, parseFen, parseInteger, parsePeriod } from './cell-values.js';
import { findHeader, headerUnitIsWan, mappedFields, matchHeader, type HeaderMatch } from './header-match.js';
import type { RawRecord, RawRow } from './rows.js';

/** What became of one row of a file. */
export type RowOutcome =
  | { type: 'fact'; location: string; fact: Fact }
  /** A good row that records nothing this system compares (e.g. a 迁入 move into the county). */
  | { type: 'fact-less'; location: string }
  | { type: 'reject'; location: string; reason: string; raw: string[] | Record<string, string> }
  | { type: 'skip'; location: string; why: 'blank' | 'title' | 'totals' };

/** Title rows and notes above the header are common; a header further down than this is not a header. */
const headerScanRows = 30;

/**
 * Rows (CSV, spreadsheets) → facts. The header is found among the first rows by the mapping's aliases, so
 * title rows, notes and two-row merged headers above it are passed over; a file whose header lacks a
 * required column is refused whole, naming what is missing.
 */
export async function* mapRows(mapping: FeedMapping, rows: AsyncIterable<RawRow>, fileName: string, options: { today?: string } = {}): AsyncIterable<RowOutcome> {
  const iterator = rows[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  while (head.length < headerScanRows) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  const found = findHeader(mapping, head.map((r) => r.cells));
  if (!found || found.match.missingRequired.length > 0) {
    const missing = found?.match.missingRequired ?? mappedFields(mapping).filter(([, f]) => f.required).map(([name]) => name);
    const expected = missing.map((name) => mapping.fields[name]?.headers[0] ?? name).join('、');
    throw new AdapterError('no-header', fileName, `no header row names the required column(s) ${expected} in the first ${headerScanRows} rows`);
  }
  const mapper = createRowMapper(mapping, found.match, options);
  for (const row of head.slice(found.index + found.match.rowCount)) yield mapper(row);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield mapper(next.value);
}

/**
 * Records (JSON, NDJSON, XML) → facts. Exporters often leave out null fields, so each record's own field
 * names are matched (cached per set of names); a record lacking a required field is a reject. The file is
 * refused whole only when none of its first records has the required fields — then it is not this feed.
 */
export async function* mapRecords(mapping: FeedMapping, records: AsyncIterable<RawRecord>, fileName: string, options: { today?: string } = {}): AsyncIterable<RowOutcome> {
  const mappers = new Map<string, ((row: RawRow) => RowOutcome) | string>();
  const mapperFor = (keys: string[]) => {
    const signature = keys.join('\u0000');
    let mapper = mappers.get(signature);
    if (mapper === undefined) {
      const match = matchHeader(mapping, [keys]);
      mapper = match.missingRequired.length > 0
        ? `lacks the field(s) ${match.missingRequired.map((name) => mapping.fields[name]?.headers[0] ?? name).join('、')}`
        : createRowMapper(mapping, match, options);
      mappers.set(signature, mapper);
    }
    return mapper;
  };
  let matched = false;
  const early: RowOutcome[] = [];
  const emit = function* (outcome: RowOutcome) {
    if (matched) yield outcome;
    else early.push(outcome);
  };
  let seen = 0;
  for await (const record of records) {
    seen += 1;
    if ('__error' in record.fields) {
      yield* emit({ type: 'reject', location: record.location, reason: record.fields.__error ?? 'unreadable record', raw: record.fields });
      continue;
    }
    const keys = Object.keys(record.fields);
    const mapper = mapperFor(keys);
    let outcome: RowOutcome;
    if (typeof mapper === 'string') {
      outcome = { type: 'reject', location: record.location, reason: `the record ${mapper}`, raw: record.fields };
    } else {
      const mapped = mapper({ location: record.location, cells: keys.map((key) => record.fields[key] ?? '') });
      outcome = mapped.type === 'reject' ? { ...mapped, raw: record.fields } : mapped;
      if (!matched) {
        matched = true;
        yield* early.splice(0);
      }
    }
    yield* emit(outcome);
    if (!matched && seen >= headerScanRows) break;
  }
  if (!matched && early.some((outcome) => outcome.type === 'reject' && outcome.reason.startsWith('the record lacks'))) {
    const keys = early.flatMap((o) => (o.type === 'reject' && !Array.isArray(o.raw) ? Object.keys(o.raw) : [])).filter((k) => k !== '__error');
    throw new AdapterError('no-header', fileName, `no record among the first ${headerScanRows} has this feed's required fields; they have ${[...new Set(keys)].slice(0, 12).join(', ') || 'none'}`);
  }
  yield* early.splice(0);
}

type ParsedValue = string | number | boolean;

/**
 * Duplicate rows are found by a 64-bit key (two independent 32-bit FNV-1a hashes) rather than by keeping every
 * fact's text: memory stays ~50 bytes a row instead of the file's size. Two different facts share a key with
 * odds of about 1 in 36 million in a million-row file; the reject names the earlier line, so a clerk can check.
 */
function rowKey(cells: readonly string[], columns: readonly number[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const column of columns) {
    const text = cells[column] ?? '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    // A separator between cells, so that ("ab", "c") and ("a", "bc") differ.
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(36) + ':' + (b >>> 0).toString(36);
}

function filledCellCount(cells: readonly string[]): number {
  let filled = 0;
  for (const cell of cells) if (cell !== '' && cell.trim() !== '') filled += 1;
  return filled;
}

/** A template row that holds only its 序号 (sequence number) and nothing else is a blank row, not a person. */
function isNumberedBlankRow(cells: readonly string[]): boolean {
  const filled = cells.flatMap((cell, column) => (normaliseText(cell) === '' ? [] : [column]));
  return filled.length === 1 && filled[0] === 0 && parseInteger(normaliseText(cells[0] ?? '')).ok;
}

function createRowMapper(mapping: FeedMapping, header: HeaderMatch, options: { today?: string }): (row: RawRow) => RowOutcome {
  const fields = [...header.columns.entries()].map(([name, column]) => {
    const definition = mapping.fields[name]!;
    return {
      name,
      column,
      definition,
      lookup: definition.map ? mapLookup(definition.map) : undefined,
      inWan: definition.type === 'fen' && headerUnitIsWan(header.headerTexts.get(name) ?? ''),
    };
  });
  const width = Math.max(0, ...header.columns.values()) + 1;
  const columns = [...header.columns.values()];
  const seen = new Map<string, string>();
  const kindsByAttribute = attributesByKind();

  return (row) => {
    // Blank, numbered-blank and title rows have at most one filled cell; most rows are people, so count first.
    const sparse = filledCellCount(row.cells) <= 1;
    if (sparse && (isBlankRow(row.cells) || isNumberedBlankRow(row.cells))) return { type: 'skip', location: row.location, why: 'blank' };
    if (isTotalsRow(row.cells)) return { type: 'skip', location: row.location, why: 'totals' };
    if (sparse && isTitleRow(row.cells, width)) return { type: 'skip', location: row.location, why: 'title' };

    const values = new Map<string, ParsedValue>();
    const problems: string[] = [];
    for (const { name, column, definition, lookup, inWan } of fields) {
      const text = row.cells[column] ?? '';
      const parsed = parseField(definition, lookup, inWan, text, options);
      const label = definition.headers[0];
      if (parsed === undefined) {
        if (definition.required) problems.push(`${label} is empty`);
      } else if (typeof parsed === 'object') {
        problems.push(`${label} "${text.trim().slice(0, 40)}": ${parsed.reason}`);
      } else {
        values.set(name, parsed);
      }
    }
    if (problems.length > 0) return { type: 'reject', location: row.location, reason: problems.join('; '), raw: row.cells };

    const built = buildFact(mapping, values, kindsByAttribute);
    if (built === null) return { type: 'fact-less', location: row.location };
    if (typeof built === 'string') return { type: 'reject', location: row.location, reason: built, raw: row.cells };
    const key = rowKey(row.cells, columns);
    const first = seen.get(key);
    if (first !== undefined) return { type: 'reject', location: row.location, reason: `duplicate of ${first}`, raw: row.cells };
    seen.set(key, row.location);
    return { type: 'fact', location: row.location, fact: built };
  };
}

/** The typed value of a cell, undefined when empty (after the field's default), or why it is unusable. */
/** Map keys and cell values compared in one form (NFKC, no spaces, lower case); only the map's own keys count. */
function mapKey(text: string): string {
  return text.normalize('NFKC').replace(/\s/g, '').toLowerCase();
}

/** Keys as written and in normal form: the exact spelling is found without normalising every cell (NFKC is costly). */
function mapLookup(map: Record<string, string | undefined>): Map<string, string> {
  return new Map(Object.entries(map).flatMap(([key, value]) => (value === undefined ? [] : [[key, value], [mapKey(key), value]] as [string, string][])));
}

function parseField(definition: MappedField, lookup: Map<string, string> | undefined, inWan: boolean, text: string, options: { today?: string }): ParsedValue | undefined | { reason: string } {
  let value = normaliseText(text);
  if (lookup && value !== '') {
    const mapped = lookup.get(value) ?? lookup.get(mapKey(value));
    if (mapped !== undefined) value = mapped;
    else if (definition.default === undefined) return { reason: `not one of ${Object.keys(definition.map ?? {}).join('、')}` };
    else value = definition.default;
  }
  if (value === '') {
    if (definition.default === undefined) return undefined;
    value = definition.default;
  }
  switch (definition.type) {
    case 'text':
      return value;
    case 'idNumber': {
      const checked = checkIdNumber(value, options);
      return checked.ok ? checked.idNumber : { reason: checked.reason };
    }
    case 'uscc': {
      const checked = checkUscc(value);
      return checked.ok ? checked.uscc : { reason: checked.reason };
    }
    case 'date':
      return unwrap(parseDate(value, options));
    case 'period':
      return unwrap(parsePeriod(value));
    case 'fen':
      // A header marked （万元） means its figures are in units of 10,000 yuan unless a cell says otherwise.
      return unwrap(parseFen(inWan && !/[元万]/.test(value) ? `${value}万` : value));
    case 'integer':
      return unwrap(parseInteger(value));
    case 'boolean':
      return unwrap(parseBoolean(value));
    case 'decimal':
      return /^\d+(\.\d{1,2})?$/.test(value) ? value.replace(/^0+(?=\d)/, '') : { reason: 'not a number with at most 2 decimals' };
  }
}

function unwrap<T extends ParsedValue>(result: { ok: true; value: T } | { ok: false; reason: string }): T | { reason: string } {
  return result.ok ? result.value : { reason: result.reason };
}

const factValidators = new Map<string, ValidateFunction<Fact> | undefined>();

/**
 * The fact schema is a oneOf over 21 kinds, so validating a fact against it tries all 21. Each row's kind is
 * known, so it is checked against that kind's schema alone: the same rules, a twentieth of the work.
 */
function factValidatorFor(kind: string): ValidateFunction<Fact> | undefined {
  if (!factValidators.has(kind)) {
    const schema = loadedSchema('fact');
    const variant = (schema.oneOf as { properties: { kind: { const: string }; attributes: unknown } }[]).find((v) => v.properties.kind.const === kind);
    const { oneOf: _oneOf, $id: _id, ...base } = schema;
    factValidators.set(kind, variant && compileDerivedSchema<Fact>({
      ...base,
      properties: { ...(base.properties as object), kind: { const: kind }, attributes: variant.properties.attributes },
    }));
  }
  return factValidators.get(kind);
}

/** Each fact kind's attribute names, from the fact schema. */
function attributesByKind(): Map<string, Set<string>> {
  const variants = loadedSchema('fact').oneOf as { properties: { kind: { const: string }; attributes: { properties: Record<string, unknown> } } }[];
  return new Map(variants.map((variant) => [variant.properties.kind.const, new Set(Object.keys(variant.properties.attributes.properties))]));
}

/**
 * Assembles the fact from the parsed fields, then holds it to the fact schema: a wrong kind or attribute is
 * a reject, never a bad fact. In feeds that mix kinds, an attribute only some kinds have is kept where it
 * belongs; a kind mapped to "-" marks rows that are fine but carry no fact (e.g. 迁入 in a household feed).
 */
function buildFact(mapping: FeedMapping, values: Map<string, ParsedValue>, kindsByAttribute: Map<string, Set<string>>): Fact | string | null {
  const template = mapping.fact;
  const kind = typeof template.kind === 'string' ? template.kind : values.get(template.kind.field);
  if (kind === '-') return null;
  if (typeof kind !== 'string') return 'the row does not say what kind of record it is';
  const allowed = kindsByAttribute.get(kind);
  const attributes: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(template.constants ?? {})) {
    if (allowed?.has(attribute)) attributes[attribute] = value;
  }
  for (const [attribute, field] of Object.entries(template.attributes ?? {})) {
    const value = field === undefined ? undefined : values.get(field);
    if (value !== undefined && allowed?.has(attribute)) attributes[attribute] = value;
  }
  const periodValue = template.period ? values.get(template.period) : undefined;
  const fact = {
    kind,
    subject: { idNumber: values.get(template.subject.idNumber), name: template.subject.name ? (values.get(template.subject.name) ?? null) : null },
    occurredOn: template.occurredOn ? (values.get(template.occurredOn) ?? null) : null,
    period: typeof periodValue === 'string' ? periodValue.slice(0, 7) : null,
    amountFen: template.amountFen ? (values.get(template.amountFen) ?? null) : null,
    attributes,
  };
  const validate = factValidatorFor(kind);
  if (!validate) return `${kind} is not a kind of fact`;
  if (!validate(fact)) {
    const error = validate.errors?.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'const') ?? validate.errors?.[0];
    return `does not make a valid ${kind} record: ${error?.instancePath || '/'} ${error?.message ?? ''}`.trim();
  }
  return fact;
}
