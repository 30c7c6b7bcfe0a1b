import { Command, Option } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { viewWarningList } from '../engine/warning-views.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { Warning, WarningStatus } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

/** A page of the list; the CLI reads them all, one audit line per page with the persons it showed. */
const pageSize = 500;

export function warningsCommand(): Command {
  const warnings = new Command('warnings').description('warnings (预警) raised by comparison runs: lists, overdue lists, deadlines');

  warnings.command('list')
    .description('list warnings, oldest first; ID numbers masked (the operator acts as admin)')
    .option('--township <code>', 'only this township (9 digits)')
    .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'verifying', 'resolved']))
    .option('--rule <id>', 'only this rule')
    .option('--period <YYYY-MM>', 'only this compared month')
    .option('--overdue', 'only open warnings past their due date as of today (Asia/Shanghai), with working days overdue')
    .option('--json', 'print the warnings as the API does (schemas/warning.schema.json), as one array')
    .action(async (options: { township?: string; status?: WarningStatus; rule?: string; period?: string; overdue?: boolean; json?: boolean }) => {
      if (options.township !== undefined && !/^[0-9]{9}$/.test(options.township)) throw new Error(`--township takes a 9-digit township code, not "${options.township}"`);
      if (options.period !== undefined && !/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(options.period)) throw new Error(`--period must be YYYY-MM, not "${options.period}"`);
      const { store } = await openCommandStore();
      try {
        const actor = commandLineActor();
        const calendar = loadWorkingCalendar();
        const today = todayInShanghai();
        const all: Warning[] = [];
        for (let after: number | undefined; ;) {
          const viewed = await viewWarningList(store.knex, actor, {
            regionCode: options.township, status: options.status, ruleId: options.rule, period: options.period,
            overdue: options.overdue ? true : undefined, today, afterId: after, limit: pageSize,
          }, calendar);
          await recordAudit(store.knex, actor, {
            action: 'warning.list', outcome: 'ok', resourceType: 'warning', subjectPersonIds: viewed.subjectPersonIds,
            detail: `warnings ${viewed.warningIds.join(', ') || 'none'}`,
          });
          all.push(...viewed.view);
          if (!options.json) for (const warning of viewed.view) printLine(describeWarning(warning));
          if (viewed.view.length < pageSize) break;
          after = viewed.view.at(-1)!.id;
        }
        if (options.json) printJson(all);
        else if (all.length === 0) printLine('no warnings');
      } finally {
        await store.close();
      }
    });

  return warnings;
}

function describeWarning(w: Warning): string {
  const due = `due ${w.dueOn}${w.dueProvisional ? '?' : ''}`;
  const state = w.status === 'resolved' ? `resolved ${w.resolvedOn} (${w.outcome})` : w.overdueWorkingDays === null ? w.status : `${w.status}, ${w.overdueWorkingDays} working days overdue`;
  return `${String(w.id).padStart(7)}  ${w.ruleId.padEnd(44)} ${(w.regionCode ?? 'unassigned').padEnd(10)} ${w.subject.idNumber} ${w.subject.name ?? ''}  ${w.period}  raised ${w.raisedOn}, ${due}  ${state}`;
}
