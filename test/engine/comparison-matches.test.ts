import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet, type LoadedRuleSet } from '../../gateway/engine/rule-set.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, clearMonitoringData, idNumber, withSubjects } from '../helpers/monitoring.js';

/**
 * An amount rule's matches pass through a temporary table, and its groups under the threshold are left there rather
 * than copied and deleted (compare.ts insertMatches) — unless the rule has more than one threshold variant. Both ways
 * must raise exactly what deleting afterwards did: the totals count unexempted matches only, a group that does not
 * reach the threshold is dropped whole (exempt matches included, so it counts as neither raised nor exempted), and a
 * county's own threshold applies to its people.
 */
const ruleSetFor = (regions: object) => ({
  id: 'matches-test', title: 'test', description: 'test',
  rules: [{
    id: 'self-pay', title: '自付高', description: 'test',
    match: { type: 'amount', subjects: 'anyone', kinds: ['medical-settlement'], measure: 'amountFen', total: 'over-window', lookbackMonths: 11, threshold: 'selfPay' },
    exemptions: [{ id: 'covered', description: 'test', fact: { attribute: 'settlementType', in: ['covered'] } }],
    thresholds: { selfPay: { value: 10_000, unit: 'fen', example: true, source: 'test' } },
    severity: 'low', suggestedAction: 'consider-inclusion', handlingUnit: 'township', deadlineWorkingDays: 15, deadline: { example: true, basis: 'a test rule' },
  }],
  regions,
});

const people = {
  reaches: idNumber('640121', '1970-01-01', 1),
  shortWithExempt: idNumber('640121', '1970-01-01', 2),
  onlyExempt: idNumber('640121', '1970-01-01', 3),
  otherCounty: idNumber('110105', '1970-01-01', 4),
  otherCountyShort: idNumber('110105', '1970-01-01', 5),
} as const;

describe.each(dialects)('an amount rule\'s matches on %s', (dialect) => {
  let store: TestStore;
  const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-matches-'));
  const load = (name: string, regions: object): LoadedRuleSet => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(ruleSetFor(regions)));
    return loadRuleSet(path);
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => {
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await clearMonitoringData(store.knex);
    const settlement = (subject: string, amountFen: number, settlementType = 'inpatient') =>
      ({ kind: 'medical-settlement' as const, idNumber: subject, occurredOn: '2024-03-10', period: '2024-03', amountFen, attributes: { settlementType } });
    await addFacts(store.knex, 'yibao', [
      settlement(people.reaches, 6_000), settlement(people.reaches, 5_000), settlement(people.reaches, 9_000, 'covered'),
      settlement(people.shortWithExempt, 6_000), settlement(people.shortWithExempt, 9_000, 'covered'),
      settlement(people.onlyExempt, 12_000, 'covered'),
      settlement(people.otherCounty, 6_000),
      settlement(people.otherCountyShort, 4_000),
    ]);
  });

  const raised = async () => (await withSubjects(store.knex, await store.knex('warnings').select('subject_cipher', 'measured', 'threshold')))
    .map((row) => [row.subject!, Number(row.measured), Number(row.threshold)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const evidence = async () => Number((await store.knex('warning_evidence').count({ n: '*' }).first())?.n);
  const compare = (rules: LoadedRuleSet) =>
    runComparison(store, { period: '2024-06', mode: 'full', rules, actor: commandLineActor('test'), today: '2024-07-05', dueDate: () => '2024-07-26', defaultRegion: '640121' });

  it('one threshold variant: groups under it stay behind, the rest are raised with their unexempted total', async () => {
    const report = await compare(load('one', {}));
    expect(report.details['self-pay']).toEqual({ raised: 1, exempted: 0, suppressed: 0 });
    expect(await raised()).toEqual([[people.reaches, 11_000, 10_000]]);
    // The two unexempted settlements are the evidence; the exempt one is not.
    expect(await evidence()).toBe(2);
    // The run's working set was private to it and is gone: a second run creates its own and finds nothing new.
    expect((await compare(load('one', {}))).details['self-pay']).toEqual({ raised: 0, exempted: 0, suppressed: 0 });
    expect(await evidence()).toBe(2);
  });

  it('two variants (a county with its own threshold): the same test, over both variants\' matches at once', async () => {
    const report = await compare(load('two', { 110105: { thresholds: { 'self-pay': { selfPay: 5_000 } } } }));
    expect(report.details['self-pay']).toEqual({ raised: 2, exempted: 0, suppressed: 0 });
    expect(await raised()).toEqual([[people.otherCounty, 6_000, 5_000], [people.reaches, 11_000, 10_000]]);
  });
});
