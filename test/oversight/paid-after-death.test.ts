import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor, type Actor } from '../../gateway/access/actor.js';
import { createSm2Signer } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { closeRoll, submitTownshipRoll, summariseRoll } from '../../gateway/payroll/payroll-months.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber } from '../helpers/monitoring.js';

const book = loadBenefitStandards();
const county = '640121';
const signingKey = { id: 'test-sm2', signer: createSm2Signer(generateSm2KeyPair()) };
const auditor: Actor = { keyId: null, role: 'auditor', regionCode: county, label: 'test auditor' };
const admin: Actor = { keyId: null, role: 'admin', regionCode: county, label: 'test admin' };
const alone = idNumber(county, '1940-01-01', 31);
const husband = idNumber(county, '1945-01-01', 33);
const wife = idNumber(county, '1948-01-01', 34);

async function submitAndClose(knex: Knex, month: string): Promise<void> {
  const actor = commandLineActor('test');
  const summary = await summariseRoll(knex, book, county, month);
  for (const township of summary.byTownship) await submitTownshipRoll(knex, actor, book, month, township.code, new Date());
  await closeRoll(knex, actor, book, county, month, signingKey, new Date(`${month}-28T08:00:00Z`));
}

function csvRows(bytes: Buffer): string[][] {
  return bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(','));
}

async function report(knex: Knex, actor: Actor, period: string): Promise<string[][]> {
  return csvRows((await produceReport(knex, actor, { template: 'compliance-paid-after-death', period, format: 'csv', now: new Date('2024-10-02T02:00:00Z') })).bytes);
}

describe.each(dialects)('paid after death on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    await addHousehold(store.knex, village, [{ idNumber: alone, name: '独居甲', enrolment: { category: '120', startDate: '2024-01-01' } }]);
    await addHousehold(store.knex, village, [
      { idNumber: husband, name: '夫乙', enrolment: { category: '120', startDate: '2024-01-01' } },
      { idNumber: wife, name: '妻丙', enrolment: { category: '120', startDate: '2024-01-01' } },
    ]);
    await submitAndClose(store.knex, '2024-07');
    await submitAndClose(store.knex, '2024-08');
  });
  afterAll(async () => store.dispose());

  it('lists nothing while no death is reported', async () => {
    expect((await report(store.knex, auditor, '2024-08')).some((r) => r.includes('独居甲'))).toBe(false);
  });

  it('finds deaths reported after the rolls closed: the whole lines to recover for a household left with nobody, a recomputation for one with a survivor', async () => {
    await addFacts(store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: alone, occurredOn: '2024-06-20', attributes: {} }]);
    await addFacts(store.knex, 'funeral', [{ kind: 'person-cremation', idNumber: husband, occurredOn: '2024-07-03', attributes: {} }]);
    const rows = await report(store.knex, auditor, '2024-08');
    const aloneRow = rows.find((r) => r.includes('独居甲'))!;
    // Stops from the month after the death (640121's example rule): July and August were paid after a June death.
    expect(aloneRow.join('|')).toContain('2024-07、2024-08');
    expect(aloneRow).toContain(alone);
    expect(aloneRow).toContain('未追回');
    const paid = Number(aloneRow[aloneRow.indexOf('未追回') - 2]);
    const recover = Number(aloneRow[aloneRow.indexOf('未追回') - 1]);
    expect(paid).toBeGreaterThan(0);
    expect(recover).toBe(paid);
    const husbandRow = rows.find((r) => r.includes('夫乙'))!;
    expect(husbandRow).toContain('2024-08');
    expect(husbandRow.join('|')).not.toContain('2024-07、');
    expect(husbandRow).toContain('未追回：户内仍有在世成员，需重算');
    expect(rows.some((r) => r.includes('妻丙'))).toBe(false);
  });

  it('masks the ID number for a role that does not see it in full, and audits the reading', async () => {
    const rows = await report(store.knex, admin, '2024-08');
    const row = rows.find((r) => r.includes('独居甲'))!;
    expect(row).not.toContain(alone);
    expect(row.join('|')).toContain('********');
    const audited = await store.knex('audit_log').where({ action: 'report.export', resource_id: 'compliance-paid-after-death' }).count({ n: '*' }).first();
    expect(Number(audited!.n)).toBeGreaterThanOrEqual(3);
  });

  it('shows the 追回 a later roll carries for the months paid', async () => {
    await submitAndClose(store.knex, '2024-09');
    const row = (await report(store.knex, auditor, '2024-09')).find((r) => r.includes('独居甲'))!;
    expect(row.join('|')).toMatch(/已有追回\d+\.\d\d元/);
  });
});
