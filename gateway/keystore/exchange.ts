import type { Knex } from 'knex';
import type { ExchangeConfig } from '../config.js';
import type { ByteSource } from '../crypto/byte-source.js';
import { openEnvelope, openEnvelopeToFile, sealEnvelope, type ChunkSink, type EnvelopeHeader, type OpenOptions } from '../crypto/envelope.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { pgpDecryptAndVerify, pgpEncryptAndSign, PgpError } from '../crypto/pgp.js';
import { claimNonce, isNonceSeen, pruneNonces } from './envelope-nonces.js';
import { createOwnKeys } from './own-keys.js';
import { createPartners } from './partners.js';

/**
 * With `forSource`, the sender must be allowed to upload to that feed. The nonce is recorded once everything checked,
 * so the same envelope never opens twice — unless `spendNonce` is false: then a seen nonce is still refused, but this
 * opening records nothing, and the caller spends it (`spendNonce`) once what it does with the content has succeeded
 * (an import), or never (a dry run).
 */
export interface OpenFlags {
  forSource?: string;
  spendNonce?: boolean;
}

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

  async function spendNonce(header: Pick<EnvelopeHeader, 'senderId' | 'nonce' | 'signingTime'>): Promise<void> {
    const claimed = await deps.knex.transaction((trx) => claimNonce(trx, header.senderId, header.nonce, header.signingTime));
    if (!claimed) throw new EnvelopeError('replayed', 'this envelope was already received');
    await pruneNonces(deps.knex, new Date(now().getTime() - 2 * deps.config.maxClockSkewSeconds * 1000));
  }

  async function envelopeOpenOptions(options: OpenFlags): Promise<OpenOptions> {
    return {
      ourId: deps.config.partyId,
      recipientKeys: await ownKeys.recipientKeys(),
      senderKeys: (senderId) => partners.sm2VerificationKeys(senderId, now()),
      senderCertificates: (senderId) => partners.sm2Certificates(senderId, now()),
      accept: async (header) => {
        const skewSeconds = Math.abs(now().getTime() - header.signingTime.getTime()) / 1000;
        if (skewSeconds > deps.config.maxClockSkewSeconds) {
          throw new EnvelopeError('stale', `signed at ${header.signingTime.toISOString()}, ${Math.round(skewSeconds)} s from our clock (at most ${deps.config.maxClockSkewSeconds} s)`);
        }
        if (options.forSource !== undefined && !(await partners.mayUpload(header.senderId, options.forSource))) {
          throw new EnvelopeError('forbidden-source', `partner "${header.senderId}" may not upload to ${options.forSource}`);
        }
        if (await isNonceSeen(deps.knex, header.senderId, header.nonce)) throw new EnvelopeError('replayed', 'this envelope was already received');
        if (options.spendNonce !== false) await spendNonce(header);
      },
    };
  }

  return {
    ownKeys,
    partners,

    /** Encrypts to the partner's PGP key and signs with ours (for partners such as banks that use OpenPGP). */
    async sealPgpFor(partnerId: string, content: Uint8Array): Promise<Uint8Array> {
      const recipients = await partners.pgpKeys(partnerId);
      if (recipients.length === 0) throw new Error(`partner "${partnerId}" has no active PGP key`);
      const signing = await ownKeys.pgpSigningKey();
      return pgpEncryptAndSign({ content, recipientPublicKeysArmored: [recipients[0]!], signingPrivateKeyArmored: signing.privateKeyArmored, passphrase: signing.passphrase });
    },

    /**
     * Decrypts a PGP message with our key (current or in grace) and verifies it against every registered
     * partner's PGP keys; returns the partner whose key signed.
     */
    async openPgp(message: Uint8Array): Promise<{ content: Uint8Array; senderId: string }> {
      const senders = new Map<string, string>();
      const registered = await partners.list();
      for (const partner of registered) {
        for (const armored of await partners.pgpKeys(partner.id)) senders.set(armored, partner.id);
      }
      if (senders.size === 0) throw new PgpError('unknown-signer', 'no partner has a PGP key');
      let lastError: unknown;
      for (const key of await ownKeys.pgpDecryptionKeys()) {
        try {
          const opened = await pgpDecryptAndVerify({ message, decryptionPrivateKeyArmored: key.privateKeyArmored, passphrase: key.passphrase, senderPublicKeysArmored: [...senders.keys()] });
          const sender = registered.find((p) => p.keys.some((k) => k.algorithm === 'pgp' && k.fingerprint.endsWith(opened.signedBy)));
          return { content: opened.content, senderId: sender?.id ?? opened.signedBy };
        } catch (error) {
          lastError = error;
          if (!(error instanceof PgpError && error.code === 'not-for-us')) throw error;
        }
      }
      throw lastError ?? new PgpError('not-for-us', 'we have no PGP key');
    },

    async sealFor(partnerId: string, source: ByteSource, sink: ChunkSink): Promise<{ bytes: number }> {
      const [sender, recipient] = await Promise.all([ownKeys.sender(), partners.sm2Recipient(partnerId)]);
      return sealEnvelope(source, sink, { sender, recipient, signingTime: now() });
    },

    /**
     * Opens a GM/T 0010 envelope addressed to us into `sink`, which sees nothing unless every check passed (see
     * OpenFlags for the feed permission and the nonce).
     */
    async open(source: ByteSource, sink: ChunkSink, options: OpenFlags = {}): Promise<EnvelopeHeader & { contentBytes: number }> {
      return openEnvelope(source, sink, await envelopeOpenOptions(options));
    },

    /** As `open`, into the file at `path`, reading the envelope once (openEnvelopeToFile): nothing is at `path` unless it opened. */
    async openToFile(source: ByteSource, path: string, options: OpenFlags = {}): Promise<EnvelopeHeader & { contentBytes: number }> {
      return openEnvelopeToFile(source, path, await envelopeOpenOptions(options));
    },

    /** Records an opened envelope's nonce; refused as replayed when another request recorded it first. */
    spendNonce,
  };

}

export type Exchange = ReturnType<typeof createExchange>;
