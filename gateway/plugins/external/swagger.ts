import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { docsPrefix } from '../app/auth.js';
import { problemCatalogue, problemType } from '../../errors.js';
import { guardOperations } from './operation-guard.js';
import { apiTags } from './openapi-tags.js';
import { withoutUnusedSchemas } from './unused-schemas.js';

/**
 * The OpenAPI document is built from the route schemas themselves, so it cannot drift from what the
 * gateway validates; `npm run openapi` writes it to openapi.yaml and a test fails when that is stale.
 */
export default fp(
  async function openapi(fastify: FastifyInstance) {
    guardOperations(fastify);
    await fastify.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'jiuzhu — social-assistance interop gateway (救助)',
          version: '0.1.0',
          description: [
            'Headless gateway for civil-affairs bureaus: the low-income register (低收入人口), department feeds, dynamic monitoring and reports.',
            'Every route but /health, /ready and /docs needs `Authorization: Bearer KEY` (/metrics also answers a loopback client without one). Keys carry a role and a region scope.',
            'Errors are RFC 9457 problem details; `type` is one of:',
            ...Object.entries(problemCatalogue).map(([code, p]) => `- \`${problemType(code as keyof typeof problemCatalogue)}\` (${p.status}) ${p.title}`),
          ].join('\n'),
          contact: { name: 'jiuzhu maintainers' },
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        },
        servers: [
          {
            url: 'http://{host}:{port}',
            description: '`jiuzhu serve` listens on 127.0.0.1:8080 unless HOST and PORT say otherwise; behind a proxy, use the office’s own address.',
            variables: {
              host: { default: '127.0.0.1', description: 'HOST of `jiuzhu serve`' },
              port: { default: '8080', description: 'PORT of `jiuzhu serve`' },
            },
          },
        ],
        tags: [...apiTags],
        components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key from `jiuzhu keys create`' } } },
        security: [{ apiKey: [] }],
      },
      transformObject: (document) => ('openapiObject' in document ? withoutUnusedSchemas(document.openapiObject) : document.swaggerObject),
      refResolver: {
        // Name components after the schema titles (Household, Person …) rather than def-0, def-1.
        buildLocalReference(json, _baseUri, _fragment, i) {
          return typeof json.title === 'string' ? json.title : `def-${i}`;
        },
      },
    });
    await fastify.register(swaggerUi, {
      routePrefix: docsPrefix,
      // The page's "Try it out" must call the gateway that served it, not the local default `servers` names: without
      // servers, Swagger UI uses the page's own origin.
      transformSpecification: ({ servers: _servers, ...document }) => document,
    });
  },
  { name: 'openapi', dependencies: ['schemas'] },
);
