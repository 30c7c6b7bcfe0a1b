import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Knex } from 'knex';
import type { CountyRegions } from '../../../schemas/types/index.js';
import { describeDivision } from '../../identity/division-names.js';
import { projectPath } from '../../project-files.js';
import { loadCodeTables } from './code-tables.js';

const regionsDir = projectPath('gateway/store/reference-data/regions');

export function countyRegionFiles(): string[] {
  return readdirSync(regionsDir).filter((f) => /^\d{6}\.json$/.test(f)).sort();
}

let validateCountyRegions: ValidateFunction<CountyRegions> | undefined;

/** Reads and schema-checks regions/<county>.json, naming the file and the failing path when it is broken. */
export function loadCountyRegions(countyCode: string): CountyRegions {
  const file = join(regionsDir, `${countyCode}.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const known = countyRegionFiles().map((f) => f.slice(0, 6)).join(', ');
    throw new Error(`no region data for county ${countyCode} (have: ${known})`, { cause: error });
  }
  validateCountyRegions ??= new Ajv({ allErrors: true }).compile<CountyRegions>(
    JSON.parse(readFileSync(projectPath('schemas/county-regions.schema.json'), 'utf8')),
  );
  if (!validateCountyRegions(data)) {
    const first = validateCountyRegions.errors?.[0];
    throw new Error(`[regions] ${countyCode}.json ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}`);
  }
  return data;
}

/**
 * Brings the store's regions and code values in line with the reference data shipped in this folder.
 * Idempotent (upserts), run by `jiuzhu migrate` and at start-up, so a release that corrects a village
 * name or adds a code reaches existing databases without a migration.
 */
export async function syncReferenceData(knex: Knex): Promise<{ regions: number; codes: number }> {
  const regionRows: Record<string, unknown>[] = [];
  for (const file of countyRegionFiles()) {
    const county = loadCountyRegions(file.slice(0, 6));
    regionRows.push({ code: county.code, name: county.name, full_name: describeDivision(county.code)?.fullName ?? county.name, level: 'county', parent_code: null, kind: null, urban_rural: null });
    for (const township of county.townships) {
      regionRows.push({ code: township.code, name: township.name, full_name: `${county.name}${township.name}`, level: 'township', parent_code: county.code, kind: township.kind, urban_rural: null });
      for (const village of township.villages ?? []) {
        regionRows.push({ code: village.code, name: village.name, full_name: `${county.name}${township.name}${village.name}`, level: 'village', parent_code: township.code, kind: null, urban_rural: village.urbanRural ?? null });
      }
    }
  }
  const codeRows = [...loadCodeTables().values()].flatMap((table) =>
    table.codes.map((c) => ({ table_id: table.id, code: c.code, name: c.name, parent_code: c.parent ?? null })),
  );
  await knex.transaction(async (trx) => {
    for (let i = 0; i < regionRows.length; i += 100) {
      await trx('regions').insert(regionRows.slice(i, i + 100)).onConflict('code').merge();
    }
    for (let i = 0; i < codeRows.length; i += 100) {
      await trx('code_values').insert(codeRows.slice(i, i + 100)).onConflict(['table_id', 'code']).merge();
    }
  });
  return { regions: regionRows.length, codes: codeRows.length };
}
