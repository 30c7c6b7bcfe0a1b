/**
 * Times one full comparison run (`runComparison`, the default rule set) over the store comparison-store.ts built:
 * seconds, facts compared per second, warnings raised, peak RSS of this process — and, on PostgreSQL, where the
 * work happens in the server, the peak RSS of the server backends this process used (shared buffers they touched
 * included), read from /proc when the server runs on this machine.
 * Usage: comparison-run.ts TARGET PERIOD TODAY
 * With BENCH_COMPARE_TRACE=MS, also prints to stderr each statement of the run that took MS ms or more, with the
 * rule it served: where a run's seconds go (`node dist/bench/cases/comparison-run.js sqlite:/tmp/x.db` on a kept store).
 */
import { readFileSync } from 'node:fs';
import { commandLineActor } from '../../gateway/access/actor.js';
import { runComparison } from '../../gateway/engine/compare.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';
import { reportCase, secondsSince } from '../case-result.js';
import { openTarget } from './comparison-target.js';

const [target = '', period = '2024-06', today = '2024-07-05'] = process.argv.slice(2);
// node-postgres names its connections after PGAPPNAME, so this run's server backends can be told from others'.
const applicationName = `jiuzhu-bench-compare-${process.pid}`;
process.env.PGAPPNAME = applicationName;

const store = await openTarget(target);
if (process.env.BENCH_COMPARE_TRACE !== undefined) traceStatements(store.knex, Number(process.env.BENCH_COMPARE_TRACE) || 0);
try {
  const facts = Number((await store.knex('facts').count({ n: '*' }).first())?.n);
  const rules = loadRuleSet();
  const start = process.hrtime.bigint();
  const report = await runComparison(store, { period, mode: 'full', rules, actor: commandLineActor('bench'), today });
  const seconds = secondsSince(start);
  const byRule = Object.entries(report.byRule).filter(([, n]) => n > 0).map(([rule, n]) => `${rule} ${n}`).join(', ');
  const server = store.dialect === 'pg' ? await backendPeakRss(store.knex, applicationName) : undefined;
  reportCase({
    name: `compare ${facts.toLocaleString('en')} facts, default rules, ${store.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${target.includes('+clear:') ? ', personal fields in clear (baseline)' : ''}`,
    rows: facts, unit: 'facts', seconds,
    detail: `${report.warnings.toLocaleString('en')} warnings${server === undefined ? '' : `; server backend peak RSS ${server}`} (${byRule})`,
  });
} finally {
  await store.close();
}

/** The largest VmHWM of this process's backends, or why it cannot be read (a remote server, no access). */
async function backendPeakRss(knex: typeof store.knex, name: string): Promise<string> {
  const result = await knex.raw('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [name]);
  const pids = (result as { rows: { pid: number }[] }).rows.map((row) => row.pid);
  let peakKb = 0;
  for (const pid of pids) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      return 'not readable here';
    }
  }
  return peakKb === 0 ? 'not readable here' : `${Math.round(peakKb / 1024)} MB`;
}

/** Statement timings on stderr; a match INSERT's second binding is its rule id, which names the line. */
function traceStatements(knex: typeof store.knex, minimumMs: number): void {
  type Query = { __knexQueryUid: string; sql: string; bindings?: unknown[] };
  const started = new Map<string, bigint>();
  knex.on('query', (query: Query) => started.set(query.__knexQueryUid, process.hrtime.bigint()));
  knex.on('query-response', (_response: unknown, query: Query) => {
    const ms = Number(process.hrtime.bigint() - (started.get(query.__knexQueryUid) ?? 0n)) / 1e6;
    started.delete(query.__knexQueryUid);
    if (ms < minimumMs) return;
    const rule = /^\s*(INSERT INTO (run_matches|warnings|temp\.rule_matches)|CREATE TEMPORARY TABLE rule_matches)/.test(query.sql) ? String(query.bindings?.[1] ?? '') : '';
    process.stderr.write(`${ms.toFixed(0).padStart(7)} ms  ${rule.padEnd(44)}  ${query.sql.replace(/\s+/g, ' ').trim().slice(0, 90)}\n`);
  });
}
