/**
 * A province's month on one server, simulated (docs/scale.md): one comparison run per region that uploaded batches
 * (a store built with per-township batches, comparison-store.ts), each bounded to its region as a county's key bounds
 * its run, CONCURRENCY of them at a time from one process, as one gateway serving several counties would start them.
 * Prints the whole month's time and, in the detail, each run's shortest, median and longest time and the warnings.
 * Usage: comparison-regions.ts TARGET PERIOD TODAY CONCURRENCY
 */
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { reportCase, secondsSince } from '../case-result.js';
import { openTarget } from './comparison-target.js';

const [target = '', period = '2024-06', today = '2024-07-05', concurrencyArg = '1'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);

const store = await openTarget(target);
try {
  const regions: string[] = await store.knex('batches').distinct('region_code').whereNot('region_code', '000000').orderBy('region_code').pluck('region_code');
  if (regions.length === 0) throw new Error('the store has no regional batches: build it with per-township batches');
  const facts = Number((await store.knex('facts').count({ n: '*' }).first())?.n);
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
    detail: `${warnings.toLocaleString('en')} warnings; a run took ${seconds[0]!.toFixed(2)}–${seconds.at(-1)!.toFixed(2)} s, median ${seconds[Math.floor(seconds.length / 2)]!.toFixed(2)} s`,
  });
} finally {
  await store.close();
}
