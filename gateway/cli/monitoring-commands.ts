import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { previousPeriod } from '../calendar/periods.js';
import { loadConfig } from '../config.js';
import { runComparison } from '../engine/compare.js';
import { defaultRuleSetPath, loadRuleSet } from '../engine/rule-set.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';
import { regionCodeOption } from './region-option.js';

const rulesOption = ['--rules <file>', 'rule set file (default: $JIUZHU_RULES, else config/rules/default.json)'] as const;

function ruleSetFile(option: string | undefined): string {
  return option ?? loadConfig().rulesFile ?? defaultRuleSetPath;
}

export function compareCommand(): Command {
  return new Command('compare')
    .description('compare the facts with the register (数据比对) and raise warnings (预警) for the townships')
    .option('--period <YYYY-MM>', 'the month compared (default: last month)')
    .option('--incremental', 'look only at people with facts from batches imported since the last run')
    .option('--region <code>', 'bound the run to a region, as its key would: it reads the batches of overlapping regions and raises warnings only within it (default: all)', regionCodeOption)
    .option(...rulesOption)
    .option('--json', 'print {runId, period, warnings, byRule}')
    .action(async (options: { period?: string; incremental?: boolean; region?: string; rules?: string; json?: boolean }) => {
      const rules = loadRuleSet(ruleSetFile(options.rules));
      const { store } = await openCommandStore();
      try {
        const report = await runComparison(store, {
          period: options.period ?? previousPeriod(), mode: options.incremental ? 'incremental' : 'full', rules, actor: commandLineActor(), regionCode: options.region,
        });
        if (options.json) {
          printJson({ runId: report.runId, period: report.period, warnings: report.warnings, byRule: report.byRule, mode: report.mode, details: report.details });
          return;
        }
        printLine(`run ${report.runId}, ${report.period} (${report.mode}, rule set ${report.ruleSet}): ${report.warnings} new warnings`);
        for (const rule of rules.ruleSet.rules) {
          const counts = report.details[rule.id];
          if (!counts) continue;
          const extra = [counts.exempted > 0 ? `${counts.exempted} exempted` : '', counts.suppressed > 0 ? `${counts.suppressed} held back (earlier warning open)` : ''].filter(Boolean).join(', ');
          printLine(`  ${String(counts.raised).padStart(6)}  ${rule.id.padEnd(46)} ${rule.title}${extra ? `  (${extra})` : ''}`);
        }
      } finally {
        await store.close();
      }
    });
}

export function rulesCommand(): Command {
  const rules = new Command('rules').description('the comparison rules');
  rules
    .command('list')
    .description('list the rules of the rule set, with their thresholds')
    .option(...rulesOption)
    .option('--json', 'print the rules as the rule set defines them')
    .action((options: { rules?: string; json?: boolean }) => {
      const { ruleSet } = loadRuleSet(ruleSetFile(options.rules));
      if (options.json) {
        printJson(ruleSet.rules);
        return;
      }
      for (const rule of ruleSet.rules) {
        const thresholds = Object.entries(rule.thresholds ?? {}).map(([name, t]) => `${name}=${t?.value}${t?.unit === 'fen' ? ' fen' : ' m²'}${t?.example ? ' (example)' : ''}`);
        printLine(`${rule.enabled === false ? '-' : ' '} ${rule.id.padEnd(46)} ${rule.severity.padEnd(6)} ${rule.handlingUnit.padEnd(8)} ${String(rule.deadlineWorkingDays).padStart(2)} working days  ${rule.title}${thresholds.length ? `  [${thresholds.join(', ')}]` : ''}`);
      }
    });
  return rules;
}
