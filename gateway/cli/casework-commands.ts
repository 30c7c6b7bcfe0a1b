import { Command } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { loadWorkingCalendar } from '../calendar/holiday-calendar.js';
import { isPeriod } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { viewDiscoveryCases } from '../casework/discovery-views.js';
import { defaultVisitPolicyPath, loadVisitPolicy } from '../casework/visit-policy.js';
import { listVisitsDue } from '../casework/visits-due.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { DiscoveryCase, DiscoveryStatus } from '../../schemas/types/index.js';
import { openCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';

const townshipPattern = /^[0-9]{9}$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

const methodLabels: Record<DiscoveryCase['method'], string> = { 'home-visit': '走访发现', 'data-push': '信息推送发现', work: '工作发现' };

export function visitsCommand(): Command {
  const visits = new Command('visits').description('home visits (走访): who is due, who is overdue');
  visits
    .command('due')
    .description('households due for a visit as of a date, soonest first (frequencies from config/visits/default.json)')
    .option('--township <code>', 'only households living in this township (9 digits)')
    .option('--assistant <id>', 'only the villages this village assistant covers')
    .option('--as-of <YYYY-MM-DD>', 'the day asked about (default: today in Asia/Shanghai)')
    .option('--overdue', 'only households whose visit is overdue')
    .option('--policy <file>', `visit policy file (default: ${defaultVisitPolicyPath})`)
    .option('--json', 'print {asOf, policy, total, overdue, items}')
    .action(async (options: { township?: string; assistant?: string; asOf?: string; overdue?: boolean; policy?: string; json?: boolean }) => {
      if (options.township !== undefined && !townshipPattern.test(options.township)) {
        throw new ProblemError('validation-failed', `--township takes a 9-digit township code, not ${options.township}`);
      }
      if (options.asOf !== undefined && !datePattern.test(options.asOf)) throw new ProblemError('validation-failed', `--as-of takes YYYY-MM-DD, not ${options.asOf}`);
      const assistantId = options.assistant === undefined ? undefined : Number(options.assistant);
      if (assistantId !== undefined && !(Number.isSafeInteger(assistantId) && assistantId > 0)) {
        throw new ProblemError('validation-failed', `--assistant takes an assistant id, not ${options.assistant}`);
      }
      const policy = loadVisitPolicy(options.policy);
      const { store } = await openCommandStore();
      try {
        const actor = commandLineActor();
        const { list, headPersonIds } = await listVisitsDue(store.knex, actor, policy, loadWorkingCalendar(), {
          asOf: options.asOf ?? todayInShanghai(), townshipCode: options.township, assistantId, overdueOnly: options.overdue === true, limit: Number.MAX_SAFE_INTEGER,
        });
        await recordAudit(store.knex, actor, { action: 'visit.due', outcome: 'ok', subjectPersonIds: headPersonIds, regionCode: options.township });
        if (options.json) {
          printJson(list);
          return;
        }
        printLine(`${list.total} households due as of ${list.asOf} (policy ${list.policy}), ${list.overdue} overdue`);
        for (const item of list.items) {
          const every = 'everyMonths' in item.frequency ? `every ${item.frequency.everyMonths} mo` : `within ${item.frequency.withinWorkingDays} wd`;
          printLine(`  ${item.nextDueOn}${item.overdue ? ` OVERDUE ${String(item.overdueDays).padStart(4)}d` : '              '}  ${item.householdNo.padEnd(22)} ${(item.headName ?? '').padEnd(6)} ${item.villageCode}  last ${item.lastVisitOn ?? 'never     '}  ${every.padEnd(13)} ${item.category.title}`);
        }
      } finally {
        await store.close();
      }
    });
  return visits;
}

export function discoveriesCommand(): Command {
  const discoveries = new Command('discoveries').description('active discovery cases (主动发现)');
  discoveries
    .command('list')
    .description('discovery cases, oldest first; ID numbers masked')
    .option('--township <code>', 'only this township (9 digits)')
    .option('--status <status>', 'open, investigating or concluded')
    .option('--period <YYYY-MM>', 'only cases discovered in this month')
    .option('--json', 'print the cases as the API does')
    .action(async (options: { township?: string; status?: string; period?: string; json?: boolean }) => {
      if (options.township !== undefined && !townshipPattern.test(options.township)) {
        throw new ProblemError('validation-failed', `--township takes a 9-digit township code, not ${options.township}`);
      }
      if (options.status !== undefined && !['open', 'investigating', 'concluded'].includes(options.status)) {
        throw new ProblemError('validation-failed', `--status is open, investigating or concluded, not ${options.status}`);
      }
      if (options.period !== undefined && !isPeriod(options.period)) throw new ProblemError('validation-failed', `--period takes YYYY-MM, not ${options.period}`);
      const { store } = await openCommandStore();
      try {
        const actor = commandLineActor();
        const cases: DiscoveryCase[] = [];
        const subjects: number[] = [];
        for (let after: number | undefined; ; ) {
          const page = await viewDiscoveryCases(store.knex, actor, {
            townshipCode: options.township, status: options.status as DiscoveryStatus | undefined, period: options.period, afterId: after, limit: 500,
          });
          cases.push(...page.view);
          subjects.push(...page.subjectPersonIds);
          if (page.view.length < 500) break;
          after = page.view[page.view.length - 1]!.id;
        }
        await recordAudit(store.knex, actor, { action: 'discovery.list', outcome: 'ok', subjectPersonIds: subjects, regionCode: options.township });
        if (options.json) {
          printJson(cases);
          return;
        }
        printLine(`${cases.length} discovery cases`);
        for (const c of cases) {
          const outcome = c.conclusion ? `${c.conclusion.result === 'included' ? `纳入 ${c.conclusion.includedOn}` : '不符合'} / ${c.conclusion.filing}` : '';
          printLine(`  #${String(c.id).padEnd(5)} ${c.discoveredOn} ${c.status.padEnd(13)} ${methodLabels[c.method].padEnd(6)} ${c.township.name.padEnd(8)} ${c.subject.name.padEnd(6)} ${c.suspectedAssistance.map((a) => a.name).join('、')}${outcome ? `  → ${outcome}` : ''}`);
        }
      } finally {
        await store.close();
      }
    });
  return discoveries;
}
