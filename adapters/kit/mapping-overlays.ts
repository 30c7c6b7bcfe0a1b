import type { FeedMapping, FeedSynonyms, MappedField } from '../../schemas/types/index.js';
import { normaliseHeader, withoutNote } from './header-match.js';

/**
 * A mapping widened by a deployment's synonyms file: more header aliases (tried after the mapping's own, so a
 * packaged alias keeps its preference) and more value-map wordings. A synonym may only mean what the mapping already
 * knows: a value-map entry must map to one of the values the field's map already gives, so a typo cannot invent a
 * fact kind. Returns the widened mapping, or where the file is wrong and why.
 */
export function addSynonyms(mapping: FeedMapping, synonyms: FeedSynonyms): FeedMapping | string {
  const fields = { ...mapping.fields };
  for (const [name, extra] of Object.entries(synonyms.fields)) {
    const field = fields[name];
    if (!field) return `/fields/${name}: the mapping ${mapping.source} has no field ${name} (its fields: ${Object.keys(mapping.fields).join(', ')})`;
    if (!extra) continue;
    let widened: MappedField = { ...field, headers: [...field.headers] };
    for (const header of extra.headers ?? []) widened = withAlias(widened, header, 'last');
    if (extra.map) {
      if (!field.map) return `/fields/${name}/map: the field ${name} has no value map to add to`;
      const known = new Set(Object.values(field.map));
      const unknown = Object.entries(extra.map).find(([, value]) => !known.has(value));
      if (unknown) return `/fields/${name}/map/${unknown[0]}: "${unknown[1]}" is not a value of ${name} (it maps to ${[...known].join(', ')})`;
      widened = { ...widened, map: { ...field.map, ...extra.map } };
    }
    fields[name] = widened;
  }
  return { ...mapping, fields };
}

/** A field named by its key (changeType) or by one of its header aliases (变动类型), as an operator may write it. */
export function fieldNamed(mapping: FeedMapping, nameOrHeader: string): string | undefined {
  if (mapping.fields[nameOrHeader]) return nameOrHeader;
  const wanted = withoutNote(normaliseHeader(nameOrHeader));
  return Object.entries(mapping.fields).find(([, field]) => field?.headers.some((h) => withoutNote(normaliseHeader(h)) === wanted))?.[0];
}

/**
 * The mapping with one file's own header names for some fields (`jiuzhu import --column 'HEADER=field'`). The
 * header goes first among the field's aliases: the operator named that column for this file, so it wins over an
 * alias that happens to match another column, and reject reasons name the column as the file writes it.
 */
export function withColumnHeaders(mapping: FeedMapping, columns: Readonly<Record<string, string>>): FeedMapping {
  const fields = { ...mapping.fields };
  for (const [header, name] of Object.entries(columns)) {
    const field = fields[name];
    if (field) fields[name] = withAlias(field, header, 'first');
  }
  return { ...mapping, fields };
}

function withAlias(field: MappedField, header: string, place: 'first' | 'last'): MappedField {
  const wanted = normaliseHeader(header);
  const others = field.headers.filter((h) => normaliseHeader(h) !== wanted);
  if (place === 'last' && others.length < field.headers.length) return field;
  const headers = (place === 'first' ? [header, ...others] : [...others, header]) as MappedField['headers'];
  return { ...field, headers };
}
