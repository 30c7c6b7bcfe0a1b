import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/access/actor.js';
import { combinedProgressSheet, filingCompleteness, loadFilingProgrammes, tasksFiledBy, unitProgressSheet } from '../../gateway/filing/index.js';
import { approveProgressSheet, fileProgress } from '../../gateway/filing/progress-filing.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const programme = loadFilingProgrammes().all.find((p) => p.id === 'yongning')!;
const admin: Actor = { keyId: null, role: 'admin', regionCode: '640121', label: 'test admin' };
const unit = (code: string) => ({ programme, unit: programme.units.find((u) => u.code === code)! });

describe.each(dialects)('the progress sheets as the reports read them on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    const file = (code: string, tasks: number[], at: string) => fileProgress(store.knex, admin, unit(code), '2024-09', tasks.map((taskNumber) => ({ taskNumber, progress: `${code} 第${taskNumber}项`, note: null })), { now: new Date(at), how: 'test' });
    await file('mz', tasksFiledBy(programme, 'mz').map((t) => t.number), '2024-10-03T10:00:00+08:00');
    await file('ga', [11], '2024-10-07T10:00:00+08:00');
    await file('640121100', [1, 2], '2024-10-04T10:00:00+08:00');
    await approveProgressSheet(store.knex, admin, unit('mz'), '2024-09', { now: new Date('2024-10-06T09:00:00+08:00') });
  });
  afterAll(async () => store.dispose());

  it('combines the month into every task × every unit reporting on it, in the document’s order, filed or not', async () => {
    const rows = await combinedProgressSheet(store.knex, programme, '2024-09');
    expect(rows).toHaveLength(programme.units.reduce((sum, u) => sum + tasksFiledBy(programme, u.code).length, 0));
    expect([...new Set(rows.map((r) => r.taskNumber))]).toEqual(programme.tasks.map((t) => t.number));
    const eleven = rows.filter((r) => r.taskNumber === 11);
    expect(eleven.map((r) => r.unit.code)).toEqual(['mz', 'ga', '640121100', '640121101', '640121102', '640121103', '640121104', '640121200', '640121001']);
    expect(eleven[0]).toMatchObject({ leads: true, progress: 'mz 第11项', timeliness: 'on-time', approved: true, groupTitle: '做好分层分类社会救助工作', leadUnits: ['民政局'] });
    expect(eleven[1]).toMatchObject({ leads: false, progress: 'ga 第11项', timeliness: 'late', approved: false });
    expect(eleven[2]).toMatchObject({ progress: null, timeliness: null, firstFiledAt: null });
    expect(rows.find((r) => r.taskNumber === 6)!.leadUnits).toEqual(['医保局', '卫健局']);
  });

  it('gives each unit’s completeness as of a day, and one unit’s sheet', async () => {
    const completeness = await filingCompleteness(store.knex, programme, '2024-09', '2024-10-09');
    const status = (code: string) => completeness.units.find((r) => r.unit.code === code)!;
    expect(status('mz').status).toMatchObject({ filing: 'on-time', approved: true, acceptsEntries: false, tasksFiled: 15 });
    expect(status('ga').status).toMatchObject({ filing: 'late', approved: false });
    expect(status('640121100')).toMatchObject({ status: { filing: 'incomplete', overdue: true, tasksFiled: 2 }, tasksMissing: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] });
    expect(status('hs')).toMatchObject({ status: { filing: 'missing', overdue: true }, tasksMissing: [13] });
    expect((await filingCompleteness(store.knex, programme, '2024-09', '2024-10-05', ['hs'])).units).toEqual([
      expect.objectContaining({ unit: { code: 'hs', name: '红十字会', kind: 'group' }, status: expect.objectContaining({ overdue: false }) }),
    ]);
    const sheet = await unitProgressSheet(store.knex, programme, '2024-09', 'ga', '2024-10-09');
    expect(sheet.tasks).toEqual([expect.objectContaining({ number: 11, progress: 'ga 第11项', timeliness: 'late' })]);
  });
});
