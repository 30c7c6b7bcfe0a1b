import { resolve } from 'node:path';
import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { activeSigningKey } from '../audit/checkpoint-keys.js';
import { yuanText } from '../exports/money-text.js';
import { createExchange } from '../keystore/exchange.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { previousPeriod } from '../calendar/periods.js';
import { loadConfig } from '../config.js';
import { demoSeed } from '../demo/demo-setup.js';
import { runDemoMonth } from '../demo/month/run-demo-month.js';
import { defaultRuleSetPath, loadRuleSet } from '../engine/rule-set.js';
import { openCommandStore } from './command-store.js';
import { note, printJson, printLine } from './output.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run one month on the demo county (永宁县): seed it when absent, write and import a realistic file for every department feed, compare, handle a share of the warnings, file the month\'s progress sheets, liaison roster and quarterly summaries, write every report (reports/) and a summary')
    .requiredOption('--out <dir>', 'where the files (feeds/) and summary.md / summary.json are written')
    .option('--period <YYYY-MM>', 'the month run (default: last month)')
    .option('--seed <n>', 'seed of the month\'s files: the same seed and month give the same files', positiveInteger, demoSeed)
    .option('--rules <file>', 'rule set file (default: $JIUZHU_RULES, else config/rules/default.json)')
    .option('--json', 'print summary.json')
    .action(async (options: { out: string; period?: string; seed: number; rules?: string; json?: boolean }) => {
      const config = loadConfig();
      const rules = loadRuleSet(options.rules ?? config.rulesFile ?? defaultRuleSetPath);
      const { store } = await openCommandStore(config, { create: true });
      try {
        const exchange = createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) });
        const result = await runDemoMonth(store, {
          signingKey: activeSigningKey(exchange.ownKeys, store.knex),
          period: options.period ?? previousPeriod(), outDir: resolve(options.out), rules, actor: commandLineActor('demo'), seed: options.seed,
          onProgress: (line) => note(`jiuzhu: ${line}`),
        });
        const { summary } = result;
        if (options.json) {
          printJson(summary);
          return;
        }
        printLine(`demo month ${summary.period}, ${summary.county.name}: ${summary.imported.files} files, ${summary.imported.accepted} facts, ${summary.imported.rejected} rejected rows; ` +
          `${summary.warnings.total} warnings${summary.comparison ? ` (${summary.comparison.newWarnings} new)` : ' (none new)'}; ` +
          `${summary.handling.transitions.length} transitions, ${summary.handling.visits.length} visits, ${summary.handling.referrals.length} referrals, ${summary.handling.discoveryCases.length} discovery cases`);
        for (const rule of summary.warnings.byRule) printLine(`  ${String(rule.count).padStart(4)}  ${rule.ruleId.padEnd(46)} ${rule.title}`);
        for (const step of summary.handling.notDone) printLine(`  not done: ${step}`);
        if (summary.filing?.sheetsDue) {
          const sheets = summary.filing.sheets;
          const count = (state: string) => sheets.filter((s) => s.filing === state).length;
          printLine(`filing round: ${sheets.length} progress sheets due ${summary.filing.dueOn}: ${count('on-time')} on time, ${count('late')} late, ${count('incomplete')} incomplete, `
            + `${count('missing')} missing, ${sheets.filter((s) => s.approved).length} approved (jiuzhu progress status --period ${summary.period})`);
        }
        for (const report of result.reports) printLine(`  report ${report.template.padEnd(30)} ${String(report.rows).padStart(4)} rows  ${report.file}`);
        if (result.payroll) {
          const p = result.payroll;
          printLine(`payment roll ${p.month}: ${p.status}${p.note ? ` (${p.note})` : ''}, ${p.households} households, ${p.persons} persons, ${yuanText(p.totalFen)} 元${p.documentSm3 ? `, document SM3 ${p.documentSm3}` : ''} (jiuzhu payroll --month ${p.month} --out DIR)`);
        }
        printLine(`summary: ${result.summaryFiles.markdown}`);
      } finally {
        await store.close();
      }
    });
}
