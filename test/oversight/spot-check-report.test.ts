import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { drawSpotCheck, redrawSpotCheck } from '../../gateway/oversight/spot-checks/draws.js';
import { recordSpotCheckResult } from '../../gateway/oversight/spot-checks/results.js';
import { produceReport } from '../../gateway/reports/produce-report.js';
import { dumpSheet } from '../helpers/sheet-dump.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const county: Actor = { keyId: 1, role: 'admin', regionCode: '640121', label: 'county admin' };
const yanghe: Actor = { keyId: 2, role: 'township', regionCode: '640121100', label: 'yanghe township' };
const auditor: Actor = { keyId: 3, role: 'auditor', regionCode: '640121', label: 'county auditor' };
const drawnAt = new Date('2024-10-08T02:00:00Z');

function csvRows(bytes: Buffer): string[][] {
  return bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((line) => line.split(','));
}

describe.each(dialects)('the spot-check-results report on %s', (dialect) => {
  let store: TestStore;
  let drawId: number;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    for (let i = 0; i < 3; i += 1) {
      await addHousehold(store.knex, '640121100200', [{ idNumber: idNumber('640121', '1955-03-03', 600 + i), name: `杨和${i}`, enrolment: { category: '120', startDate: '2024-01-01' } }]);
      await addHousehold(store.knex, '640121101200', [{ idNumber: idNumber('640121', '1956-03-03', 700 + i), name: `望远${i}`, enrolment: { category: '120', startDate: '2024-01-01' } }]);
    }
    const first = await drawSpotCheck(store.knex, county, { regionCode: '640121', population: 'enrolled-households', period: '2024-Q3', size: { count: 6 } }, drawnAt);
    drawId = await redrawSpotCheck(store.knex, county, first, { reason: '抽样期间选错' }, drawnAt);
    const items: { id: number; township_code: string; position: number }[] = await store.knex('spot_check_items').where({ draw_id: drawId }).orderBy('position');
    const own = items.filter((i) => i.township_code === '640121100');
    const today = { today: '2024-10-10' };
    await recordSpotCheckResult(store.knex, yanghe, drawId, own[0]!.id, { result: 'passed', checker: '马军', checkedOn: '2024-10-09' }, today);
    await recordSpotCheckResult(store.knex, yanghe, drawId, own[1]!.id, { result: 'passed', checker: '马军', checkedOn: '2024-10-09' }, today);
    await recordSpotCheckResult(store.knex, yanghe, drawId, own[1]!.id, { result: 'problem', findings: '家庭成员在外务工收入未申报', checker: '马军', checkedOn: '2024-10-10', reason: '复核务工收入' }, today);
  }, 60_000);
  afterAll(async () => store.dispose());

  it('lists the current draw’s items with their results, totals them, and names the redraw', async () => {
    const produced = await produceReport(store.knex, auditor, { template: 'spot-check-results', period: '2024-Q3', format: 'csv', now: new Date('2024-10-10T02:00:00Z') });
    const rows = csvRows(produced.bytes);
    expect(rows).toHaveLength(7);
    expect(rows.slice(1).every((r) => r[1] === `第${drawId}号 在册户（6户中抽6户）`)).toBe(true);
    const byResult = rows.slice(1).map((r) => [r[3], r[6]]).sort();
    expect(byResult).toEqual([['李俊镇', '未核查'], ['李俊镇', '未核查'], ['李俊镇', '未核查'], ['杨和镇', '合格'], ['杨和镇', '存在问题'], ['杨和镇', '未核查']].sort());
    const problem = rows.find((r) => r[6] === '存在问题')!;
    expect(problem.slice(7)).toEqual(['家庭成员在外务工收入未申报', '马军', '2024-10-10', '更正1次：复核务工收入']);
    const xlsx = await produceReport(store.knex, auditor, { template: 'spot-check-results', period: '2024-Q3', format: 'xlsx', now: new Date('2024-10-10T02:00:00Z') });
    expect(xlsx.rows).toBe(6);
    const cells = Object.values((await dumpSheet(xlsx.bytes)).cells);
    expect(cells).toContain('抽查1批，抽取6个：合格1个，存在问题1个，无法核查0个，未核查4个　　制表日期：2024-10-10');
    expect(cells).toContain(`本期重抽1次（原抽样保留备查）：第${drawId - 1}号，抽样期间选错`);
    const audit = await store.knex('audit_log').where({ id: produced.auditId }).first('detail');
    expect(audit.detail).toContain('spot-check-results 2024-Q3 640121 csv: 6 rows');
  });

  it('gives a township only its own items of the county’s draw, and the figures say so', async () => {
    const township: Actor = { ...yanghe, role: 'auditor' };
    const rows = csvRows((await produceReport(store.knex, township, { template: 'spot-check-results', period: '2024-Q3', format: 'csv', now: new Date('2024-10-10T02:00:00Z') })).bytes);
    expect(rows.slice(1).map((r) => r[3])).toEqual(['杨和镇', '杨和镇', '杨和镇']);
    expect(rows.flat().join()).not.toContain('望远');
    const other = csvRows((await produceReport(store.knex, auditor, { template: 'spot-check-results', period: '2024-09', format: 'csv', now: new Date('2024-10-10T02:00:00Z') })).bytes);
    expect(other.slice(1)).toEqual([]);
  });
});
