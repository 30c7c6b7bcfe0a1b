import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factMonth, matchInsert } from '../../gateway/engine/rule-sql.js';
import { loadRuleSet, thresholdVariants } from '../../gateway/engine/rule-set.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

/**
 * What the comparison's speed rests on and no result would show: the facts' month as the engine writes it is the
 * month of the fact, date by date, and on PostgreSQL it is the very expression migration 011 indexes — were the two
 * to drift apart, every run would silently go back to reading a kind's facts of all months.
 */
describe.each(dialects)('the comparison engine\'s month of a fact and its plans on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('is the period when there is one, else the month of the date, else NULL', async () => {
    const rows: [string | null, string | null][] = [
      [null, '2024-06-03'], [null, '2024-12-31'], [null, '2025-01-01'], [null, '0999-02-28'], ['2023-07', '2024-06-03'], ['2024-02', null], [null, null],
    ];
    const row = dialect === 'pg' ? 'SELECT ? AS n, ?::varchar(7) AS period, ?::date AS occurred_on' : 'SELECT ? AS n, ? AS period, ? AS occurred_on';
    const result = await store.knex.raw(`SELECT ${factMonth(dialect, 'f')} AS month FROM (${rows.map(() => row).join(' UNION ALL ')}) f ORDER BY f.n`,
      rows.flatMap((values, n) => [n, ...values]));
    const months = (Array.isArray(result) ? result : (result as { rows: { month: string | null }[] }).rows).map((row: { month: string | null }) => row.month);
    expect(months).toEqual(['2024-06', '2024-12', '2025-01', '0999-02', '2023-07', '2024-02', null]);
  });

  // The plans are PostgreSQL's own: SQLite has no such index and runs every statement in one process anyway.
  if (dialect === 'pg') {
    it('is what facts_kind_month_index indexes, so a window reads its months through it', async () => {
      const month = factMonth(dialect, 'f');
      const plan = await store.knex.transaction(async (trx) => {
        // The test table is empty, where a sequential scan wins; without one, the planner takes the index that
        // matches the most of the condition — ours only when the month expression is the indexed one.
        await trx.raw('SET LOCAL enable_seqscan = off');
        const result = await trx.raw(`EXPLAIN SELECT f.id FROM facts f WHERE f.kind IN ('medical-settlement') AND ${month} BETWEEN '2024-06' AND '2024-06'`);
        return (result as { rows: { 'QUERY PLAN': string }[] }).rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('facts_kind_month_index');
      expect(plan).toMatch(/Index Cond: .*kind.*COALESCE/);
    });

    // A correlated subquery in a statement is parallel-restricted on PostgreSQL: the joins above the facts scan then
    // run in one process. The rules over the most facts must plan without one (is_new, the ex-poor threshold and
    // "not enrolled" as joins; see rule-sql.ts).
    it.each(['non-recipient-inpatient-self-pay', 'non-recipient-outpatient-self-pay', 'conflicting-enrolment'])(
      '%s plans without a correlated subquery', async (ruleId) => {
        const plan = await matchPlan(ruleId);
        expect(plan).toMatch(/ on facts f\b/);
        expect(plan).not.toContain('SubPlan');
      });

    // The planner learns from facts.person_id's NULLs that few of a kind's facts are about register persons; from the
    // blind-index join alone it takes them all to be, and hashes the whole register for each such rule (rule-sql.ts,
    // registerPerson).
    it.each(['recipient-household-vehicle', 'recipient-household-housing-above-threshold', 'recipient-income-above-threshold', 'partly-enrolled-household-in-hardship'])(
      '%s reads the facts linked to a register person only', async (ruleId) => {
        expect(await matchPlan(ruleId)).toContain('person_id IS NOT NULL');
      });
  }

  /** PostgreSQL's plan for the rule's match insert (its last threshold variant). */
  async function matchPlan(ruleId: string): Promise<string> {
    const { ruleSet } = loadRuleSet();
    const rule = ruleSet.rules.find((r) => r.id === ruleId)!;
    const insert = matchInsert(rule, thresholdVariants(ruleSet, rule).at(-1)!, { dialect, runId: 1, period: '2024-06', periodEnd: '2024-06-30', afterBatchId: null, batchRegions: null });
    const result = await store.knex.raw(`EXPLAIN ${insert.text}`, insert.bindings);
    return (result as { rows: { 'QUERY PLAN': string }[] }).rows.map((row) => row['QUERY PLAN']).join('\n');
  }
});
