import type { FeedMapping, MappedField } from '../../schemas/types/index.js';

/**
 * Header texts as department files write them vary: full-width letters, spaces inside (身 份 证 号),
 * required-field stars, colons, line breaks inside merged cells, and notes in brackets (身份证号码（18位）).
 * They are compared in two forms: as written, and without the bracketed note.
 */
export function normaliseHeader(text: string): string {
  return text.normalize('NFKC').replace(/[\s*＊:：]/g, '').toLowerCase();
}

export function withoutNote(normalised: string): string {
  return normalised.replace(/[(（[【][^)）\]】]*[)）\]】]/g, '');
}

/** A bracketed 万元 (or 万) in a header means the column's amounts are in units of 10,000 yuan. */
export function headerUnitIsWan(headerText: string): boolean {
  return /[(（[【]\s*万元?\s*[)）\]】]|（?单位[:：]?\s*万元）?/.test(headerText.normalize('NFKC'));
}

/** The mapping's fields as [name, definition] pairs (the generated index signature admits undefined). */
export function mappedFields(mapping: FeedMapping): [string, MappedField][] {
  return Object.entries(mapping.fields).flatMap(([name, definition]) => (definition ? [[name, definition] as [string, MappedField]] : []));
}

const noFields: ReadonlySet<string> = new Set();

export interface HeaderMatch {
  /** Field name → column index. */
  columns: Map<string, number>;
  /** Field name → the header text as written (its unit, e.g. 万元, changes how amounts read). */
  headerTexts: Map<string, string>;
  /** How many rows the header takes (1, or 2 for a merged two-row header). */
  rowCount: number;
  missingRequired: string[];
}

/**
 * Finds the field columns in one header row, or in two read together: a two-row merged header repeats the
 * parent across its children (the XLSX reader expands merges). A field takes, in order of preference: its
 * first alias before later ones; a column's own (child) text before the parent's or both joined; the exact
 * text before the text without its bracketed note; the leftmost column. Required fields choose first, so an
 * optional field's loose alias cannot take the ID column. `fixed` fields take their value from the import, not
 * from a column (`jiuzhu import --set`), so they are neither looked for nor missing.
 */
export function matchHeader(mapping: FeedMapping, headerRows: readonly (readonly string[])[], fixed: ReadonlySet<string> = noFields): HeaderMatch {
  const width = Math.max(0, ...headerRows.map((r) => r.length));
  const raw = (row: number, column: number) => headerRows[row]?.[column] ?? '';
  const columnLabels = Array.from({ length: width }, (_, column) => {
    const child = normaliseHeader(raw(headerRows.length - 1, column));
    const parts = [...new Set(headerRows.map((_, row) => normaliseHeader(raw(row, column))).filter((p) => p !== ''))];
    const kinds = [child, parts.join(''), ...parts.filter((p) => p !== child)].filter((l) => l !== '');
    return [...kinds, ...kinds.map(withoutNote)];
  });
  const columns = new Map<string, number>();
  const headerTexts = new Map<string, string>();
  const taken = new Set<number>();
  const fields = mappedFields(mapping).filter(([field]) => !fixed.has(field)).sort(([, a], [, b]) => Number(Boolean(b.required)) - Number(Boolean(a.required)));
  for (const [field, definition] of fields) {
    const aliases = definition.headers.map(normaliseHeader);
    search: for (const alias of aliases) {
      const longest = Math.max(0, ...columnLabels.map((labels) => labels.length));
      for (let preference = 0; preference < longest; preference++) {
        for (let column = 0; column < width; column++) {
          if (!taken.has(column) && columnLabels[column]![preference] === alias) {
            columns.set(field, column);
            headerTexts.set(field, headerRows.map((_, row) => raw(row, column)).join(' '));
            taken.add(column);
            break search;
          }
        }
      }
    }
  }
  const missingRequired = mappedFields(mapping).filter(([field, definition]) => definition.required && !columns.has(field) && !fixed.has(field)).map(([field]) => field);
  return { columns, headerTexts, rowCount: headerRows.length, missingRequired };
}

/** The best header among the first rows: every required field found, then the most fields, then the fewest rows. */
export function findHeader(mapping: FeedMapping, firstRows: readonly (readonly string[])[], fixed: ReadonlySet<string> = noFields): { index: number; match: HeaderMatch } | undefined {
  let best: { index: number; match: HeaderMatch } | undefined;
  for (let index = 0; index < firstRows.length; index++) {
    for (const rowCount of [1, 2]) {
      if (index + rowCount > firstRows.length) continue;
      const match = matchHeader(mapping, firstRows.slice(index, index + rowCount), fixed);
      if (match.columns.size === 0) continue;
      const better =
        !best ||
        (best.match.missingRequired.length > 0 && match.missingRequired.length === 0) ||
        (match.missingRequired.length === best.match.missingRequired.length && match.columns.size > best.match.columns.size);
      if (better) best = { index, match };
    }
  }
  return best;
}
