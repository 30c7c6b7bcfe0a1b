import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { projectPath } from '../../project-files.js';

export const schemasDir = projectPath('schemas');
export const schemaBase = 'https://jiuzhu.example/schemas/';

/** `{ $ref }` to one of the canonical schemas in schemas/, for route definitions. */
export function ref(name: string): { $ref: string } {
  return { $ref: `${schemaBase}${name}.schema.json` };
}

/**
 * Query parameters for a month or a day, as schemas/common.schema.json defines them (a test keeps the two the same):
 * the years 1900–2099, so no request can ask the database for a date it cannot hold (PostgreSQL has no year 0).
 */
export const periodQuery = { type: 'string', pattern: '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$' } as const;
export const dateQuery = { type: 'string', format: 'date', pattern: '^(19|20)[0-9]{2}-' } as const;

/** The path parameters of a route addressing one record by its numeric id (`/v1/…/{id}`). */
export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

/** The problem+json answers every authenticated route can give. */
export const problemResponses = {
  '4xx': { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ref('problem') } } },
  '5xx': { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: ref('problem') } } },
} as const;

export function loadSchemas(): Record<string, unknown>[] {
  return readdirSync(schemasDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => {
      const schema = JSON.parse(readFileSync(join(schemasDir, f), 'utf8')) as Record<string, unknown>;
      return absoluteRefs(schema, String(schema.$id)) as Record<string, unknown>;
    });
}

/**
 * The files refer to each other relatively (`common.schema.json#/definitions/date`), which editors and the
 * type generator follow on disk; fastify's serialiser resolves only absolute ids, so refs are made absolute
 * against each schema's $id when loaded.
 */
function absoluteRefs(node: unknown, base: string): unknown {
  if (Array.isArray(node)) return node.map((item) => absoluteRefs(item, base));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string' && !value.startsWith('#') ? [key, new URL(value, base).href] : [key, absoluteRefs(value, base)],
    ),
  );
}

/** Registers schemas/*.schema.json with fastify's validator and serialiser, so routes `$ref` them by $id. */
export default fp(
  async function schemas(fastify: FastifyInstance) {
    for (const schema of loadSchemas()) fastify.addSchema(schema);
  },
  { name: 'schemas' },
);
