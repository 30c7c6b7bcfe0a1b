import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { defaultCaseworkSettings } from '../casework/casework-settings.js';
import { recordPeriodicCheck, viewPeriodicChecks } from '../casework/periodic-checks.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { PeriodicCheckInput } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const results = ['unchanged', 'increased', 'decreased', 'stopped'] as const;

function dateOption(name: string, value: string): string {
  if (!datePattern.test(value)) throw new ProblemError('validation-failed', `--${name} ${value} is not a date YYYY-MM-DD`);
  return value;
}

/**
 * `jiuzhu periodic-checks list|record`: 定期核查 (seed 001 step 3.3) — the registration township's households living
 * outside it with the check due, and the record of a check with its 不变 / 增发 / 减发 / 停发.
 */
export function periodicChecksCommand(): Command {
  const command = new Command('periodic-checks').description('定期核查: a registration township’s periodic check of its enrolled households living elsewhere');
  command.addCommand(
    new Command('list')
      .description('the township’s enrolled households living outside it, with the last check and whether one is due')
      .requiredOption('--township <code>', 'the township of registration (9 digits)')
      .option('--as-of <YYYY-MM-DD>', 'the day judged on (default: today, Asia/Shanghai)')
      .option('--due', 'only the households whose check is due')
      .option('--json', 'print the list as JSON')
      .action(async (options: { township: string; asOf?: string; due?: boolean; json?: boolean }) => {
        if (!/^\d{9}$/.test(options.township)) throw new ProblemError('validation-failed', `--township ${options.township} is not a township code (9 digits)`);
        const asOf = dateOption('as-of', options.asOf ?? todayInShanghai());
        const { store } = await openCommandStore();
        try {
          const { view, subjectPersonIds } = await viewPeriodicChecks(store.knex, commandLineActor(), options.township, asOf, defaultCaseworkSettings());
          await recordAudit(store.knex, commandLineActor(), {
            action: 'household.periodic-check-list', outcome: 'ok', regionCode: options.township, subjectPersonIds, detail: `${view.items.length} household(s) living elsewhere`,
          });
          const items = options.due ? view.items.filter((i) => i.due) : view.items;
          if (options.json) {
            printJson({ ...view, items });
            return;
          }
          printLine(`${items.length} household(s) registered in ${view.township} living elsewhere${options.due ? ', check due' : ''} as of ${asOf} (every ${view.everyMonths} months)`);
          for (const i of items) {
            const last = i.lastCheck ? `last ${i.lastCheck.checkedOn} ${i.lastCheck.result}` : 'never checked';
            printLine(`  ${String(i.householdId).padStart(6)}  ${i.names.join('、').padEnd(10)} lives ${i.residenceRegion}  ${last}  ${i.due ? 'DUE' : 'due'} ${i.dueOn}`);
          }
        } finally {
          await store.close();
        }
      }),
  );
  command.addCommand(
    new Command('record')
      .description('record a check of a household and apply its result to the register')
      .argument('<household-id>', 'the household checked')
      .requiredOption('--on <YYYY-MM-DD>', 'the day of the check')
      .requiredOption('--result <result>', results.join(' | '))
      .requiredOption('--reason <text>', 'what the check found')
      .option('--amount-fen <fen>', 'increased / decreased: the new monthly amount in fen')
      .option('--enrolment <id>', 'only this enrolment of the household')
      .action(async (householdId: string, options: { on: string; result: string; reason: string; amountFen?: string; enrolment?: string }) => {
        if (!/^\d+$/.test(householdId)) throw new ProblemError('validation-failed', `household id ${householdId} is not a number`);
        if (!(results as readonly string[]).includes(options.result)) throw new ProblemError('validation-failed', `--result ${options.result} is not one of ${results.join(', ')}`);
        if (options.amountFen !== undefined && !/^\d+$/.test(options.amountFen)) throw new ProblemError('validation-failed', `--amount-fen ${options.amountFen} is not a whole number of fen`);
        if (options.enrolment !== undefined && !/^\d+$/.test(options.enrolment)) throw new ProblemError('validation-failed', `--enrolment ${options.enrolment} is not a number`);
        const input: PeriodicCheckInput = {
          checkedOn: dateOption('on', options.on), result: options.result as PeriodicCheckInput['result'], reason: options.reason,
          ...(options.amountFen !== undefined ? { monthlyAmountFen: Number(options.amountFen) } : {}),
          ...(options.enrolment !== undefined ? { enrolmentId: Number(options.enrolment) } : {}),
        };
        const { store } = await openCommandStore();
        try {
          const check = await recordPeriodicCheck(store.knex, commandLineActor(), Number(householdId), input, { today: todayInShanghai() });
          printLine(`periodic check ${check.id} of household ${check.householdId} on ${check.checkedOn}: ${check.result}`
            + `${check.endedEnrolmentIds.length > 0 ? `; ended enrolments ${check.endedEnrolmentIds.join(', ')}` : ''}`
            + `${check.adjusted.map((a) => `; enrolment ${a.enrolmentId} ${a.fromFen ?? 'none'} → ${a.toFen} fen`).join('')}`);
        } finally {
          await store.close();
        }
      }),
  );
  return command;
}
