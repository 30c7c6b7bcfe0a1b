import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { viewApplicationList } from '../casework/applications/application-views.js';
import { defaultCaseworkSettings } from '../casework/casework-settings.js';
import { viewReferralList } from '../casework/referrals/referral-views.js';
import { ProblemError } from '../errors.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { ApplicationSummary, Referral } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

const page = 500;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

interface OverdueOptions {
  asOf?: string;
  region?: string;
  json?: boolean;
}

function overdueCommand(description: string): Command {
  return new Command('overdue')
    .description(description)
    .option('--as-of <YYYY-MM-DD>', 'the day overdue is judged on (default: today, Asia/Shanghai)')
    .option('--region <code>', 'only this county, township or village')
    .option('--json', 'print {asOf, items}');
}

function asOfOf(options: OverdueOptions): string {
  const asOf = options.asOf ?? todayInShanghai();
  if (!datePattern.test(asOf)) throw new ProblemError('validation-failed', `--as-of ${asOf} is not a date YYYY-MM-DD`);
  return asOf;
}

/** Runs a read on the configured store, every page of it, and writes the audit line of a read of personal data. */
async function readAll<T extends { id: number }>(
  action: string,
  read: (store: Store, afterId: number | undefined) => Promise<{ view: T[]; subjectPersonIds: number[] }>,
): Promise<T[]> {
  const { store } = await openCommandStore();
  try {
    const items: T[] = [];
    const subjects: number[] = [];
    for (let after: number | undefined; ; ) {
      const { view, subjectPersonIds } = await read(store, after);
      items.push(...view);
      subjects.push(...subjectPersonIds);
      if (view.length < page) break;
      after = view[view.length - 1]!.id;
    }
    await recordAudit(store.knex, commandLineActor(), { action, outcome: 'ok', subjectPersonIds: subjects, detail: `${items.length} overdue` });
    return items;
  } finally {
    await store.close();
  }
}

/** `jiuzhu applications overdue`: open applications past a step's deadline or the whole procedure's, and decided ones late on their 档案归档. */
export function applicationsCommand(): Command {
  const applications = new Command('applications').description('applications for assistance (一城通办) and their deadlines');
  applications.addCommand(
    overdueCommand('list the applications past a step’s deadline (档案归档 included) or the whole procedure’s').action(async (options: OverdueOptions) => {
      const asOf = asOfOf(options);
      const settings = defaultCaseworkSettings();
      const items = await readAll<ApplicationSummary>('application.overdue-list', (store, afterId) =>
        viewApplicationList(store.knex, commandLineActor(), { regionCode: options.region, overdue: true, asOf, afterId, limit: page }, settings));
      if (options.json) {
        printJson({ asOf, items });
        return;
      }
      printLine(`${items.length} overdue application(s) as of ${asOf}`);
      for (const a of items) {
        const late = a.nextStep && a.nextStep.dueOn < asOf ? `${a.nextStep.step} due ${a.nextStep.dueOn}` : `decision due ${a.dueOn}`;
        printLine(`  ${String(a.id).padStart(6)}  ${a.procedure.padEnd(12)} ${a.applicantName.padEnd(8)} ${a.acceptingRegionCode} → ${a.registrationRegionCode}  ${late}`);
      }
    }),
  );
  return applications;
}

/** `jiuzhu referrals overdue`: referrals still with their department after the deadline. */
export function referralsCommand(): Command {
  const referrals = new Command('referrals').description('first-responder cases and their referrals to departments (转介)');
  referrals.addCommand(
    overdueCommand('list the referrals still with their department after the deadline').action(async (options: OverdueOptions) => {
      const asOf = asOfOf(options);
      const settings = defaultCaseworkSettings();
      const items = await readAll<Referral>('referral.overdue-list', (store, afterId) =>
        viewReferralList(store.knex, commandLineActor(), { regionCode: options.region, overdue: true, asOf, afterId, limit: page }, settings));
      if (options.json) {
        printJson({ asOf, items });
        return;
      }
      printLine(`${items.length} overdue referral(s) as of ${asOf}`);
      for (const r of items) {
        printLine(`  ${String(r.id).padStart(6)}  case ${String(r.caseId).padEnd(6)} ${r.department.name.padEnd(12)} ${r.status.padEnd(8)} due ${r.dueOn}  ${r.subjectName}: ${r.need}`);
      }
    }),
  );
  return referrals;
}
