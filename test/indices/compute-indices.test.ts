import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProblemError } from '../../gateway/errors.js';
import { computeHouseholdIndices, computeIndices } from '../../gateway/indices/compute-indices.js';
import { loadIndexFormula } from '../../gateway/indices/index-formula.js';
import type { HouseholdIndices, IndexScore } from '../../schemas/types/index.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { personIdOf } from '../helpers/monitoring.js';
import { addIndexHouseholds, people, type IndexHouseholds } from './index-households.js';

const formula = loadIndexFormula();

/** id → [rawValue, normalisedScore, weight, contribution], the parts a reader checks. */
function parts(score: IndexScore): Record<string, [number | null, number, number, number]> {
  return Object.fromEntries(score.components.map((c) => [c.id, [c.rawValue, c.normalisedScore, c.weight, c.contribution]]));
}

describe.each(dialects)('computeIndices on %s', (dialect) => {
  let store: TestStore;
  let ids: IndexHouseholds;
  let county: HouseholdIndices[];
  const byId = (id: number) => county.find((h) => h.householdId === id)!;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    ids = await addIndexHouseholds(store.knex);
    county = await computeIndices(store.knex, { regionPrefix: '640121', period: '2024-05', formula });
  });
  afterAll(async () => store.dispose());

  it('scores the three-member family exactly as worked by hand', () => {
    const family = byId(ids.family);
    expect(family).toMatchObject({
      householdNo: expect.any(String), residenceRegionCode: '640121100200', headName: '马建国', memberCount: 3, period: '2024-05',
      formula: { id: 'default', sm3: formula.sm3 }, standard: { area: 'rural', dibaoMonthlyFen: 60_000, from: '2024-01', example: true },
    });
    // Poverty, rural standard 60,000 fen (a 村委会):
    //   income 30,000 fen ÷ 3 = 10,000 per member; 1 − 10,000 ÷ (2 × 60,000) = 0.91667 → 91.67; × 70% = 64.17
    //   no vehicle → 100 × 10% = 10; home 54 m² ÷ 3 = 18 m² → (40 − 18) ÷ 40 = 55 × 10% = 5.50
    //   the residential home is not "other property" → 0 → 100 × 10% = 10           total 89.67
    expect(parts(family.poverty)).toEqual({
      'income-per-member': [10_000, 91.67, 70, 64.17],
      vehicles: [0, 100, 10, 10],
      'home-area-per-member': [18, 55, 10, 5.5],
      'business-and-other-property': [0, 100, 10, 10],
    });
    expect(family.poverty).toMatchObject({ title: '贫困指数', score: 89.67, complete: true });
    // Need:
    //   medical self-pay 3,600 yuan in 2024-01 (the 2023-05 bill is outside 2023-06…2024-05): 360,000 ÷ (12 × 60,000) = 50 × 25% = 12.50
    //   school fees 180,000 ÷ 720,000 = 25 × 10% = 2.50; one child of three: 0.33 → 33 × 15% = 4.95
    //   the seriously ill spouse (a major illness reported by 卫健): 1 → 60 × 20% = 12; one working-age member able to work: 40 × 15% = 6
    //   enrolled 2023-01…2024-05 = 17 of 24 months → 70.83 × 5% = 3.54 (354.15 hundredths)
    //   chain 1,500 + 300 yuan (the 2023-05-31 grant is a day early) = 180,000 ÷ (6 × 60,000) = 50 × 10% = 5    total 46.49
    expect(parts(family.need)).toEqual({
      'medical-self-pay': [360_000, 50, 25, 12.5],
      'education-self-pay': [180_000, 25, 10, 2.5],
      'dependants-share': [0.33, 33, 15, 4.95],
      'illness-and-disability': [1, 60, 20, 12],
      'work-capacity': [1, 40, 15, 6],
      'months-enrolled': [17, 70.83, 5, 3.54],
      'assistance-received': [180_000, 50, 10, 5],
    });
    expect(family.need).toMatchObject({ title: '需救助指数', score: 46.49, complete: true });
  });

  it('explains each component with its unit, the formula’s wording and the arithmetic', () => {
    const [income] = byId(ids.family).poverty.components;
    expect(income).toEqual({
      id: 'income-per-member', title: '家庭月人均收入', why: formula.formula.poverty.components[0]!.why,
      rawValue: 10_000, unit: 'fen', perMember: true, scoring: '100 × max(0, 1 − 10000 ÷ (2 × 60000))',
      normalisedScore: 91.67, weight: 70, contribution: 64.17,
    });
    const units = Object.fromEntries(byId(ids.family).need.components.map((c) => [c.id, `${c.unit}${c.perMember ? '/member' : ''}`]));
    expect(units).toEqual({
      'medical-self-pay': 'fen', 'education-self-pay': 'fen', 'dependants-share': 'count/member', 'illness-and-disability': 'count',
      'work-capacity': 'count', 'months-enrolled': 'months', 'assistance-received': 'fen',
    });
  });

  it('marks an index incomplete when income is not recorded, and counts the unknown part as 0', () => {
    const elder = byId(ids.elder);
    // Poverty: income unknown → 0; a vehicle → 0; no registered home → 100 × 10% = 10; a shop (non-residential) → 0.
    expect(parts(elder.poverty)).toEqual({
      'income-per-member': [null, 0, 70, 0],
      vehicles: [1, 0, 10, 0],
      'home-area-per-member': [0, 100, 10, 10],
      'business-and-other-property': [1, 0, 10, 0],
    });
    expect(elder.poverty).toMatchObject({ score: 10, complete: false });
    expect(elder.poverty.components[0]!.scoring).toBe('no value recorded: counts 0');
    // Need: 84 years old (a dependant, 1 of 1 → 15), no one able to work (100 → 15). Chronically ill (health code 3)
    // but without a major illness on record: not 重病, so illness-and-disability scores 0 (seed-review C-14).
    expect(parts(elder.need)['illness-and-disability']).toEqual([0, 0, 20, 0]);
    expect(elder.need).toMatchObject({ score: 30, complete: true });
  });

  it('measures an urban household against the urban standard', () => {
    const worker = byId(ids.worker);
    expect(worker.standard).toEqual({ area: 'urban', dibaoMonthlyFen: 80_000, from: '2024-01', example: true });
    // 160,000 fen is twice the urban standard: income scores 0; no assets: 3 × 10 = 30. Need: one worker → 40 × 15% = 6.
    expect(parts(worker.poverty)['income-per-member']).toEqual([160_000, 0, 70, 0]);
    expect(worker.poverty.score).toBe(30);
    expect(worker.need.score).toBe(6);
  });

  it('scores the households living in a region, and one household by the same path', async () => {
    expect(county.map((h) => h.householdId)).toEqual([ids.family, ids.elder, ids.worker]);
    const township = await computeIndices(store.knex, { regionPrefix: '640121100', period: '2024-05', formula });
    expect(township.map((h) => h.householdId)).toEqual([ids.family, ids.elder]);
    const everywhere = await computeIndices(store.knex, { regionPrefix: '', period: '2024-05', formula });
    expect(everywhere.map((h) => h.householdId)).toEqual([ids.family, ids.elder, ids.worker, ids.elsewhere]);
    // 黔江区's own standard, and its patient's bill stays with its own household.
    expect(everywhere.at(-1)!.standard.dibaoMonthlyFen).toBe(78_000);
    expect(parts(everywhere.at(-1)!.need)['medical-self-pay']![0]).toBe(999_900);
    expect(await computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2024-05', formula })).toEqual(byId(ids.family));
    expect(await computeHouseholdIndices(store.knex, { householdId: 999_999, period: '2024-05', formula })).toBeUndefined();
  });

  it('moves the windows and ages with the period', async () => {
    const later = (await computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2025-02', formula }))!;
    // The window is now 2024-03…2025-02: the January 2024 bill and the chain's grants have left it; 24 of 24 months enrolled.
    expect(parts(later.need)['medical-self-pay']).toEqual([0, 0, 25, 0]);
    expect(parts(later.need)['assistance-received']).toEqual([0, 0, 10, 0]);
    expect(parts(later.need)['months-enrolled']).toEqual([24, 100, 5, 5]);
    // The child (born 2012-09-01) is 15 on 2028-08-31 and 16 on 2028-09-30: no longer a dependant.
    const at15 = (await computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2028-08', formula }))!;
    const at16 = (await computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2028-09', formula }))!;
    expect(parts(at15.need)['dependants-share']![0]).toBe(0.33);
    expect(parts(at16.need)['dependants-share']![0]).toBe(0);
  });

  it('counts a month enrolled once however many members were enrolled in it', async () => {
    const person = (id: string) => personIdOf(store.knex, id);
    const added = [
      // Inside the head's 2023-01… enrolment: adds nothing.
      { person_id: await person(people.spouse), category: '120', start_date: '2023-06-01', end_date: '2023-12-31' },
      // 2022-01…2022-08, of which 2022-06…2022-08 fall in the 24-month window: 3 more months.
      { person_id: await person(people.child), category: '600', start_date: '2022-01-01', end_date: '2022-08-31' },
    ];
    const now = new Date().toISOString();
    const rows = added.map((e) => ({ ...e, household_id: ids.family, region_code: '640121100200', created_at: now, updated_at: now }));
    await store.knex('enrolments').insert(rows);
    try {
      const family = (await computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2024-05', formula }))!;
      // 20 of 24 months → 83.33 × 5% = 4.17 (416.65 hundredths).
      expect(parts(family.need)['months-enrolled']).toEqual([20, 83.33, 5, 4.17]);
    } finally {
      await store.knex('enrolments').whereIn('person_id', added.map((e) => e.person_id)).delete();
    }
  });

  it('refuses a period before the first standard the formula has', async () => {
    const attempt = computeHouseholdIndices(store.knex, { householdId: ids.family, period: '2023-12', formula });
    await expect(attempt).rejects.toBeInstanceOf(ProblemError);
    await expect(attempt).rejects.toMatchObject({ code: 'index-standard-missing', status: 422 });
  });
});
