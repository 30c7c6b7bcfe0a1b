import { readdirSync, readFileSync } from 'node:fs';
import { projectPath } from '../../gateway/project-files.js';
import { schemaValidator } from '../../gateway/schema-validator.js';
import { isKnownCode } from '../../gateway/store/reference-data/code-tables.js';
import type { FeedMapping } from '../../schemas/types/index.js';

const mappingsDir = projectPath('adapters/departments');

let cached: ReadonlyMap<string, FeedMapping> | undefined;

/**
 * Every feed mapping in adapters/departments, schema-checked once, then checked for what a schema cannot
 * say: the fact refers only to declared fields, the department is a known code, the file is named after
 * its source. A broken mapping stops the process at start-up, naming the file, not at the first upload.
 */
export function loadFeedMappings(): ReadonlyMap<string, FeedMapping> {
  if (cached) return cached;
  const validate = schemaValidator<FeedMapping>('feed-mapping');
  const mappings = new Map<string, FeedMapping>();
  for (const file of readdirSync(mappingsDir).filter((f) => f.endsWith('.mapping.json')).sort()) {
    const mapping: unknown = JSON.parse(readFileSync(`${mappingsDir}/${file}`, 'utf8'));
    if (!validate(mapping)) {
      const error = validate.errors?.[0];
      throw new Error(`[feeds] ${file} ${error?.instancePath || '/'}: ${error?.message ?? 'invalid'}`);
    }
    const problem = checkMapping(mapping, file);
    if (problem) throw new Error(`[feeds] ${file}: ${problem}`);
    mappings.set(mapping.source, mapping);
  }
  cached = mappings;
  return mappings;
}

export function feedMapping(source: string): FeedMapping | undefined {
  return loadFeedMappings().get(source);
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
