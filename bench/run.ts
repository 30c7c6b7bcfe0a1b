/**
 * `npm run bench [-- --persons N]`: seeding about 1,000,000 persons through the real path on SQLite and on
 * PostgreSQL, each beside its raw-driver baseline measured in the same run. Every case runs in a fresh
 * process so its peak RSS is its own. PostgreSQL cases run when BENCH_PG_URL, TEST_PG_URL or the local
 * test database answers.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { CaseResult } from './case-result.js';

const run = promisify(execFile);
const personsFlag = process.argv.indexOf('--persons');
const persons = personsFlag > 0 ? Number(process.argv[personsFlag + 1]) : 1_000_000;

async function runCase(file: string, ...args: string[]): Promise<CaseResult> {
  const path = fileURLToPath(new URL(`./cases/${file}`, import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path, ...args], { maxBuffer: 1 << 20, timeout: 15 * 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as CaseResult;
}

async function pgAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function perSecond(count: number, seconds: number): string {
  return Math.round(count / seconds).toLocaleString('en');
}

function line(result: CaseResult, baseline?: CaseResult): string {
  const head = `  ${result.name.padEnd(62)} ${result.rows.toLocaleString('en').padStart(9)} ${result.unit.padEnd(7)} ${result.seconds.toFixed(2).padStart(6)} s  ${perSecond(result.rows, result.seconds).padStart(9)} ${result.unit}/s  peak RSS ${String(result.peakRssMb).padStart(4)} MB`;
  if (!baseline || result.tableRows === undefined) return head;
  const rowRate = result.tableRows / result.seconds;
  const ratio = rowRate / (baseline.rows / baseline.seconds);
  return `${head}\n      ${result.tableRows.toLocaleString('en')} rows written in all, ${perSecond(result.tableRows, result.seconds)} rows/s = ${ratio.toFixed(2)}× baseline${result.detail ? `; ${result.detail}` : ''}`;
}

console.log(`jiuzhu bench — node ${process.version}, ${new Date().toISOString()}`);
console.log(`\nSeeding the demo county (${persons.toLocaleString('en')} persons target): persons/s and peak RSS`);
for (const dialect of ['sqlite', 'pg'] as const) {
  if (dialect === 'pg' && !(await pgAnswers())) {
    console.log('  PostgreSQL: not reachable, skipped (set BENCH_PG_URL)');
    continue;
  }
  const baseline = await runCase('raw-insert.ts', dialect, String(persons));
  const seeded = await runCase('seed.ts', dialect, String(persons));
  console.log(`${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}:`);
  console.log(line(baseline));
  console.log(line(seeded, baseline));
}
