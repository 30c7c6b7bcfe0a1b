import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { createSm2Signer } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair, sm2KeyFingerprint, sm2PublicKeyPem } from '../../gateway/crypto/sm2-keys.js';
import { checkRollIntegrity } from '../../gateway/oversight/roll-integrity.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { closeRoll, submitTownshipRoll, summariseRoll } from '../../gateway/payroll/payroll-months.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { findClosedRoll } from '../../gateway/store/repositories/payroll-rolls.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';

const book = loadBenefitStandards();
const county = '640121';
const keyPair = generateSm2KeyPair();
const signingKey = { id: 'test-sm2', signer: createSm2Signer(keyPair) };
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };

async function submitAndClose(knex: Knex, month: string): Promise<void> {
  const actor = commandLineActor('test');
  const summary = await summariseRoll(knex, book, county, month);
  for (const township of summary.byTownship) await submitTownshipRoll(knex, actor, book, month, township.code, new Date());
  await closeRoll(knex, actor, book, county, month, signingKey, new Date(`${month}-28T08:00:00Z`));
}

/** What an attacker with database access does: switch the guard off (PostgreSQL) or drop it (SQLite), write, and hide. */
async function writeAroundTrigger(knex: Knex, table: string, write: () => Promise<unknown>): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_immutable_update`);
    await write();
    await knex.raw(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_immutable_update`);
  } else {
    const { sql } = await knex('sqlite_master').where({ type: 'trigger', name: `${table}_immutable_update` }).first('sql');
    await knex.raw(`DROP TRIGGER ${table}_immutable_update`);
    await write();
    await knex.raw(sql);
  }
}

function csvRows(bytes: Buffer): string[][] {
  return bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(','));
}

describe.each(dialects)('closed-roll integrity on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    await addHousehold(store.knex, village, [{ idNumber: idNumber(county, '1950-03-05', 1), name: '马德福', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    await store.knex('own_keys').insert({
      id: signingKey.id, algorithm: 'sm2', fingerprint: sm2KeyFingerprint(keyPair.publicKeyHex), public_key: sm2PublicKeyPem(keyPair.publicKeyHex),
      certificate: null, private_key_sealed: 'not used here', status: 'active', created_at: new Date('2024-01-01T00:00:00Z'), retire_after: null,
    });
    await submitAndClose(store.knex, '2024-08');
    await submitAndClose(store.knex, '2024-09');
  });
  afterAll(async () => store.dispose());

  it('reports untouched closed rolls as intact, with the signing key\'s fingerprint', async () => {
    const rows = csvRows((await produceReport(store.knex, auditor, { template: 'compliance-closed-roll-integrity', period: '2024-09', format: 'csv', now: new Date('2024-10-02T02:00:00Z') })).bytes);
    const months = rows.filter((r) => r.includes('2024-08') || r.includes('2024-09'));
    expect(months).toHaveLength(2);
    for (const row of months) expect(row).toContain('一致');
    expect(rows.flat()).toContain(sm2KeyFingerprint(keyPair.publicKeyHex));
  });

  it('finds a line changed around the immutability trigger, and then a digest rewritten to match, but leaves the other roll intact', async () => {
    const august = (await findClosedRoll(store.knex, county, '2024-08'))!;
    await writeAroundTrigger(store.knex, 'payroll_lines', () => store.knex('payroll_lines').where({ roll_id: august.id }).update({ total_fen: 999_900, basic_fen: 999_900 }));
    await expect(store.knex('payroll_lines').where({ roll_id: august.id }).update({ total_fen: 1 })).rejects.toThrow(/cannot be changed/);
    const changed = await checkRollIntegrity(store.knex, august);
    expect(changed.status).toBe('digest-mismatch');
    expect(changed.recomputedSm3).not.toBe(august.documentSm3);

    await writeAroundTrigger(store.knex, 'payroll_rolls', () => store.knex('payroll_rolls').where({ id: august.id }).update({ document_sm3: changed.recomputedSm3 }));
    const rewritten = await checkRollIntegrity(store.knex, (await findClosedRoll(store.knex, county, '2024-08'))!);
    expect(rewritten.status).toBe('signature-invalid');

    const rows = csvRows((await produceReport(store.knex, auditor, { template: 'compliance-closed-roll-integrity', period: '2024-09', format: 'csv', now: new Date('2024-10-02T02:00:00Z') })).bytes);
    expect(rows.find((r) => r.includes('2024-08'))).toContain('不一致：签名验证失败');
    expect(rows.find((r) => r.includes('2024-09'))).toContain('一致');
    const audited = await store.knex('audit_log').where({ action: 'report.export', resource_id: 'compliance-closed-roll-integrity' }).count({ n: '*' }).first();
    expect(Number(audited!.n)).toBeGreaterThan(0);
  });
});
