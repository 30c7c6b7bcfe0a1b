import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { scopePrefix } from '../access/region-scope.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { storeItemState } from '../supervision/item-state.js';
import { assessmentList, createOrder, listOrders, orderState, recordReason, type ItemKind } from '../supervision/orders.js';
import { defaultOverdueContext, itemKindWords, listOverdueItems } from '../supervision/overdue-items.js';
import { issueWrittenReminder, listReminders, reminderDocument } from '../supervision/written-reminders.js';
import { withCommandStore } from './command-store.js';
import { printJson, printLine } from './output.js';
import { regionCodeOption } from './region-option.js';

const itemKinds: readonly ItemKind[] = ['warning', 'visit', 'referral', 'application-step', 'progress-sheet'];

function itemKindOption(value: string): ItemKind {
  if (!(itemKinds as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${itemKinds.join(', ')}`);
  return value as ItemKind;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
}

/**
 * `jiuzhu supervision …`: the county's 督办 and written reminders from the command line (docs/supervision.md). The
 * command line acts as the county bureau (an admin of every region); each change is audited as the API's are.
 */
export function supervisionCommand(): Command {
  const supervision = new Command('supervision').description('督办 and written reminders (书面提醒): what is overdue, orders, reasons, reminders, the yearly follow-up');

  supervision.command('overdue')
    .description('everything of a county or township past its deadline today: warnings, visits, referrals, application steps, progress sheets')
    .requiredOption('--region <code>', 'a county (6 digits) or township (9 digits)', regionCodeOption)
    .option('--json', 'print {asOf, items}')
    .action(async (options: { region: string; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const actor = commandLineActor();
        const asOf = todayInShanghai();
        const items = await listOverdueItems(store.knex, actor, { regionCode: options.region, asOf }, defaultOverdueContext());
        await recordAudit(store.knex, actor, { action: 'supervision.overdue', outcome: 'ok', regionCode: options.region, subjectPersonIds: items.flatMap((i) => (i.personId === null ? [] : [i.personId])) });
        if (options.json) {
          printJson({ asOf, items: items.map(({ personId: _personId, ...item }) => item) });
          return;
        }
        printLine(`${items.length} items overdue in ${options.region} on ${asOf}`);
        for (const item of items) {
          printLine(`  ${item.townshipCode}  ${itemKindWords[item.kind].padEnd(4, '　')}  ${item.kind.padEnd(16)} ${item.ref.padEnd(22)} due ${item.dueOn}  ${String(item.workingDaysLate).padStart(4)} wd late  ${item.subject}  ${item.what}`);
        }
      });
    });

  supervision.command('order')
    .description('issue a 督办 on an overdue item, to the township that owes it')
    .requiredOption('--kind <kind>', itemKinds.join(', '), itemKindOption)
    .requiredOption('--ref <ref>', 'the item, as `supervision overdue` names it')
    .requiredOption('--request <text>', 'what is asked')
    .option('--working-days <n>', 'working days given (default 5, an example of local practice)', positiveInteger, 5)
    .option('--json', 'print the order')
    .action(async (options: { kind: ItemKind; ref: string; request: string; workingDays: number; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const context = defaultOverdueContext();
        const today = todayInShanghai();
        const order = await createOrder(store.knex, commandLineActor(), context.settings.calendar, storeItemState(store.knex, context), {
          itemKind: options.kind, itemRef: options.ref, request: options.request, workingDays: options.workingDays, issuedOn: today,
        });
        if (options.json) printJson({ ...order, state: 'open' });
        else printLine(`督办 ${order.id}: ${order.itemKind} ${order.itemRef} → ${order.townshipCode}, to be done by ${order.dueOn}`);
      });
    });

  supervision.command('orders')
    .description('the 督办 addressed inside a region, with their state read from the items')
    .requiredOption('--region <code>', 'a region code', regionCodeOption)
    .option('--json', 'print {items}')
    .action(async (options: { region: string; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const items = storeItemState(store.knex, defaultOverdueContext());
        const today = todayInShanghai();
        const orders = await Promise.all((await listOrders(store.knex, scopePrefix(options.region))).map(async (o) => ({ ...o, state: await orderState(o, items, today) })));
        if (options.json) {
          printJson({ items: orders });
          return;
        }
        for (const o of orders) printLine(`  ${String(o.id).padStart(5)}  ${o.issuedOn} → ${o.dueOn}  ${o.state.padEnd(15)} ${o.townshipCode}  ${o.itemKind} ${o.itemRef}${o.reason ? `  理由：${o.reason}` : ''}`);
      });
    });

  supervision.command('reason')
    .description('record a township\'s 正当理由 on a 督办 (once; refused when the item is done)')
    .argument('<order>', 'the 督办 id', positiveInteger)
    .requiredOption('--reason <text>', 'the reason')
    .action(async (id: number, options: { reason: string }) => {
      await withCommandStore(async (store) => {
        const order = await recordReason(store.knex, commandLineActor(), storeItemState(store.knex, defaultOverdueContext()), id, { reason: options.reason, at: new Date(), today: todayInShanghai() });
        printLine(`督办 ${order.id}: reason recorded`);
      });
    });

  supervision.command('remind')
    .description('issue a township\'s written reminder (书面提醒) of everything it has overdue today, and write the document')
    .requiredOption('--township <code>', 'the township (9 digits)', regionCodeOption)
    .requiredOption('--out <file.xlsx>', 'where to write the document as issued')
    .option('--json', 'print the reminder')
    .action(async (options: { township: string; out: string; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const actor = commandLineActor();
        const issued = await issueWrittenReminder(store.knex, actor, { townshipCode: options.township, today: todayInShanghai() }, defaultOverdueContext());
        const { document } = await reminderDocument(store.knex, issued.id, actor.regionCode);
        writeFileSync(options.out, document);
        if (options.json) printJson({ ...issued, items: issued.items.map(({ personId: _personId, ...item }) => item) });
        else printLine(`书面提醒 ${issued.number}: ${issued.items.length} items, SM3 ${issued.documentSm3} → ${options.out}`);
      });
    });

  supervision.command('reminders')
    .description('the written reminders issued inside a region, newest first')
    .requiredOption('--region <code>', 'a region code', regionCodeOption)
    .option('--json', 'print {items}')
    .action(async (options: { region: string; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const reminders = await listReminders(store.knex, options.region);
        await recordAudit(store.knex, commandLineActor(), { action: 'supervision.reminder-list', outcome: 'ok', regionCode: options.region });
        if (options.json) {
          printJson({ items: reminders });
          return;
        }
        for (const r of reminders) printLine(`  ${r.number}  ${r.issuedOn}  ${r.townshipCode}  ${String(r.items.length).padStart(3)} items  SM3 ${r.documentSm3}`);
      });
    });

  supervision.command('assessment')
    .description('for 年度目标考核: items a reminder listed that year, still not done and with no reason recorded')
    .requiredOption('--region <code>', 'a region code', regionCodeOption)
    .requiredOption('--year <yyyy>', 'the year', positiveInteger)
    .option('--json', 'print {year, items}')
    .action(async (options: { region: string; year: number; json?: boolean }) => {
      await withCommandStore(async (store) => {
        const entries = await assessmentList(store.knex, storeItemState(store.knex, defaultOverdueContext()), { year: options.year, regionPrefix: scopePrefix(options.region), today: todayInShanghai() });
        await recordAudit(store.knex, commandLineActor(), { action: 'supervision.assessment', outcome: 'ok', regionCode: options.region });
        if (options.json) {
          printJson({ year: options.year, items: entries });
          return;
        }
        printLine(`${entries.length} items left undone after a written reminder in ${options.year}, with no reason recorded`);
        for (const e of entries) printLine(`  ${e.townshipCode}  ${e.itemKind} ${e.itemRef}  reminded ${e.remindedOn} (${e.reminderNumber})`);
      });
    });

  return supervision;
}
