import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { activeSigningKey } from '../../gateway/audit/checkpoint-keys.js';
import { generatePgpKeyPair, pgpDecryptAndVerify, type PgpKeyPair } from '../../gateway/crypto/pgp.js';
import { createDeliveryQueue, type OutgoingDelivery } from '../../gateway/deliveries/delivery-queue.js';
import { createResealer } from '../../gateway/deliveries/reseal.js';
import { bankFileOfRoll, bankFileDeliveryKind, payerNameOf, queueBankFile } from '../../gateway/payroll/bank-payments.js';
import { findBankFileLayout } from '../../gateway/payroll/bank-file-layouts.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { closeRoll, submitTownshipRoll } from '../../gateway/payroll/payroll-months.js';
import { upsertBankAccount } from '../../gateway/store/repositories/bank-accounts.js';
import { findClosedRoll } from '../../gateway/store/repositories/payroll-rolls.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

const county = '640121';
const month = '2024-09';
const actor = commandLineActor('test');

describe.each(dialects)('the bank file through the delivery queue on %s', (dialect) => {
  let t: TestApp;
  let bank: PgpKeyPair;
  let ours: string;

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    const village = (await t.store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    await addHousehold(t.store.knex, village, [{ idNumber: idNumber(county, '1960-01-01', 1), name: '马德福', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    const head = (await t.store.knex('persons').first('id')).id;
    await t.store.knex.transaction((trx) => upsertBankAccount(trx, head, { bankName: '宁夏黄河农村商业银行', accountNumber: '6231940012345678901', accountName: '马德福' }));
    const book = loadBenefitStandards();
    await submitTownshipRoll(t.store.knex, actor, book, month, village.slice(0, 9), new Date());
    await closeRoll(t.store.knex, actor, book, county, month, await activeSigningKey(t.exchange.ownKeys, t.store.knex)(), new Date());
    await t.exchange.ownKeys.generate('pgp');
    ours = (await t.exchange.ownKeys.list()).find((k) => k.algorithm === 'pgp')!.publicKey;
    bank = await generatePgpKeyPair({ userId: '黄河农村商业银行 代发 <daifa@bank.example>', passphrase: 'bank' });
    await t.exchange.partners.add({ id: 'yellow-river-bank', name: '黄河农商银行', endpointUrl: 'https://bank.example/daifa' }, { pgpPublicKey: bank.publicKeyArmored });
  }, 60_000);
  afterAll(async () => t.close());

  it('queues the file sealed to ourselves, and seals it for the bank with OpenPGP at each attempt', async () => {
    const sent: OutgoingDelivery[] = [];
    const queue = createDeliveryQueue({
      knex: t.store.knex, dialect, preparePayload: createResealer(t.exchange),
      transport: { send: async (delivery) => { sent.push(delivery); return { receipt: 'ok' }; } },
    });
    const roll = (await findClosedRoll(t.store.knex, county, month))!;
    const layout = findBankFileLayout('example-fixed-gbk');
    const queued = await queueBankFile({ knex: t.store.knex, exchange: t.exchange, queue }, actor, roll, layout, 'yellow-river-bank');
    expect(queued).toMatchObject({ count: 1, totalFen: 13_000 });
    const stored = await t.store.knex('deliveries').where('id', queued.deliveryId).first('kind', 'period', 'payload');
    expect(stored).toMatchObject({ kind: bankFileDeliveryKind, period: month });
    // Nothing of the file is in clear in the queue.
    expect(Buffer.from(stored.payload).includes(Buffer.from('6231940012345678901'))).toBe(false);

    await queue.runDue();
    expect(sent).toHaveLength(1);
    const opened = await pgpDecryptAndVerify({ message: sent[0]!.payload, decryptionPrivateKeyArmored: bank.privateKeyArmored, passphrase: 'bank', senderPublicKeysArmored: [ours] });
    const expected = await bankFileOfRoll(t.store.knex, roll, layout, await payerNameOf(t.store.knex, county));
    expect(Buffer.from(opened.content).equals(expected.bytes)).toBe(true);
  });

  it('refuses an unknown partner before queueing anything', async () => {
    const queue = createDeliveryQueue({ knex: t.store.knex, dialect, transport: { send: async () => ({ receipt: '' }) } });
    const roll = (await findClosedRoll(t.store.knex, county, month))!;
    const before = await t.store.knex('deliveries').count({ n: '*' }).first();
    await expect(queueBankFile({ knex: t.store.knex, exchange: t.exchange, queue }, actor, roll, findBankFileLayout('example-delimited'), 'nobody')).rejects.toMatchObject({ code: 'unknown-partner' });
    expect(await t.store.knex('deliveries').count({ n: '*' }).first()).toEqual(before);
  });
});
