import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeConfigFrom } from '../../gateway/config.js';
import { sealEnvelopeBuffer, type EnvelopeSender } from '../../gateway/crypto/envelope.js';
import { EnvelopeError } from '../../gateway/crypto/envelope-errors.js';
import { createSm2Signer } from '../../gateway/crypto/sm2.js';
import { issueSm2Certificate } from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { bufferSource } from '../../gateway/crypto/byte-source.js';
import { createExchange, type Exchange } from '../../gateway/keystore/exchange.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const day = 86_400_000;

function certifiedParty(name: string, from: Date, days = 365, issuer?: { signer: ReturnType<typeof createSm2Signer>; certificate: ReturnType<typeof issueSm2Certificate> }, isCa = false) {
  const signer = createSm2Signer(generateSm2KeyPair());
  const certificate = issueSm2Certificate(
    { subject: { commonName: name, country: 'CN' }, publicKeyHex: signer.publicKey.hex, notBefore: from, notAfter: new Date(from.getTime() + days * day), isCa },
    issuer ?? { signer },
  );
  return { signer, certificate };
}

describe.each(dialects)('the keystore and partner registry on %s', (dialect) => {
  let store: TestStore;
  let clock: Date;
  let exchange: Exchange;
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    clock = new Date();
    exchange = createExchange({ knex: store.knex, config: { ...exchangeConfigFrom({ JIUZHU_PARTY_ID: 'county' }), keyGraceDays: 30 }, masterKey, now: () => clock });
  });
  afterAll(async () => store.dispose());

  async function openFrom(sender: EnvelopeSender): Promise<string> {
    const us = await exchange.ownKeys.sender();
    const envelope = await sealEnvelopeBuffer(Buffer.from(`from ${sender.id}`), { sender, recipient: { id: 'county', publicKey: us.signer.publicKey, certificate: us.certificate }, signingTime: clock });
    const parts: Buffer[] = [];
    await exchange.open(bufferSource(envelope), (chunk) => void parts.push(Buffer.from(chunk)));
    return Buffer.concat(parts).toString();
  }

  it('keeps private keys sealed at rest, readable only with the master key', async () => {
    const key = await exchange.ownKeys.generate('sm2');
    const row = await store.knex('own_keys').where({ id: key.id }).first();
    expect(row.private_key_sealed).toMatch(/^v1:/);
    expect(row.private_key_sealed).not.toContain('PRIVATE KEY');
    expect(await exchange.ownKeys.privateKey(key.id)).toContain('BEGIN PRIVATE KEY');
    const stolen = createExchange({ knex: store.knex, config: exchangeConfigFrom({ JIUZHU_PARTY_ID: 'county' }), masterKey: randomBytes(32) });
    await expect(stolen.ownKeys.privateKey(key.id)).rejects.toThrow(/fails its MAC/);
  });

  it('signs with the newest key, opens envelopes sealed to the old one during the grace period, and not after', async () => {
    const province = certifiedParty('province', new Date(clock.getTime() - day));
    await exchange.partners.add({ id: 'province', allowedSources: ['*'] }, { certificate: province.certificate.pem });
    const old = await exchange.ownKeys.sender();
    const sealToOld = () => sealEnvelopeBuffer(Buffer.from('to the old key'), {
      sender: { id: 'province', ...province },
      recipient: { id: 'county', publicKey: old.signer.publicKey, certificate: old.certificate },
      signingTime: clock,
    });
    const early = await sealToOld();
    await exchange.ownKeys.generate('sm2');
    expect((await exchange.ownKeys.sender()).signer.publicKey.hex).not.toBe(old.signer.publicKey.hex);
    const statuses = (await exchange.ownKeys.list()).filter((k) => k.algorithm === 'sm2').map((k) => k.status);
    expect(statuses.filter((s) => s === 'active')).toHaveLength(1);

    const parts: Buffer[] = [];
    await exchange.open(bufferSource(early), (chunk) => void parts.push(Buffer.from(chunk)));
    expect(Buffer.concat(parts).toString()).toBe('to the old key');

    clock = new Date(clock.getTime() + 31 * day);
    const late = await sealToOld();
    await expect(exchange.open(bufferSource(late), () => undefined)).rejects.toMatchObject({ refusal: 'wrong-recipient' });
  });

  it('accepts a partner’s old key for the grace period after it registers a new one', async () => {
    const first = certifiedParty('bank', new Date(clock.getTime() - day));
    await exchange.partners.add({ id: 'bank', allowedSources: ['*'] }, { certificate: first.certificate.pem });
    expect(await openFrom({ id: 'bank', ...first })).toBe('from bank');
    const second = certifiedParty('bank', new Date(clock.getTime() - day));
    const partner = await exchange.partners.add({ id: 'bank' }, { certificate: second.certificate.pem });
    expect(partner.keys.map((k) => k.status)).toEqual(['retiring', 'active']);
    expect(await openFrom({ id: 'bank', ...first })).toBe('from bank');
    expect(await openFrom({ id: 'bank', ...second })).toBe('from bank');
    clock = new Date(clock.getTime() + 31 * day);
    await expect(openFrom({ id: 'bank', ...first })).rejects.toMatchObject({ refusal: 'bad-signature' });
    expect(await openFrom({ id: 'bank', ...second })).toBe('from bank');
  });

  it('checks partner certificates before trusting them: dates, and a signature by the given CA', async () => {
    const expired = certifiedParty('expired', new Date(clock.getTime() - 400 * day), 30);
    await expect(exchange.partners.add({ id: 'expired' }, { certificate: expired.certificate.pem })).rejects.toThrow(/expired/);

    const ca = certifiedParty('测试 SM2 CA', new Date(clock.getTime() - day), 3650, undefined, true);
    const leaf = certifiedParty('jinmin', new Date(clock.getTime() - day), 365, ca);
    await expect(exchange.partners.add({ id: 'jinmin' }, { certificate: leaf.certificate.pem })).rejects.toThrow(/give its issuing CA/);
    const otherCa = certifiedParty('other CA', new Date(clock.getTime() - day), 3650, undefined, true);
    await expect(exchange.partners.add({ id: 'jinmin' }, { certificate: leaf.certificate.pem, issuerCertificate: otherCa.certificate.pem })).rejects.toThrow();
    const added = await exchange.partners.add({ id: 'jinmin', allowedSources: ['jinmin-roster'] }, { certificate: leaf.certificate.pem, issuerCertificate: ca.certificate.pem });
    expect(added.keys[0]).toMatchObject({ algorithm: 'sm2', status: 'active', subject: 'C=CN, CN=jinmin' });
    expect(await openFrom({ id: 'jinmin', ...leaf })).toBe('from jinmin');
  });

  it('refuses an envelope signed outside the clock-skew window either way', async () => {
    const clockParty = certifiedParty('clock', new Date(clock.getTime() - day));
    await exchange.partners.add({ id: 'clock', allowedSources: ['*'] }, { certificate: clockParty.certificate.pem });
    const us = await exchange.ownKeys.sender();
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const envelope = await sealEnvelopeBuffer(Buffer.from('x'), {
        sender: { id: 'clock', ...clockParty },
        recipient: { id: 'county', publicKey: us.signer.publicKey, certificate: us.certificate },
        signingTime: new Date(clock.getTime() + offset),
      });
      const refusal = await exchange.open(bufferSource(envelope), () => undefined).catch((e: EnvelopeError) => e.refusal);
      expect(refusal).toBe('stale');
    }
  });
});
