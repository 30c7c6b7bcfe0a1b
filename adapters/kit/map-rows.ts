import type { ValidateFunction } from 'ajv';
import { checkIdNumber } from '../../gateway/identity/id-number.js';
import { checkUscc } from '../../gateway/identity/uscc.js';
import { compileDerivedSchema, loadedSchema } from '../../gateway/schema-validator.js';
import type { Fact, FeedMapping, MappedField } from '../../schemas/types/index.js';
import { AdapterError } from './adapter-error.js';
import { isBlankRow, isTitleRow, isTotalsRow, normaliseText, parseBoolean, parseDate, parseFen, parseInteger, parsePeriod } from './cell-values.js';
import { findHeader, headerUnitIsWan, mappedFields, matchHeader, type HeaderMatch } from './header-match.js';
import { missingHeaderAdvice } from './header-suggestions.js';
import type { RawRecord, RawRow } from './rows.js';
import { SeenRows } from './seen-rows.js';

/** What became of one row of a file. */
export type RowOutcome =
  /** `raw` is the row as sent, kept (by reference) in case the importer refuses the fact later, e.g. out of its region. */
  | { type: 'fact'; location: string; fact: Fact; raw: string[] | Record<string, string> }
  /** A good row that records nothing this system compares (e.g. a 迁入 move into the county). */
  | { type: 'fact-less'; location: string }
  | { type: 'reject'; location: string; reason: string; raw: string[] | Record<string, string> }
  | { type: 'skip'; location: string; why: 'blank' | 'title' | 'totals' };

/** Title rows and notes above the header are common; a header further down than this is not a header. */
const headerScanRows = 30;

export interface MapOptions {
  /** The 'today' that dates and ID numbers are checked against. */
  today?: string;
  /**
   * Field → the cell text every row has, for a file that leaves the column out because it is the same throughout (a
   * death-only cancellation export has no 注销原因: every row is a death). Read as a cell would be: through the
   * field's map and type. The file's own column, if any, is not read.
   */
  fixedValues?: Readonly<Record<string, string>>;
}

/**
 * Rows (CSV, spreadsheets) → facts. The header is found among the first rows by the mapping's aliases, so
 * title rows, notes and two-row merged headers above it are passed over; a file whose header lacks a
 * required column is refused whole, naming what is missing.
 */
export async function* mapRows(mapping: FeedMapping, rows: AsyncIterable<RawRow>, fileName: string, options: MapOptions = {}): AsyncIterable<RowOutcome> {
  const iterator = rows[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  while (head.length < headerScanRows) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  const fixed = new Set(Object.keys(options.fixedValues ?? {}));
  const found = findHeader(mapping, head.map((r) => r.cells), fixed);
  if (!found || found.match.missingRequired.length > 0) {
    const missing = found?.match.missingRequired ?? mappedFields(mapping).filter(([name, f]) => f.required && !fixed.has(name)).map(([name]) => name);
    const expected = missing.map((name) => mapping.fields[name]?.headers[0] ?? name).join('、');
    const advice = missingHeaderAdvice(mapping, missing, unmatchedHeaders(head, found));
    throw new AdapterError('no-header', fileName, `no header row names the required column(s) ${expected} in the first ${headerScanRows} rows; ${advice}`);
  }
  const seen = new SeenRows();
  try {
    const mapper = createRowMapper(mapping, found.match, options, seen);
    for (const row of head.slice(found.index + found.match.rowCount)) yield mapper(row);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield mapper(next.value);
  } finally {
    seen.close();
  }
}

/**
 * The header texts of the nearest miss, for advice: the columns the best candidate header row left unmatched, or,
 * when no row matched anything, the fullest of the first rows (the file's header, most likely).
 */
function unmatchedHeaders(head: readonly RawRow[], found: ReturnType<typeof findHeader>): string[] {
  if (found) {
    const taken = new Set(found.match.columns.values());
    const rows = head.slice(found.index, found.index + found.match.rowCount).map((r) => r.cells);
    const width = Math.max(0, ...rows.map((r) => r.length));
    return Array.from({ length: width }, (_, column) => column).filter((column) => !taken.has(column)).flatMap((column) => rows.map((r) => r[column] ?? ''));
  }
  const fullest = head.reduce<RawRow | undefined>((best, row) => (!best || filledCellCount(row.cells) > filledCellCount(best.cells) ? row : best), undefined);
  return [...(fullest?.cells ?? [])];
}

/**
 * Records (JSON, NDJSON, XML) → facts. Exporters often leave out null fields, so each record's own field
 * names are matched (cached per set of names); a record lacking a required field is a reject. The file is
 * refused whole only when none of its first records has the required fields — then it is not this feed.
 */
export async function* mapRecords(mapping: FeedMapping, records: AsyncIterable<RawRecord>, fileName: string, options: MapOptions = {}): AsyncIterable<RowOutcome> {
  const fixed = new Set(Object.keys(options.fixedValues ?? {}));
  const mappers = new Map<string, ((row: RawRow) => RowOutcome) | string>();
  // Each set of field names gets its own mapper and its own duplicate memory, closed when the file ends.
  const seenPerMapper: SeenRows[] = [];
  const mapperFor = (keys: string[]) => {
    const signature = keys.join('\u0000');
    let mapper = mappers.get(signature);
    if (mapper === undefined) {
      const match = matchHeader(mapping, [keys], fixed);
      if (match.missingRequired.length > 0) {
        mapper = `lacks the field(s) ${match.missingRequired.map((name) => mapping.fields[name]?.headers[0] ?? name).join('、')}`;
      } else {
        const seen = new SeenRows();
        seenPerMapper.push(seen);
        mapper = createRowMapper(mapping, match, options, seen);
      }
      mappers.set(signature, mapper);
    }
    return mapper;
  };
  try {
    yield* mapRecordsWith(mapping, records, fileName, fixed, mapperFor);
  } finally {
    for (const seen of seenPerMapper) seen.close();
  }
}

/** mapRecords' loop over the records, given the mapper for each set of field names. */
async function* mapRecordsWith(
  mapping: FeedMapping, records: AsyncIterable<RawRecord>, fileName: string, fixed: ReadonlySet<string>,
  mapperFor: (keys: string[]) => ((row: RawRow) => RowOutcome) | string,
): AsyncIterable<RowOutcome> {
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
      outcome = mapped.type === 'reject' || mapped.type === 'fact' ? { ...mapped, raw: record.fields } : mapped;
      if (!matched) {
        matched = true;
        yield* early.splice(0);
      }
    }
    yield* emit(outcome);
    if (!matched && seen >= headerScanRows) break;
  }
  if (!matched && early.some((outcome) => outcome.type === 'reject' && outcome.reason.startsWith('the record lacks'))) {
    const keys = [...new Set(early.flatMap((o) => (o.type === 'reject' && !Array.isArray(o.raw) ? Object.keys(o.raw) : [])).filter((k) => k !== '__error'))];
    const missing = [...new Set(early.flatMap((o) => (o.type === 'reject' && !Array.isArray(o.raw) ? matchHeader(mapping, [Object.keys(o.raw)], fixed).missingRequired : [])))];
    throw new AdapterError('no-header', fileName, `no record among the first ${headerScanRows} has this feed's required fields; they have ${keys.slice(0, 12).join(', ') || 'none'}; ${missingHeaderAdvice(mapping, missing, keys)}`);
  }
  yield* early.splice(0);
}

type ParsedValue = string | number | boolean;

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

function createRowMapper(mapping: FeedMapping, header: HeaderMatch, options: MapOptions, seen: SeenRows): (row: RawRow) => RowOutcome {
  const fromColumns = [...header.columns.entries()].map(([name, column]) => ({ name, column, fixedText: undefined as string | undefined }));
  const fromImport = Object.entries(options.fixedValues ?? {}).filter(([name]) => mapping.fields[name]).map(([name, fixedText]) => ({ name, column: -1, fixedText }));
  const fields = [...fromColumns, ...fromImport].map(({ name, column, fixedText }) => {
    const definition = mapping.fields[name]!;
    const inWan = definition.type === 'fen' && headerUnitIsWan(header.headerTexts.get(name) ?? '');
    return { name, column, fixedText, required: definition.required === true, label: definition.headers[0], parse: fieldParser(definition, inWan, options) };
  });
  const width = Math.max(0, ...header.columns.values()) + 1;
  const columns = [...header.columns.values()];
  const buildFact = factBuilder(mapping, new Map(fields.map((field, index) => [field.name, index])));
  // One array reused for every row: a row's values are read into the fact before the next row starts.
  const values: (ParsedValue | undefined)[] = new Array(fields.length);

  return (row) => {
    // Blank, numbered-blank and title rows have at most one filled cell; most rows are people, so count first.
    const sparse = filledCellCount(row.cells) <= 1;
    if (sparse && (isBlankRow(row.cells) || isNumberedBlankRow(row.cells))) return { type: 'skip', location: row.location, why: 'blank' };
    if (isTotalsRow(row.cells)) return { type: 'skip', location: row.location, why: 'totals' };
    if (sparse && isTitleRow(row.cells, width)) return { type: 'skip', location: row.location, why: 'title' };

    let problems: string[] | undefined;
    for (let index = 0; index < fields.length; index++) {
      const { column, fixedText, required, label, parse } = fields[index]!;
      const text = fixedText ?? row.cells[column] ?? '';
      const parsed = parse(text);
      values[index] = undefined;
      if (parsed === undefined) {
        if (required) (problems ??= []).push(`${label} is empty`);
      } else if (typeof parsed === 'object') {
        (problems ??= []).push(`${label} "${text.trim().slice(0, 40)}": ${parsed.reason}`);
      } else {
        values[index] = parsed;
      }
    }
    if (problems) return { type: 'reject', location: row.location, reason: problems.join('; '), raw: row.cells };

    const built = buildFact(values);
    if (built === null) return { type: 'fact-less', location: row.location };
    if (typeof built === 'string') return { type: 'reject', location: row.location, reason: built, raw: row.cells };
    const first = seen.earlierLocation(row.cells, columns, row.location);
    if (first !== undefined) return { type: 'reject', location: row.location, reason: `duplicate of ${first}`, raw: row.cells };
    return { type: 'fact', location: row.location, fact: built, raw: row.cells };
  };
}

/** Map keys and cell values compared in one form (NFKC, no spaces, lower case); only the map's own keys count. */
function mapKey(text: string): string {
  return text.normalize('NFKC').replace(/\s/g, '').toLowerCase();
}

/** Keys as written and in normal form: the exact spelling is found without normalising every cell (NFKC is costly). */
function mapLookup(map: Record<string, string | undefined>): Map<string, string> {
  return new Map(Object.entries(map).flatMap(([key, value]) => (value === undefined ? [] : [[key, value], [mapKey(key), value]] as [string, string][])));
}

/** Why a value given for a whole file (`--set`) cannot be a value of the field, or undefined when it can. */
export function fixedValueProblem(definition: MappedField, text: string, options: MapOptions = {}): string | undefined {
  const parsed = fieldParser(definition, false, options)(text);
  if (parsed === undefined) return 'is empty';
  return typeof parsed === 'object' ? parsed.reason : undefined;
}

/** A cell's typed value, undefined when empty (after the field's default), or why it is unusable. */
type FieldParser = (text: string) => ParsedValue | undefined | { reason: string };

/**
 * The parser of one field, put together once per file: the map lookup, the default and the type's converter are
 * chosen here, not looked up again for every cell of a million-row file.
 */
function fieldParser(definition: MappedField, inWan: boolean, options: MapOptions): FieldParser {
  const convert = typeConverter(definition, inWan, options);
  const fallback = definition.default;
  const lookup = definition.map ? mapLookup(definition.map) : undefined;
  const notInMap = definition.map ? { reason: `not one of ${Object.keys(definition.map).join('、')}` } : undefined;
  return (text) => {
    let value = normaliseText(text);
    if (lookup && value !== '') {
      const mapped = lookup.get(value) ?? lookup.get(mapKey(value));
      if (mapped !== undefined) value = mapped;
      else if (fallback === undefined) return notInMap;
      else value = fallback;
    }
    if (value === '') {
      if (fallback === undefined) return undefined;
      value = fallback;
    }
    return convert(value);
  };
}

/** The converter of a field's type, for a value already normalised, mapped and defaulted. */
function typeConverter(definition: MappedField, inWan: boolean, options: MapOptions): (value: string) => ParsedValue | { reason: string } {
  switch (definition.type) {
    case 'text':
      return (value) => value;
    case 'idNumber':
      return (value) => {
        const checked = checkIdNumber(value, options);
        return checked.ok ? checked.idNumber : { reason: checked.reason };
      };
    case 'uscc':
      return (value) => {
        const checked = checkUscc(value);
        return checked.ok ? checked.uscc : { reason: checked.reason };
      };
    case 'date':
      return (value) => unwrap(parseDate(value, options));
    case 'period':
      return (value) => unwrap(parsePeriod(value));
    case 'fen':
      // A header marked （万元） means its figures are in units of 10,000 yuan unless a cell says otherwise.
      return inWan ? (value) => unwrap(parseFen(/[元万]/.test(value) ? value : `${value}万`)) : (value) => unwrap(parseFen(value));
    case 'integer':
      return (value) => unwrap(parseInteger(value));
    case 'boolean':
      return (value) => unwrap(parseBoolean(value));
    case 'decimal':
      return (value) => (/^\d+(\.\d{1,2})?$/.test(value) ? value.replace(/^0+(?=\d)/, '') : { reason: 'not a number with at most 2 decimals' });
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

/** Where each part of a fact of one kind comes from: a constant or the index of a parsed field. */
interface KindPlan {
  constants: [attribute: string, value: unknown][];
  fromFields: [attribute: string, field: number][];
  validate: ValidateFunction<Fact> | undefined;
}

/**
 * The mapping's fact template, worked out once per file and kind, so that a row costs an object and a
 * validation rather than a walk over the template. The result is held to the fact schema: a wrong kind or
 * attribute is a reject, never a bad fact. In feeds that mix kinds, an attribute only some kinds have is kept
 * where it belongs; a kind mapped to "-" marks rows that are fine but carry no fact (e.g. 迁入 in a household
 * feed).
 */
function factBuilder(mapping: FeedMapping, fieldIndex: ReadonlyMap<string, number>): (values: readonly (ParsedValue | undefined)[]) => Fact | string | null {
  const template = mapping.fact;
  const indexOf = (field: string | undefined) => (field === undefined ? -1 : (fieldIndex.get(field) ?? -1));
  const valueAt = (values: readonly (ParsedValue | undefined)[], index: number) => (index < 0 ? undefined : values[index]);
  const kindField = typeof template.kind === 'string' ? -1 : indexOf(template.kind.field);
  const subjectField = indexOf(template.subject.idNumber);
  const nameField = indexOf(template.subject.name);
  const occurredField = indexOf(template.occurredOn);
  const periodField = indexOf(template.period);
  const amountField = indexOf(template.amountFen);
  const kindsByAttribute = attributesByKind();
  const plans = new Map<string, KindPlan>();
  const planFor = (kind: string): KindPlan => {
    let plan = plans.get(kind);
    if (!plan) {
      const allowed = kindsByAttribute.get(kind);
      plan = {
        constants: Object.entries(template.constants ?? {}).filter(([attribute]) => allowed?.has(attribute)),
        fromFields: Object.entries(template.attributes ?? {}).flatMap(([attribute, field]): [string, number][] =>
          allowed?.has(attribute) && indexOf(field) >= 0 ? [[attribute, indexOf(field)]] : []),
        validate: factValidatorFor(kind),
      };
      plans.set(kind, plan);
    }
    return plan;
  };

  return (values) => {
    const kind = typeof template.kind === 'string' ? template.kind : valueAt(values, kindField);
    if (kind === '-') return null;
    if (typeof kind !== 'string') return 'the row does not say what kind of record it is';
    const plan = planFor(kind);
    if (!plan.validate) return `${kind} is not a kind of fact`;
    const attributes: Record<string, unknown> = {};
    for (const [attribute, value] of plan.constants) attributes[attribute] = value;
    for (const [attribute, field] of plan.fromFields) {
      const value = values[field];
      if (value !== undefined) attributes[attribute] = value;
    }
    const periodValue = valueAt(values, periodField);
    const fact = {
      kind,
      subject: { idNumber: valueAt(values, subjectField), name: template.subject.name ? (valueAt(values, nameField) ?? null) : null },
      occurredOn: template.occurredOn ? (valueAt(values, occurredField) ?? null) : null,
      period: typeof periodValue === 'string' ? periodValue.slice(0, 7) : null,
      amountFen: template.amountFen ? (valueAt(values, amountField) ?? null) : null,
      attributes,
    };
    if (!plan.validate(fact)) {
      const error = plan.validate.errors?.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'const') ?? plan.validate.errors?.[0];
      return `does not make a valid ${kind} record: ${error?.instancePath || '/'} ${error?.message ?? ''}`.trim();
    }
    return fact;
  };
}
