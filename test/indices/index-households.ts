import type { Knex } from 'knex';
import { commandLineActor } from '../../gateway/access/actor.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import type { HouseholdCreate } from '../../schemas/types/index.js';
import { addFacts, idNumber, personIdOf } from '../helpers/monitoring.js';

/**
 * Households whose indices for 2024-05 under config/indices/default.json were worked out by hand (the arithmetic is in
 * test/indices/compute-indices.test.ts). 640121100200 and 640121100201 are villages (村委会, rural standard 600 yuan);
 * 640121001001 is a 居委会 (urban, 800 yuan); 500114001001 is in another county.
 */
export const people = {
  head: idNumber('640121', '1970-03-05', 11),
  spouse: idNumber('640121', '1972-06-01', 22),
  child: idNumber('640121', '2012-09-01', 33),
  elder: idNumber('640121', '1940-01-01', 44),
  worker: idNumber('640121', '1990-01-01', 55),
  elsewhere: idNumber('500114', '1980-01-01', 66),
};

export interface IndexHouseholds {
  /** Three members, income 300 yuan, medical and school self-pay, a registered home, 17 months enrolled, assistance. */
  family: number;
  /** One 84-year-old, ill, no income recorded, a vehicle and a shop. */
  elder: number;
  /** One worker in a town community earning 1,600 yuan. */
  worker: number;
  /** In county 500114, outside a 640121 key's scope. */
  elsewhere: number;
}

async function register(knex: Knex, body: HouseholdCreate): Promise<number> {
  return registerHousehold(knex, commandLineActor('test'), body);
}

export async function addIndexHouseholds(knex: Knex): Promise<IndexHouseholds> {
  const family = await register(knex, {
    registeredRegionCode: '640121100200', residenceRegionCode: '640121100200', address: '王太村一组3号', monthlyIncomeFen: 30_000,
    members: [
      { idNumber: people.head, name: '马建国', relation: '02', health: '1', labourAbility: '01', enrolments: [{ category: '120', startDate: '2023-01-01', monthlyAmountFen: 90_000 }] },
      { idNumber: people.spouse, name: '杨秀兰', relation: '10', health: '3', labourAbility: '02' },
      { idNumber: people.child, name: '马小军', relation: '20', health: '1', labourAbility: '04' },
    ],
  });
  const elder = await register(knex, {
    registeredRegionCode: '640121100201', residenceRegionCode: '640121100201', address: '惠丰村二组8号',
    members: [{ idNumber: people.elder, name: '马福贵', relation: '01', health: '3', labourAbility: '04' }],
  });
  const worker = await register(knex, {
    registeredRegionCode: '640121001001', residenceRegionCode: '640121001001', address: '建设社区5栋2单元', monthlyIncomeFen: 160_000,
    members: [{ idNumber: people.worker, name: '李明', relation: '01', health: '1', labourAbility: '01' }],
  });
  const elsewhere = await register(knex, {
    registeredRegionCode: '500114001001', residenceRegionCode: '500114001001', address: '文汇社区1号', monthlyIncomeFen: 0,
    members: [{ idNumber: people.elsewhere, name: '张平', relation: '01', health: '3', labourAbility: '04' }],
  });

  await addFacts(knex, 'yibao', [
    { kind: 'medical-settlement', idNumber: people.spouse, occurredOn: '2024-01-15', amountFen: 360_000, attributes: { settlementType: 'inpatient' } },
    // A month before the 12-month window (2023-06 … 2024-05): does not count.
    { kind: 'medical-settlement', idNumber: people.spouse, occurredOn: '2023-05-20', amountFen: 100_000, attributes: { settlementType: 'inpatient' } },
    // Another county's patient: never reaches a 640121 household.
    { kind: 'medical-settlement', idNumber: people.elsewhere, occurredOn: '2024-03-01', amountFen: 999_900, attributes: { settlementType: 'inpatient' } },
  ]);
  // The spouse's major illness (卫健 大病专项救治) makes her seriously ill (重病); the elder's and the outsider's chronic
  // illness in the health code (3) does not.
  await addFacts(knex, 'weijian', [{ kind: 'major-illness', idNumber: people.spouse, occurredOn: '2024-01-10', attributes: { disease: '乳腺癌' } }]);
  await addFacts(knex, 'jiaoyu', [
    { kind: 'student-enrolled', idNumber: people.child, occurredOn: '2023-09-01', amountFen: 180_000, attributes: { stage: 'primary' } },
  ]);
  await addFacts(knex, 'budongchan', [
    { kind: 'real-estate', idNumber: people.head, attributes: { certificateNo: '宁(2019)永宁县不动产权第0001号', areaSquareMetres: '54.00', residential: true } },
    { kind: 'real-estate', idNumber: people.elder, attributes: { certificateNo: '宁(2015)永宁县不动产权第0002号', areaSquareMetres: '30.00', residential: false } },
  ]);
  await addFacts(knex, 'jiaoguan', [{ kind: 'vehicle-registered', idNumber: people.elder, attributes: { plate: '宁A12345' } }]);

  const personId = (id: string) => personIdOf(knex, id);
  const assistance = async (id: string, householdId: number, department: string, assistanceType: string, amountFen: number, assistedOn: string) =>
    knex('assistance_records').insert({
      person_id: await personId(id), household_id: householdId, department, assistance_type: assistanceType, amount_fen: amountFen,
      assisted_on: assistedOn, created_at: new Date().toISOString(),
    });
  await assistance(people.head, family, 'mz', 'linshi', 150_000, '2024-02-10');
  await assistance(people.child, family, 'jy', 'jiaoyu', 30_000, '2023-10-01');
  // The day before the window opens.
  await assistance(people.head, family, 'mz', 'linshi', 99_900, '2023-05-31');
  return { family, elder, worker, elsewhere };
}
