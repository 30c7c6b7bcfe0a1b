import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldKeyIdOf } from '../../gateway/crypto/field-cipher.js';
import { storedAttributes } from '../../gateway/store/fact-attributes.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { typedAttributeColumns } from '../../gateway/store/typed-attributes.js';
import { dialects, openTestConnection, withDataKeys, type TestConnection } from '../helpers/dialects.js';
import { addFacts, idNumber, type FactSpec } from '../helpers/monitoring.js';

const subject = idNumber('640121', '1961-01-01', 81);

/** Facts of a store of the release before migration 026, in clear, in insertion order. */
const facts: FactSpec[] = [
  { kind: 'medical-settlement', idNumber: subject, occurredOn: '2024-06-03', amountFen: 1_234_500, attributes: { settlementType: 'inpatient', hospital: '宁夏医科大学总医院' } },
  { kind: 'real-estate', idNumber: subject, occurredOn: '2021-04-01', attributes: { certificateNo: '宁(2021)永宁县不动产权第0001号', residential: true, areaSquareMetres: '85.5' } },
  { kind: 'real-estate', idNumber: subject, occurredOn: '2021-04-01', attributes: { certificateNo: '宁(2021)永宁县不动产权第0002号', residential: false } },
  { kind: 'real-estate', idNumber: subject, occurredOn: '2021-04-01', attributes: { certificateNo: '宁(2021)永宁县不动产权第0003号' } },
  { kind: 'antipoverty-monitored', idNumber: subject, period: '2024-06', attributes: { monitoringType: 'sudden-hardship', riskEliminated: true } },
  { kind: 'jinmin-enrolment', idNumber: subject, period: '2024-06', amountFen: 58_000, attributes: { category: '120', regionCode: '640121100' } },
  { kind: 'disability-certificate', idNumber: subject, period: '2024-06', attributes: { category: '1', grade: '2' } },
  { kind: 'assistance-given', idNumber: subject, period: '2024-06', attributes: { department: 'jy', assistanceType: '01' } },
  { kind: 'vehicle-registered', idNumber: subject, occurredOn: '2024-01-02', attributes: { plate: '宁A12345', vehicleType: '小型轿车' } },
  // A type that holds an ID number is encrypted at rest: its typed copy must stay NULL, never the number in clear.
  { kind: 'vehicle-registered', idNumber: subject, occurredOn: '2024-01-02', attributes: { plate: '宁A54321', vehicleType: `残疾人专用车${subject}` } },
  { kind: 'person-death', idNumber: subject, occurredOn: '2024-06-01', attributes: {} },
];

/**
 * Migration 026 on a store of the release before it: every existing fact gets the typed attribute values an import
 * would give it now (typedAttributeColumns on its attributes in clear), by the database's own JSON functions.
 */
describe.each(dialects)('migration 026-facts-typed-attributes on %s', (dialect) => {
  let connection: TestConnection;
  let batchId = 0;

  beforeAll(async () => {
    connection = await openTestConnection(dialect, { upTo: '025-facts-attributes-jsonb' });
    const { knex } = await withDataKeys(connection, randomBytes(32));
    batchId = await addFacts(knex, 'mixed', facts);
    expect(await knex.schema.hasColumn('facts', 'attr_code')).toBe(false);
    await migrateToLatest(knex);
  });
  afterAll(async () => connection?.dispose());

  it('backfills each fact as the import fills it now', async () => {
    const rows = await connection.knex('facts').where({ batch_id: batchId }).orderBy('id').select('attributes', 'attr_code', 'attr_flag');
    expect(rows.map((row) => [row.attr_code, row.attr_flag === null ? null : Number(row.attr_flag)])).toEqual(facts.map((fact) => typedAttributeColumns(fact.kind, fact.attributes ?? {})));
    expect(rows.map((row) => row.attr_code)).toEqual(['inpatient', null, null, null, null, '120', '2', 'jy', '小型轿车', null, null]);
    expect(rows.map((row) => row.attr_flag === null ? null : Number(row.attr_flag))).toEqual([null, 1, 0, null, 1, null, null, null, null, null, null]);
  });

  it('leaves the encrypted value encrypted in the attributes and out of the typed column', async () => {
    const rows = await connection.knex('facts').where({ batch_id: batchId, kind: 'vehicle-registered' }).orderBy('id').select('attributes', 'attr_code');
    expect(fieldKeyIdOf(storedAttributes(rows[1].attributes).vehicleType)).toBeDefined();
    expect(rows[1].attr_code).toBeNull();
    expect(JSON.stringify(await connection.knex('facts').select('attr_code', 'attr_flag'))).not.toContain(subject);
  });

  it('adds a text code and an integer flag, and on PostgreSQL statistics on them with kind, for the planner to see that a code belongs to its kind', async () => {
    const { knex } = connection;
    if (dialect === 'pg') {
      const types = await knex.raw("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'facts' AND column_name LIKE 'attr\\_%' ORDER BY 1");
      expect(types.rows).toEqual([{ column_name: 'attr_code', data_type: 'text' }, { column_name: 'attr_flag', data_type: 'integer' }]);
      const { rows } = await knex.raw('SELECT stxname FROM pg_statistic_ext WHERE stxnamespace = current_schema()::regnamespace');
      expect(rows).toEqual([{ stxname: 'facts_kind_typed_attributes' }]);
    } else {
      const columns = (await knex.raw('PRAGMA table_info(facts)')) as { name: string; type: string }[];
      expect(columns.filter((c) => c.name.startsWith('attr_')).map((c) => [c.name, c.type])).toEqual([['attr_code', 'TEXT'], ['attr_flag', 'INTEGER']]);
    }
  });
});
