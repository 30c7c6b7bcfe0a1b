/**
 * Seeds one demo county of about `persons` persons into a fresh store through the real code path
 * (`seedDemoCounty`: generator → bulk writer → one transaction), then checks the count.
 * Usage: seed.ts sqlite|pg PERSONS
 */
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { reportCase, secondsSince } from '../case-result.js';
import { openFreshBenchStore } from './fresh-store.js';

const [dialect = 'sqlite', personsArg = '1000000'] = process.argv.slice(2);
const targetPersons = Number(personsArg);
// The generator averages about 2.5 persons per household (research: low-income households are small).
const households = Math.round(targetPersons / 2.5);

const { store, dispose } = await openFreshBenchStore(dialect);
const start = process.hrtime.bigint();
const result = await seedDemoCounty(store, commandLineActor('bench'), { countyCode: '640121', households, seed: 1, asOf: '2024-06-30' });
const seconds = secondsSince(start);
const count = async (table: string) => Number((await store.knex(table).count({ n: '*' }).first())?.n);
const stored = await count('persons');
if (stored !== result.persons) throw new Error(`stored ${stored} persons, generator said ${result.persons}`);
let tableRows = 0;
for (const table of ['batches', 'households', 'persons', 'bank_accounts', 'enrolments', 'assistance_records', 'audit_log']) tableRows += await count(table);
await dispose();
reportCase({
  name: `seed ${dialect}`,
  rows: result.persons,
  unit: 'persons',
  tableRows,
  seconds,
  detail: `${result.households} households, ${result.enrolments} enrolments, ${result.assistanceRecords} assistance records`,
});
