import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemaTypes, schemaTypesFile } from '../../schemas/generate-types.js';

describe('schemas/types', () => {
  it('is exactly what the schemas generate (run `npm run schemas:types` after changing a schema)', async () => {
    expect(readFileSync(schemaTypesFile, 'utf8')).toBe(await generateSchemaTypes());
  });
});
