import { Command, InvalidArgumentError } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { isPeriod, previousPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { loadFilingProgrammes } from '../filing/filing-programme.js';
import { viewCompleteness } from '../filing/filing-views.js';
import type { FilingCompletenessRow, FilingState } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

const filingWords: Record<FilingState, string> = { 'on-time': '按时', late: '逾期报送', incomplete: '未报齐', missing: '未报' };

function period(value: string): string {
  if (!isPeriod(value)) throw new InvalidArgumentError('must be a month written YYYY-MM');
  return value;
}

export function progressCommand(): Command {
  const progress = new Command('progress').description('the monthly progress sheets of the filing round (填报, config/filing/): who filed, on time or late, approved');

  progress.command('status')
    .description('every unit\'s sheet for the month: filed on time, late, incomplete or missing, and approved or not')
    .option('--period <YYYY-MM>', 'the month reported on (default: last month)', period)
    .option('--region <code>', 'only the units within this county or township (default: all)')
    .option('--json', 'print what GET /v1/progress/{period}/completeness returns')
    .action(async (options: { period?: string; region?: string; json?: boolean }) => {
      const { store } = await openCommandStore();
      try {
        const today = todayInShanghai();
        const actor = { ...commandLineActor(), ...(options.region ? { regionCode: options.region } : {}) };
        const completeness = await viewCompleteness(store.knex, loadFilingProgrammes(), actor, { period: options.period ?? previousPeriod(today), today });
        if (options.json) {
          printJson(completeness);
          return;
        }
        if (completeness.programmes.length === 0) printLine(`no filing programme runs in ${options.region ?? 'any region'} for ${completeness.period}`);
        for (const programme of completeness.programmes) {
          const { deadline } = programme;
          printLine(`${completeness.period} ${programme.region.name} (${programme.programme}): due ${deadline.dueOn}, on time through ${deadline.onTimeThrough}, entries until ${deadline.entryClosesAfter}`);
          for (const row of programme.units) printLine(`  ${describeRow(row)}`);
          const count = (state: FilingState) => programme.units.filter((r) => r.status.filing === state).length;
          printLine(`  ${programme.units.length} units: ${count('on-time')} on time, ${count('late')} late, ${count('incomplete')} incomplete, ${count('missing')} missing; `
            + `${programme.units.filter((r) => r.status.approved).length} approved`);
        }
      } finally {
        await store.close();
      }
    });
  return progress;
}

function describeRow(row: FilingCompletenessRow): string {
  const { status } = row;
  const parts = [
    row.unit.code.padEnd(10), row.unit.name.padEnd(12, '\u3000'), filingWords[status.filing].padEnd(5, '\u3000'),
    `${status.tasksFiled}/${status.tasksExpected}`.padStart(5),
    status.approved ? '已审核' : status.overdue ? '逾期未报齐' : '',
  ];
  if (row.tasksMissing.length > 0 && row.tasksMissing.length < status.tasksExpected) parts.push(`缺第 ${row.tasksMissing.join('、')} 项`);
  if (status.reopenCount > 0) parts.push(`退回 ${status.reopenCount} 次`);
  return parts.join('  ').trimEnd();
}
