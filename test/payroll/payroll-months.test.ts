import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { createSm2Signer } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair, sm2PublicKeyPem } from '../../gateway/crypto/sm2-keys.js';
import { createSm3 } from '../../gateway/crypto/sm3.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { compileRoll } from '../../gateway/payroll/compile-roll.js';
import { closeRoll, submitTownshipRoll, summariseRoll, writeRollDocument } from '../../gateway/payroll/payroll-months.js';
import type { RollLine } from '../../gateway/payroll/roll-types.js';
import { findClosedRoll } from '../../gateway/store/repositories/payroll-rolls.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, personIdOf } from '../helpers/monitoring.js';

const book = loadBenefitStandards();
const county = '640121';
const actor = commandLineActor('test');
const keyPair = generateSm2KeyPair();
const signingKey = { id: 'test-sm2', signer: createSm2Signer(keyPair) };

async function linesOf(store: TestStore, month: string): Promise<RollLine[]> {
  const lines: RollLine[] = [];
  for await (const page of compileRoll(store.knex, { countyCode: county, month, book })) lines.push(...page.lines);
  return lines;
}

async function submitAndClose(store: TestStore, month: string): Promise<void> {
  const summary = await summariseRoll(store.knex, book, county, month);
  for (const township of summary.byTownship) await submitTownshipRoll(store.knex, actor, book, month, township.code, new Date());
  await closeRoll(store.knex, actor, book, county, month, signingKey, new Date(`${month}-28T08:00:00Z`));
}

async function documentOf(store: TestStore, month: string): Promise<Buffer> {
  const roll = (await findClosedRoll(store.knex, county, month))!;
  const parts: Buffer[] = [];
  await writeRollDocument(store.knex, { id: roll.id, countyCode: county, month, totals: { households: roll.households, persons: roll.persons, lines: roll.lines, totalFen: roll.totalFen, basicFen: 0, addOnFen: 0, careFen: 0 } }, (c) => void parts.push(c));
  return Buffer.concat(parts);
}

describe.each(dialects)('the monthly roll on %s', (dialect) => {
  let store: TestStore;
  let village: string;
  const head = idNumber('640121', '1950-03-05', 1);
  const spouse = idNumber('640121', '1952-06-01', 2);

  beforeAll(async () => {
    store = await openTestStore(dialect);
    village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
    // Two covered members, household income 500 元 (addHousehold's), rural 低保 from 2024.
    await addHousehold(store.knex, village, [
      { idNumber: head, name: '马德福', enrolment: { category: '120', startDate: '2024-01-01' } },
      { idNumber: spouse, name: '马秀英', enrolment: { category: '120', startDate: '2024-01-01' } },
    ]);
  });
  afterAll(async () => store.dispose());

  it('computes each household from the standards: 2 × 630 − 500 = 760 元 in 2024-08, with the 70+ add-on for the head', async () => {
    const [line] = await linesOf(store, '2024-08');
    expect(line).toMatchObject({ forMonth: '2024-08', programme: 'dibao', category: '120', personsCovered: 2, basicFen: 76_000, changeMark: null });
    // 马德福 is 74 and 马秀英 72 on 2024-08-31: 高龄 50 元 each (Yongning's example standards).
    expect(line!.addOnFen).toBe(10_000);
    expect(line!.totalFen).toBe(86_000);
  });

  it('closes the month: immutable lines, a byte-identical document whose SM3 and SM2 signature openssl verifies', async () => {
    await submitAndClose(store, '2024-08');
    const roll = (await findClosedRoll(store.knex, county, '2024-08'))!;
    expect(roll).toMatchObject({ households: 1, persons: 2, lines: 1, totalFen: 86_000 });
    const first = await documentOf(store, '2024-08');
    const second = await documentOf(store, '2024-08');
    expect(second.equals(first)).toBe(true);
    expect(createSm3().update(first).digest('hex')).toBe(roll.documentSm3);
    expect(first.toString('utf8')).toContain(head);

    const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-roll-'));
    writeFileSync(join(dir, 'roll.csv'), first);
    writeFileSync(join(dir, 'roll.sig'), Buffer.from(roll.signature, 'base64'));
    writeFileSync(join(dir, 'key.pem'), sm2PublicKeyPem(keyPair.publicKeyHex));
    const dgst = execFileSync('openssl', ['dgst', '-sm3', '-r', join(dir, 'roll.csv')], { encoding: 'utf8' });
    expect(dgst.split(' ')[0]).toBe(roll.documentSm3);
    const verified = execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-digest', 'sm3',
      '-pkeyopt', 'distid:1234567812345678', '-in', join(dir, 'roll.csv'), '-sigfile', join(dir, 'roll.sig')], { encoding: 'utf8' });
    expect(verified).toContain('Signature Verified Successfully');

    await expect(store.knex('payroll_lines').where('roll_id', roll.id).update({ total_fen: 1 })).rejects.toThrow(/closed payroll roll/);
    await expect(store.knex('payroll_lines').where('roll_id', roll.id).delete()).rejects.toThrow(/closed payroll roll/);
    await expect(store.knex('payroll_rolls').where('id', roll.id).update({ total_fen: 1 })).rejects.toThrow(/closed payroll roll/);
    await expect(closeRoll(store.knex, actor, book, county, '2024-08', signingKey, new Date())).rejects.toMatchObject({ code: 'payroll-closed' });
    await expect(submitTownshipRoll(store.knex, actor, book, '2024-08', village.slice(0, 9), new Date())).rejects.toMatchObject({ code: 'payroll-closed' });
  });

  it('refuses to close over a township that has not submitted, or whose lines changed after it did', async () => {
    await expect(closeRoll(store.knex, actor, book, county, '2024-09', signingKey, new Date())).rejects.toMatchObject({ code: 'payroll-not-ready' });
    await submitTownshipRoll(store.knex, actor, book, '2024-09', village.slice(0, 9), new Date());
    await store.knex('households').update({ monthly_income_fen: 40_000, updated_at: new Date().toISOString() });
    await expect(closeRoll(store.knex, actor, book, county, '2024-09', signingKey, new Date())).rejects.toMatchObject({ code: 'payroll-not-ready', message: expect.stringContaining('submit again') });
    await store.knex('households').update({ monthly_income_fen: 50_000 });
    expect(await findClosedRoll(store.knex, county, '2024-09')).toBeUndefined();
    // The refused closing left nothing: only August's one line is stored.
    expect((await store.knex('payroll_lines').select('for_month')).map((r) => r.for_month)).toEqual(['2024-08']);
  });

  it('never pays a member for a month after the death, whatever the warning says, and recovers what was paid after it', async () => {
    await submitAndClose(store, '2024-09');
    // The death in July is reported only now: August and September were paid for two.
    await addFacts(store.knex, 'gongan-hukou', [{ kind: 'person-death', idNumber: spouse, occurredOn: '2024-07-20', attributes: {} }]);
    const lines = await linesOf(store, '2024-10');
    const own = lines.find((l) => l.forMonth === '2024-10')!;
    // One member left: 630 − 500 = 130 元, and the 70+ add-on of the head.
    expect(own).toMatchObject({ personsCovered: 1, basicFen: 13_000, addOnFen: 5_000, totalFen: 18_000 });
    expect(own.inputs.members.map((m) => Number(m.personId))).not.toContain(await personIdOf(store.knex, spouse));
    const recoveries = lines.filter((l) => l.changeMark === '追回');
    expect(recoveries.map((l) => l.forMonth).sort()).toEqual(['2024-08', '2024-09']);
    for (const recovery of recoveries) {
      // Due for one (130 + 50) against 860 paid: −680 元 each month.
      expect(recovery.totalFen).toBe(18_000 - 86_000);
      expect(recovery.basicFen + recovery.addOnFen + recovery.careFen).toBe(recovery.totalFen);
      expect(recovery.remark).toContain('死亡(2024-07-20)');
    }
  });

  it('does not recover the same month twice once the recovery is on a closed roll', async () => {
    await submitAndClose(store, '2024-10');
    const lines = await linesOf(store, '2024-11');
    expect(lines.filter((l) => l.changeMark === '追回')).toEqual([]);
    expect(lines).toHaveLength(1);
  });
});
