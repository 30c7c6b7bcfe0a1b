import { describe, expect, it } from 'vitest';
import { compileRoll } from '../../gateway/payroll/compile-roll.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { openTestStore } from '../../test/helpers/dialects.js';
import { addHousehold, addFacts, idNumber } from '../../test/helpers/monitoring.js';

describe('scratch', () => {
  it('compiles', async () => {
    const store = await openTestStore('sqlite');
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', '640121%').orderBy('code').first('code')).code;
    const a = idNumber('640121', '1950-03-05', 1);
    await addHousehold(store.knex, village, [
      { idNumber: a, name: '甲', enrolment: { category: '120', startDate: '2024-01-01' } },
      { idNumber: idNumber('640121', '1980-03-05', 2), name: '乙', enrolment: { category: '120', startDate: '2024-01-01' } },
    ]);
    await addFacts(store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: a, occurredOn: '2024-07-10', attributes: {} }]);
    const pages = [];
    for await (const page of compileRoll(store.knex, { countyCode: '640121', month: '2024-08', book: loadBenefitStandards() })) pages.push(page);
    console.log(JSON.stringify(pages, null, 1).slice(0, 3000));
    expect(pages.length).toBe(1);
    await store.dispose();
  });
});
