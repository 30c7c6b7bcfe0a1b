import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { projectPath } from '../../gateway/project-files.js';
import { schemaBase } from '../../gateway/plugins/app/schemas.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../../gateway/schema-validator.js';
import { isKnownCode } from '../../gateway/store/reference-data/code-tables.js';
import type { FeedMapping, FeedSynonyms } from '../../schemas/types/index.js';
import { addSynonyms } from './mapping-overlays.js';

/** Where a feed's mapping came from: shipped in adapters/departments, or the deployment's folder (JIUZHU_FEEDS_DIR). */
export type FeedOrigin = 'package' | 'deployment';

export interface LoadedFeed {
  /** The mapping as imports use it, synonyms included. */
  mapping: FeedMapping;
  origin: FeedOrigin;
  mappingFile: string;
  /** The deployment's `<source>.synonyms.json` that widened the mapping, if any. */
  synonymsFile?: string;
}

/** Every feed this process can import, by source: the packaged mappings with the deployment's folder laid over them. */
export type FeedCatalogue = ReadonlyMap<string, LoadedFeed>;

let packaged: FeedCatalogue | undefined;

/**
 * The feeds: the mappings in adapters/departments, and — when `deploymentDir` is given (JIUZHU_FEEDS_DIR) — that
 * folder's `<source>.mapping.json` files, each replacing the packaged mapping of the same source or adding a new
 * feed, then its `<source>.synonyms.json` files, each adding header aliases and value-map entries to one mapping.
 * Every file is schema-checked, then checked for what a schema cannot say; a broken file stops the command or the
 * server at start, naming the file and the place in it, not at the first upload. The packaged set is read once;
 * a deployment folder is read each time it is asked for (a command, or a server at start).
 */
export function loadFeedCatalogue(options: { deploymentDir?: string } = {}): FeedCatalogue {
  packaged ??= readMappings(projectPath('adapters/departments'), 'package');
  if (!options.deploymentDir) return packaged;
  const dir = options.deploymentDir;
  if (!isFolder(dir)) throw new Error(`[feeds] JIUZHU_FEEDS_DIR ${dir} is not a folder`);
  const catalogue = new Map(packaged);
  for (const [source, feed] of readMappings(dir, 'deployment')) catalogue.set(source, feed);
  for (const file of jsonFiles(dir).filter((f) => f.endsWith('.synonyms.json'))) {
    const path = join(dir, file);
    const synonyms = readChecked<FeedSynonyms>(path, 'feed-synonyms');
    if (file !== `${synonyms.extends}.synonyms.json`) throw new Error(`[feeds] ${path}: the file must be named ${synonyms.extends}.synonyms.json`);
    const base = catalogue.get(synonyms.extends);
    if (!base) throw new Error(`[feeds] ${path} /extends: no feed "${synonyms.extends}" to extend (see \`jiuzhu sources\`)`);
    const widened = addSynonyms(base.mapping, synonyms);
    if (typeof widened === 'string') throw new Error(`[feeds] ${path} ${widened}`);
    catalogue.set(synonyms.extends, { ...base, mapping: widened, synonymsFile: path });
  }
  return catalogue;
}

/** The packaged mappings alone, by source (the contract tests and the demo read these). */
export function loadFeedMappings(): ReadonlyMap<string, FeedMapping> {
  return new Map([...loadFeedCatalogue()].map(([source, feed]) => [source, feed.mapping]));
}

export function feedMapping(source: string): FeedMapping | undefined {
  return loadFeedCatalogue().get(source)?.mapping;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folder's JSON files. Any other .json file is refused: a misnamed synonyms file (gongan-hukou.synonym.json)
 * would otherwise be passed over in silence, and the county would wonder why its header is still unknown.
 */
function jsonFiles(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const stray = files.find((f) => !f.endsWith('.mapping.json') && !f.endsWith('.synonyms.json'));
  if (stray) throw new Error(`[feeds] ${join(dir, stray)}: a feeds folder holds <source>.mapping.json and <source>.synonyms.json files only`);
  return files;
}

function readMappings(dir: string, origin: FeedOrigin): Map<string, LoadedFeed> {
  const mappings = new Map<string, LoadedFeed>();
  for (const file of jsonFiles(dir).filter((f) => f.endsWith('.mapping.json'))) {
    const path = join(dir, file);
    const name = origin === 'package' ? file : path;
    const mapping = readChecked<FeedMapping>(path, 'feed-mapping', name);
    const problem = checkMapping(mapping, file);
    if (problem) throw new Error(`[feeds] ${name}: ${problem}`);
    mappings.set(mapping.source, { mapping, origin, mappingFile: origin === 'package' ? `adapters/departments/${file}` : path });
  }
  return mappings;
}

function readChecked<T>(path: string, schema: string, name = path): T {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`[feeds] ${name}: not readable JSON (${(error as Error).message})`, { cause: error });
  }
  const validate = schemaValidator<T>(schema);
  if (!validate(content)) throw new Error(`[feeds] ${name} ${describeFirstError(validate.errors, schema)}`);
  return content;
}

/**
 * `/fields/idNumber/type: must be equal to one of the allowed values (schemas/feed-mapping.schema.json#/definitions/field/properties/type/enum)`:
 * where in the file, what is wrong, and the schema rule it breaks, as a path in this repository.
 */
function describeFirstError(errors: ErrorObject[] | null | undefined, schema: string): string {
  const error = errors?.[0];
  if (!error) return '/: invalid';
  const rule = error.schemaPath.startsWith('#') ? `schemas/${schema}.schema.json${error.schemaPath}` : error.schemaPath.replace(schemaBase, 'schemas/');
  return `${schemaErrorPointer(error)}: ${describeSchemaError(error)} (${rule})`;
}

function checkMapping(mapping: FeedMapping, file: string): string | undefined {
  if (file !== `${mapping.source}.mapping.json`) return `the file must be named ${mapping.source}.mapping.json`;
  if (!isKnownCode('department', mapping.department)) return `department ${mapping.department} is not in the department code table`;
  const fields = new Set(Object.keys(mapping.fields));
  const template = mapping.fact;
  const referenced = [
    template.subject.idNumber,
    template.subject.name,
    typeof template.kind === 'string' ? undefined : template.kind.field,
    template.occurredOn,
    template.period,
    template.amountFen,
    ...Object.values(template.attributes ?? {}),
  ].filter((f): f is string => f !== undefined);
  const unknown = referenced.filter((f) => !fields.has(f));
  if (unknown.length > 0) return `the fact refers to undeclared field(s) ${unknown.join(', ')}`;
  if (mapping.fields[template.subject.idNumber]?.type !== 'idNumber') return `subject.idNumber must name a field of type idNumber`;
  return undefined;
}
