import type { Knex } from 'knex';
import type { ExchangeConfig } from '../config.js';
import type { ByteSource } from '../crypto/byte-source.js';
import { openEnvelope, sealEnvelope, type ChunkSink, type EnvelopeHeader } from '../crypto/envelope.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { claimNonce, isNonceSeen } from './envelope-nonces.js';
import { createOwnKeys } from './own-keys.js';
import { createPartners } from './partners.js';

export interface ExchangeDeps {
  knex: Knex;
  config: ExchangeConfig;
  masterKey: Buffer;
  now?: () => Date;
}

/**
 * Sealing for and opening from partners, over the keystore: the one place that decides which key signs,
 * which keys may have sent something, and whether an envelope is fresh, new and allowed for its feed.
 */
export function createExchange(deps: ExchangeDeps) {
  const now = deps.now ?? (() => new Date());
  const ownKeys = createOwnKeys({ knex: deps.knex, masterKey: deps.masterKey, partyId: deps.config.partyId, keyGraceDays: deps.config.keyGraceDays, now });
  const partners = createPartners({ knex: deps.knex, keyGraceDays: deps.config.keyGraceDays, now });

  return {
    ownKeys,
    partners,

    async sealFor(partnerId: string, source: ByteSource, sink: ChunkSink): Promise<{ bytes: number }> {
      const [sender, recipient] = await Promise.all([ownKeys.sender(), partners.sm2Recipient(partnerId)]);
      return sealEnvelope(source, sink, { sender, recipient, signingTime: now() });
    },

    /**
     * Opens a GM/T 0010 envelope addressed to us. With `forSource`, the sender must be allowed to upload to that
     * feed. The nonce is recorded once everything checked, so the same envelope never opens twice.
     */
    async open(source: ByteSource, sink: ChunkSink, options: { forSource?: string } = {}): Promise<EnvelopeHeader & { contentBytes: number }> {
      return openEnvelope(source, sink, {
        ourId: deps.config.partyId,
        recipientKeys: await ownKeys.recipientKeys(),
        senderKeys: (senderId) => partners.sm2VerificationKeys(senderId, now()),
        accept: async (header) => {
          const skewSeconds = Math.abs(now().getTime() - header.signingTime.getTime()) / 1000;
          if (skewSeconds > deps.config.maxClockSkewSeconds) {
            throw new EnvelopeError('stale', `signed at ${header.signingTime.toISOString()}, ${Math.round(skewSeconds)} s from our clock (at most ${deps.config.maxClockSkewSeconds} s)`);
          }
          if (options.forSource !== undefined && !(await partners.mayUpload(header.senderId, options.forSource))) {
            throw new EnvelopeError('forbidden-source', `partner "${header.senderId}" may not upload to ${options.forSource}`);
          }
          if (await isNonceSeen(deps.knex, header.senderId, header.nonce)) throw new EnvelopeError('replayed', 'this envelope was already received');
          const claimed = await deps.knex.transaction((trx) => claimNonce(trx, header.senderId, header.nonce, header.signingTime));
          if (!claimed) throw new EnvelopeError('replayed', 'this envelope was already received');
        },
      });
    },
  };
}

export type Exchange = ReturnType<typeof createExchange>;
