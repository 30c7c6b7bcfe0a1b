import { bufferSource } from '../crypto/byte-source.js';
import { openEnvelope, sealEnvelope } from '../crypto/envelope.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import type { Exchange } from '../keystore/exchange.js';
import { DeliveryError } from './delivery-error.js';
import type { OutgoingDelivery } from './delivery-queue.js';

/**
 * Why resealing exists: a receiver refuses an envelope signed further from its clock than its skew window
 * (jiuzhu's own default: 300 s), but retries back off for minutes to hours. An envelope sealed for the partner at
 * enqueue time is stale by the third or fourth attempt and can never succeed. So the queue may hold the package
 * sealed to ourselves — still nothing in clear at rest — and seal it for the partner afresh on every attempt,
 * with a new signing time and nonce, to the partner's key current at that moment.
 *
 * The cost: the receiver can no longer tell a resend from its nonce, so it must recognise a package it already
 * has by the package's own id (the 金民 manifest carries one).
 */
export async function sealForQueue(exchange: Exchange, content: Buffer): Promise<Buffer> {
  const us = await exchange.ownKeys.sender();
  const parts: Buffer[] = [];
  await sealEnvelope(bufferSource(content), (chunk) => void parts.push(Buffer.from(chunk)), {
    sender: us,
    recipient: { id: us.id, publicKey: us.signer.publicKey, certificate: us.certificate },
  });
  return Buffer.concat(parts);
}

/** The queue's `preparePayload` for payloads stored with {@link sealForQueue}: open ours, seal for the target in its format (GM/T 0010 or OpenPGP). */
export function createResealer(exchange: Exchange): (delivery: Omit<OutgoingDelivery, 'endpointUrl'>) => Promise<Buffer> {
  return async (delivery) => {
    let content: Buffer;
    try {
      content = await openOwn(exchange, delivery.payload);
    } catch (error) {
      const reason = error instanceof EnvelopeError ? `${error.refusal}: ${error.message}` : (error as Error).message;
      throw new DeliveryError('prepare', `delivery ${delivery.id}'s stored payload does not open with our keys (${reason})`, { cause: error });
    }
    // A partner such as a bank that takes OpenPGP gets the content sealed that way; the rest a GM/T 0010 envelope.
    if ((await exchange.partners.get(delivery.target)).envelopeFormat === 'pgp') return Buffer.from(await exchange.sealPgpFor(delivery.target, content));
    const parts: Buffer[] = [];
    await exchange.sealFor(delivery.target, bufferSource(content), (chunk) => void parts.push(Buffer.from(chunk)));
    return Buffer.concat(parts);
  };
}

/** Our own envelope: signed by one of our keys (current or in grace), addressed to us. No freshness or replay check — it never left the store. */
async function openOwn(exchange: Exchange, envelope: Buffer): Promise<Buffer> {
  const [us, keys] = await Promise.all([exchange.ownKeys.sender(), exchange.ownKeys.recipientKeys()]);
  const parts: Buffer[] = [];
  await openEnvelope(bufferSource(envelope), (chunk) => void parts.push(Buffer.from(chunk)), {
    ourId: us.id,
    recipientKeys: keys,
    senderKeys: async (senderId) => (senderId === us.id ? keys.map((key) => key.publicKey) : []),
    accept: async () => {},
  });
  return Buffer.concat(parts);
}
