import { refsIn } from '../../schema-refs.js';

const schemaRefPrefix = '#/components/schemas/';

interface OpenapiDocument {
  components?: { schemas?: Record<string, unknown> };
}

/**
 * The document without the component schemas no operation reaches. Every file in schemas/ is registered with
 * fastify (routes `$ref` them by $id), and @fastify/swagger emits each as a component, the configuration schemas
 * (rule sets, calendars, bank-file layouts …) among them: they describe files on disk, not the API, and linters rightly
 * flag them as unused.
 */
export function withoutUnusedSchemas<T extends OpenapiDocument>(document: T): T {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const reached = new Set<string>();
  const pending = schemaRefsIn({ ...document, components: { ...document.components, schemas: {} } });
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached.has(name) || !(name in schemas)) continue;
    reached.add(name);
    pending.push(...schemaRefsIn(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } } as T;
}

function schemaRefsIn(node: unknown): string[] {
  return refsIn(node)
    .filter((ref) => ref.startsWith(schemaRefPrefix))
    .map((ref) => decodeURIComponent(ref.slice(schemaRefPrefix.length)));
}
