import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { indexProgrammes, loadFilingProgrammes } from '../../gateway/filing/filing-programme.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { dialects } from '../helpers/dialects.js';

/** An instant at a Shanghai wall-clock time. */
const shanghai = (local: string) => new Date(`${local}+08:00`);

type Headers = { authorization: string };

describe.each(dialects)('the monthly progress sheets on %s', (dialect) => {
  let t: TestApp;
  let clock: Date;
  const keys = {} as Record<'mz' | 'ga' | 'yanghe' | 'unbound' | 'township' | 'otherTownship' | 'admin' | 'townshipAdmin' | 'auditor', Headers>;

  const put = (headers: Headers, url: string, payload: Record<string, unknown>) => t.app.inject({ method: 'PUT', url, headers, payload });
  const post = (headers: Headers, url: string, payload?: Record<string, unknown>) => t.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
  const get = (headers: Headers, url: string) => t.app.inject({ method: 'GET', url, headers });
  /** Files every task of a unit's sheet, one PUT each, at the clock's time. */
  async function fileAll(headers: Headers, period: string, unit: string, tasks: readonly number[]): Promise<void> {
    for (const task of tasks) {
      const response = await put(headers, `/v1/progress/${period}/${unit}/${task}`, { progress: `第${task}项：已落实` });
      expect(response.statusCode, response.body).toBeLessThan(300);
    }
  }
  const auditOf = (action: string, resourceId: string) =>
    t.store.knex('audit_log').where({ action, resource_id: resourceId, outcome: 'ok' }).orderBy('id').select('actor_label', 'detail');

  beforeAll(async () => {
    t = await buildTestApp(dialect, { now: () => clock });
    keys.mz = await t.authAs('liaison', '640121', 'mz');
    keys.ga = await t.authAs('liaison', '640121', 'ga');
    keys.yanghe = await t.authAs('liaison', '640121100', '640121100');
    keys.unbound = await t.authAs('liaison', '640121');
    keys.township = await t.authAs('township', '640121100');
    keys.otherTownship = await t.authAs('township', '640121101');
    keys.admin = await t.authAs('admin', '640121');
    keys.townshipAdmin = await t.authAs('admin', '640121100');
    keys.auditor = await t.authAs('auditor', '640121');
  });
  beforeEach(() => {
    clock = shanghai('2024-10-03T10:00:00');
  });
  afterAll(async () => t.close());

  it('takes a liaison officer’s progress for its own unit: 201 the first time, 200 after, and nothing new for the same text', async () => {
    const first = await put(keys.ga, '/v1/progress/2024-09/ga/11', { progress: '联合开展流浪乞讨人员救助', note: '夏季送清凉' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ number: 11, title: '落实急难社会救助', leads: false, progress: '联合开展流浪乞讨人员救助', note: '夏季送清凉', timeliness: 'on-time' });
    const entries = await auditOf('progress.file', 'yongning/2024-09/ga');
    expect(entries).toHaveLength(1);
    expect(entries[0].detail).toBe('filed through the API: task 11 (first filed: 11)');

    clock = shanghai('2024-10-04T09:00:00');
    const again = await put(keys.ga, '/v1/progress/2024-09/ga/11', { progress: '联合开展流浪乞讨人员救助', note: '夏季送清凉' });
    expect(again.statusCode).toBe(200);
    expect(again.json().filedAt).toBe(first.json().filedAt);
    expect(await auditOf('progress.file', 'yongning/2024-09/ga')).toHaveLength(1);

    const changed = await put(keys.ga, '/v1/progress/2024-09/ga/11', { progress: '联合公安开展流浪乞讨人员救助' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ note: null, firstFiledAt: first.json().firstFiledAt, filedAt: shanghai('2024-10-04T09:00:00').toISOString() });
    expect(await auditOf('progress.file', 'yongning/2024-09/ga')).toHaveLength(2);
  });

  it('refuses a unit’s key for another unit, an unbound liaison key, and a task the unit does not report on', async () => {
    const other = await put(keys.ga, '/v1/progress/2024-09/mz/1', { progress: '代填' });
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).toContain('files for its own unit (ga) only');
    const unbound = await put(keys.unbound, '/v1/progress/2024-09/ga/11', { progress: '代填' });
    expect(unbound.statusCode).toBe(403);
    expect(unbound.json().detail).toContain('--unit');
    const foreign = await put(keys.ga, '/v1/progress/2024-09/ga/1', { progress: '认定' });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({ code: 'filing-task-not-assigned', detail: expect.stringContaining('its tasks are 11') });
    expect(await t.store.knex('progress_entries').where({ unit_code: 'mz' }).count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('lets a township key file for its own township’s unit only, and hides other townships’ and the county’s units from it', async () => {
    expect((await put(keys.township, '/v1/progress/2024-09/640121100/1', { progress: '完成低保认定' })).statusCode).toBe(201);
    expect((await put(keys.otherTownship, '/v1/progress/2024-09/640121100/1', { progress: '代填' })).statusCode).toBe(404);
    expect((await get(keys.township, '/v1/progress/2024-09/mz')).statusCode).toBe(404);
    const countyTownshipKey = await t.authAs('township', '640121');
    const refused = await put(countyTownshipKey, '/v1/progress/2024-09/640121101/1', { progress: '代填' });
    expect(refused.statusCode).toBe(403);
    expect((await put(keys.admin, '/v1/progress/2024-09/640121101/1', { progress: '县里代填' })).statusCode).toBe(201);
    expect((await put(keys.auditor, '/v1/progress/2024-09/640121101/1', { progress: '代填' })).statusCode).toBe(403);
  });

  it('judges a sheet on time when its last task is first filed on the due day, and late from the next day (Asia/Shanghai)', async () => {
    const tasks = [2, 3, 4, 10, 15];
    clock = shanghai('2024-10-05T08:00:00');
    await fileAll(keys.admin, '2024-09', 'zj', tasks.slice(0, 4));
    clock = shanghai('2024-10-05T23:59:59');
    await fileAll(keys.admin, '2024-09', 'zj', [8]);
    // 牵头单位 of task 8 (住房救助) report on it too (config: leadUnitsFile, local practice).
    expect((await get(keys.mz, '/v1/progress/2024-09/zj')).json().status).toMatchObject({ filing: 'incomplete', tasksExpected: 6, tasksFiled: 5, overdue: false });
    await fileAll(keys.admin, '2024-09', 'zj', [15]);
    const onTime = (await get(keys.mz, '/v1/progress/2024-09/zj')).json();
    expect(onTime.status).toMatchObject({ filing: 'on-time', completedAt: shanghai('2024-10-05T23:59:59').toISOString(), overdue: false });

    clock = shanghai('2024-10-05T20:00:00');
    await fileAll(keys.admin, '2024-09', 'jy', [2, 3, 4, 7]);
    clock = shanghai('2024-10-06T00:00:01');
    expect((await get(keys.mz, '/v1/progress/2024-09/jy')).json().status).toMatchObject({ filing: 'incomplete', overdue: true });
    await fileAll(keys.admin, '2024-09', 'jy', [15]);
    const late = (await get(keys.mz, '/v1/progress/2024-09/jy')).json();
    expect(late.status).toMatchObject({ filing: 'late', overdue: false });
    expect(late.tasks.map((task: { number: number; timeliness: string }) => [task.number, task.timeliness])).toEqual([[2, 'on-time'], [3, 'on-time'], [4, 'on-time'], [7, 'on-time'], [15, 'late']]);
  });

  it('locks a sheet once approved, reopens it with a reason in the audit log, and takes entries again until approved again', async () => {
    const sheet = '/v1/progress/2024-09/ga';
    const approved = await post(keys.mz, `${sheet}/approval`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toMatchObject({ approved: true });
    // ga reports on task 11 only, filed in the first test: the sheet was complete.
    const locked = await put(keys.ga, `${sheet}/11`, { progress: '改一改' });
    expect(locked.statusCode).toBe(409);
    expect(locked.json().code).toBe('filing-sheet-approved');
    expect((await post(keys.mz, `${sheet}/approval`)).json().code).toBe('filing-sheet-approved');

    expect((await post(keys.ga, `${sheet}/reopening`, { reason: '请补充' })).statusCode).toBe(403);
    expect((await post(keys.townshipAdmin, `${sheet}/reopening`, { reason: '请补充' })).statusCode).toBe(404);
    expect((await post(keys.mz, `${sheet}/reopening`, {})).statusCode).toBe(400);
    clock = shanghai('2024-10-20T10:00:00');
    const reopened = await post(keys.mz, `${sheet}/reopening`, { reason: '进度表述过于笼统，请补充数据' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().status).toMatchObject({ approved: false, reopenCount: 1, reopenReason: '进度表述过于笼统，请补充数据', acceptsEntries: true });
    const audit = await auditOf('progress.reopen', 'yongning/2024-09/ga');
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_label).toBe('test liaison 640121 mz');
    expect(audit[0].detail).toMatch(/^reopening 1, approved at .+: 进度表述过于笼统，请补充数据$/);

    // 20 October is past the entry period (due 5 October + 10 days), but the sheet was reopened.
    const corrected = await put(keys.ga, `${sheet}/11`, { progress: '救助流浪乞讨人员12人次' });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json().timeliness).toBe('on-time');
    expect((await post(keys.admin, `${sheet}/approval`)).json().status).toMatchObject({ approved: true, reopenCount: 1, acceptsEntries: false });
    expect((await post(keys.mz, `${sheet}/reopening`, { reason: '再次退回' })).json().status.reopenCount).toBe(2);
    expect(await auditOf('progress.reopen', 'yongning/2024-09/ga')).toHaveLength(2);
  });

  it('approves only a complete sheet, and only as the lead unit or an admin of the county', async () => {
    const response = await post(keys.mz, '/v1/progress/2024-09/jy/approval');
    expect(response.statusCode).toBe(200);
    const incomplete = await post(keys.mz, '/v1/progress/2024-09/yb/approval');
    expect(incomplete.statusCode).toBe(409);
    expect(incomplete.json()).toMatchObject({ code: 'filing-sheet-incomplete', detail: expect.stringContaining('task 1, 2, 3, 4, 5, 6, 7, 8, 15') });
    expect((await post(keys.ga, '/v1/progress/2024-09/yb/approval')).statusCode).toBe(403);
    expect((await post(keys.yanghe, '/v1/progress/2024-09/640121100/approval')).statusCode).toBe(403);
    expect((await post(keys.townshipAdmin, '/v1/progress/2024-09/640121100/approval')).statusCode).toBe(403);
    expect((await post(keys.township, '/v1/progress/2024-09/640121100/approval')).statusCode).toBe(403);
  });

  it('closes entries after the programme’s lock period, and takes none before the month begins or for a month before the round', async () => {
    clock = shanghai('2024-10-16T00:00:00');
    const closed = await put(keys.ga, '/v1/progress/2024-09/ga/11', { progress: '迟报' });
    // ga's sheet was reopened again in the test before: reopened sheets take entries past the lock period.
    expect(closed.statusCode).toBe(200);
    const yb = await put(keys.admin, '/v1/progress/2024-09/yb/1', { progress: '迟报' });
    expect(yb.statusCode).toBe(409);
    expect(yb.json()).toMatchObject({ code: 'filing-closed', detail: expect.stringContaining('until 2024-10-15') });
    expect((await put(keys.admin, '/v1/progress/2024-11/yb/1', { progress: '提前' })).json().code).toBe('filing-not-open');
    expect((await put(keys.admin, '/v1/progress/2024-04/yb/1', { progress: '太早' })).statusCode).toBe(404);
    expect((await get(keys.admin, '/v1/progress/2024-10/yb')).json().status).toMatchObject({ filing: 'missing', acceptsEntries: true });
  });

  it('lists the units not yet complete, with their missing tasks, and every unit’s completeness', async () => {
    clock = shanghai('2024-10-09T10:00:00');
    const missing = (await get(keys.mz, '/v1/progress/2024-09/missing')).json();
    const rows = missing.programmes[0].units as { unit: { code: string }; tasksMissing: number[]; status: { filing: string; overdue: boolean } }[];
    expect(rows.map((r) => r.unit.code)).not.toContain('ga');
    expect(rows.map((r) => r.unit.code)).not.toContain('zj');
    expect(rows.find((r) => r.unit.code === 'mz')).toMatchObject({ tasksMissing: Array.from({ length: 15 }, (_, i) => i + 1), status: { filing: 'missing', overdue: true } });
    expect(rows.find((r) => r.unit.code === '640121100')).toMatchObject({ status: { filing: 'incomplete' } });
    expect(rows.find((r) => r.unit.code === '640121100')!.tasksMissing).not.toContain(1);

    const all = (await get(keys.auditor, '/v1/progress/2024-09/completeness')).json().programmes[0];
    expect(all.deadline).toEqual({ opensOn: '2024-09-01', dueOn: '2024-10-05', onTimeThrough: '2024-10-05', entryClosesAfter: '2024-10-15' });
    expect(all.units).toHaveLength(23);
    const byUnit = Object.fromEntries(all.units.map((r: { unit: { code: string }; status: { filing: string; approved: boolean } }) => [r.unit.code, r.status]));
    expect(byUnit.zj).toMatchObject({ filing: 'on-time', approved: false });
    expect(byUnit.jy).toMatchObject({ filing: 'late', approved: true });
    expect(byUnit.ga).toMatchObject({ filing: 'on-time', approved: false, reopenCount: 2 });

    const own = (await get(keys.township, '/v1/progress/2024-09/completeness')).json().programmes[0].units;
    expect(own.map((r: { unit: { code: string } }) => r.unit.code)).toEqual(['640121100']);
    expect((await get(await t.authAs('liaison', '500114'), '/v1/progress/2024-09/completeness')).json().programmes).toEqual([]);
    expect((await get(await t.authAs('finance', '640121'), '/v1/progress/2024-09/completeness')).statusCode).toBe(403);
  });

  it('shows last month’s text beside each task', async () => {
    clock = shanghai('2024-11-02T10:00:00');
    const sheet = (await get(keys.ga, '/v1/progress/2024-10/ga')).json();
    expect(sheet.tasks).toEqual([expect.objectContaining({ number: 11, progress: null, previousProgress: '迟报' })]);
  });
});

describe.each(dialects)('a programme that does not count the due day itself on %s', (dialect) => {
  let t: TestApp;
  const clock = new Date('2024-10-05T10:00:00+08:00');

  beforeAll(async () => {
    const programme = structuredClone(loadFilingProgrammes().all[0]!);
    programme.returns.dueDayInclusive.value = false;
    t = await buildTestApp(dialect, { now: () => clock, filingProgrammes: indexProgrammes([programme]) });
  });
  afterAll(async () => t.close());

  it('judges a sheet completed on the 5th late', async () => {
    const ga = await t.authAs('liaison', '640121', 'ga');
    const filed = await t.app.inject({ method: 'PUT', url: '/v1/progress/2024-09/ga/11', headers: ga, payload: { progress: '已落实' } });
    expect(filed.json().timeliness).toBe('late');
    const sheet = (await t.app.inject({ method: 'GET', url: '/v1/progress/2024-09/ga', headers: ga })).json();
    expect(sheet.deadline).toMatchObject({ dueOn: '2024-10-05', onTimeThrough: '2024-10-04' });
    expect(sheet.status.filing).toBe('late');
  });
});
