import { hkdfSync } from 'node:crypto';
import type { Knex } from 'knex';
import type { EnvelopeSender, RecipientKey } from '../crypto/envelope.js';
import { generatePgpKeyPair } from '../crypto/pgp.js';
import { deriveSecretKeys, openSecret, sealSecret, type SecretKeys } from '../crypto/sealed-secret.js';
import { createSm2Signer, prepareSm2PublicKey } from '../crypto/sm2.js';
import { issueSm2Certificate, parseSm2Certificate } from '../crypto/sm2-certificate.js';
import { generateSm2KeyPair, parseSm2PrivateKey, sm2KeyFingerprint, sm2PrivateKeyPem, sm2PublicKeyPem, type Sm2KeyPair } from '../crypto/sm2-keys.js';

export type KeyAlgorithm = 'sm2' | 'pgp';

export interface OwnKey {
  id: string;
  algorithm: KeyAlgorithm;
  fingerprint: string;
  /** SM2: SPKI PEM; PGP: armored public key. */
  publicKey: string;
  /** SM2 only: our self-signed certificate, which partners pin. */
  certificate: string | null;
  status: 'active' | 'retiring' | 'retired';
  createdAt: string;
  retireAfter: string | null;
}

export interface OwnKeysDeps {
  knex: Knex;
  masterKey: Buffer;
  partyId: string;
  keyGraceDays: number;
  now?: () => Date;
}

/** How long our self-signed certificates last; rotation normally happens well before. */
const certificateYears = 3;

/**
 * Our own key pairs. One active key per algorithm signs; a replaced key turns 'retiring' and still opens
 * envelopes sealed to it until its grace period ends, because partners pick up a new certificate at their own pace.
 */
export function createOwnKeys(deps: OwnKeysDeps) {
  const now = deps.now ?? (() => new Date());
  const secretKeys: SecretKeys = deriveSecretKeys(deps.masterKey, 'own private keys');
  // openpgp private keys are passphrase-encrypted by design; the passphrase is derived from the master key so
  // the armored key is useless without it, and the whole armored text is sealed at rest as well.
  const pgpPassphrase = Buffer.from(hkdfSync('sm3', deps.masterKey, Buffer.alloc(0), 'jiuzhu pgp passphrase', 32)).toString('hex');

  async function insert(key: OwnKey, privateKey: string): Promise<OwnKey> {
    await deps.knex.transaction(async (trx) => {
      await retirePrevious(trx, key.algorithm);
      await trx('own_keys').insert({
        id: key.id,
        algorithm: key.algorithm,
        fingerprint: key.fingerprint,
        public_key: key.publicKey,
        certificate: key.certificate,
        private_key_sealed: sealSecret(Buffer.from(privateKey, 'utf8'), secretKeys),
        status: 'active',
        created_at: key.createdAt,
        retire_after: null,
      });
    });
    return key;
  }

  async function retirePrevious(trx: Knex.Transaction, algorithm: KeyAlgorithm): Promise<void> {
    const retireAfter = new Date(now().getTime() + deps.keyGraceDays * 86_400_000).toISOString();
    await trx('own_keys').where({ algorithm, status: 'active' }).update({ status: 'retiring', retire_after: retireAfter });
  }

  function sm2Key(pair: Sm2KeyPair, certificatePem?: string): { key: OwnKey; privatePem: string } {
    const created = now();
    const fingerprint = sm2KeyFingerprint(pair.publicKeyHex);
    const certificate = certificatePem
      ? parseSm2Certificate(certificatePem)
      : issueSm2Certificate(
          {
            subject: { commonName: deps.partyId, organization: 'jiuzhu', country: 'CN' },
            publicKeyHex: pair.publicKeyHex,
            notBefore: new Date(created.getTime() - 3_600_000),
            notAfter: new Date(created.getTime() + certificateYears * 365 * 86_400_000),
          },
          { signer: createSm2Signer(pair) },
        );
    if (certificate.publicKey.hex !== pair.publicKeyHex) throw new Error('the certificate is for another key');
    return {
      key: {
        id: `sm2-${created.toISOString().slice(0, 10).replaceAll('-', '')}-${fingerprint.slice(0, 8)}`,
        algorithm: 'sm2',
        fingerprint,
        publicKey: sm2PublicKeyPem(pair.publicKeyHex),
        certificate: certificate.pem,
        status: 'active',
        createdAt: created.toISOString(),
        retireAfter: null,
      },
      privatePem: sm2PrivateKeyPem(pair),
    };
  }

  async function activeRow(algorithm: KeyAlgorithm) {
    const row = await deps.knex('own_keys').where({ algorithm, status: 'active' }).first();
    if (!row) throw new Error(`no active ${algorithm.toUpperCase()} key: run \`jiuzhu keys gen${algorithm === 'pgp' ? ' --algorithm pgp' : ''}\``);
    return row;
  }

  return {
    async generate(algorithm: KeyAlgorithm): Promise<OwnKey> {
      if (algorithm === 'sm2') {
        const { key, privatePem } = sm2Key(generateSm2KeyPair());
        return insert(key, privatePem);
      }
      const pair = await generatePgpKeyPair({ userId: `${deps.partyId} <${deps.partyId}@jiuzhu.invalid>`, passphrase: pgpPassphrase });
      const created = now().toISOString();
      return insert(
        { id: `pgp-${created.slice(0, 10).replaceAll('-', '')}-${pair.keyId.slice(-8).toLowerCase()}`, algorithm: 'pgp', fingerprint: pair.fingerprint, publicKey: pair.publicKeyArmored, certificate: null, status: 'active', createdAt: created, retireAfter: null },
        pair.privateKeyArmored,
      );
    },

    /** Brings an existing SM2 key pair (e.g. one a CA certified) under jiuzhu's management. */
    async importSm2(privateKeyPem: string, certificatePem?: string): Promise<OwnKey> {
      const { key, privatePem } = sm2Key(parseSm2PrivateKey(privateKeyPem), certificatePem);
      return insert(key, privatePem);
    },

    async list(): Promise<OwnKey[]> {
      const rows = await deps.knex('own_keys').orderBy('created_at');
      return rows.map((r) => ({
        id: r.id, algorithm: r.algorithm, fingerprint: r.fingerprint, publicKey: r.public_key, certificate: r.certificate,
        status: r.status === 'retiring' && r.retire_after && r.retire_after <= now().toISOString() ? 'retired' : r.status,
        createdAt: r.created_at, retireAfter: r.retire_after,
      }));
    },

    async privateKey(id: string): Promise<string> {
      const row = await deps.knex('own_keys').where({ id }).first('private_key_sealed');
      if (!row) throw new Error(`no key ${id}`);
      return openSecret(row.private_key_sealed, secretKeys).toString('utf8');
    },

    /** The identity that signs what we seal: the active SM2 key and its certificate. */
    async sender(): Promise<EnvelopeSender> {
      const row = await activeRow('sm2');
      const pair = parseSm2PrivateKey(openSecret(row.private_key_sealed, secretKeys).toString('utf8'));
      return { id: deps.partyId, signer: createSm2Signer(pair), certificate: parseSm2Certificate(row.certificate) };
    },

    /** Every SM2 key an incoming envelope may be sealed to: the active one and those still in grace. */
    async recipientKeys(): Promise<RecipientKey[]> {
      const rows = await deps.knex('own_keys')
        .where('algorithm', 'sm2')
        .where((q) => q.where('status', 'active').orWhere((r) => r.where('status', 'retiring').where('retire_after', '>', now().toISOString())));
      return rows.map((row) => {
        const keyPair = parseSm2PrivateKey(openSecret(row.private_key_sealed, secretKeys).toString('utf8'));
        const certificate = parseSm2Certificate(row.certificate);
        return { keyPair, publicKey: prepareSm2PublicKey(keyPair.publicKeyHex), certificate };
      });
    },

    async pgpSigningKey(): Promise<{ privateKeyArmored: string; passphrase: string }> {
      const row = await activeRow('pgp');
      return { privateKeyArmored: openSecret(row.private_key_sealed, secretKeys).toString('utf8'), passphrase: pgpPassphrase };
    },

    async pgpDecryptionKeys(): Promise<{ privateKeyArmored: string; passphrase: string }[]> {
      const rows = await deps.knex('own_keys')
        .where('algorithm', 'pgp')
        .where((q) => q.where('status', 'active').orWhere((r) => r.where('status', 'retiring').where('retire_after', '>', now().toISOString())));
      return rows.map((row) => ({ privateKeyArmored: openSecret(row.private_key_sealed, secretKeys).toString('utf8'), passphrase: pgpPassphrase }));
    },
  };
}

export type OwnKeys = ReturnType<typeof createOwnKeys>;
