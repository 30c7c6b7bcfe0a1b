import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, clearMonitoringData, idNumber, withSubjects } from '../helpers/monitoring.js';

/**
 * A province's month is one comparison run per county (docs/scale.md): runs bounded to different counties, started
 * at once against one store, must each finish and raise exactly what they raise one after the other — no deadlock,
 * no warning lost or doubled, none placed in the other county.
 */
const counties = [
  { code: '640121', village: '640121100200', township: '640121100' },
  { code: '500114', village: '500114001001', township: '500114001' },
] as const;
const rules = loadRuleSet();

const peopleOf = (county: string) => ({
  recipient: idNumber(county, '1970-03-05', 11),
  spouse: idNumber(county, '1972-08-09', 22),
  widow: idNumber(county, '1958-11-11', 32),
  outsider: idNumber(county, '1965-01-20', 41),
});

interface WarningLine {
  rule: string;
  subject: string;
  region: string | null;
  run: number;
}

describe.each(dialects)('county runs at once on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  beforeEach(async () => {
    await clearMonitoringData(store.knex);
    for (const { code, village } of counties) {
      const people = peopleOf(code);
      await addHousehold(store.knex, village, [
        { idNumber: people.recipient, name: '马建国', enrolment: { category: '120', startDate: '2023-01-01' } },
        { idNumber: people.spouse, name: '丁秀兰', enrolment: { category: '120', startDate: '2023-01-01' } },
      ]);
      await addHousehold(store.knex, village, [{ idNumber: people.widow, name: '李桂英', enrolment: { category: '120', startDate: '2022-05-01' } }]);
      // Each county uploads its own feeds: the batches carry the county's region, as an import by the county's key does.
      await addFacts(store.knex, 'gongan-hukou', [
        { kind: 'person-death', idNumber: people.recipient, occurredOn: '2024-04-28', attributes: {} },
        { kind: 'person-death', idNumber: people.outsider, occurredOn: '2024-05-02', attributes: {} },
      ], code);
      await addFacts(store.knex, 'gongan-vehicles', [
        { kind: 'vehicle-registered', idNumber: people.widow, occurredOn: '2024-03-10', attributes: { plate: '宁A12345', vehicleType: '小型普通客车' } },
      ], code);
    }
  });

  const actorOf = (county: string): Actor => ({ keyId: null, role: 'integrator', regionCode: county, label: `test ${county}` });
  const compare = (county: string) =>
    runComparison(store, { period: '2024-05', mode: 'full', rules, actor: actorOf(county), regionCode: county, today: '2024-06-05' });

  const warnings = async (): Promise<WarningLine[]> => {
    const rows = await withSubjects(store.knex, await store.knex('warnings').select('rule_id', 'subject_cipher', 'region_code', 'run_id'));
    return rows.map((row) => ({ rule: row.rule_id, subject: row.subject!, region: row.region_code, run: Number(row.run_id) }))
      .sort((a, b) => a.rule.localeCompare(b.rule) || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  };
  /** Which county's run raised each warning, instead of the run's id (ids differ between the two passes). */
  const byCounty = async (runs: Map<number, string>) => (await warnings()).map(({ run, ...line }) => ({ ...line, county: runs.get(run) }));

  it('two counties compared at once raise what they raise one after the other, each only its own', async () => {
    const sequentialRuns = new Map<number, string>();
    for (const { code } of counties) sequentialRuns.set((await compare(code)).runId, code);
    const sequential = await byCounty(sequentialRuns);
    for (const table of ['warning_transitions', 'warning_evidence', 'warnings', 'comparison_matches', 'comparison_runs']) await store.knex(table).delete();

    const reports = await Promise.all(counties.map(({ code }) => compare(code)));
    const concurrent = await byCounty(new Map(reports.map((report, index) => [report.runId, counties[index]!.code])));

    expect(concurrent).toEqual(sequential);
    // Each county's recipient who died, and its widow's car, placed in its own township by its own run; the outsiders'
    // deaths raise nothing. Nothing crossed from one county's run to the other's.
    for (const { code, township } of counties) {
      const people = peopleOf(code);
      expect(concurrent.filter((line) => line.county === code).map(({ rule, subject, region }) => ({ rule, subject, region }))).toEqual(expect.arrayContaining([
        { rule: 'recipient-died', subject: people.recipient, region: township },
      ]));
      expect(concurrent.filter((line) => line.county === code).every((line) => line.region?.startsWith(code))).toBe(true);
    }
    expect(concurrent.length).toBeGreaterThanOrEqual(2);
    const finished = await store.knex('comparison_runs').select('status', 'region_code');
    expect(finished.map((run) => `${run.region_code} ${run.status}`).sort()).toEqual(['500114 finished', '640121 finished']);
  });

  // SQLite has one writer at a time by design; PostgreSQL's runs overlap.
  if (dialect === 'pg') it('a run takes no lock that another run in progress holds (ANALYZE of the shared tables)', async () => {
    // What a run used to hold from its first rule to its commit: the ANALYZE lock of the working set and of the
    // warnings. A run needing either would wait here until the other transaction ends.
    const other = await store.knex.transaction();
    try {
      await other.raw('ANALYZE comparison_matches');
      await other.raw('ANALYZE warnings');
      const stillWaiting = Symbol('still waiting');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        compare('640121'),
        new Promise<typeof stillWaiting>((resolve) => {
          timer = setTimeout(() => resolve(stillWaiting), 30_000);
        }),
      ]);
      clearTimeout(timer);
      expect(outcome === stillWaiting ? 'waiting on the other transaction' : 'finished').toBe('finished');
    } finally {
      await other.rollback();
    }
  });
});
