import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import { recomputeProvisionalCaseworkDeadlines } from '../casework/applications/provisional-deadlines.js';
import { recomputeProvisionalDeadlines } from '../engine/warning-deadlines.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

/**
 * `jiuzhu deadlines recompute`: once a year's holiday notice is added to config/holidays/cn.json, every due date
 * that was counted into that year on weekdays alone — open warnings, applications and their steps, referrals — is
 * counted again on the official calendar. One command, because the notice changes them all at once.
 */
export function deadlinesCommand(): Command {
  const deadlines = new Command('deadlines').description('working-day deadlines of warnings, applications and referrals');
  deadlines.command('recompute')
    .description('count again the provisional due dates, after a year was added to config/holidays/cn.json')
    .option('--json', 'print {warnings: {examined, changed}, casework: {examined, changed}}')
    .action(async (options: { json?: boolean }) => {
      const { store } = await openCommandStore();
      try {
        const calendar = loadWorkingCalendar();
        const actor = commandLineActor();
        const warnings = await recomputeProvisionalDeadlines(store.knex, actor, { calendar });
        const casework = await recomputeProvisionalCaseworkDeadlines(store.knex, calendar, actor);
        if (options.json) {
          printJson({ warnings, casework });
          return;
        }
        printLine(`${warnings.examined} open warnings with a provisional due date, ${warnings.changed.length} changed`);
        for (const change of warnings.changed) {
          printLine(`  warning     ${String(change.warningId).padStart(6)}  ${change.from} → ${change.to}${change.provisional ? ' (still provisional)' : ''}`);
        }
        printLine(`${casework.examined} provisional application and referral dates, ${casework.changed.length} changed`);
        for (const c of casework.changed) printLine(`  ${c.kind.padEnd(11)} ${String(c.id).padStart(6)}  ${c.from} → ${c.to}${c.provisional ? ' (still provisional)' : ''}`);
      } finally {
        await store.close();
      }
    });
  return deadlines;
}
