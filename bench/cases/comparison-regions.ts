/**
 * A province's month on one server, simulated (docs/scale.md): one comparison run per region that uploaded batches
 * (a store built with per-township batches, comparison-store.ts), each bounded to its region as a county's key bounds
 * its run, CONCURRENCY of them at a time from one process, as one gateway serving several counties would start them.
 * Prints the whole month's time and, in the detail, each run's shortest, median and longest time and the warnings.
 * The store's earlier warnings are deleted first, so each pass raises what the month's first runs would: a run never
 * raises again what an earlier run raised for the same person, rule and period, and township runs after one run over
 * all raised none at all (the first complete scale run, docs/scale.md). The detail says how many of the deleted ones
 * lay within a township, which is what the township runs together should raise again.
 * Usage: comparison-regions.ts TARGET PERIOD TODAY CONCURRENCY
 */
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import type { Store } from '../../gateway/store/connect.js';
import { reportCase, secondsSince } from '../case-result.js';
import { openTarget } from './comparison-target.js';

const [target = '', period = '2024-06', today = '2024-07-05', concurrencyArg = '1'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);

const store = await openTarget(target);
try {
  const regions: string[] = await store.knex('batches').distinct('region_code').whereNot('region_code', '000000').orderBy('region_code').pluck('region_code');
  if (regions.length === 0) throw new Error('the store has no regional batches: build it with per-township batches');
  const facts = Number((await store.knex('facts').count({ n: '*' }).first())?.n);
  const earlierWithinTownships = await forgetEarlierRuns(store);
  const rules = loadRuleSet();
  const seconds: number[] = [];
  let warnings = 0;
  const queue = [...regions];
  const start = process.hrtime.bigint();
  // Each worker takes the next region when its run ends: CONCURRENCY runs in flight until the queue is empty.
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let region = queue.shift(); region !== undefined; region = queue.shift()) {
      const runStart = process.hrtime.bigint();
      const report = await runComparison(store, { period, mode: 'full', rules, actor: { ...commandLineActor('bench'), regionCode: region }, regionCode: region, today });
      seconds.push(secondsSince(runStart));
      warnings += report.warnings;
    }
  }));
  const total = secondsSince(start);
  seconds.sort((a, b) => a - b);
  reportCase({
    name: `${regions.length} region-bounded runs, ${concurrency} at a time (${store.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
    rows: facts, unit: 'facts', seconds: total,
    detail: `${warnings.toLocaleString('en')} warnings (the runs before had raised ${earlierWithinTownships.toLocaleString('en')} within townships); a run took ${seconds[0]!.toFixed(2)}–${seconds.at(-1)!.toFixed(2)} s, median ${seconds[Math.floor(seconds.length / 2)]!.toFixed(2)} s`,
  });
} finally {
  await store.close();
}

/** Deletes every comparison run and what it raised; returns how many of those warnings lay within a township. */
async function forgetEarlierRuns(store: Store): Promise<number> {
  return store.knex.transaction(async (trx) => {
    const within = Number((await trx('warnings').whereRaw('length(region_code) >= 9').count({ n: '*' }).first())?.n ?? 0);
    for (const table of ['warning_evidence', 'warning_transitions', 'warnings', 'comparison_runs']) await trx(table).delete();
    return within;
  });
}
