import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { problemCatalogue, problemType } from '../../gateway/errors.js';
import { openapiFile, renderOpenapi } from '../../gateway/write-openapi.js';
import { buildTestApp } from '../helpers/build-app.js';

describe('openapi.yaml', () => {
  it('matches what the route schemas generate (run `npm run openapi` after changing a route)', async () => {
    expect(readFileSync(openapiFile, 'utf8')).toBe(await renderOpenapi());
  });

  it('documents every problem type of the catalogue', () => {
    const document = parse(readFileSync(openapiFile, 'utf8'));
    for (const code of Object.keys(problemCatalogue) as (keyof typeof problemCatalogue)[]) {
      expect(document.info.description).toContain(problemType(code));
    }
  });

  it('documents a problem+json answer and the bearer key on every authenticated operation', () => {
    const document = parse(readFileSync(openapiFile, 'utf8'));
    for (const [path, operations] of Object.entries<Record<string, { security?: unknown[]; responses: Record<string, { content?: object }> }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (path === '/health' || path === '/ready') {
          expect(operation.security).toEqual([]);
          continue;
        }
        expect(operation.security, `${method} ${path}`).toBeUndefined();
        expect(Object.keys(operation.responses['4XX']?.content ?? operation.responses['4xx']?.content ?? {}), `${method} ${path}`).toContain('application/problem+json');
      }
    }
    expect(document.security).toEqual([{ apiKey: [] }]);
  });

  it('serves the same document at /docs/json, without servers, so the page’s Try it out calls the gateway that served it', async () => {
    const t = await buildTestApp('sqlite');
    try {
      const { servers, ...document } = parse(readFileSync(openapiFile, 'utf8'));
      expect(servers).toHaveLength(1);
      const served = await t.app.inject({ method: 'GET', url: '/docs/json' });
      expect(served.statusCode).toBe(200);
      expect(served.json()).toEqual(document);
    } finally {
      await t.close();
    }
  });
});
