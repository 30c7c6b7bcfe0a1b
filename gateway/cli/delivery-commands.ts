import { Command, Option } from 'commander';
import { queueMonthlyChangeSet } from '../../adapters/jinmin/export-change-set.js';
import { createGatewayDeliveryQueue } from '../deliveries/gateway-queue.js';
import type { DeliveryStatus } from '../deliveries/delivery-queue.js';
import { withExchange } from './open-exchange.js';
import { printJson, printLine } from './output.js';

export function deliveriesCommand(): Command {
  const deliveries = new Command('deliveries').description('outgoing deliveries to partner systems: queued, retried with backoff, dead letters replayed by hand in their original order');

  deliveries.command('list')
    .description('list deliveries (newest last) with attempts, last error and receipt')
    .addOption(new Option('--status <status>', 'only these').choices(['queued', 'delivered', 'dead']))
    .option('--json', 'print JSON')
    .action(async (options: { status?: DeliveryStatus; json?: boolean }) => {
      await withExchange(async (exchange, store) => {
        const all = await createGatewayDeliveryQueue(store, exchange).list({ status: options.status });
        if (options.json) return printJson(all);
        for (const d of all) {
          printLine(`${d.id}\t${d.target}\t${d.kind}\t${d.period ?? '-'}\t${d.status}\tattempts ${d.attempts}${d.status === 'queued' ? `\tnext ${d.nextAttemptAt}` : ''}${d.lastError ? `\t${d.lastError}` : ''}`);
        }
      });
    });

  deliveries.command('run')
    .description('deliver what is due now (`jiuzhu serve` does this every minute)')
    .option('--json', 'print {delivered, retrying, dead} (delivery ids)')
    .action(async (options: { json?: boolean }) => {
      await withExchange(async (exchange, store) => {
        const result = await createGatewayDeliveryQueue(store, exchange).runDue();
        if (options.json) printJson(result);
        else printLine(`delivered ${result.delivered.length}, retrying ${result.retrying.length}, dead ${result.dead.length}`);
      });
    });

  deliveries.command('replay')
    .description('put dead deliveries back in the queue (all, or the given ids), in their original order')
    .argument('[ids...]', 'delivery ids; default: every dead letter')
    .option('--json', 'print the replayed ids')
    .action(async (ids: string[], options: { json?: boolean }) => {
      await withExchange(async (exchange, store, audit) => {
        const replayed = await createGatewayDeliveryQueue(store, exchange).replay(ids.length > 0 ? ids.map(Number) : undefined);
        await audit({ action: 'delivery.replay', outcome: 'ok', resourceType: 'delivery', detail: `replayed ${replayed.join(', ') || 'nothing'}` });
        if (options.json) printJson(replayed);
        else printLine(replayed.length > 0 ? `replayed ${replayed.join(', ')}` : 'no dead deliveries to replay');
      });
    });
  return deliveries;
}

export function jinminExportCommand(): Command {
  return new Command('jinmin-change-set')
    .description('queue the monthly change set (new, changed, stopped enrolments) for the national 金民 system: XML with a manifest of SM3 digests, sealed, delivered by the queue')
    .requiredOption('--county <code>', 'county code, e.g. 640121')
    .requiredOption('--period <YYYY-MM>', 'the month')
    .option('--partner <id>', 'the partner id of the national system', 'jinmin')
    .option('--json', 'print {deliveryId, manifest}')
    .action(async (options: { county: string; period: string; partner: string; json?: boolean }) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.period)) throw new Error(`--period must be YYYY-MM, got "${options.period}"`);
      await withExchange(async (exchange, store, audit) => {
        const queue = createGatewayDeliveryQueue(store, exchange);
        const { deliveryId, manifest } = await queueMonthlyChangeSet({ knex: store.knex, exchange, queue }, {
          countyCode: options.county, period: options.period, partnerId: options.partner, resealOnSend: true,
        });
        await audit({ action: 'export.jinmin-change-set', outcome: 'ok', regionCode: options.county, resourceType: 'delivery', resourceId: String(deliveryId), detail: `${options.period}: ${JSON.stringify(manifest.counts)}` });
        if (options.json) printJson({ deliveryId, manifest });
        else printLine(`queued delivery ${deliveryId} for ${options.partner}: ${JSON.stringify(manifest.counts)} (jiuzhu deliveries run, or jiuzhu serve, sends it)`);
      });
    });
}
