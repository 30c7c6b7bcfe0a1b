import type { LoadedFeed } from '../../adapters/kit/feed-mappings.js';

/** One field of a feed as an operator needs to know it to prepare or read a file. */
export interface FieldDescription {
  field: string;
  /** Every header text the column is found by, in order of preference. */
  headers: string[];
  type: string;
  required: boolean;
  /** For a field with a value map: each wording a cell may hold → the value it means. Anything else is rejected unless there is a default. */
  values?: Record<string, string>;
  default?: string;
  /** What the field fills in the fact: kind, subject.idNumber, occurredOn, attributes.place … */
  fills: string[];
}

export interface FeedDescription {
  source: string;
  department: string;
  title: string;
  description?: string;
  origin: LoadedFeed['origin'];
  mappingFile: string;
  synonymsFile?: string;
  /** The fact kind of every row, or the field whose value names each row's kind. */
  kind: { fixed: string } | { field: string };
  fields: FieldDescription[];
  /** Attribute → value, the same on every fact of the feed. */
  constants: Record<string, string | boolean>;
  sheet?: string;
  xmlRecordElement?: string;
}

/** What `jiuzhu sources show` prints: the mapping turned round, field by field, with where it came from. */
export function describeFeed(feed: LoadedFeed): FeedDescription {
  const { mapping } = feed;
  const template = mapping.fact;
  const fills = new Map<string, string[]>();
  const fill = (field: string | undefined, part: string) => {
    if (field !== undefined) fills.set(field, [...(fills.get(field) ?? []), part]);
  };
  if (typeof template.kind !== 'string') fill(template.kind.field, 'kind');
  fill(template.subject.idNumber, 'subject.idNumber');
  fill(template.subject.name, 'subject.name');
  fill(template.occurredOn, 'occurredOn');
  fill(template.period, 'period');
  fill(template.amountFen, 'amountFen');
  for (const [attribute, field] of Object.entries(template.attributes ?? {})) fill(field, `attributes.${attribute}`);
  return {
    source: mapping.source,
    department: mapping.department,
    title: mapping.title,
    ...(mapping.description ? { description: mapping.description } : {}),
    origin: feed.origin,
    mappingFile: feed.mappingFile,
    ...(feed.synonymsFile ? { synonymsFile: feed.synonymsFile } : {}),
    kind: typeof template.kind === 'string' ? { fixed: template.kind } : { field: template.kind.field },
    fields: Object.entries(mapping.fields).flatMap(([field, definition]) => (definition
      ? [{
        field,
        headers: [...definition.headers],
        type: definition.type,
        required: definition.required === true,
        ...(definition.map ? { values: Object.fromEntries(Object.entries(definition.map).filter((e): e is [string, string] => e[1] !== undefined)) } : {}),
        ...(definition.default === undefined ? {} : { default: definition.default }),
        fills: fills.get(field) ?? [],
      }]
      : [])),
    constants: Object.fromEntries(Object.entries(template.constants ?? {}).filter((e): e is [string, string | boolean] => e[1] !== undefined)),
    ...(mapping.sheet ? { sheet: mapping.sheet } : {}),
    ...(mapping.xmlRecordElement ? { xmlRecordElement: mapping.xmlRecordElement } : {}),
  };
}

/** The description as lines for a terminal. */
export function feedDescriptionLines(d: FeedDescription): string[] {
  const from = d.origin === 'deployment' ? `deployment folder: ${d.mappingFile}` : `package: ${d.mappingFile}`;
  const lines = [
    `${d.source}  ${d.department}  ${d.title}`,
    `mapping  ${from}${d.synonymsFile ? `\n         + synonyms ${d.synonymsFile}` : ''}`,
    `kind     ${'fixed' in d.kind ? `${d.kind.fixed} (every row)` : `from field ${d.kind.field}`}`,
  ];
  if (d.sheet) lines.push(`sheet    ${d.sheet}`);
  if (d.xmlRecordElement) lines.push(`record   <${d.xmlRecordElement}>`);
  lines.push('fields');
  for (const f of d.fields) {
    lines.push(`  ${f.field}  ${f.type}${f.required ? ', required' : ''}${f.fills.length > 0 ? `  → ${f.fills.join(', ')}` : ''}`);
    lines.push(`    headers: ${f.headers.join('、')}`);
    if (f.values) {
      const byValue = new Map<string, string[]>();
      for (const [wording, value] of Object.entries(f.values)) byValue.set(value, [...(byValue.get(value) ?? []), wording]);
      lines.push('    values:');
      for (const [value, wordings] of byValue) lines.push(`      ${wordings.join('、')} → ${value === '-' ? '(accepted, no fact)' : value}`);
      if (f.default === undefined) lines.push('      anything else: the row is rejected');
    }
    if (f.default !== undefined) lines.push(`    default: ${f.default} (empty${f.values ? ' or unlisted' : ''} cells)`);
  }
  const constants = Object.entries(d.constants);
  if (constants.length > 0) lines.push(`constants ${constants.map(([attribute, value]) => `${attribute}=${String(value)}`).join(', ')}`);
  return lines;
}
