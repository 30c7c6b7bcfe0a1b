import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { addMonths } from '../../gateway/calendar/periods.js';
import { createSm2Signer } from '../../gateway/crypto/sm2.js';
import { generateSm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { loadBenefitStandards, type BenefitStandards, type StandardsBook } from '../../gateway/payroll/benefit-standards.js';
import { compileRoll, type CompiledPage } from '../../gateway/payroll/compile-roll.js';
import { closeRoll, submitTownshipRoll, summariseRoll } from '../../gateway/payroll/payroll-months.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import type { HouseholdCreate } from '../../schemas/types/index.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, clearMonitoringData, idNumber, personIdOf } from '../helpers/monitoring.js';

const county = '640121';
const actor = commandLineActor('test');
const signingKey = { id: 'test-sm2', signer: createSm2Signer(generateSm2KeyPair()) };
const shipped = loadBenefitStandards();

async function compile(store: TestStore, month: string, book: StandardsBook = shipped): Promise<CompiledPage> {
  const all: CompiledPage = { lines: [], changes: [], problems: [] };
  for await (const page of compileRoll(store.knex, { countyCode: county, month, book, pageSize: 3 })) {
    all.lines.push(...page.lines);
    all.changes.push(...page.changes);
    all.problems.push(...page.problems);
  }
  return all;
}

async function close(store: TestStore, month: string, book: StandardsBook = shipped): Promise<void> {
  const summary = await summariseRoll(store.knex, book, county, month);
  for (const township of summary.byTownship) await submitTownshipRoll(store.knex, actor, book, month, township.code, new Date());
  await closeRoll(store.knex, actor, book, county, month, signingKey, new Date());
}

interface MemberInput {
  name: string;
  born: string;
  category?: string;
  from?: string;
  tekunSupport?: 'concentrated' | 'dispersed';
  selfCare?: '1' | '2' | '3';
  incomeFen?: number;
  labourAbility?: string;
}

let sequence = 100;
async function household(store: TestStore, village: string, incomeFen: number, members: MemberInput[]): Promise<string[]> {
  const ids = members.map((m) => idNumber('640121', m.born, (sequence += 1)));
  const body: HouseholdCreate = {
    registeredRegionCode: village, residenceRegionCode: village, address: '测试村一组1号', monthlyIncomeFen: incomeFen,
    members: members.map((m, index) => ({
      idNumber: ids[index]!, name: m.name, relation: index === 0 ? '02' : '30',
      ...(m.selfCare ? { selfCareAbility: m.selfCare } : {}),
      ...(m.incomeFen !== undefined ? { monthlyIncomeFen: m.incomeFen } : {}),
      ...(m.labourAbility ? { labourAbility: m.labourAbility } : {}),
      ...(m.category ? { enrolments: [{ category: m.category, startDate: m.from ?? '2024-01-01', ...(m.tekunSupport ? { tekunSupport: m.tekunSupport } : {}) }] } : {}),
      ...(index === 0 ? { bankAccount: { bankName: '宁夏黄河农村商业银行', accountNumber: `62319400${String(sequence).padStart(11, '0')}`, accountName: m.name } } : {}),
    })) as HouseholdCreate['members'],
  };
  await registerHousehold(store.knex, actor, body);
  return ids;
}

/** Yongning's shipped standards with one more period: a raise published late, with effect from `from`. */
function withRaise(from: string, ruralFen: number): StandardsBook {
  const yongning = structuredClone(shipped.get(county)!) as BenefitStandards;
  const last = yongning.periods.at(-1)!;
  yongning.periods.push({ ...structuredClone(last), effectiveFrom: from, dibao: { ...last.dibao, ruralFen } });
  return new Map([...shipped, [county, yongning]]);
}

describe.each(dialects)('the roll compiled on %s', (dialect) => {
  let store: TestStore;
  let village: string;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    village = (await store.knex('regions').where({ level: 'village' }).andWhere('code', 'like', `${county}%`).orderBy('code').first('code')).code;
  });
  beforeEach(async () => {
    for (const table of ['payroll_bank_results', 'payroll_bank_returns', 'payroll_changes', 'payroll_submissions']) await store.knex(table).delete();
    // Closed rolls refuse DELETE by design; a test starts from a store without them by dropping the guard's rows another way.
    await dropClosedRolls(store);
    await clearMonitoringData(store.knex);
  });
  afterAll(async () => store.dispose());

  it('pays 特困 basic living plus the care of the person\'s 供养方式 and self-care ability', async () => {
    await household(store, village, 0, [{ name: '张特困', born: '1950-01-01', category: '132', tekunSupport: 'dispersed', selfCare: '2' }]);
    const { lines, problems } = await compile(store, '2024-08');
    expect(problems).toEqual([]);
    // Yongning from 2024-07 (example): rural basic 820 元, 分散 半护理 250 元.
    expect(lines).toEqual([expect.objectContaining({ programme: 'tekun', category: '132', personsCovered: 1, basicFen: 82_000, addOnFen: 0, careFen: 25_000, totalFen: 107_000 })]);
  });

  it('names a 特困 person without a 供养方式 as a problem and pays nothing rather than guess', async () => {
    await household(store, village, 0, [{ name: '李未登', born: '1950-01-01', category: '132', selfCare: '1' }]);
    const { lines, problems } = await compile(store, '2024-08');
    expect(lines).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ villageCode: village, reason: expect.stringContaining('供养方式') })]);
  });

  it('pays a household held back by a problem, once fixed, what it was owed for the closed months', async () => {
    const [tekun] = await household(store, village, 0, [{ name: '李未评', born: '1950-01-01', category: '132', tekunSupport: 'dispersed' }]);
    await close(store, '2024-08');
    // The self-care assessment is recorded after August closed.
    await store.knex('persons').where('id', await personIdOf(store.knex, tekun!)).update({ self_care_ability: '1', updated_at: new Date(Date.now() + 1000).toISOString() });
    const { lines, problems } = await compile(store, '2024-09');
    expect(problems).toEqual([]);
    // 820 + 150 (分散 全自理) for September, and for August as 补发.
    expect(lines.map((l) => [l.forMonth, l.changeMark, l.totalFen])).toEqual([['2024-09', '新增', 97_000], ['2024-08', '补发', 97_000]]);
  });

  it('prorates the first month from the approval day and marks the household 新增 after a closed month', async () => {
    await household(store, village, 75_050, [
      { name: '甲', born: '1980-01-01', category: '120' }, { name: '乙', born: '1982-01-01', category: '120' }, { name: '丙', born: '2010-01-01', category: '120' },
    ]);
    await close(store, '2024-07');
    await household(store, village, 75_050, [
      { name: '丁', born: '1980-02-02', category: '120', from: '2024-08-12' }, { name: '戊', born: '1982-02-02', category: '120', from: '2024-08-12' },
      { name: '己', born: '1985-02-02', category: '120', from: '2024-08-12' },
    ]);
    const { lines, changes } = await compile(store, '2024-08');
    const fresh = lines.find((l) => l.payeeName === '丁')!;
    // Worked example 15 of docs/payroll-calculation.md: 113900 × 20 ÷ 31 → 73400 (yuan, down); the minor's add-on likewise.
    expect(fresh.basicFen).toBe(73_400);
    expect(fresh.changeMark).toBe('新增');
    expect(changes).toEqual([expect.objectContaining({ payeeName: '丁', mark: '新增', previousFen: 0, currentFen: fresh.totalFen })]);
    expect(lines.find((l) => l.payeeName === '甲')!.changeMark).toBeNull();
  });

  it('pays 补发 for every closed month a raise published late reaches back to, and not again once paid', async () => {
    await household(store, village, 50_000, [{ name: '甲', born: '1980-01-01', category: '120' }, { name: '乙', born: '1982-01-01', category: '120' }]);
    await close(store, '2024-08');
    await close(store, '2024-09');
    const raised = withRaise('2024-08', 66_000);
    const { lines } = await compile(store, '2024-10', raised);
    // 2 × 660 − 500 = 820 元 due against 2 × 630 − 500 = 760 paid: 60 元 for August and for September.
    expect(lines.filter((l) => l.changeMark === '补发').map((l) => [l.forMonth, l.totalFen])).toEqual([['2024-08', 6_000], ['2024-09', 6_000]]);
    expect(lines.find((l) => l.forMonth === '2024-10')!.totalFen).toBe(82_000);
    await close(store, '2024-10', raised);
    expect((await compile(store, '2024-11', raised)).lines.filter((l) => l.changeMark === '补发')).toEqual([]);
  });

  it('pays 补发 for a closed month an approval dated in it did not reach', async () => {
    await household(store, village, 50_000, [{ name: '老户', born: '1980-01-01', category: '120' }]);
    await close(store, '2024-08');
    await household(store, village, 30_000, [{ name: '新户', born: '1970-03-03', category: '120', from: '2024-08-01' }]);
    const { lines } = await compile(store, '2024-09');
    expect(lines.filter((l) => l.payeeName === '新户').map((l) => [l.forMonth, l.changeMark, l.totalFen])).toEqual([
      ['2024-09', '新增', 33_000],
      ['2024-08', '补发', 33_000],
    ]);
  });

  it('recomputes closed months from a household income a warning verified with effect from the past, and recovers the difference', async () => {
    await household(store, village, 50_000, [{ name: '甲', born: '1980-01-01', category: '120' }, { name: '乙', born: '1982-01-01', category: '120' }]);
    await close(store, '2024-08');
    await close(store, '2024-09');
    // As a benefit-adjusted outcome with householdIncomeFen 80000 and effectiveMonth 2024-09 records it (warning-outcomes.ts).
    const householdId = (await store.knex('households').first('id')).id;
    await store.knex('households').update({ monthly_income_fen: 80_000, updated_at: new Date().toISOString() });
    await store.knex('household_income_changes').insert({ household_id: householdId, income_fen: 80_000, effective_month: '2024-09', warning_id: null, recorded_at: new Date(Date.now() + 1000).toISOString() });
    const { lines } = await compile(store, '2024-10');
    // 2 × 630 − 800 = 460 元 from September on: 300 元 paid too much for September, nothing for August.
    expect(lines.map((l) => [l.forMonth, l.changeMark, l.totalFen])).toEqual([['2024-10', '调整', 46_000], ['2024-09', '追回', -30_000]]);
    expect(lines[1]!.remark).toContain('核定家庭月收入自2024-09起为800.00元(原500.00元)');
  });

  it('keeps the previous amount for the 渐退 months once income leaves no 补差, then stops with the reason', async () => {
    await household(store, village, 50_000, [{ name: '甲', born: '1980-01-01', category: '120' }, { name: '乙', born: '1982-01-01', category: '120' }]);
    await close(store, '2024-08');
    await store.knex('households').update({ monthly_income_fen: 200_000, updated_at: new Date().toISOString() });
    let month = '2024-09';
    const amounts: [string, number | null, string | null][] = [];
    for (let i = 0; i < 7; i += 1) {
      const { lines, changes } = await compile(store, month);
      amounts.push([month, lines[0]?.totalFen ?? null, lines[0]?.changeMark ?? changes[0]?.mark ?? null]);
      await close(store, month);
      month = addMonths(month, 1);
    }
    // 6 months of 760 元 (Yongning's example 渐退期), then 停发.
    expect(amounts.map(([, fen]) => fen)).toEqual([76_000, 76_000, 76_000, 76_000, 76_000, 76_000, null]);
    expect(amounts.slice(0, 6).every(([, , mark]) => mark === '渐退')).toBe(true);
    expect(amounts[6]![2]).toBe('停发');
  });

  it('lists a household whose enrolment ended as 停发 with the end reason', async () => {
    const [head] = await household(store, village, 50_000, [{ name: '甲', born: '1980-01-01', category: '120' }]);
    await close(store, '2024-08');
    await store.knex('enrolments').where('person_id', await personIdOf(store.knex, head!)).update({ end_date: '2024-08-31', end_reason: '收入超标停保', updated_at: new Date().toISOString() });
    const { lines, changes } = await compile(store, '2024-09');
    expect(lines).toEqual([]);
    expect(changes).toEqual([expect.objectContaining({ mark: '停发', previousFen: 13_000, currentFen: 0, reason: '收入超标停保(2024-08-31)' })]);
  });

  it('never pays a dead member for a month after the death, under either rule, and each line adds up', async () => {
    const yongning = shipped.get(county)!;
    await fc.assert(fc.asyncProperty(
      fc.constantFrom<'month-after' | 'month-of-death'>('month-after', 'month-of-death'),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 0, max: 120_000 }),
      async (rule, deathMonth, deathDay, incomeFen) => {
        await clearMonitoringData(store.knex);
        const book = new Map([...shipped, [county, { ...yongning, payroll: { ...yongning.payroll, stopAfterDeath: rule } }]]);
        const ids = await household(store, village, incomeFen, [{ name: '甲', born: '1950-05-05', category: '120' }, { name: '乙', born: '1960-06-06', category: '120' }]);
        const death = `2025-${String(deathMonth).padStart(2, '0')}-${String(deathDay).padStart(2, '0')}`;
        await addFacts(store.knex, 'binzang', [{ kind: 'person-cremation', idNumber: ids[1]!, occurredOn: death, attributes: {} }]);
        const dead = String(await personIdOf(store.knex, ids[1]!));
        for (const month of ['2025-01', '2025-04', '2025-07', '2025-12']) {
          const { lines } = await compile(store, month, book);
          const unpaid = rule === 'month-of-death' ? month >= death.slice(0, 7) : month > death.slice(0, 7);
          for (const line of lines) {
            expect(line.totalFen).toBe(line.basicFen + line.addOnFen + line.careFen);
            expect(line.totalFen).toBe(line.explanation.lines.reduce((sum, l) => sum + l.amountFen, 0));
            if (unpaid) expect(line.inputs.members.map((m) => m.personId)).not.toContain(dead);
          }
        }
      },
    ), { numRuns: 12 });
  });
});

/**
 * The immutability guards refuse DELETE on closed rolls; between tests the suite removes its rolls by dropping the
 * guards, deleting, and putting the same guards back, so a guard left off would fail the immutability test. On
 * PostgreSQL only this store's schema: test files run side by side, each in a schema of its own.
 */
async function dropClosedRolls(store: TestStore): Promise<void> {
  const pg = store.knex.client.config.client === 'pg';
  const triggers = ['payroll_lines_immutable_delete', 'payroll_rolls_immutable_delete', 'payroll_lines_immutable_update', 'payroll_rolls_immutable_update'];
  const saved: string[] = pg
    ? (await store.knex.raw(`SELECT pg_get_triggerdef(t.oid) AS def FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND t.tgname IN (${triggers.map(() => '?').join(',')})`, triggers)).rows.map((r: { def: string }) => r.def)
    : (await store.knex('sqlite_master').where('type', 'trigger').whereIn('name', triggers).select('sql')).map((r: { sql: string }) => r.sql);
  for (const name of triggers) await store.knex.raw(pg ? `DROP TRIGGER IF EXISTS ${name} ON ${name.startsWith('payroll_lines') ? 'payroll_lines' : 'payroll_rolls'}` : `DROP TRIGGER IF EXISTS ${name}`);
  await store.knex('payroll_lines').delete();
  await store.knex('payroll_rolls').delete();
  for (const sql of saved) await store.knex.raw(sql);
}
