import type { Knex } from 'knex';
import type { EnvelopeRecipient } from '../crypto/envelope.js';
import { readPgpPublicKey } from '../crypto/pgp.js';
import { prepareSm2PublicKey, type Sm2PublicKey } from '../crypto/sm2.js';
import { assertCertificateValid, parseSm2Certificate, verifySm2CertificateChain, verifySm2CertificateSignature } from '../crypto/sm2-certificate.js';
import { parseSm2PublicKey, sm2KeyFingerprint } from '../crypto/sm2-keys.js';

export type EnvelopeFormat = 'gmt0010' | 'pgp';

export interface Partner {
  id: string;
  name: string;
  envelopeFormat: EnvelopeFormat;
  /** Feed sources (URL ids) this partner may upload to; '*' for any. */
  allowedSources: string[];
  /** Where outgoing deliveries to this partner are POSTed; null when we only receive from it. */
  endpointUrl: string | null;
  keys: PartnerKey[];
}

export interface PartnerKey {
  algorithm: 'sm2' | 'pgp';
  fingerprint: string;
  subject: string | null;
  notAfter: string | null;
  status: 'active' | 'retiring' | 'retired';
  retireAfter: string | null;
}

export interface PartnerKeyInput {
  /** SM2: an SPKI PEM or 04‖X‖Y hex. */
  sm2PublicKey?: string;
  /** SM2: the partner's certificate (PEM); checked for dates and signature before it is trusted. */
  certificate?: string;
  /** The CA that issued `certificate`, when it is not self-signed. */
  issuerCertificate?: string;
  /** PGP: an armored public key. */
  pgpPublicKey?: string;
}

export interface PartnersDeps {
  knex: Knex;
  keyGraceDays: number;
  now?: () => Date;
}

/**
 * The partner registry: who may send us envelopes for which feed, with which keys. Trust comes from here
 * only — a certificate inside an envelope is never trusted by itself. Adding a key to a partner that has one
 * rotates it: the old key keeps verifying until its grace period ends.
 */
export function createPartners(deps: PartnersDeps) {
  const now = deps.now ?? (() => new Date());
  const prepared = new Map<string, Sm2PublicKey>();

  async function partnerRow(id: string) {
    const row = await deps.knex('partners').where({ id }).first();
    if (!row) throw new Error(`no partner "${id}" (add it with \`jiuzhu partners add ${id} …\`)`);
    return row;
  }

  function liveKeys(query: Knex.QueryBuilder, at: Date): Knex.QueryBuilder {
    const iso = at.toISOString();
    return query
      .where((q) => q.where('status', 'active').orWhere((r) => r.where('status', 'retiring').where('retire_after', '>', iso)))
      .where((q) => q.whereNull('not_after').orWhere('not_after', '>', iso));
  }

  return {
    async add(partner: { id: string; name?: string; envelopeFormat?: EnvelopeFormat; allowedSources?: string[]; endpointUrl?: string }, key: PartnerKeyInput): Promise<Partner> {
      if (partner.endpointUrl !== undefined) assertEndpointUrl(partner.endpointUrl);
      const checked = await checkKey(key, now());
      await deps.knex.transaction(async (trx) => {
        const existing = await trx('partners').where({ id: partner.id }).first();
        if (!existing) {
          await trx('partners').insert({
            id: partner.id,
            name: partner.name ?? partner.id,
            envelope_format: partner.envelopeFormat ?? (checked.algorithm === 'pgp' ? 'pgp' : 'gmt0010'),
            allowed_sources: JSON.stringify(partner.allowedSources ?? []),
            endpoint_url: partner.endpointUrl ?? null,
            created_at: now().toISOString(),
          });
        } else {
          const changes: Record<string, string> = {};
          if (partner.name) changes.name = partner.name;
          if (partner.envelopeFormat) changes.envelope_format = partner.envelopeFormat;
          if (partner.allowedSources) changes.allowed_sources = JSON.stringify(partner.allowedSources);
          if (partner.endpointUrl) changes.endpoint_url = partner.endpointUrl;
          if (Object.keys(changes).length > 0) await trx('partners').where({ id: partner.id }).update(changes);
        }
        const duplicate = await trx('partner_keys').where({ partner_id: partner.id, fingerprint: checked.fingerprint }).first('id');
        if (duplicate) return;
        const retireAfter = new Date(now().getTime() + deps.keyGraceDays * 86_400_000).toISOString();
        await trx('partner_keys').where({ partner_id: partner.id, algorithm: checked.algorithm, status: 'active' }).update({ status: 'retiring', retire_after: retireAfter });
        await trx('partner_keys').insert({
          partner_id: partner.id,
          algorithm: checked.algorithm,
          fingerprint: checked.fingerprint,
          public_key: checked.publicKey,
          certificate: checked.certificate,
          not_after: checked.notAfter,
          status: 'active',
          added_at: now().toISOString(),
          retire_after: null,
        });
      });
      return this.get(partner.id);
    },

    async get(id: string): Promise<Partner> {
      const row = await partnerRow(id);
      const keys = await deps.knex('partner_keys').where({ partner_id: id }).orderBy('id');
      const at = now().toISOString();
      return {
        id: row.id,
        name: row.name,
        envelopeFormat: row.envelope_format,
        allowedSources: JSON.parse(row.allowed_sources),
        endpointUrl: row.endpoint_url ?? null,
        keys: keys.map((k) => ({
          algorithm: k.algorithm,
          fingerprint: k.fingerprint,
          subject: k.certificate ? parseSm2Certificate(k.certificate).subject : null,
          notAfter: k.not_after,
          status: k.status === 'retiring' && k.retire_after <= at ? 'retired' : k.status,
          retireAfter: k.retire_after,
        })),
      };
    },

    async list(): Promise<Partner[]> {
      const ids = await deps.knex('partners').orderBy('id').pluck('id');
      return Promise.all(ids.map((id: string) => this.get(id)));
    },

    async mayUpload(partnerId: string, source: string): Promise<boolean> {
      const row = await deps.knex('partners').where({ id: partnerId }).first('allowed_sources');
      if (!row) return false;
      const allowed: string[] = JSON.parse(row.allowed_sources);
      return allowed.includes('*') || allowed.includes(source);
    },

    /** The partner's SM2 keys that verify signatures at `at`: active, or retiring within grace, and certificates not expired. */
    async sm2VerificationKeys(partnerId: string, at: Date = now()): Promise<Sm2PublicKey[]> {
      const rows = await liveKeys(deps.knex('partner_keys').where({ partner_id: partnerId, algorithm: 'sm2' }), at);
      return rows.map((row: { public_key: string }) => {
        let key = prepared.get(row.public_key);
        if (!key) {
          key = prepareSm2PublicKey(row.public_key);
          prepared.set(row.public_key, key);
        }
        return key;
      });
    },

    /** The certificates registered with the partner's live SM2 keys (DER): what a certificate in its envelopes must be. */
    async sm2Certificates(partnerId: string, at: Date = now()): Promise<Buffer[]> {
      const rows = await liveKeys(deps.knex('partner_keys').where({ partner_id: partnerId, algorithm: 'sm2' }).whereNotNull('certificate'), at);
      return rows.map((row: { certificate: string }) => parseSm2Certificate(row.certificate).der);
    },

    /** Whom to seal for: the partner's newest active SM2 key, named by its certificate when it has one. */
    async sm2Recipient(partnerId: string): Promise<EnvelopeRecipient> {
      await partnerRow(partnerId);
      const row = await liveKeys(deps.knex('partner_keys').where({ partner_id: partnerId, algorithm: 'sm2', status: 'active' }), now()).orderBy('id', 'desc').first();
      if (!row) throw new Error(`partner "${partnerId}" has no active SM2 key`);
      const certificate = row.certificate ? parseSm2Certificate(row.certificate) : undefined;
      return { id: partnerId, publicKey: prepareSm2PublicKey(row.public_key), certificate };
    },

    async pgpKeys(partnerId: string, at: Date = now()): Promise<string[]> {
      return liveKeys(deps.knex('partner_keys').where({ partner_id: partnerId, algorithm: 'pgp' }), at).orderBy('id', 'desc').pluck('public_key');
    },
  };
}

export type Partners = ReturnType<typeof createPartners>;

/** Deliveries carry personal data: only http(s), and no credentials in the URL where logs would show them. */
function assertEndpointUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`endpoint "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`endpoint must be http(s), not ${url.protocol}`);
  if (url.username || url.password) throw new Error('endpoint URLs must not carry credentials');
}

interface CheckedKey {
  algorithm: 'sm2' | 'pgp';
  fingerprint: string;
  publicKey: string;
  certificate: string | null;
  notAfter: string | null;
}

/**
 * A key is trusted only after it checks out: certificates must be SM2, within their dates and signed — by
 * the given CA, or by themselves when self-signed. Node's X509Certificate.verify() cannot check SM2
 * signatures (it uses an empty user ID), so the SM2 library does (research/crypto-facts.md §1.3).
 */
async function checkKey(key: PartnerKeyInput, at: Date): Promise<CheckedKey> {
  const given = [key.sm2PublicKey, key.certificate, key.pgpPublicKey].filter((k) => k !== undefined).length;
  if (given !== 1) throw new Error('give exactly one of an SM2 public key, an SM2 certificate or a PGP public key');
  if (key.pgpPublicKey) {
    const info = await readPgpPublicKey(key.pgpPublicKey);
    return { algorithm: 'pgp', fingerprint: info.fingerprint, publicKey: key.pgpPublicKey, certificate: null, notAfter: info.expiresAt };
  }
  if (key.certificate) {
    const certificate = parseSm2Certificate(key.certificate);
    assertCertificateValid(certificate, at);
    if (key.issuerCertificate) {
      verifySm2CertificateChain(certificate, [parseSm2Certificate(key.issuerCertificate)], at);
    } else if (!certificate.issuerDer.equals(certificate.subjectDer) || !verifySm2CertificateSignature(certificate, certificate.publicKey)) {
      throw new Error(`certificate "${certificate.subject}" is not self-signed: give its issuing CA's certificate too`);
    }
    return { algorithm: 'sm2', fingerprint: sm2KeyFingerprint(certificate.publicKey.hex), publicKey: certificate.publicKey.hex, certificate: certificate.pem, notAfter: certificate.notAfter.toISOString() };
  }
  const hex = parseSm2PublicKey(key.sm2PublicKey!);
  return { algorithm: 'sm2', fingerprint: sm2KeyFingerprint(hex), publicKey: hex, certificate: null, notAfter: null };
}
