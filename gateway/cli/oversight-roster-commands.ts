import { Command } from 'commander';
import { commandLineActor, type Actor } from '../access/actor.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { defaultVisitPolicyPath, loadVisitPolicy } from '../casework/visit-policy.js';
import { ProblemError } from '../errors.js';
import { listEconomicChecks, type CheckReading } from '../oversight/economic-checks.js';
import { addToKeyGroup, keyGroupFrequency, listKeyGroup, removeFromKeyGroup } from '../oversight/key-group-roster.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { withCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';
import { regionCodeOption } from './region-option.js';

const townshipPattern = /^[0-9]{9}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

interface ScopeOptions {
  region?: string;
  township?: string;
  asOf?: string;
}

/** The operator, narrowed to the region asked about: the lists walk one county (or township) at a time, as the API's keys do. */
function scopedActor(options: ScopeOptions): Actor {
  if (options.township !== undefined && !townshipPattern.test(options.township)) {
    throw new ProblemError('validation-failed', `--township takes a 9-digit township code, not ${options.township}`);
  }
  if (options.asOf !== undefined && !datePattern.test(options.asOf)) throw new ProblemError('validation-failed', `--as-of takes YYYY-MM-DD, not ${options.asOf}`);
  const regionCode = options.region ?? options.township;
  if (regionCode === undefined) throw new ProblemError('validation-failed', 'give --region (a county) or --township');
  return { ...commandLineActor(), regionCode };
}

function householdIdOption(value: string): number {
  const id = Number(value);
  if (!(Number.isSafeInteger(id) && id > 0)) throw new ProblemError('validation-failed', `--household takes a household id, not ${value}`);
  return id;
}

/** `jiuzhu economic-checks`: seed 002 task 3's 家庭经济状况信息监测, per household. */
export function economicChecksCommand(): Command {
  return new Command('economic-checks')
    .description('households enrolled in basic-living assistance with their economic checks this year (seed 002: at least 2 a year); a check is a comparison run covering them or a home visit')
    .option('--region <code>', 'the county (or township) read', regionCodeOption)
    .option('--township <code>', 'only households of this township (9 digits)')
    .option('--as-of <YYYY-MM-DD>', 'the day asked about (default: today in Asia/Shanghai)')
    .option('--half-years', 'local practice, not the seed: one check in each half year, an ended half year without one overdue')
    .option('--short', 'only households short of checks')
    .option('--json', 'print {asOf, reading, total, short, items}')
    .action(async (options: ScopeOptions & { halfYears?: boolean; short?: boolean; json?: boolean }) => {
      const actor = scopedActor(options);
      const reading: CheckReading = options.halfYears ? 'half-year' : 'year';
      const asOf = options.asOf ?? todayInShanghai();
      await withCommandStore(async (store) => {
        const { items, headPersonIds } = await listEconomicChecks(store.knex, actor, { asOf, townshipCode: options.township, reading, shortOnly: options.short === true });
        await recordAudit(store.knex, actor, { action: 'economic-check.list', outcome: 'ok', subjectPersonIds: headPersonIds, regionCode: options.township ?? actor.regionCode });
        const short = items.filter((i) => i.shortfall > 0).length;
        if (options.json) {
          printJson({ asOf, reading, total: items.length, short, items: items.map(({ headPersonId: _head, ...item }) => item) });
          return;
        }
        printLine(`${items.length} enrolled households as of ${asOf} (reading: ${reading === 'year' ? 'at least 2 a year' : 'one each half year, local practice'}), ${short} short of checks`);
        for (const item of items) {
          const last = item.lastCheck ? `${item.lastCheck.on} ${item.lastCheck.kind}` : 'never';
          printLine(`  ${item.householdNo.padEnd(22)} ${(item.headName ?? '').padEnd(6)} ${item.villageCode}  ${item.checksThisYear} this year  last ${last.padEnd(21)}${item.shortfall > 0 ? ` short ${item.shortfall} by ${item.dueBy}${item.overdue ? ' OVERDUE' : ''}` : ''}`);
        }
      });
    });
}

/** `jiuzhu key-group`: the 重点人群花名册 of seed 004, and a township's additions and removals. */
export function keyGroupCommand(): Command {
  const keyGroup = new Command('key-group').description('the 重点人群花名册 (seed 004): households filed 救助观察 and those a township adds, with their monthly visits due');
  keyGroup
    .command('list')
    .description('the roster on a day, soonest visit due first')
    .option('--region <code>', 'the county (or township) read', regionCodeOption)
    .option('--township <code>', 'only this township (9 digits)')
    .option('--as-of <YYYY-MM-DD>', 'the day asked about (default: today in Asia/Shanghai)')
    .option('--policy <file>', `visit policy file, whose keyGroup sets the frequency (default: ${defaultVisitPolicyPath})`)
    .option('--json', 'print {asOf, everyMonths, total, overdue, items}')
    .action(async (options: ScopeOptions & { policy?: string; json?: boolean }) => {
      const actor = scopedActor(options);
      const policy = loadVisitPolicy(options.policy);
      const asOf = options.asOf ?? todayInShanghai();
      await withCommandStore(async (store) => {
        const { items, headPersonIds } = await listKeyGroup(store.knex, actor, policy, { asOf, townshipCode: options.township });
        await recordAudit(store.knex, actor, { action: 'key-group.list', outcome: 'ok', subjectPersonIds: headPersonIds, regionCode: options.township ?? actor.regionCode });
        const overdue = items.filter((i) => i.overdue).length;
        if (options.json) {
          printJson({ asOf, everyMonths: keyGroupFrequency(policy), total: items.length, overdue, items: items.map(({ headPersonId: _head, ...item }) => item) });
          return;
        }
        printLine(`${items.length} households on the roster as of ${asOf}, ${overdue} visits overdue`);
        for (const item of items) {
          const basis = item.basis === 'observation' ? `救助观察 (case ${item.caseId})` : '乡镇添加';
          printLine(`  ${item.nextVisitDueOn}${item.overdue ? ` OVERDUE ${String(item.overdueDays).padStart(4)}d` : '              '}  ${item.householdNo.padEnd(22)} ${(item.headName ?? '').padEnd(6)} ${item.villageCode}  last ${item.lastVisitOn ?? 'never     '}  since ${item.since}  ${basis}: ${item.reason}`);
        }
      });
    });
  for (const [name, description] of [['add', 'put a household on the roster, with the reason'], ['remove', 'take a household off the roster, with the reason']] as const) {
    keyGroup
      .command(name)
      .description(description)
      .requiredOption('--household <id>', 'the household (register id)', householdIdOption)
      .requiredOption('--reason <text>', 'why')
      .option('--on <YYYY-MM-DD>', 'the day it happened (default: today in Asia/Shanghai)')
      .option('--json', 'print the entry')
      .action(async (options: { household: number; reason: string; on?: string; json?: boolean }) => {
        if (options.on !== undefined && !datePattern.test(options.on)) throw new ProblemError('validation-failed', `--on takes YYYY-MM-DD, not ${options.on}`);
        await withCommandStore(async (store) => {
          const actor = commandLineActor();
          const today = todayInShanghai();
          const entry = name === 'add'
            ? (await addToKeyGroup(store.knex, actor, { householdId: options.household, reason: options.reason, on: options.on }, today)).entry
            : await removeFromKeyGroup(store.knex, actor, options.household, { reason: options.reason, on: options.on }, today);
          if (options.json) printJson(entry);
          else printLine(entry.removedOn === null ? `household ${entry.householdId} on the roster since ${entry.addedOn}: ${entry.reason}` : `household ${entry.householdId} off the roster on ${entry.removedOn}: ${entry.removalReason}`);
        });
      });
  }
  return keyGroup;
}
