/**
 * Generates TypeScript types from the JSON Schemas in this folder into schemas/types/index.ts, one
 * declaration per schema title. The schemas are the single source of every shape; the types are never
 * written by hand. The test suite regenerates them and fails when the committed file differs.
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';

const schemasDir = dirname(fileURLToPath(import.meta.url));
export const schemaTypesFile = join(schemasDir, 'types', 'index.ts');
const header = '/* Generated from schemas/*.schema.json by `npm run schemas:types`. Do not edit: change the schema and regenerate. */';

/**
 * One root schema that refers to every file, compiled once, so a type referenced by several schemas
 * (CalendarDate, Enrolment …) is declared once instead of once per file that uses it.
 */
export async function generateSchemaTypes(): Promise<string> {
  const files = readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();
  const root: JSONSchema = {
    title: 'JiuzhuSchemas',
    description: 'Every canonical schema of jiuzhu, so each type is generated once.',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(files.map((f) => [f.replace('.schema.json', ''), { $ref: f }])),
  };
  return compile(root, 'JiuzhuSchemas', {
    cwd: schemasDir,
    bannerComment: header,
    declareExternallyReferenced: true,
    additionalProperties: false,
    strictIndexSignatures: true,
    // Bounded arrays stay plain arrays; the schema, not the type, enforces the bound.
    maxItems: -1,
    style: { singleQuote: true, printWidth: 120 },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(schemaTypesFile), { recursive: true });
  writeFileSync(schemaTypesFile, await generateSchemaTypes());
}
