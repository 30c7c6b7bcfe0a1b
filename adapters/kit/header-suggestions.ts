import type { FeedMapping } from '../../schemas/types/index.js';
import { normaliseHeader, withoutNote } from './header-match.js';

/** A header the file has that looks like an alias of a field the file lacks. */
export interface HeaderHint {
  field: string;
  /** The file's header, as written. */
  header: string;
  /** The field's alias it is closest to. */
  alias: string;
  distance: number;
}

/**
 * Edit distance in characters, not UTF-16 units or bytes: 注销原因 and 变动原因 are two edits apart, as a reader counts
 * them. Headers are compared normalised (NFKC, no spaces or stars, no bracketed note), so full-width letters and
 * （18位） notes cost nothing.
 */
export function headerDistance(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i++) {
    const current = [i];
    for (let j = 1; j <= right.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (left[i - 1] === right[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[right.length]!;
}

const comparable = (header: string) => withoutNote(normaliseHeader(header));

/**
 * For each missing field, the file's header nearest to one of its aliases, when near enough to be worth naming: at
 * most half the characters differ (注销事由 ~ 注销原因, but not 姓名 ~ 名称). Each header is named for one field only,
 * the one it is nearest to; ties go to the field listed first, then its earlier alias, then the leftmost header.
 */
export function nearestHeaders(mapping: FeedMapping, missing: readonly string[], fileHeaders: readonly string[]): HeaderHint[] {
  const headers = [...new Set(fileHeaders.filter((h) => comparable(h) !== ''))];
  const candidates: (HeaderHint & { order: number })[] = [];
  for (const [fieldOrder, field] of missing.entries()) {
    for (const [aliasOrder, alias] of (mapping.fields[field]?.headers ?? []).entries()) {
      const wanted = comparable(alias);
      for (const [headerOrder, header] of headers.entries()) {
        const have = comparable(header);
        const distance = headerDistance(have, wanted);
        if (distance <= Math.floor(Math.max(Array.from(have).length, Array.from(wanted).length) / 2)) {
          candidates.push({ field, header, alias, distance, order: (fieldOrder * 1000 + aliasOrder) * 1000 + headerOrder });
        }
      }
    }
  }
  candidates.sort((a, b) => a.distance - b.distance || a.order - b.order);
  const hints: HeaderHint[] = [];
  for (const { order: _order, ...candidate } of candidates) {
    if (!hints.some((h) => h.field === candidate.field || h.header === candidate.header)) hints.push(candidate);
  }
  return missing.flatMap((field) => hints.filter((h) => h.field === field));
}

/**
 * What to tell someone whose file lacks required columns: for each missing field, the file's header that looks like
 * it (or the names the field goes by), and the two ways to add a synonym without a code change — `--column` for this
 * one file, or a synonyms file in the deployment's feeds folder for every file to come.
 */
export function missingHeaderAdvice(mapping: FeedMapping, missing: readonly string[], fileHeaders: readonly string[]): string {
  const hints = nearestHeaders(mapping, missing, fileHeaders);
  const parts = missing.map((field) => {
    const hint = hints.find((h) => h.field === field);
    if (hint) return `the file's ${hint.header} is closest to ${hint.alias}, a header of ${field}`;
    const aliases = mapping.fields[field]?.headers ?? [];
    return `${field} goes by ${aliases.slice(0, 6).join('、')}${aliases.length > 6 ? '…' : ''}`;
  });
  const example = hints[0] ?? { header: 'HEADER', field: missing[0] ?? 'field' };
  const absent = missing.find((field) => !hints.some((h) => h.field === field));
  const sameThroughout = absent === undefined ? '' : `; a file without the column whose rows all share one value can say so with \`--set ${absent}=VALUE\``;
  return `${parts.join('; ')}. To read a header as a field, give \`jiuzhu import --column '${example.header}=${example.field}'\` for this file, `
    + `or add the header to ${mapping.source}.synonyms.json in JIUZHU_FEEDS_DIR for every file (docs/feeds.md)${sameThroughout}`;
}
