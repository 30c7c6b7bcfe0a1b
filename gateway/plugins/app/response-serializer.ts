import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';
import { refsIn } from '../../schema-refs.js';

type SharedSchemas = Record<string, unknown>;

/**
 * fastify's response serialiser, built with only the shared schemas each response schema reaches by `$ref`. The
 * default hands fast-json-stringify every schema in schemas/ (a hundred) for every response of every route, and it
 * checks each of them again each time: 2.7 of the server's 4.2 s start-up on this machine, and the same in every test
 * that builds the app. What is serialised does not change; a response that reaches a schema still gets it whole.
 */
export const buildResponseSerializer: SerializerFactory = (externalSchemas, options) => {
  const shared = (externalSchemas ?? {}) as SharedSchemas;
  const compile = SerializerSelector();
  return (route) => compile(reachedSchemas(route.schema, shared), options)(route);
};

/**
 * The shared schemas `schema` reaches through `$ref`, directly or through one another. A reference this cannot place
 * (not absolute, or to no shared schema) gives back all of them, so fast-json-stringify resolves it as it always has,
 * or names it in its own error.
 */
export function reachedSchemas(schema: unknown, shared: SharedSchemas): SharedSchemas {
  const reached: SharedSchemas = {};
  const pending = [schema];
  while (pending.length > 0) {
    // The part before `#` names the schema; '' is a reference within the same one.
    for (const target of refsIn(pending.pop()).map((ref) => ref.split('#')[0]!)) {
      if (target === '') continue;
      if (!(target in shared)) return shared;
      if (target in reached) continue;
      reached[target] = shared[target];
      pending.push(shared[target]);
    }
  }
  return reached;
}
