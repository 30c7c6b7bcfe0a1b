import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { commandLineActor, type Actor } from '../access/actor.js';
import { activeSigningKey } from '../audit/checkpoint-keys.js';
import { isPeriod } from '../calendar/periods.js';
import { createGatewayDeliveryQueue } from '../deliveries/gateway-queue.js';
import { yuanText } from '../exports/money-text.js';
import { bankFileOfRoll, importBankReturn, payerNameOf, queueBankFile } from '../payroll/bank-payments.js';
import { findBankFileLayout } from '../payroll/bank-file-layouts.js';
import { loadBenefitStandards } from '../payroll/benefit-standards.js';
import { closeRoll, submitTownshipRoll, summariseRoll, totalsOfClosedRoll, writeRollDocument, type PayrollSummary } from '../payroll/payroll-months.js';
import { produceReport } from '../reports/produce-report.js';
import type { Store } from '../store/connect.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { findClosedRoll } from '../store/repositories/payroll-rolls.js';
import type { Exchange } from '../keystore/exchange.js';
import { withExchange } from './open-exchange.js';
import { printJson, printLine } from './output.js';

function monthOption(value: string): string {
  if (!isPeriod(value)) throw new InvalidArgumentError('a month is YYYY-MM');
  return value;
}

function countyOption(value: string): string {
  if (!/^\d{6}$/.test(value)) throw new InvalidArgumentError('a county is 6 digits, e.g. 640121');
  return value;
}

/**
 * The operator's CLI acts as finance does for the files it writes (numbers in full: it holds the master key anyway),
 * and as the bureau for closing; every act is in the audit log under its label.
 */
const financeActor = (): Actor => ({ ...commandLineActor('payroll'), role: 'finance' });

export interface WrittenRoll {
  summary: PayrollSummary;
  files: string[];
}

/** Writes the month's roll into `outDir`: the printable roll, and for a closed month the signed document with what checks it. */
export async function writeRollFiles(store: Store, exchange: Exchange, county: string, month: string, outDir: string, now = new Date()): Promise<WrittenRoll> {
  const summary = await summariseRoll(store.knex, loadBenefitStandards(), county, month);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const format of ['xlsx', 'csv'] as const) {
    const report = await produceReport(store.knex, financeActor(), { template: 'payroll-roll', period: month, region: county, format, now, purpose: 'jiuzhu payroll --out' });
    const file = join(outDir, report.fileName);
    writeFileSync(file, report.bytes);
    files.push(file);
  }
  const changes = await produceReport(store.knex, financeActor(), { template: 'payroll-changes', period: month, region: county, format: 'xlsx', now, purpose: 'jiuzhu payroll --out' });
  writeFileSync(join(outDir, changes.fileName), changes.bytes);
  files.push(join(outDir, changes.fileName));
  const closed = await findClosedRoll(store.knex, county, month);
  if (closed) {
    const parts: Buffer[] = [];
    await writeRollDocument(store.knex, { id: closed.id, countyCode: county, month, totals: totalsOfClosedRoll(closed) }, (chunk) => void parts.push(chunk));
    const key = (await exchange.ownKeys.list()).find((k) => k.id === closed.keyId);
    writeFileSync(join(outDir, 'roll.csv'), Buffer.concat(parts));
    writeFileSync(join(outDir, 'roll.sig'), Buffer.from(closed.signature, 'base64'));
    writeFileSync(join(outDir, 'key.pem'), key?.publicKey ?? '');
    writeFileSync(join(outDir, 'VERIFY.txt'), verifyText(closed.documentSm3));
    files.push(...['roll.csv', 'roll.sig', 'key.pem', 'VERIFY.txt'].map((f) => join(outDir, f)));
  }
  return { summary, files };
}

function verifyText(documentSm3: string): string {
  return [
    'The signed roll: roll.csv is the document the bureau signed when it closed the month.',
    '',
    `Its SM3 digest must be ${documentSm3}:`,
    '    openssl dgst -sm3 -r roll.csv',
    '',
    'and its SM2 signature (DER, the default SM2 user ID) must verify with the gateway\'s key:',
    '    openssl pkeyutl -verify -pubin -inkey key.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in roll.csv -sigfile roll.sig',
    '',
  ].join('\n');
}

function printSummary(summary: PayrollSummary): void {
  printLine(`${summary.countyCode} ${summary.month} (${summary.status === 'closed' ? `closed, document SM3 ${summary.closed!.documentSm3}` : 'open: a preview computed now'}):`);
  printLine(`  ${summary.households} households, ${summary.persons} persons, ${summary.lines} lines, ${yuanText(summary.totalFen)} 元`);
  for (const t of summary.byTownship) printLine(`  ${t.code} ${t.name}: ${t.households} households, ${t.persons} persons, ${yuanText(t.totalFen)} 元`);
  if (summary.problems.length > 0) printLine(`  ${summary.problems.length} households not paid until the register is fixed (see --json)`);
}

export function payrollCommand(): Command {
  const payroll = new Command('payroll')
    // `payroll submit --month M`: the subcommand's --month is its own, not the parent's.
    .enablePositionalOptions()
    .description('the monthly payment roll (月结发放册): totals by township, and with --out the printable roll, the change list and, for a closed month, the signed document with the openssl commands that check it')
    // Not requiredOption: commander would then demand it of `payroll submit` and `payroll close` as well.
    .option('--month <YYYY-MM>', 'the benefit month (required)', monthOption)
    .option('--county <code>', 'the county', countyOption, '640121')
    .option('--out <dir>', 'write the files into this folder')
    .option('--json', 'print {month, households, persons, totalFen, byTownship: [{code, name, households, persons, totalFen}], …} as JSON')
    .action(async (options: { month?: string; county: string; out?: string; json?: boolean }) => {
      const month = options.month;
      if (!month) throw new InvalidArgumentError('--month <YYYY-MM> is required');
      await withExchange(async (exchange, store) => {
        const { summary, files } = options.out
          ? await writeRollFiles(store, exchange, options.county, month, options.out)
          : { summary: await summariseRoll(store.knex, loadBenefitStandards(), options.county, month), files: [] };
        if (options.json) printJson({ ...summary, files });
        else {
          printSummary(summary);
          for (const file of files) printLine(`  wrote ${file}`);
        }
      });
    });

  payroll.command('submit')
    .description('hand a township\'s roll to the bureau, as the township does through POST /v1/payroll/{month}/townships/{township}/submission')
    .requiredOption('--month <YYYY-MM>', 'the benefit month', monthOption)
    .requiredOption('--township <code>', 'the township (9 digits)')
    .option('--json', 'print the submission as JSON')
    .action(async (options: { month: string; township: string; json?: boolean }) => {
      await withExchange(async (_exchange, store) => {
        const submitted = await submitTownshipRoll(store.knex, commandLineActor('payroll submit'), loadBenefitStandards(), options.month, options.township, new Date());
        if (options.json) printJson(submitted);
        else printLine(`${options.township} ${options.month}: ${submitted.households} households, ${yuanText(submitted.totalFen)} 元, lines SM3 ${submitted.linesSm3}`);
      });
    });

  payroll.command('close')
    .description('close the county\'s month and sign its roll, as the bureau does through POST /v1/payroll/{month}/close; every township must have submitted')
    .requiredOption('--month <YYYY-MM>', 'the benefit month', monthOption)
    .option('--county <code>', 'the county', countyOption, '640121')
    .option('--json', 'print the closed roll as JSON')
    .action(async (options: { month: string; county: string; json?: boolean }) => {
      await withExchange(async (exchange, store) => {
        const key = await activeSigningKey(exchange.ownKeys, store.knex)();
        const roll = await closeRoll(store.knex, commandLineActor('payroll close'), loadBenefitStandards(), options.county, options.month, key, new Date());
        if (options.json) printJson(roll);
        else printLine(`${options.county} ${options.month} closed: ${roll.households} households, ${roll.lines} lines, ${yuanText(roll.totalFen)} 元; document SM3 ${roll.documentSm3}, signed by ${roll.keyId}`);
      });
    });
  payroll.command('bank-file')
    .description('the paying bank\'s disbursement file of a closed month in a layout of config/bank-files (count and total declared first, checked after writing); --deliver queues it, sealed, for the bank as a registered partner')
    .requiredOption('--month <YYYY-MM>', 'the benefit month', monthOption)
    .option('--county <code>', 'the county', countyOption, '640121')
    .requiredOption('--layout <name>', 'the bank file layout, e.g. example-fixed-gbk')
    .option('--out <file>', 'write the file here')
    .option('--deliver <partner>', 'queue it for this partner (jiuzhu deliveries run, or jiuzhu serve, sends it)')
    .option('--json', 'print what was written or queued as JSON')
    .action(async (options: { month: string; county: string; layout: string; out?: string; deliver?: string; json?: boolean }) => {
      if (!options.out && !options.deliver) throw new InvalidArgumentError('give --out FILE, --deliver PARTNER, or both');
      await withExchange(async (exchange, store) => {
        const roll = await findClosedRoll(store.knex, options.county, options.month);
        if (!roll) throw new InvalidArgumentError(`the roll of ${options.county} for ${options.month} is not closed: only a closed month is paid`);
        const layout = findBankFileLayout(options.layout);
        const done: Record<string, unknown> = { month: options.month, county: options.county, layout: layout.name };
        if (options.out) {
          const { bytes, payments } = await bankFileOfRoll(store.knex, roll, layout, await payerNameOf(store.knex, options.county));
          writeFileSync(options.out, bytes);
          await recordAudit(store.knex, financeActor(), {
            action: 'payroll.bank-file', outcome: 'ok', resourceType: 'payroll-roll', resourceId: `${options.county}/${options.month}`, regionCode: options.county,
            detail: `${options.out} as ${layout.name}: ${payments.payments.length} payments, ${payments.totalFen} fen`, subjectPersonIds: payments.payments.map((p) => p.payeePersonId),
          });
          Object.assign(done, { file: options.out, count: payments.payments.length, totalFen: payments.totalFen, notPaidByBank: payments.unpaid.length });
        }
        if (options.deliver) {
          const queued = await queueBankFile({ knex: store.knex, exchange, queue: createGatewayDeliveryQueue(store, exchange) }, financeActor(), roll, layout, options.deliver);
          Object.assign(done, { deliveryId: queued.deliveryId, partner: options.deliver, count: queued.count, totalFen: queued.totalFen });
        }
        if (options.json) printJson(done);
        else printLine(Object.entries(done).map(([k, v]) => `${k} ${String(v)}`).join(', '));
      });
    });

  payroll.command('bank-return')
    .description('import the bank\'s return file (回盘) of a closed month: refused whole on a conflicting, repeated or unknown line; the same file again changes nothing; failed payments go to the next month\'s roll as 补发')
    .argument('<file>', 'the return file')
    .requiredOption('--month <YYYY-MM>', 'the benefit month', monthOption)
    .option('--county <code>', 'the county', countyOption, '640121')
    .requiredOption('--layout <name>', 'the bank file layout, e.g. example-fixed-gbk')
    .option('--json', 'print the import as JSON')
    .action(async (file: string, options: { month: string; county: string; layout: string; json?: boolean }) => {
      await withExchange(async (_exchange, store) => {
        const roll = await findClosedRoll(store.knex, options.county, options.month);
        if (!roll) throw new InvalidArgumentError(`the roll of ${options.county} for ${options.month} is not closed`);
        const imported = await importBankReturn(store.knex, financeActor(), roll, findBankFileLayout(options.layout), readFileSync(file), basename(file), new Date());
        if (options.json) printJson(imported);
        else printLine(`${basename(file)}: ${imported.duplicate ? 'imported before, nothing changed; ' : ''}${imported.paid} paid, ${imported.failed} failed, ${imported.returned} returned, ${imported.unanswered} not answered yet`);
      });
    });
  return payroll;
}
