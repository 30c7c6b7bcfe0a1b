import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dateQuery, periodQuery } from '../../gateway/plugins/app/schemas.js';
import { generateSchemaTypes, schemaTypesFile } from '../../schemas/generate-types.js';

describe('schemas/types', () => {
  it('is exactly what the schemas generate (run `npm run schemas:types` after changing a schema)', async () => {
    expect(readFileSync(schemaTypesFile, 'utf8')).toBe(await generateSchemaTypes());
  });
});

describe('query parameters of routes', () => {
  it('take months and days exactly as common.schema.json defines them', () => {
    const common = JSON.parse(readFileSync(new URL('../../schemas/common.schema.json', import.meta.url), 'utf8')).definitions;
    expect(periodQuery.pattern).toBe(common.period.pattern);
    expect({ format: dateQuery.format, pattern: dateQuery.pattern }).toEqual({ format: common.date.format, pattern: common.date.pattern });
  });
});
