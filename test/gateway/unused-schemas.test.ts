import { describe, expect, it } from 'vitest';
import { withoutUnusedSchemas } from '../../gateway/plugins/external/unused-schemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('withoutUnusedSchemas', () => {
  it('keeps the schemas operations reach, directly or through other schemas, and drops the rest', () => {
    const document = {
      paths: { '/v1/things': { get: { responses: { 200: { content: { 'application/json': { schema: ref('ThingList') } } } } } } },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
        schemas: {
          ThingList: { type: 'object', properties: { items: { type: 'array', items: ref('Thing') } } },
          Thing: { type: 'object', properties: { code: ref('Common-code') } },
          'Common-code': { type: 'string' },
          Common: { definitions: { code: ref('Common-code') } },
          RuleSet: { type: 'object', properties: { rules: { type: 'array', items: ref('Rule') } } },
          Rule: { type: 'object' },
        },
      },
    };
    const pruned = withoutUnusedSchemas(document);
    expect(Object.keys(pruned.components.schemas).sort()).toEqual(['Common-code', 'Thing', 'ThingList']);
    expect(pruned.components.securitySchemes).toEqual(document.components.securitySchemes);
    expect(pruned.paths).toBe(document.paths);
    expect(Object.keys(document.components.schemas)).toHaveLength(6);
  });

  it('follows references from other components, such as a shared response', () => {
    const document = {
      paths: { '/v1/things': { get: { responses: { '4xx': { $ref: '#/components/responses/Problem' } } } } },
      components: {
        responses: { Problem: { description: 'Problem', content: { 'application/problem+json': { schema: ref('Problem') } } } },
        schemas: { Problem: { type: 'object' }, Unused: { type: 'object' } },
      },
    };
    expect(Object.keys(withoutUnusedSchemas(document).components.schemas)).toEqual(['Problem']);
  });
});
