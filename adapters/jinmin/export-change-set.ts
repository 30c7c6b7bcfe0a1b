import type { Knex } from 'knex';
import type { DeliveryQueue } from '../../gateway/deliveries/delivery-queue.js';
import { sealForQueue } from '../../gateway/deliveries/reseal.js';
import type { Exchange } from '../../gateway/keystore/exchange.js';
import { buildMonthlyChangeSet } from './change-set.js';
import { resolveFieldMapping, type JinminFieldMappingOverrides } from './field-mapping.js';
import { buildChangeSetPackage, changeSetDeliveryKind, jinminPartnerId, sealChangeSetPackage, type PackageManifest } from './package.js';

export interface ExportChangeSetOptions {
  countyCode: string;
  /** YYYY-MM. */
  period: string;
  /** A mapping file's path, or overrides of the default (field-mapping.json). */
  mapping?: string | JinminFieldMappingOverrides;
  generatedAt?: Date;
  partnerId?: string;
  /**
   * Store the package sealed to ourselves and seal it for 金民 on each attempt (gateway/deliveries/reseal.ts);
   * the queue must then run with `preparePayload: createResealer(exchange)`. Without it the package is sealed for
   * 金民 now, and every retry sends that same envelope.
   */
  resealOnSend?: boolean;
}

/**
 * The monthly push to 金民 in one call: the month's change set from the register, packaged, sealed and queued
 * for delivery. Returns the delivery id and the manifest (what was counted and digested), for the audit log.
 */
export async function queueMonthlyChangeSet(
  deps: { knex: Knex; exchange: Exchange; queue: DeliveryQueue },
  options: ExportChangeSetOptions,
): Promise<{ deliveryId: number; manifest: PackageManifest }> {
  const mapping = resolveFieldMapping(options.mapping);
  const changeSet = await buildMonthlyChangeSet(deps.knex, { countyCode: options.countyCode, period: options.period });
  const changePackage = buildChangeSetPackage(changeSet, { mapping, generatedAt: options.generatedAt });
  const target = options.partnerId ?? jinminPartnerId;
  const payload = options.resealOnSend ? await sealForQueue(deps.exchange, changePackage.bytes) : await sealChangeSetPackage(deps.exchange, changePackage, target);
  const deliveryId = await deps.queue.enqueue({ target, kind: changeSetDeliveryKind, period: options.period, payload });
  return { deliveryId, manifest: changePackage.manifest };
}
