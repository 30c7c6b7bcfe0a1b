import type { Exchange } from '../keystore/exchange.js';
import type { Store } from '../store/connect.js';
import { createDeliveryQueue, type DeliveryQueue } from './delivery-queue.js';
import { createHttpTransport } from './http-transport.js';
import { createResealer } from './reseal.js';

/**
 * The gateway's one delivery queue: HTTP to each partner's endpoint, and every payload resealed for its target
 * on every attempt. Payloads are stored sealed to ourselves (sealForQueue), so a retry minutes later still
 * carries a fresh signing time and nonce and is not refused by the receiver as stale or replayed.
 */
export function createGatewayDeliveryQueue(store: Store, exchange: Exchange): DeliveryQueue {
  return createDeliveryQueue({ knex: store.knex, dialect: store.dialect, transport: createHttpTransport(), preparePayload: createResealer(exchange) });
}
