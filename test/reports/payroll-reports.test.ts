import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { compileRoll } from '../../gateway/payroll/compile-roll.js';
import type { RollChange, RollLine } from '../../gateway/payroll/roll-types.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { keyringOf } from '../../gateway/store/personal-data.js';
import { accountColumnsAtRest } from '../../gateway/store/repositories/bank-accounts.js';
import { insertClosedRoll, insertRollLines } from '../../gateway/store/repositories/payroll-rolls.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addFacts, addHousehold, idNumber, personIdOf } from '../helpers/monitoring.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

/**
 * The payroll reports produced end to end from a small register: a county of two townships, three villages and five
 * households, May closed and June open, and a 金民 roster for June.
 */
const admin: Actor = { keyId: null, role: 'admin', regionCode: '640121', label: 'test admin' };
const finance: Actor = { keyId: null, role: 'finance', regionCode: '640121', label: 'test finance' };
const now = new Date('2024-07-02T02:00:00Z');

const heads = {
  wang: idNumber('640121', '1960-01-01', 11), li: idNumber('640121', '1961-02-02', 12), zhao: idNumber('640121', '1962-03-03', 13),
  sun: idNumber('640121', '1963-04-04', 14), zhou: idNumber('640121', '1964-05-05', 15), wu: idNumber('640121', '1965-06-06', 16),
};

async function buildRegister(knex: Knex): Promise<void> {
  const dibao = (startDate: string, endDate?: string) => ({ category: '120', startDate, ...(endDate ? { endDate } : {}) });
  await addHousehold(knex, '640121100200', [
    { idNumber: heads.wang, name: '王建国', enrolment: dibao('2024-01-01') },
    { idNumber: idNumber('640121', '1990-01-01', 21), name: '王小明', enrolment: dibao('2024-01-01') },
  ]);
  await addHousehold(knex, '640121100200', [{ idNumber: heads.li, name: '李秀英', enrolment: dibao('2024-02-01') }]);
  await addHousehold(knex, '640121100201', [
    { idNumber: heads.zhao, name: '赵德才', enrolment: dibao('2024-01-01') },
    { idNumber: idNumber('640121', '1992-01-01', 22), name: '赵丽', enrolment: dibao('2024-01-01') },
    { idNumber: idNumber('640121', '2015-01-01', 23), name: '赵小宝', enrolment: dibao('2024-01-01') },
  ]);
  // Stopped at the end of May: on May's roll, on June's change list as 停发.
  await addHousehold(knex, '640121101200', [{ idNumber: heads.sun, name: '孙桂兰', enrolment: dibao('2024-01-01', '2024-05-31') }]);
  await addHousehold(knex, '640121101200', [{ idNumber: heads.zhou, name: '周永福', enrolment: dibao('2024-03-01') }]);
  let n = 0;
  for (const head of Object.values(heads).slice(0, 5)) {
    n += 1;
    await knex('bank_accounts').insert({
      person_id: await personIdOf(knex, head), bank_name: '宁夏黄河农村商业银行', account_name: 'x', updated_at: new Date().toISOString(),
      ...accountColumnsAtRest(keyringOf(knex), `62310100000000${String(n).padStart(4, '0')}`),
    });
  }
}

/** Closes May as the bureau would, from the compiled lines (the signature is not what these reports check). */
async function closeMay(knex: Knex): Promise<void> {
  const lines: RollLine[] = [];
  const changes: RollChange[] = [];
  for await (const page of compileRoll(knex, { countyCode: '640121', month: '2024-05', book: loadBenefitStandards() })) {
    lines.push(...page.lines);
    changes.push(...page.changes);
  }
  await knex.transaction(async (trx) => {
    const id = await insertClosedRoll(trx, {
      countyCode: '640121', month: '2024-05', households: lines.length, persons: lines.reduce((s, l) => s + l.personsCovered, 0), lines: lines.length,
      totalFen: lines.reduce((s, l) => s + l.totalFen, 0), standardsSm3: 'x'.repeat(64), documentSm3: 'ab'.repeat(32), signature: 'test', keyId: 'test',
      closedAt: '2024-06-03T02:00:00.000Z', closedBy: 'test',
    });
    await insertRollLines(trx, id, lines);
  });
}

/** CSV rows as arrays of fields (no field in these reports holds a comma or a quote). */
function csvRows(bytes: Buffer): string[][] {
  return bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(','));
}

const fen = (yuan: string) => Math.round(Number(yuan) * 100);

describe.each(dialects)('payroll reports on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect);
    await buildRegister(store.knex);
    await closeMay(store.knex);
    // 吴 joins in June: 新增 on June's roll.
    await addHousehold(store.knex, '640121100201', [{ idNumber: heads.wu, name: '吴春花', enrolment: { category: '120', startDate: '2024-06-01' } }]);
    await addFacts(store.knex, 'jinmin-roster', [
      { kind: 'jinmin-enrolment', idNumber: heads.li, name: '李秀英', period: '2024-06', amountFen: 1_000, attributes: { category: '120', regionCode: '640121100200' } },
      { kind: 'jinmin-enrolment', idNumber: heads.zhao, name: '赵德才', period: '2024-06', amountFen: 999_999, attributes: { category: '110', regionCode: '640121100201' } },
      { kind: 'jinmin-enrolment', idNumber: heads.sun, name: '孙桂兰', period: '2024-06', amountFen: 30_000, attributes: { category: '120', regionCode: '640121101200' } },
      { kind: 'jinmin-enrolment', idNumber: heads.sun, name: '孙桂兰', period: '2024-05', amountFen: 30_000, attributes: { category: '120', regionCode: '640121101200' } },
    ]);
  }, 60_000);
  afterAll(() => store?.dispose());

  it('prints the roll with a subtotal per village and per township and a total, each the sum of its lines in fen', async () => {
    const report = await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-06', format: 'csv', now });
    const rows = csvRows(report.bytes);
    expect(rows[0]).toEqual(['序号', '乡镇（街道）', '村（社区）', '户主姓名', '身份证号码', '救助类别', '保障人数', '基本保障金', '分类施保金', '照料护理费', '合计', '开户银行', '银行账号', '备注']);
    const labels = rows.slice(1).filter((r) => !/^\d+$/.test(r[0]!)).map((r) => r[0]);
    expect(labels).toEqual(['王太村委会小计', '惠丰村委会小计', '杨和镇合计', '西邵村委会小计', '李俊镇合计', '总计']);
    let village: number[] = [0, 0];
    let township: number[] = [0, 0];
    let total: number[] = [0, 0];
    for (const row of rows.slice(1)) {
      const amounts = [fen(row[6]!), fen(row[10]!)];
      if (/^\d+$/.test(row[0]!)) {
        village = village.map((v, i) => v + amounts[i]!);
        township = township.map((v, i) => v + amounts[i]!);
        total = total.map((v, i) => v + amounts[i]!);
        expect(fen(row[10]!)).toBe(fen(row[7]!) + fen(row[8]!) + fen(row[9]!));
      } else if (row[0]!.endsWith('小计')) {
        expect(amounts, row[0]).toEqual(village);
        village = [0, 0];
      } else if (row[0]!.endsWith('合计')) {
        expect(amounts, row[0]).toEqual(township);
        township = [0, 0];
      } else {
        expect(amounts).toEqual(total);
      }
    }
    expect(total[1]).toBeGreaterThan(0);
    expect(rows.find((r) => r[3] === '吴春花')?.[13]).toContain('新增');
    expect(rows.some((r) => r[3] === '孙桂兰')).toBe(false);
  });

  it('masks ID numbers and accounts for an admin and shows them in full to finance, and names the payees in the audit line', async () => {
    const masked = await dumpSheet((await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-06', format: 'xlsx', now })).bytes);
    const full = await produceReport(store.knex, finance, { template: 'payroll-roll', period: '2024-06', format: 'xlsx', now });
    const fullDump = await dumpSheet(full.bytes);
    const maskedValues = Object.values(masked.cells).map(String);
    const fullValues = Object.values(fullDump.cells).map(String);
    expect(maskedValues).not.toContain(heads.wang);
    expect(maskedValues.some((v) => /^\*+0001$/.test(v))).toBe(true);
    expect(fullValues).toContain(heads.wang);
    expect(fullValues).toContain('623101000000000001');
    const subjects = await store.knex('audit_subjects').where('audit_id', full.auditId).pluck('person_id');
    expect(subjects.map(Number).sort()).toContain(await personIdOf(store.knex, heads.wang));
  });

  it('says whether the month is closed, with the document digest, or a preview', async () => {
    const may = await dumpSheet((await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-05', format: 'xlsx', now })).bytes);
    const june = await dumpSheet((await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-06', format: 'xlsx', now })).bytes);
    expect(String(may.cells.A2)).toContain(`已结账（2024-06-03，发放册文档SM3：${'ab'.repeat(32)}）`);
    expect(String(june.cells.A2)).toContain('未结账（预览）');
    expect(String(june.cells.A1)).toBe('宁夏回族自治区银川市永宁县2024年6月城乡低保、特困供养金月结发放册');
  });

  it('keeps a township\'s roll to its own lines', async () => {
    const rows = csvRows((await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-06', region: '640121101', format: 'csv', now })).bytes);
    expect(rows.slice(1).map((r) => r[1] || r[0])).toEqual(['李俊镇', '西邵村委会小计', '李俊镇合计', '总计']);
  });

  it('lists June\'s changes: the new household, the stopped one with its reason', async () => {
    const rows = csvRows((await produceReport(store.knex, admin, { template: 'payroll-changes', period: '2024-06', format: 'csv', now })).bytes);
    const body = rows.slice(1).filter((r) => /^\d+$/.test(r[0]!));
    const wu = body.find((r) => r[4] === '吴春花')!;
    expect(wu.slice(5, 8)).toEqual(['低保', '新增', '2024-06']);
    expect(fen(wu[8]!)).toBe(0);
    expect(fen(wu[10]!)).toBe(fen(wu[9]!));
    const sun = body.find((r) => r[4] === '孙桂兰')!;
    expect(sun[6]).toBe('停发');
    expect(fen(sun[9]!)).toBe(0);
    expect(fen(sun[10]!)).toBe(-fen(sun[8]!));
    const total = rows.at(-1)!;
    expect(total[0]).toBe('合计');
    expect(fen(total[10]!)).toBe(body.reduce((s, r) => s + fen(r[10]!), 0));
  });

  it('reconciles June\'s roll with the 金民 roster: roll only, roster only, amount and category differences', async () => {
    const roll = csvRows((await produceReport(store.knex, admin, { template: 'payroll-roll', period: '2024-06', format: 'csv', now })).bytes);
    const wang = fen(roll.find((r) => r[3] === '王建国')![10]!);
    await addFacts(store.knex, 'jinmin-roster', [
      { kind: 'jinmin-enrolment', idNumber: heads.wang, name: '王建国', period: '2024-06', amountFen: wang, attributes: { category: '120', regionCode: '640121100200' } },
    ]);
    const rows = csvRows((await produceReport(store.knex, admin, { template: 'payroll-jinmin-reconciliation', period: '2024-06', format: 'csv', now })).bytes);
    const byName = new Map(rows.slice(1).filter((r) => /^\d+$/.test(r[0]!)).map((r) => [r[4], r]));
    expect(byName.has('王建国')).toBe(false);
    expect(byName.get('李秀英')?.[1]).toBe('金额不一致');
    expect(byName.get('赵德才')?.[1]).toBe('金额和类别不一致');
    expect(byName.get('赵德才')?.slice(6, 8)).toEqual(['农村最低生活保障', '城市最低生活保障']);
    expect(byName.get('孙桂兰')?.[1]).toBe('金民有、发放册无');
    expect(byName.get('孙桂兰')?.[5]).toMatch(/^640121\*+/);
    expect(byName.get('周永福')?.[1]).toBe('发放册有、金民无');
    expect(byName.get('吴春花')?.[1]).toBe('发放册有、金民无');
    const li = byName.get('李秀英')!;
    expect(fen(li[10]!)).toBe(fen(li[8]!) - fen(li[9]!));
  });
});
