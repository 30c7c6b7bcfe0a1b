import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldKeyIdOf } from '../../gateway/crypto/field-cipher.js';
import { storedAttributes } from '../../gateway/store/fact-attributes.js';
import { migrateToLatest } from '../../gateway/store/migrations/index.js';
import { evidenceOfWarning, type WarningEvidenceRow } from '../../gateway/store/repositories/warnings.js';
import { dialects, openTestConnection, withDataKeys, type TestConnection } from '../helpers/dialects.js';
import { addFacts, idNumber, subjectColumns } from '../helpers/monitoring.js';

const subject = idNumber('640121', '1961-01-01', 81);
const relative = idNumber('640121', '1990-03-04', 12);

/**
 * Migration 025 on a store of the release before it: facts.attributes becomes jsonb on PostgreSQL (text on SQLite
 * stays text), every stored row converted, and the facts read back through the app exactly as before — their
 * ID-number attributes still field ciphertexts that decrypt, numbers, flags, lists and Chinese text unchanged, even
 * though jsonb keeps neither the key order nor the spacing of the text it was given.
 */
describe.each(dialects)('migration 025-facts-attributes-jsonb on %s', (dialect) => {
  let connection: TestConnection;
  let warningId = 0;
  let batchId = 0;
  let evidenceBefore: WarningEvidenceRow[] = [];
  let storedBefore: Record<string, unknown>[] = [];

  beforeAll(async () => {
    connection = await openTestConnection(dialect, { upTo: '024-one-city' });
    const { knex } = await withDataKeys(connection, randomBytes(32));
    batchId = await addFacts(knex, 'mixed', [
      { kind: 'medical-settlement', idNumber: subject, occurredOn: '2024-06-03', amountFen: 1_234_500, attributes: { settlementType: 'inpatient', hospital: '宁夏医科大学总医院', days: 12 } },
      { kind: 'real-estate', idNumber: subject, occurredOn: '2021-04-01', attributes: { residential: true, areaSquareMetres: 85.5, zeta: null, alpha: ['甲', '乙'] } },
      { kind: 'staff-relation', idNumber: subject, period: '2024-06', attributes: { role: 'relative', relation: '配偶', relatedIdNumber: relative, unit: '李俊镇民政所' } },
      { kind: 'jinmin-enrolment', idNumber: subject, period: '2024-06', amountFen: 58_000, attributes: { category: 'dibao', regionCode: '640121100', nested: { b: 2, a: 1 } } },
    ]);
    const now = new Date().toISOString();
    const [run] = await knex('comparison_runs').insert({
      period: '2024-06', mode: 'full', rule_set: 'default', rule_set_sm3: '0'.repeat(64), started_at: now, status: 'finished',
    }, ['id']);
    const [warning] = await knex('warnings').insert({
      run_id: run.id, rule_id: 'inpatient-spending', period: '2024-06', ...subjectColumns(knex, subject), subject_name: '马旧案', region_code: '640121100',
      handling_unit: 'township', severity: 'high', suggested_action: 'verify', status: 'pending', raised_on: '2024-07-05', due_on: '2024-07-20', created_at: now, updated_at: now,
    }, ['id']);
    warningId = Number(warning.id);
    const factIds: number[] = (await knex('facts').where({ batch_id: batchId }).orderBy('id').pluck('id')).map(Number);
    await knex('warning_evidence').insert(factIds.map((factId) => ({ warning_id: warningId, fact_id: factId })));

    evidenceBefore = await evidenceOfWarning(knex, warningId);
    storedBefore = (await knex('facts').where({ batch_id: batchId }).orderBy('id').pluck('attributes')).map(storedAttributes);
    await migrateToLatest(knex);
  });
  afterAll(async () => connection?.dispose());

  it('stores the attributes as jsonb on PostgreSQL and leaves SQLite text', async () => {
    const { knex } = connection;
    if (dialect === 'pg') {
      const { rows } = await knex.raw("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'facts' AND column_name = 'attributes'");
      expect(rows).toEqual([{ data_type: 'jsonb' }]);
      // node-postgres hands jsonb back parsed: what every reader of facts.attributes has to accept.
      expect(typeof await knex('facts').where({ batch_id: batchId }).first().then((row) => row.attributes)).toBe('object');
    } else {
      expect((await knex.raw('SELECT DISTINCT typeof(attributes) AS type FROM facts')).map((row: { type: string }) => row.type)).toEqual(['text']);
    }
  });

  it('reads every converted fact back as it was, through the warning evidence and as stored', async () => {
    const { knex } = connection;
    expect(await evidenceOfWarning(knex, warningId)).toEqual(evidenceBefore);
    expect((await knex('facts').where({ batch_id: batchId }).orderBy('id').pluck('attributes')).map(storedAttributes)).toEqual(storedBefore);
    const relation = evidenceBefore.find((row) => row.kind === 'staff-relation')!;
    expect(relation.attributes).toEqual({ role: 'relative', relation: '配偶', relatedIdNumber: relative, unit: '李俊镇民政所' });
    expect(fieldKeyIdOf(storedBefore[2]!.relatedIdNumber)).toBeDefined();
    expect(evidenceBefore.find((row) => row.kind === 'real-estate')!.attributes).toEqual({ residential: true, areaSquareMetres: 85.5, zeta: null, alpha: ['甲', '乙'] });
  });

  it('answers the attribute conditions the rules write, without a cast', async () => {
    const { knex } = connection;
    const [inpatient, residential, area] = dialect === 'pg'
      ? ["attributes -> 'settlementType' = '\"inpatient\"'::jsonb", "attributes -> 'residential' = 'true'::jsonb", "CAST(ROUND((attributes ->> 'areaSquareMetres')::numeric * 100) AS BIGINT)"]
      : ["json_extract(attributes, '$.settlementType') = 'inpatient'", "json_extract(attributes, '$.residential') = 1", "CAST(ROUND(CAST(json_extract(attributes, '$.areaSquareMetres') AS REAL) * 100) AS INTEGER)"];
    const count = async (condition: string) => Number((await knex('facts').whereRaw(condition).count({ n: '*' }).first())?.n);
    expect(await count(inpatient)).toBe(1);
    expect(await count(residential)).toBe(1);
    expect(Number((await knex('facts').where({ kind: 'real-estate' }).first(knex.raw(`${area} AS hundredths`)))?.hundredths)).toBe(8550);
  });
});
