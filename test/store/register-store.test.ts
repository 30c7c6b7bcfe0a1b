import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { keyOf } from '../helpers/monitoring.js';

const now = '2024-06-01T00:00:00.000Z';

describe.each(dialects)('the register store on %s', (dialect) => {
  let store: TestStore;
  let personId: number;
  let householdId: number;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const [household] = await store.knex('households')
      .insert({ household_no: 'T-1', registered_region: '640121100', residence_region: '640121100', address: '杨和镇', created_at: now, updated_at: now })
      .returning('id');
    householdId = household.id;
    const [person] = await store.knex('persons')
      .insert({ household_id: householdId, ...personIdentity('11010519491231002X'), name: '张三', gender: '2', birth_date: '1949-12-31', relation: '02', created_at: now, updated_at: now })
      .returning('id');
    personId = person.id;
  });
  afterAll(async () => store.dispose());

  const personIdentity = (idNumber: string) => ({ id_key: keyOf(store.knex, idNumber), id_cipher: store.keyring.encrypt(idNumber) });

  const enrol = (category: string, start: string, end: string | null) =>
    store.knex('enrolments').insert({ person_id: personId, household_id: householdId, category, region_code: '640121100', start_date: start, end_date: end, created_at: now, updated_at: now });

  it('ships the two seed counties with their townships and the national code tables', async () => {
    const counties = await store.knex('regions').where('level', 'county').orderBy('code').pluck('code');
    expect(counties).toEqual(['500114', '640121']);
    const townships = await store.knex('regions').where({ level: 'township', parent_code: '640121' }).pluck('name');
    expect(townships).toContain('杨和镇');
    expect(townships).toContain('闽宁镇');
    const fullNames = await store.knex('regions').where('level', 'county').orderBy('code').pluck('full_name');
    expect(fullNames).toEqual(['重庆市黔江区', '宁夏回族自治区银川市永宁县']);
    const relation = await store.knex('code_values').where({ table_id: 'relation', code: '12' }).first();
    expect(relation.name).toBe('妻');
  });

  it('keeps calendar dates as YYYY-MM-DD strings', async () => {
    const person = await store.knex('persons').where('id', personId).first('birth_date');
    expect(person.birth_date).toBe('1949-12-31');
  });

  it('allows consecutive basic-living enrolments and a non-basic one alongside', async () => {
    await enrol('600', '2019-01-01', '2020-12-31');
    await enrol('120', '2021-01-01', '2022-12-31');
    await enrol('132', '2023-01-01', null);
    await enrol('500', '2023-05-06', '2023-05-06');
    const categories = await store.knex('enrolments').where('person_id', personId).orderBy('start_date').pluck('category');
    expect(categories).toEqual(['600', '120', '132', '500']);
  });

  it('refuses a second basic-living category overlapping the first, even written directly in SQL', async () => {
    await expect(enrol('110', '2022-12-31', '2023-01-31')).rejects.toThrow(/basic-living enrolments overlap/);
    await expect(enrol('120', '2024-01-01', null)).rejects.toThrow(/basic-living enrolments overlap/);
    const count = await store.knex('enrolments').where('person_id', personId).count({ n: '*' }).first();
    expect(Number(count?.n)).toBe(4);
  });

  it('refuses an update that would make enrolments overlap', async () => {
    const ended = await store.knex('enrolments').where({ person_id: personId, category: '120' }).first('id');
    await expect(store.knex('enrolments').where('id', ended.id).update({ end_date: '2023-06-30' })).rejects.toThrow(/overlap/);
  });

  it('refuses an enrolment that ends before it starts', async () => {
    await expect(enrol('600', '2020-02-01', '2020-01-01')).rejects.toThrow(/enrolments_dates_ordered/);
  });

  it('keeps ID numbers and names out of database error messages', async () => {
    const error = await store.knex('persons')
      .insert({ household_id: householdId, ...personIdentity('11010519491231002X'), name: '李四', gender: '2', birth_date: '1949-12-31', relation: '10', created_at: now, updated_at: now })
      .catch((e: unknown) => e as Error & { detail?: string });
    expect(error).toBeInstanceOf(Error);
    const everything = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}`;
    expect(everything).not.toContain(keyOf(store.knex, '11010519491231002X'));
    expect(everything).not.toContain('李四');
    expect((error as Error).message).toMatch(/unique/i);
  });
});
