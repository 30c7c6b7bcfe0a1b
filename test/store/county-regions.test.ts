import { describe, expect, it } from 'vitest';
import { countyRegionFiles, loadCountyRegions } from '../../gateway/store/reference-data/sync.js';

describe('the shipped county region files', () => {
  it('include the two seed counties', () => {
    expect(countyRegionFiles()).toEqual(['500114.json', '640121.json']);
  });

  it.each(countyRegionFiles().map((f) => f.slice(0, 6)))('%s passes schemas/county-regions.schema.json', (code) => {
    const county = loadCountyRegions(code);
    expect(county.code).toBe(code);
    expect(county.townships.length).toBeGreaterThan(0);
  });

  it('names the county codes it has when asked for one it has not', () => {
    expect(() => loadCountyRegions('110105')).toThrow('no region data for county 110105 (have: 500114, 640121)');
  });
});
