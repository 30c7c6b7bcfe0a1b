import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runDemoMonth } from '../../gateway/demo/month/run-demo-month.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { matchSelect } from '../../gateway/engine/rule-sql.js';
import { loadRuleSet, thresholdVariants } from '../../gateway/engine/rule-set.js';
import { loadedSchema } from '../../gateway/schema-validator.js';
import { typedAttributeColumns, typedAttributes } from '../../gateway/store/typed-attributes.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber } from '../helpers/monitoring.js';

const rules = loadRuleSet();
const period = '2024-05';
const today = '2024-06-12';

interface RaisedWarning {
  rule: string;
  subjectKey: string;
  region: string | null;
  measured: number | null;
  threshold: number | null;
  evidence: number[];
}

/**
 * The typed attribute columns (migration 026) change where a condition is tested, never what a run raises: on the demo
 * month's store (cases planted for every rule but one, which this test adds) the default rules raise the same
 * warnings, rule by rule, with the same evidence facts, whether conditions read the typed columns or the JSON.
 */
describe.each(dialects)('typed attribute columns on %s', (dialect) => {
  let store: TestStore;
  let outDir: string;

  /** Forgets the warnings raised so far, so the next full run raises them again from the same facts. */
  const forgetWarnings = async () => {
    const { knex } = store;
    await knex('discovery_cases').update({ warning_id: null });
    for (const table of ['warning_transitions', 'warning_evidence', 'warnings']) await knex(table).del();
  };

  const raise = async (typed: boolean): Promise<RaisedWarning[]> => {
    await forgetWarnings();
    await runComparison(store, { period, mode: 'full', rules, actor: commandLineActor('test'), today, typedAttributes: typed });
    const evidence = await store.knex('warning_evidence').select('warning_id', 'fact_id');
    const rows = await store.knex('warnings').select('id', 'rule_id', 'subject_key', 'region_code', 'measured', 'threshold');
    return rows.map((row) => ({
      rule: String(row.rule_id), subjectKey: String(row.subject_key), region: row.region_code,
      measured: row.measured === null ? null : Number(row.measured), threshold: row.threshold === null ? null : Number(row.threshold),
      evidence: evidence.filter((e) => e.warning_id === row.id).map((e) => Number(e.fact_id)).sort((a, b) => a - b),
    })).sort((a, b) => a.rule.localeCompare(b.rule) || a.subjectKey.localeCompare(b.subjectKey) || a.evidence[0]! - b.evidence[0]!);
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    outDir = mkdtempSync(join(tmpdir(), 'jiuzhu-typed-attributes-'));
    await runDemoMonth(store, { period, outDir, rules, actor: commandLineActor('demo'), today });
    // The demo register enrols whole households: one partly enrolled, its unenrolled son monitored with the risk not
    // eliminated (raised) and its daughter with the risk eliminated (not raised) — the flag on a rule of four kinds.
    const village = '640121100200';
    const son = idNumber('640121', '2001-04-04', 71);
    const daughter = idNumber('640121', '2003-05-05', 82);
    await addHousehold(store.knex, village, [
      { idNumber: idNumber('640121', '1971-03-03', 53), name: '海富贵', enrolment: { category: '120', startDate: '2023-01-01' } },
      { idNumber: son, name: '海小龙' },
      { idNumber: daughter, name: '海小凤' },
    ]);
    await addFacts(store.knex, 'antipoverty', [
      { kind: 'antipoverty-monitored', idNumber: son, period, attributes: { monitoringType: 'sudden-hardship', riskEliminated: false } },
      { kind: 'antipoverty-monitored', idNumber: daughter, period, attributes: { monitoringType: 'sudden-hardship', riskEliminated: true } },
    ]);
  }, 300_000);
  afterAll(async () => {
    await store?.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('raises the same warnings, rule by rule, with the same evidence, on the typed columns and on the JSON', async () => {
    const typed = await raise(true);
    const json = await raise(false);
    expect(new Set(typed.map((w) => w.rule))).toEqual(new Set(rules.ruleSet.rules.map((rule) => rule.id)));
    for (const rule of rules.ruleSet.rules) {
      expect(json.filter((w) => w.rule === rule.id), rule.id).toEqual(typed.filter((w) => w.rule === rule.id));
    }
    expect(json).toEqual(typed);
  }, 300_000);

  it('reads the typed columns for the rules that filter on mapped attributes, and only the JSON when told', () => {
    const context = { dialect, runId: 1, period, periodEnd: '2024-05-31', afterBatchId: null, batchRegions: null };
    const sqlOf = (id: string, typed: boolean) => {
      const rule = rules.ruleSet.rules.find((r) => r.id === id)!;
      return matchSelect(rule, thresholdVariants(rules.ruleSet, rule)[0]!, { ...context, typedAttributes: typed }).text;
    };
    for (const id of ['non-recipient-inpatient-self-pay', 'recipient-household-non-residential-property', 'severe-disability-without-work',
      'student-without-education-assistance', 'partly-enrolled-household-in-hardship', 'conflicting-enrolment', 'recipient-household-vehicle']) {
      expect(sqlOf(id, true), id).toMatch(/\battr_(code|flag)\b/);
      expect(sqlOf(id, false), id).not.toMatch(/\battr_(code|flag)\b/);
    }
  });

  it('stores the typed values the import gave, and NULL for a value of another type', async () => {
    const stored = await store.knex('facts').whereIn('kind', ['medical-settlement', 'real-estate']).select('kind', 'attributes', 'attr_code', 'attr_flag');
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      const attributes = typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes;
      expect([row.attr_code, row.attr_flag === null ? null : Number(row.attr_flag)]).toEqual(typedAttributeColumns(row.kind, attributes));
    }
    expect(typedAttributeColumns('real-estate', { residential: 'true' })).toEqual([null, null]);
    expect(typedAttributeColumns('medical-settlement', { settlementType: 7 })).toEqual([null, null]);
  });
});

describe('the typed attribute table', () => {
  it('never copies a value encrypted at rest: a code holding an ID number stays NULL', () => {
    expect(typedAttributeColumns('vehicle-registered', { plate: '宁A12345', vehicleType: `残疾人专用车 ${idNumber('640121', '1970-03-05', 11)}` })).toEqual([null, null]);
    expect(typedAttributeColumns('vehicle-registered', { plate: '宁A12345', vehicleType: '小型轿车' })).toEqual(['小型轿车', null]);
  });

  it('maps only kinds whose attributes are closed, so an unmapped kind never holds a mapped attribute', () => {
    const branches = (loadedSchema('fact').oneOf ?? []) as { properties?: { kind?: { const?: string }; attributes?: { additionalProperties?: unknown } } }[];
    for (const branch of branches) {
      expect(branch.properties?.attributes?.additionalProperties, branch.properties?.kind?.const).toBe(false);
    }
    expect(Object.keys(typedAttributes)).toEqual(['attr_code', 'attr_flag']);
  });
});
