import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEnvelopeBuffer, type SealOptions } from '../../gateway/crypto/envelope.js';
import { createSm2Signer, prepareSm2PublicKey } from '../../gateway/crypto/sm2.js';
import { issueSm2Certificate } from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { sm3Hex } from '../../gateway/crypto/sm3.js';
import { buildTestApp, testPartyId, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { rejectsOfBatch } from '../../gateway/store/repositories/batch-rejects.js';
import { addHousehold, idNumber, keyOf, personIdOf } from '../helpers/monitoring.js';

/** A 医保 settlement file as the bureau sends it: one settlement per person and a row Excel broke. */
function yibaoCsv(rows: [name: string, idNumber: string, selfPaid: string][]): Buffer {
  const header = '序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n';
  return Buffer.from(header + rows.map(([name, id, paid], i) => `${i + 1},${name},${id},住院,2024-05-06,"30,000.00","${paid}"`).join('\n') + '\n');
}

const settlement = yibaoCsv([['马秀兰', '11010519491231002X', '23,456.78'], ['李四', '1.10105E+17', '100.00']]);

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

  it('imports a valid envelope’s file as a batch of facts and rejects, and the same content again as the same batch', async () => {
    const response = await upload(await sealFromProvince(settlement));
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ source: 'yibao', sender: 'nx-mzt', accepted: 1, rejected: 1, skipped: 0, duplicate: false });
    expect(await t.store.knex('batches').where('id', body.batchId).first()).toMatchObject({ source: 'yibao', status: 'applied', sm3: sm3Hex(settlement), accepted: 1, rejected: 1 });
    const fact = await t.store.knex('facts').where('batch_id', body.batchId).first();
    expect(fact).toMatchObject({
      kind: 'medical-settlement', subject_key: keyOf(t.store.knex, '11010519491231002X'), subject_region: '110105', subject_birth_date: '1949-12-31', subject_sex: '2',
      amount_fen: 2_345_678, occurred_on: '2024-05-06', location: 'line 2',
    });
    expect(await t.store.keyring.decrypt(fact.subject_cipher)).toBe('11010519491231002X');
    const [reject] = await rejectsOfBatch(t.store.knex, body.batchId);
    expect(reject!.location).toBe('line 3');
    expect(reject!.reason).toMatch(/scientific notation/);
    const audit = await t.store.knex('audit_log').where({ action: 'feed.import', resource_id: String(body.batchId) }).first();
    expect(audit).toMatchObject({ outcome: 'ok', actor_role: 'integrator' });

    const resealed = await upload(await sealFromProvince(settlement));
    expect(resealed.statusCode).toBe(200);
    expect(resealed.json()).toMatchObject({ batchId: body.batchId, duplicate: true });
    expect(Number((await t.store.knex('facts').where('batch_id', body.batchId).count({ n: '*' }).first())?.n)).toBe(1);
  });

  it('imports a plain file as the raw body or a multipart upload, and a dry run writes nothing', async () => {
    const csv = yibaoCsv([['王五', '44030420000229009X', '900.00']]);
    const before = await traces();
    const dry = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches?dryRun=true', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ batchId: null, accepted: 1, rejected: 0, dryRun: true });
    expect(await traces()).toEqual(before);
    const raw = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
    expect(raw.statusCode).toBe(201);
    const boundary = 'jiuzhu-boundary';
    const other = yibaoCsv([['赵六', '640121201505060015', '120.00']]);
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="yibao-2024-06.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      other,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const multipart = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: form });
    expect(multipart.statusCode, multipart.body).toBe(201);
    expect((await t.store.knex('batches').where('id', multipart.json().batchId).first()).file_name).toBe('yibao-2024-06.csv');
  });

  it('refuses a file with no usable header whole, leaving no batch', async () => {
    const before = await traces();
    const response = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: 'a,b,c\n1,2,3\n' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'file-refused' });
    expect(response.json().detail).toMatch(/公民身份号码/);
    expect(await traces()).toEqual(before);
  });

  it('gives the rejected rows as CSV with formulas neutralised, to integrators and auditors only', async () => {
    const csv = Buffer.from('序号,姓名,公民身份号码,就诊类型,结算日期,个人自付\n1,=HYPERLINK("http://x"),110105194912310021,住院,2024-05-06,1.00\n');
    const batchId = (await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv })).json().batchId;
    const rejects = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}/rejects`, headers: await t.authAs('auditor', '640121') });
    expect(rejects.statusCode).toBe(200);
    expect(rejects.headers['content-type']).toMatch(/^text\/csv/);
    expect(rejects.body.startsWith('\uFEFF')).toBe(true);
    expect(rejects.body).toContain('line 2');
    expect(rejects.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(rejects.body).not.toMatch(/,=HYPERLINK/);
    expect(rejects.body).toContain('110105194912310021');
    const township = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}/rejects`, headers: await t.authAs('township', '640121100') });
    expect(township.statusCode).toBe(403);
    const batch = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}`, headers: await t.authAs('auditor', '640121') });
    expect(batch.json()).toMatchObject({ id: batchId, source: 'yibao', accepted: 0, rejected: 1, status: 'applied' });
    expect((await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}`, headers: await t.authAs('liaison', '640121') })).statusCode).toBe(403);
  });

  it('shows an admin the rejected rows with ID numbers masked, as its role policy says (issue 10, finding 1)', async () => {
    const csv = Buffer.from('序号,姓名,公民身份号码,就诊类型,结算日期,个人自付\n1,马秀兰,110105194912310021,住院,2024-05-06,not a number\n');
    const batchId = (await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv })).json().batchId;
    const admin = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}/rejects`, headers: await t.authAs('admin', '640121') });
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toContain('110105********0021');
    expect(admin.body).not.toContain('110105194912310021');
  });

  it('hides a county’s batches and rejected rows from another county’s keys (issue 10, finding 1)', async () => {
    const csv = Buffer.from('序号,姓名,公民身份号码,就诊类型,结算日期,个人自付\n1,马秀兰,110105194912310021,住院,2024-05-06,oops\n');
    const batchId = (await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv })).json().batchId;
    for (const role of ['integrator', 'admin', 'auditor'] as const) {
      const other = await t.authAs(role, '500114');
      const rejects = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}/rejects`, headers: other });
      const batch = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}`, headers: other });
      expect([role, rejects.statusCode, batch.statusCode]).toEqual([role, 404, 404]);
      expect(rejects.body).not.toContain('马秀兰');
    }
    const wider = await t.app.inject({ method: 'GET', url: `/v1/batches/${batchId}`, headers: await t.authAs('auditor', '640000') });
    expect(wider.statusCode).toBe(200);
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
    const envelope = await sealFromProvince(yibaoCsv([['孙七', '44030420000229009X', '88.00']]));
    expect((await upload(envelope)).statusCode).toBe(201);
    const replayed = await upload(envelope);
    expect(replayed.statusCode).toBe(409);
    expect(replayed.json().code).toBe('envelope-replayed');
    const forbidden = await upload(await sealFromProvince(settlement), 'gongan-hukou');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('envelope-forbidden-source');
  });

  it('lets a dry run of an envelope leave its nonce unspent, so the same envelope then imports (issue 10, finding 5)', async () => {
    const envelope = await sealFromProvince(yibaoCsv([['周八', '44030420000229009X', '77.00']]));
    const dry = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches?dryRun=true', headers: { ...headers, 'content-type': 'application/pkcs7-mime' }, payload: envelope });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, accepted: 1, sender: 'nx-mzt' });
    const real = await upload(envelope);
    expect(real.statusCode, real.body).toBe(201);
    expect((await upload(envelope)).json().code).toBe('envelope-replayed');
  });

  it('refuses a copy whose embedded certificate was altered, before its nonce is spent, so the genuine envelope still opens (issue 10, finding 6)', async () => {
    const envelope = await sealFromProvince(yibaoCsv([['吴九', '44030420000229009X', '66.00']]));
    const at = envelope.indexOf(province.certificate.subjectDer);
    expect(at).toBeGreaterThan(0);
    const altered = Buffer.from(envelope);
    altered[at + province.certificate.subjectDer.length - 2]! ^= 0x01;
    const refused = await upload(altered);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('envelope-tampered');
    expect((await upload(envelope)).statusCode).toBe(201);
  });

  it('refuses a copy whose SignerInfo names another certificate, and one carrying unsigned attributes', async () => {
    const envelope = await sealFromProvince(yibaoCsv([['郑十', '44030420000229009X', '55.00']]));
    const serial = province.certificate.serialNumberDer;
    const at = envelope.lastIndexOf(serial);
    const renamed = Buffer.from(envelope);
    renamed[at + serial.length - 1]! ^= 0x01;
    expect((await upload(renamed)).json().code).toBe('envelope-tampered');
    expect((await upload(envelope)).statusCode).toBe(201);
  });

  it('imports the same bytes sent to another feed as that feed’s file, not as a duplicate of the first (issue 10, finding 7)', async () => {
    const csv = yibaoCsv([['钱一', '44030420000229009X', '44.00']]);
    expect((await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv })).statusCode).toBe(201);
    const other = await t.app.inject({ method: 'POST', url: '/v1/feeds/gongan-hukou/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: csv });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('file-refused');
  });

  it('answers 400, not 500, for a multipart upload whose body ends before its closing boundary (issue 10, finding 3)', async () => {
    const form = '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n序号,姓名\r\n1,某\r\n';
    const response = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...headers, 'content-type': 'multipart/form-data; boundary=cut' }, payload: form });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation-failed', detail: 'the multipart body ends before its closing boundary' });
  });

  it('takes uploads only from integrator and admin keys, for known feeds', async () => {
    const envelope = await sealFromProvince(settlement);
    const township = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...(await t.authAs('township', '640121100')), 'content-type': 'application/pkcs7-mime' }, payload: envelope });
    expect(township.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/feeds/no-such-feed/batches', headers: { ...headers, 'content-type': 'text/csv' }, payload: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('unknown-source');
  });
});

describe.each(dialects)('feed uploads bounded by the key’s region on %s (issue 10, finding 2)', (dialect) => {
  let t: TestApp;
  const yongning = idNumber('640121', '1950-01-01', 31);
  const qianjiang = idNumber('500114', '1951-02-02', 32);
  const outsider = idNumber('110105', '1952-03-03', 33);

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await addHousehold(t.store.knex, '640121100200', [{ idNumber: yongning, name: '马永宁', enrolment: { category: '120', startDate: '2023-01-01' } }]);
    await addHousehold(t.store.knex, '500114001001', [{ idNumber: qianjiang, name: '张黔江', enrolment: { category: '120', startDate: '2023-01-01' } }]);
  });
  afterAll(async () => t.close());

  it('rejects the rows about another county’s register persons, naming why, and keeps the rest', async () => {
    const csv = yibaoCsv([['马永宁', yongning, '100.00'], ['张黔江', qianjiang, '200.00'], ['刘外来', outsider, '300.00']]);
    const response = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...(await t.authAs('integrator', '500114')), 'content-type': 'text/csv' }, payload: csv });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ accepted: 2, rejected: 1 });
    const { batchId } = response.json();
    expect(await t.store.knex('facts').where('batch_id', batchId).orderBy('id').pluck('subject_key')).toEqual([keyOf(t.store.knex, qianjiang), keyOf(t.store.knex, outsider)]);
    // Written pointing at the register person, the outsider at no one (fact-persons.ts).
    const personIds = await t.store.knex('facts').where('batch_id', batchId).orderBy('id').pluck('person_id');
    expect(personIds.map((id) => (id === null ? null : Number(id)))).toEqual([await personIdOf(t.store.knex, qianjiang), null]);
    const [reject] = await rejectsOfBatch(t.store.knex, batchId);
    expect(reject).toMatchObject({ location: 'line 2' });
    expect(reject!.reason).toMatch(/outside 500114/);
    expect((await t.store.knex('batches').where('id', batchId).first()).region_code).toBe('500114');
  });

  it('says the same in a dry run', async () => {
    const csv = yibaoCsv([['马永宁', yongning, '101.00']]);
    const dry = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches?dryRun=true', headers: { ...(await t.authAs('admin', '500114')), 'content-type': 'text/csv' }, payload: csv });
    expect(dry.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(dry.json().sampleRejects[0].reason).toMatch(/outside 500114/);
  });

  it('lets a nationwide key write about anyone', async () => {
    const csv = yibaoCsv([['马永宁', yongning, '102.00'], ['张黔江', qianjiang, '202.00']]);
    const response = await t.app.inject({ method: 'POST', url: '/v1/feeds/yibao/batches', headers: { ...(await t.authAs('integrator', '000000')), 'content-type': 'text/csv' }, payload: csv });
    expect(response.json()).toMatchObject({ accepted: 2, rejected: 0 });
    const personIds = await t.store.knex('facts').where('batch_id', response.json().batchId).orderBy('id').pluck('person_id');
    expect(personIds.map(Number)).toEqual([await personIdOf(t.store.knex, yongning), await personIdOf(t.store.knex, qianjiang)]);
  });
});
