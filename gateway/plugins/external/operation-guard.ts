import type { FastifyInstance, RouteOptions } from 'fastify';
import { apiTags } from './openapi-tags.js';

const camelCaseVerb = /^[a-z]+[A-Z][A-Za-z0-9]*$/;
const knownTags = new Set<string>(apiTags.map((tag) => tag.name));

/**
 * Refuses, when it is registered, a documented route without an operationId (camelCase, verb first: listWarnings),
 * with one another route already has, or with a tag openapi-tags.ts does not define. Generated clients name their
 * methods after operationIds, so a missing or duplicated one would only show up later as a client that changed shape.
 * Hidden routes (the /docs pages) are not in the document, and HEAD routes are fastify's copies of the GET ones.
 */
export function guardOperations(fastify: FastifyInstance): void {
  const routeByOperationId = new Map<string, string>();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema;
    if (schema?.hide === true) return;
    for (const method of [route.method].flat().filter((m) => m !== 'HEAD')) {
      const where = `${method} ${route.url}`;
      const operationId = schema?.operationId;
      if (typeof operationId !== 'string' || !camelCaseVerb.test(operationId)) {
        throw new Error(`route ${where} declares no camelCase operationId in its schema (e.g. listWarnings, getWarning)`);
      }
      const taken = routeByOperationId.get(operationId);
      if (taken !== undefined) throw new Error(`route ${where} reuses operationId ${operationId} of ${taken}`);
      routeByOperationId.set(operationId, where);
      for (const tag of schema?.tags ?? []) {
        if (!knownTags.has(tag)) throw new Error(`route ${where} is tagged ${tag}, which gateway/plugins/external/openapi-tags.ts does not define`);
      }
    }
  });
}
