import { Command } from 'commander';
import { nationwide } from '../access/region-scope.js';
import { previousPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { monitoringStatistics } from '../statistics/monitoring-statistics.js';
import type { MonitoringFigures } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

/** The figures in the order the bureaus' monthly reports give them, with their Chinese names. */
const columns: [label: string, value: (f: MonitoringFigures) => number][] = [
  ['预警推送', (f) => f.warningsPushed],
  ['核查', (f) => f.warningsVerified],
  ['处置', (f) => f.warningsHandled],
  ['逾期', (f) => f.warningsOverdue],
  ['预警人次', (f) => f.personsWarned],
  ['处置人次', (f) => f.personsHandled],
  ['调整待遇户', (f) => f.householdsAdjusted],
  ['新增户', (f) => f.newlyIncludedHouseholds],
  ['新增人', (f) => f.newlyIncludedPersons],
  ['临时救助户次', (f) => f.temporaryAssistanceCases],
  ['巡访户次', (f) => f.visits],
  ['发现问题', (f) => f.problemsFound],
  ['解决', (f) => f.problemsSolved],
  ['主动发现', (f) => f.discoveryCasesOpened],
  ['转介', (f) => f.referralsSent],
];

export function statisticsCommand(): Command {
  return new Command('stats')
    .description('the month’s monitoring figures for a region and each division below it')
    .option('--period <YYYY-MM>', 'the month (default: last month)')
    .option('--region <code>', 'county, township or village code (default: the whole country)')
    .option('--json', 'print the figures as GET /v1/statistics/monitoring returns them')
    .action(async (options: { period?: string; region?: string; json?: boolean }) => {
      const { store } = await openCommandStore();
      try {
        const today = todayInShanghai();
        const statistics = await monitoringStatistics(store.knex, { regionCode: options.region ?? nationwide, period: options.period ?? previousPeriod(today), today });
        if (options.json) {
          printJson(statistics);
          return;
        }
        printLine(`${statistics.period} ${statistics.region.name} (${statistics.region.code})`);
        printLine(`${''.padEnd(28)}${columns.map(([label]) => label.padStart(8)).join('')}`);
        const row = (label: string, figures: MonitoringFigures) => `${label.padEnd(28)}${columns.map(([, value]) => String(value(figures)).padStart(8)).join('')}`;
        for (const region of statistics.byRegion) printLine(row(`${region.code} ${region.name.slice(-8)}`, region.figures));
        printLine(row('合计', statistics.total));
        printLine(`临时救助金额 ${(statistics.total.temporaryAssistanceFen / 100).toFixed(2)} 元`);
      } finally {
        await store.close();
      }
    });
}
