import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEnvelopeBuffer, type SealOptions } from '../../gateway/crypto/envelope.js';
import { createSm2Signer, prepareSm2PublicKey } from '../../gateway/crypto/sm2.js';
import { issueSm2Certificate } from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { buildTestApp, testPartyId, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

function partyWithCertificate(name: string) {
  const signer = createSm2Signer(generateSm2KeyPair());
  const certificate = issueSm2Certificate(
    { subject: { commonName: name, country: 'CN' }, publicKeyHex: signer.publicKey.hex, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 365 * 86_400_000) },
    { signer },
  );
  return { signer, certificate };
}

describe.each(dialects)('enveloped feed uploads on %s', (dialect) => {
  let t: TestApp;
  let headers: Record<string, string>;
  let sealFromProvince: (content: Buffer, overrides?: Partial<SealOptions>) => Promise<Buffer>;
  const province = partyWithCertificate('nx-mzt');

  const upload = (body: Buffer, source = 'yibao', extra: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/v1/feeds/${source}/batches`, headers: { ...headers, 'content-type': 'application/pkcs7-mime', ...extra }, payload: body });

  async function traces(): Promise<{ batches: number; nonces: number }> {
    const count = async (table: string) => Number((await t.store.knex(table).count({ n: '*' }).first())?.n);
    return { batches: await count('batches'), nonces: await count('envelope_nonces') };
  }

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await t.exchange.ownKeys.generate('sm2');
    await t.exchange.partners.add({ id: 'nx-mzt', name: '宁夏回族自治区民政厅', allowedSources: ['yibao'] }, { certificate: province.certificate.pem });
    const us = await t.exchange.ownKeys.sender();
    headers = await t.authAs('integrator', '640121');
    sealFromProvince = (content, overrides = {}) =>
      sealEnvelopeBuffer(content, {
        sender: { id: 'nx-mzt', signer: province.signer, certificate: province.certificate },
        recipient: { id: testPartyId, publicKey: us.signer.publicKey, certificate: us.certificate },
        ...overrides,
      });
  });
  afterAll(async () => t.close());

  it('takes a valid envelope as a received batch keyed by the content’s SM3, and logs it', async () => {
    const content = Buffer.from('姓名,身份证号码,住院自付金额\n马秀兰,11010519491231002X,23456.78\n');
    const response = await upload(await sealFromProvince(content));
    expect(response.statusCode, response.body).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ source: 'yibao', sender: 'nx-mzt', sm3: sm3Hex(content), bytes: content.length, duplicate: false, status: 'received' });
    expect(await t.store.knex('batches').where('id', body.batchId).first()).toMatchObject({ source: 'yibao', status: 'received', sm3: sm3Hex(content) });
    const audit = await t.store.knex('audit_log').where({ action: 'feed.upload', resource_id: String(body.batchId) }).first();
    expect(audit).toMatchObject({ outcome: 'ok', actor_role: 'integrator' });
    expect(audit.detail).toContain('nx-mzt');

    const resealed = await upload(await sealFromProvince(content));
    expect(resealed.statusCode).toBe(202);
    expect(resealed.json()).toMatchObject({ batchId: body.batchId, duplicate: true });
  });

  const refusals: [string, () => Promise<Buffer>, number, string][] = [
    ['a tampered body', async () => {
      const envelope = await sealFromProvince(randomBytes(4096));
      envelope[2000]! ^= 0x40;
      return envelope;
    }, 422, 'envelope-tampered'],
    ['a stale signing time', () => sealFromProvince(Buffer.from('stale'), { signingTime: new Date(Date.now() - 10 * 60_000) }), 422, 'envelope-stale'],
    ['a sender nobody registered', async () => {
      const stranger = partyWithCertificate('stranger');
      const us = await t.exchange.ownKeys.sender();
      return sealEnvelopeBuffer(Buffer.from('x'), { sender: { id: 'stranger', ...stranger }, recipient: { id: testPartyId, publicKey: us.signer.publicKey, certificate: us.certificate } });
    }, 403, 'envelope-unknown-sender'],
    ['a registered sender signing with a key it never registered', async () => {
      const impostor = partyWithCertificate('nx-mzt');
      return sealFromProvince(Buffer.from('x'), { sender: { id: 'nx-mzt', ...impostor } });
    }, 422, 'envelope-bad-signature'],
    ['an envelope sealed for someone else', () => sealFromProvince(Buffer.from('x'), { recipient: { id: 'other-county', publicKey: prepareSm2PublicKey(generateSm2KeyPair().publicKeyHex) } }), 422, 'envelope-wrong-recipient'],
    ['an envelope for us but encrypted to a key we do not hold', () => sealFromProvince(Buffer.from('x'), { recipient: { id: testPartyId, publicKey: prepareSm2PublicKey(generateSm2KeyPair().publicKeyHex) } }), 422, 'envelope-wrong-recipient'],
    ['bytes that are no envelope', async () => randomBytes(300), 400, 'envelope-malformed'],
  ];

  it.each(refusals)('refuses %s with its own problem type, leaving only an audit line', async (_name, makeEnvelope, status, code) => {
    const envelope = await makeEnvelope();
    const before = await traces();
    const auditBefore = Number((await t.store.knex('audit_log').count({ n: '*' }).first())?.n);
    const response = await upload(envelope);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: `urn:jiuzhu:problem:${code}`, code });
    expect(await traces()).toEqual(before);
    const audit = await t.store.knex('audit_log').where('id', '>', 0).orderBy('id', 'desc').first();
    expect(Number((await t.store.knex('audit_log').count({ n: '*' }).first())?.n)).toBe(auditBefore + 1);
    expect(audit).toMatchObject({ action: 'feed.upload', outcome: status === 403 ? 'denied' : 'invalid' });
    expect(audit.detail).toContain(code.replace('envelope-', 'envelope '));
  });

  it('refuses a replayed envelope, and one for a feed the sender may not upload to', async () => {
    const envelope = await sealFromProvince(Buffer.from('replay me'));
    expect((await upload(envelope)).statusCode).toBe(202);
    const replayed = await upload(envelope);
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json().code).toBe('envelope-replayed');
    const forbidden = await upload(await sealFromProvince(Buffer.from('not yours')), 'gongan-hukou');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('envelope-forbidden-source');
  });

  it('takes uploads only from integrator and admin keys, and only as application/pkcs7-mime', async () => {
    const envelope = await sealFromProvince(Buffer.from('role check'));
    const township = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...(await t.authAs('township', '640121100')), 'content-type': 'application/pkcs7-mime' }, payload: envelope });
    expect(township.statusCode).toBe(403);
    const json = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers, payload: { envelope: 'x' } });
    expect(json.statusCode).toBe(415);
  });
});
