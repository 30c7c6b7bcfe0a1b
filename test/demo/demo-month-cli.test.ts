import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJiuzhu, runJiuzhuWithin } from '../helpers/cli.js';
import { dumpSheet } from '../helpers/sheet-dump.js';

const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-demo-cli-'));
const env = { JIUZHU_DB: join(workDir, 'demo.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key') };
const jiuzhu = (...args: string[]) => runJiuzhu(env, ...args);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('jiuzhu demo', () => {
  const out = join(workDir, 'may');

  it('runs the month into the configured store and prints the summary as JSON', async () => {
    // The month's work takes ~30 s alone; its limit (below the test's own) only guards against a hang.
    const { stdout, stderr, code } = await runJiuzhuWithin(170_000, env, 'demo', '--out', out, '--period', '2024-05', '--json');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(stdout);
    expect(summary.period).toBe('2024-05');
    expect(summary.imported).toMatchObject({ files: 20, rejected: 5, newBatches: 20 });
    expect(summary.warnings.total).toBe(24);
    // Every rule but partly-enrolled-household-in-hardship: the demo register enrols whole households (demo-month.test.ts).
    expect(summary.warnings.byRule.filter((r: { count: number }) => r.count === 0).map((r: { ruleId: string }) => r.ruleId)).toEqual(['partly-enrolled-household-in-hardship']);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(summary);
    expect(existsSync(join(out, 'summary.md'))).toBe(true);
    expect(existsSync(join(out, 'feeds', 'vehicles-2024-05.xlsx'))).toBe(true);
    expect(stderr).toContain('jiuzhu: compared 2024-05: run 1, 24 new warnings');
    expect(stderr).toContain('jiuzhu: payment roll 2024-04: closed before this month\'s files');
    // A whole demo month in a child process: ~28 s alone on a 2-core machine, over 60 s beside the rest of the suite
    // and a benchmark (CI, 2026-12-06). The limit only guards against a hang.
  }, 180_000);

  it('plants a death reported late: April\'s closed roll paid after it, May\'s roll recovers it, both rolls verify', async () => {
    const reports = join(out, 'reports');
    const paid = await dumpSheet(readFileSync(join(reports, 'compliance-paid-after-death.xlsx')));
    const row = rowOf(paid.cells, 4);
    // The crematorium's record is dated in March; 公安 registered the death in May.
    expect(row.G).toMatch(/^2024-03-1[1-3]$/);
    expect(row.I).toBe('2024-04');
    expect(String(row.L)).toMatch(/^已有追回/);
    expect(paid.cells.A5).toBe('合计');
    const duplicates = await dumpSheet(readFileSync(join(reports, 'compliance-duplicates.xlsx')));
    const conflicts = [4, 5, 6, 7, 8].map((n) => rowOf(duplicates.cells, n)).filter((r) => r.B === '重复享受基本生活救助');
    expect(conflicts.length).toBeGreaterThan(0);
    for (const conflict of conflicts) expect([String(conflict.C).length > 0, String(conflict.H).startsWith('金民名册在保：'), conflict.J]).toEqual([true, true, '待核查']);
    const integrity = await dumpSheet(readFileSync(join(reports, 'compliance-closed-roll-integrity.xlsx')));
    expect([rowOf(integrity.cells, 4).C, rowOf(integrity.cells, 4).G, rowOf(integrity.cells, 5).C, rowOf(integrity.cells, 5).G]).toEqual(['2024-04', '一致', '2024-05', '一致']);
  }, 60_000);

  it('supervises what a township left overdue: two 督办 (one answered with a reason) and a written reminder, in the reports', async () => {
    const reports = join(out, 'reports');
    const reminder = await dumpSheet(readFileSync(join(reports, 'supervision-reminder.xlsx')));
    expect(reminder.cells.A2).toBe('社会救助工作书面提醒');
    expect(String(reminder.cells.A3)).toMatch(/^640121督〔\d{4}〕1号$/);
    expect(String(reminder.cells.A5)).toMatch(/^经核查，截至\d{4}年\d{1,2}月\d{1,2}日，你单位下列\d+项社会救助工作已超过办理时限仍未办结。/);
    expect(reminder.cells.B6).toBe('事项类别');
    const overdue = await dumpSheet(readFileSync(join(reports, 'compliance-overdue.xlsx')));
    const rows = Object.entries(overdue.cells).filter(([cell]) => /^H\d+$/.test(cell)).map(([cell, value]) => ({ row: Number(cell.slice(1)), order: String(value) }));
    const ordered = rows.filter((r) => /^第\d+号/.test(r.order));
    expect(ordered).toHaveLength(2);
    const reasons = ordered.map((r) => overdue.cells[`J${r.row}`]);
    expect(reasons).toContain('户主外出务工，已电话联系，返乡后即入户核实');
    for (const r of ordered) expect(String(overdue.cells[`I${r.row}`])).toMatch(/^640121督〔\d{4}〕1号/);
    const circular = await dumpSheet(readFileSync(join(reports, 'supervision-circular.xlsx')));
    const withOrders = Object.entries(circular.cells).filter(([cell, value]) => /^C\d+$/.test(cell) && value === 2).map(([cell]) => Number(cell.slice(1)))
      .filter((row) => circular.cells[`A${row}`] !== '合计');
    expect(withOrders).toHaveLength(1);
    // 2 督办: neither done, one with a reason, one still open; one written reminder.
    expect(['D', 'E', 'F', 'G'].map((column) => circular.cells[`${column}${withOrders[0]}`])).toEqual([0, 1, 1, 1]);
  }, 60_000);

  it('shows the same supervision from the command line', async () => {
    const orders = await jiuzhu('supervision', 'orders', '--region', '640121', '--json');
    expect(orders.code).toBe(0);
    const items = JSON.parse(orders.stdout).items as { id: number; state: string; townshipCode: string; itemKind: string; itemRef: string }[];
    expect(items.map((o) => o.state).sort()).toEqual(['open', 'reason-recorded']);
    const overdue = await jiuzhu('supervision', 'overdue', '--region', items[0]!.townshipCode, '--json');
    expect(overdue.code).toBe(0);
    const listed = JSON.parse(overdue.stdout).items as { kind: string; ref: string }[];
    for (const order of items) expect(listed).toContainEqual(expect.objectContaining({ kind: order.itemKind, ref: order.itemRef }));
    const again = await jiuzhu('supervision', 'order', '--kind', items[0]!.itemKind, '--ref', items[0]!.itemRef, '--request', '再次督办');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`already under 督办 ${items[0]!.id}`);
    const reminders = await jiuzhu('supervision', 'reminders', '--region', '640121', '--json');
    expect(JSON.parse(reminders.stdout).items).toHaveLength(1);
  }, 60_000);

  it('plants a spot check: the county draws 8 enrolled households, one found with a problem after a correction, one not verifiable', async () => {
    const sheet = await dumpSheet(readFileSync(join(out, 'reports', 'spot-check-results.xlsx')));
    const rows = [4, 5, 6, 7, 8, 9, 10, 11].map((n) => rowOf(sheet.cells, n));
    expect(rows.map((r) => r.C)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(String(rows[0]!.B)).toMatch(/^第\d+号 在册户（\d+户中抽8户）$/);
    expect(rows.map((r) => r.G)).toEqual(['合格', '存在问题', '无法核查', '未核查', '未核查', '未核查', '未核查', '未核查']);
    expect([rows[1]!.H, rows[1]!.K]).toEqual(['家中有小型汽车一辆未申报，需核对车辆登记和家庭收入', '更正1次：县级复核查到车辆登记信息']);
    for (const row of rows) expect([String(row.D).length > 0, String(row.F).length > 0]).toEqual([true, true]);
    expect(sheet.cells.A2).toMatch(/^抽查1批，抽取8个：合格1个，存在问题1个，无法核查1个，未核查5个/);
    const listed = JSON.parse((await jiuzhu('spot-checks', 'list', '--period', '2024-05', '--json')).stdout);
    expect(listed).toHaveLength(1);
    const shown = JSON.parse((await jiuzhu('spot-checks', 'show', String(listed[0].id), '--json')).stdout);
    expect(shown.verification).toMatchObject({ populationUnchanged: true, sampleReproduced: true });
  }, 60_000);

  it('plants the oversight rosters: households short of economic checks, the 重点人群 roster with visits due, a village without an assistant', async () => {
    const reports = join(out, 'reports');
    const checks = await dumpSheet(readFileSync(join(reports, 'economic-check-overdue.xlsx')));
    // As of the month's end nothing had checked the county's households yet: the month's comparison ran after it.
    expect(rowOf(checks.cells, 4)).toMatchObject({ A: 1, G: 0, L: '年底前还需2次' });
    const roster = await dumpSheet(readFileSync(join(reports, 'key-group-roster.xlsx')));
    const rows = [4, 5, 6].map((n) => rowOf(roster.cells, n)).filter((r) => r.D);
    expect(rows.map((r) => String(r.F).replace(/\d+/, 'N')).sort()).toEqual(['乡镇添加', '救助观察（主动发现案件N）']);
    const added = rows.find((r) => r.F === '乡镇添加')!;
    // Added on 10 May: June is its first whole month on the roster.
    expect([added.G, added.J, added.K]).toEqual(['2024-05-10', '2024-06-30', '按期']);
    const villages = await dumpSheet(readFileSync(join(reports, 'villages-without-assistant.xlsx')));
    expect(rowOf(villages.cells, 4)).toMatchObject({ B: '城东街道', C: 8, D: '500114001008', E: '高涧社区居民委员会' });
    expect(rowOf(villages.cells, 5)).toMatchObject({ A: '城东街道小计', E: '1' });
  }, 60_000);

  it('plants a cadre\'s relative on the register, a shop kept after verification and an enrolment back-entered without approval', async () => {
    const reports = join(out, 'reports');
    const staff = await dumpSheet(readFileSync(join(reports, 'compliance-related-to-staff.xlsx')));
    const relative = rowOf(staff.cells, 4);
    expect(String(relative.G)).toMatch(/^(本人|同户成员.+（本人未在保）)为近亲属（[父母兄姐][子女弟妹]）$/);
    expect(String(relative.H)).toMatch(/（村（社区）干部），.+[村居]委会$/);
    expect(relative.K).toMatch(/^预警\d+（2024-05）：待核查$/);
    expect(rowOf(staff.cells, 5)).toEqual({});
    const kept = await dumpSheet(readFileSync(join(reports, 'compliance-assets-kept.xlsx')));
    const shop = rowOf(kept.cells, 4);
    expect([String(shop.G).endsWith('救助家庭成员登记经营主体'), String(shop.H).includes('经营主体'), String(shop.I).startsWith('无需处置：个体小店'), shop.M]).toEqual([true, true, true, '仍在保']);
    expect(kept.cells.A5).toBe('合计');
    const changes = await dumpSheet(readFileSync(join(reports, 'compliance-changes-without-approval.xlsx')));
    // Last year's 低保 back-entered from a paper ledger: neither its start nor its end has a decision behind it.
    const [start, end] = [rowOf(changes.cells, 4), rowOf(changes.cells, 5)];
    expect([String(start.H).startsWith('纳入：月'), start.I, start.K, String(start.L).startsWith('无审批记录')]).toEqual([true, '2023-01-01', '数据补录（乡镇报送名单）', true]);
    expect([end.E, String(end.H), end.I, end.K, String(end.L).startsWith('无停保决定')]).toEqual([start.E, '终止：补录：纸质台账记载年末退出', '2023-12-31', '无记录', true]);
    expect(rowOf(changes.cells, 6)).toEqual({});
  }, 60_000);

  it('says plainly that a second run of the month found nothing new', async () => {
    const { stdout, stderr, code } = await runJiuzhuWithin(170_000, env, 'demo', '--out', join(workDir, 'may-again'), '--period', '2024-05');
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^demo month 2024-05, 永宁县: 20 files, \d+ facts, 5 rejected rows; 24 warnings \(none new\); 12 transitions, 1 visits, 1 referrals, 1 discovery cases\n/);
    expect(stdout).toContain('     1  recipient-died');
    expect(stdout).toContain(`summary: ${join(workDir, 'may-again', 'summary.md')}`);
  }, 180_000);

  it('shows the month’s filing round with jiuzhu progress status', async () => {
    const { stdout, code } = await jiuzhu('progress', 'status', '--period', '2024-05', '--json');
    expect(code).toBe(0);
    const [yongning] = JSON.parse(stdout).programmes;
    expect(yongning.deadline).toMatchObject({ dueOn: '2024-06-05' });
    const hs = yongning.units.find((row: { unit: { code: string } }) => row.unit.code === 'hs');
    expect(hs).toMatchObject({ unit: { name: '红十字会' }, status: { filing: 'missing', overdue: true }, tasksMissing: [13] });
    const text = await jiuzhu('progress', 'status', '--period', '2024-05', '--region', '640121100');
    expect(text.stdout).toMatch(/^2024-05 永宁县 \(yongning\): due 2024-06-05, on time through 2024-06-05, entries until 2024-06-15\n {2}640121100 +杨和镇/);
    expect(text.stdout).toContain('1 units: 1 on time, 0 late, 0 incomplete, 0 missing; 1 approved');
  });

  it('refuses a month that has not ended, in one sentence', async () => {
    const { stderr, code } = await jiuzhu('demo', '--out', join(workDir, 'future'), '--period', '2099-12');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^jiuzhu: 2099-12 has not ended yet \(today is \d{4}-\d{2}-\d{2}\); run a month up to \d{4}-\d{2}\n$/);
  });
});

/** The cells of one sheet row by column letter. */
function rowOf(cells: Record<string, unknown>, row: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(cells).filter(([ref]) => ref.replace(/^[A-Z]+/, '') === String(row)).map(([ref, value]) => [ref.replace(/\d+$/, ''), value]));
}
