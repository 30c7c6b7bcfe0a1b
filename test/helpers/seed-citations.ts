import { readdirSync, readFileSync } from 'node:fs';

/**
 * Checks that what the project attributes to a seed (../shared/seeds, copied to test/fixtures/seeds) is in the seed.
 * Two forms of citation are read:
 * - structured, in JSON: an object with `seed` naming a seed file, and `quote` holding its words (or `document`, the
 *   title of the document the seed is);
 * - in prose (a JSON string, a Markdown line): "seed 001" or "seeds 002 and 004" followed by quoted words, “…” or
 *   "…". Every quoted phrase that holds Chinese text must be found in one of the seeds the same string names.
 * Matching ignores spaces, the quote marks themselves and the difference between full-width and ASCII punctuation
 * (seed 002 writes "各部门(单位)", seed 004 "乡镇（街道）"); "……" or "…" inside a quote stands for words left out, so
 * the parts must appear in order.
 */
const seedDir = new URL('../fixtures/seeds/', import.meta.url);

export interface Citation {
  /** Where the citation is: a file and a JSON path or a line number. */
  where: string;
  /** The seed numbers the text names ("001"), or the seed file a structured citation names. */
  seeds: string[];
  /** The words said to be the seed's. */
  quote: string;
}

export interface CitationProblem extends Citation {
  problem: string;
}

const fullWidth: Record<string, string> = { '（': '(', '）': ')', '，': ',', '；': ';', '：': ':', '！': '!', '？': '?', '．': '.' };

const seedFiles = new Map(
  readdirSync(seedDir).filter((f) => /^\d{3}_[0-9a-f]+\.txt$/.test(f)).map((f) => [f.slice(0, 3), f] as const),
);
const seedTexts = new Map([...seedFiles].map(([number, file]) => [number, normalise(readFileSync(new URL(file, seedDir), 'utf8'))]));

/** What two renderings of the same words have in common: no spaces, no quote marks, ASCII punctuation. */
export function normalise(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, '')
    .replace(/[“”"'‘’「」『』]/g, '')
    .replace(/[（），；：！？．]/g, (c) => fullWidth[c]!);
}

const hasChinese = /\p{Script=Han}/u;

/** Quoted phrases in a piece of prose: “…” and "…", the outer pair when they nest. */
export function quotedPhrases(text: string): string[] {
  const phrases: string[] = [];
  const pattern = /"([^"]+)"|“((?:[^“”]|“[^”]*”)+)”/g;
  for (const match of text.matchAll(pattern)) {
    const phrase = match[1] ?? match[2]!;
    if (hasChinese.test(phrase)) phrases.push(phrase);
  }
  return phrases;
}

/**
 * Words given after a seed without quote marks: "seed 001: 公示7天", "seed 002 T5: 落实低保提标工作", "seed 001 says 及时".
 * The Chinese run that follows the colon (or "says", "asks for") is taken as the quote, up to the first ASCII
 * punctuation that ends a clause.
 */
export function inlineQuotes(text: string): string[] {
  const pattern = /\bseeds?\s+\d{3}(?:[^:：;.\n]|\.(?=\d)){0,40}?(?:[:：]|\bsays?\b|\basks? for\b)\s*([\p{Script=Han}][\p{Script=Han}\d（）、，。：“”《》…·\u3000]*)/giu;
  return [...text.matchAll(pattern)].map((m) => m[1]!.replace(/[，、。：\u3000]+$/u, ''));
}

/** The seeds a piece of prose names: "seed 001", "seeds 002 and 004", "seed 002's", "(002 task 3)" after a seed. */
export function seedsNamed(text: string): string[] {
  const named = new Set<string>();
  for (const match of text.matchAll(/\bseeds?\s+((?:\d{3}(?:\s*(?:,|and|or|&|\/|–|-)\s*)?)+)/gi)) {
    for (const number of match[1]!.matchAll(/\d{3}/g)) named.add(number[0]);
  }
  return [...named];
}

/** Prose that names a seed to say what it does not say ("no seed gives this table", "not in seed 002") quotes nothing. */
function denies(text: string): boolean {
  return /\b(?:no|not|none|nothing|without)\b/i.test(text);
}

/** Whether the words are the seed's: each part between elisions found, in order. */
export function foundInSeed(seed: string, quote: string): boolean {
  const text = seedTexts.get(seed);
  if (text === undefined) return false;
  let from = 0;
  for (const part of normalise(quote).split(/……|…|\.\.\./).filter((p) => p.length > 0)) {
    const at = text.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

export function knownSeed(seed: string): boolean {
  return seedTexts.has(seed);
}

/** Every citation in a parsed JSON document. Prose mentioning a seed without quoting it is returned with quote ''. */
export function citationsInJson(value: unknown, where: string): Citation[] {
  const found: Citation[] = [];
  const visit = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      const seeds = seedsNamed(node);
      if (seeds.length === 0) return;
      const quotes = [...quotedPhrases(node), ...inlineQuotes(node)];
      if (quotes.length === 0) found.push({ where: path, seeds, quote: denies(node) ? '(denial)' : '' });
      for (const quote of quotes) found.push({ where: path, seeds, quote });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.seed === 'string' && /^\d{3}_/.test(record.seed)) {
        found.push({ where: `${path}.seed`, seeds: [record.seed.slice(0, 3)], quote: typeof record.quote === 'string' ? record.quote : typeof record.document === 'string' ? record.document : '' });
        if (seedFiles.get(record.seed.slice(0, 3)) !== record.seed) found.push({ where: `${path}.seed`, seeds: [record.seed], quote: '(no such seed file)' });
      }
      for (const [key, child] of Object.entries(record)) {
        // A structured citation's quote is checked with its seed above, not as prose.
        if ((key === 'quote' || key === 'document') && typeof record.seed === 'string') continue;
        visit(child, `${path}.${key}`);
      }
    }
  };
  visit(value, where);
  return found;
}

/** Quoted phrases on Markdown lines that name a seed; a line that names none is not a seed citation. */
export function citationsInMarkdown(text: string, file: string): Citation[] {
  return text.split('\n').flatMap((line, i) => {
    const seeds = seedsNamed(line);
    if (seeds.length === 0) return [];
    return [...quotedPhrases(line), ...inlineQuotes(line)].map((quote) => ({ where: `${file}:${i + 1}`, seeds, quote }));
  });
}

/** What is wrong with a citation, or null: an unknown seed, no quoted words (when required), words not in the seed. */
export function checkCitation(citation: Citation, options: { requireQuote: boolean }): CitationProblem | null {
  const unknown = citation.seeds.filter((s) => !knownSeed(s));
  if (unknown.length > 0 || citation.quote === '(no such seed file)') return { ...citation, problem: `names a seed that does not exist: ${unknown.join(', ') || citation.seeds.join(', ')}` };
  if (citation.quote === '(denial)') return null;
  if (citation.quote === '') return options.requireQuote ? { ...citation, problem: 'names a seed without quoting its words' } : null;
  if (citation.seeds.some((s) => foundInSeed(s, citation.quote))) return null;
  return { ...citation, problem: `“${citation.quote}” is not in seed ${citation.seeds.join(' or ')}` };
}
