import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { describeDatabase, loadConfig } from '../config.js';
import { seedDemoCounty } from '../demo/seed-county.js';
import { countyRegionFiles } from '../store/reference-data/sync.js';
import { openMigratedStore } from '../store/open-store.js';
import { openCommandStore } from './command-store.js';
import { note, printJson, printLine } from './output.js';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('create or update the database schema and load the shipped reference data (regions, code tables)')
    .option('--json', 'print {database, applied} as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const { database } = config;
      const { store, applied } = await openMigratedStore(config);
      await store.close();
      if (options.json) printJson({ database: describeDatabase(database), applied });
      else printLine(applied.length > 0 ? `${describeDatabase(database)}: applied ${applied.join(', ')}` : `${describeDatabase(database)}: up to date`);
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}

export function seedCommand(): Command {
  const counties = countyRegionFiles().map((f) => f.slice(0, 6));
  return new Command('seed')
    .description('generate a deterministic demo county (realistic households, valid ID numbers, enrolments, accounts) and load it as one batch')
    .requiredOption('--county <code>', `county code, one of: ${counties.join(', ')}`)
    .requiredOption('--households <n>', 'number of households (about 2.5 persons each)', positiveInteger)
    .option('--seed <n>', 'random seed; the same seed gives the same data', positiveInteger, 1)
    .option('--as-of <date>', 'the "today" of the generated data, YYYY-MM-DD', todayInShanghai())
    .option('--json', 'print the result as JSON')
    .action(async (options: { county: string; households: number; seed: number; asOf: string; json?: boolean }) => {
      const { store } = await openCommandStore(undefined, { create: true });
      const started = process.hrtime.bigint();
      const progress = (done: number) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const line = `seeding ${options.county}: ${done}/${options.households} households, ${Math.round(done / seconds)} households/s`;
        if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
        else note(line);
      };
      try {
        const result = await seedDemoCounty(store, commandLineActor(), { countyCode: options.county, households: options.households, seed: options.seed, asOf: options.asOf }, progress);
        if (process.stderr.isTTY) process.stderr.write('\n');
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (options.json) printJson({ county: options.county, ...result, seconds: Number(seconds.toFixed(2)) });
        else if (result.duplicate) printLine(`already seeded: batch ${result.batchId} holds county ${options.county} with seed ${options.seed}; nothing changed`);
        else printLine(`batch ${result.batchId}: ${result.households} households, ${result.persons} persons, ${result.enrolments} enrolments, ${result.assistanceRecords} assistance records in ${seconds.toFixed(1)} s`);
      } finally {
        await store.close();
      }
    });
}
