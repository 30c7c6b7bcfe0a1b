import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { todayInShanghai } from '../../gateway/calendar/shanghai-date.js';
import { overdueWorkingDays } from '../../gateway/engine/warning-deadlines.js';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import { runJiuzhu } from '../helpers/cli.js';
import { idNumber } from '../helpers/monitoring.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-warning-cli-'));
const env = { JIUZHU_DB: join(dir, 'warnings.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };

// Commands other than migrate, seed, demo and serve refuse a store that is not there yet.
beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});
const patient = idNumber('640121', '1966-04-18', 24);

describe('warnings from the command line', () => {
  let store: StoreConnection;
  let warningId: number;

  beforeAll(async () => {
    const file = join(dir, 'settlements.csv');
    writeFileSync(file, `姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付\n马秀兰,${patient},住院,2024-05-06,"80,000.00","25,000.00"\n`);
    expect((await runJiuzhu(env, 'import', '--source', 'yibao', file)).code).toBe(0);
    const compared = await runJiuzhu(env, 'compare', '--period', '2024-05', '--json');
    expect(JSON.parse(compared.stdout)).toMatchObject({ warnings: 1 });
    store = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists warnings as JSON with the ID number masked, and audits the read', async () => {
    const listed = await runJiuzhu(env, 'warnings', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const warnings = JSON.parse(listed.stdout);
    expect(warnings).toEqual([expect.objectContaining({
      ruleId: 'non-recipient-inpatient-self-pay', period: '2024-05', regionCode: '640121', status: 'pending', deadlineWorkingDays: 15,
      subject: { idNumber: `${patient.slice(0, 6)}********${patient.slice(14)}`, idNumberMasked: true, name: '马秀兰', personId: null, householdId: null },
    })]);
    warningId = warnings[0].id;
    const audit = await store.knex('audit_log').where('action', 'warning.list').orderBy('id', 'desc').first('actor_label', 'outcome', 'detail');
    expect(audit).toEqual({ actor_label: 'cli', outcome: 'ok', detail: `warnings ${warningId}` });
    expect(JSON.parse((await runJiuzhu(env, 'warnings', 'list', '--township', '640121100', '--json')).stdout)).toEqual([]);
  });

  it('recomputes a due date counted before 2026’s notice was in the calendar, and lists it overdue', async () => {
    // Raised Friday 26 December 2025 with 10 working days, when 2026 was counted Monday to Friday: due 9 January.
    await store.knex('warnings').where('id', warningId).update({ raised_on: '2025-12-26', due_on: '2026-01-09', due_provisional: true, deadline_working_days: 10 });
    const recomputed = await runJiuzhu(env, 'deadlines', 'recompute', '--json');
    expect(recomputed.code, recomputed.stderr).toBe(0);
    // 1–3 January 2026 are off and Sunday 4 January is worked: the tenth working day is Monday 12 January.
    expect(JSON.parse(recomputed.stdout)).toEqual({
      warnings: { examined: 1, changed: [{ warningId, from: '2026-01-09', to: '2026-01-12', provisional: false }] },
      casework: { examined: 0, changed: [] },
    });
    expect(await store.knex('audit_log').where('action', 'warning.deadline-recomputed').pluck('resource_id')).toEqual([String(warningId)]);

    const overdue = JSON.parse((await runJiuzhu(env, 'warnings', 'list', '--overdue', '--json')).stdout);
    const expected = overdueWorkingDays(loadWorkingCalendar(), { status: 'pending', dueOn: '2026-01-12' }, todayInShanghai());
    expect(overdue).toEqual([expect.objectContaining({ id: warningId, dueOn: '2026-01-12', dueProvisional: false, overdueWorkingDays: expected })]);
    const text = await runJiuzhu(env, 'warnings', 'list', '--overdue');
    expect(text.stdout).toContain(`due 2026-01-12  pending, ${expected} working days overdue`);
    expect(JSON.parse((await runJiuzhu(env, 'deadlines', 'recompute', '--json')).stdout).warnings).toEqual({ examined: 0, changed: [] });
  });

  it('refuses a township code that is not 9 digits', async () => {
    const result = await runJiuzhu(env, 'warnings', 'list', '--township', '64012');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--township takes a 9-digit township code, not "64012"');
  });
});
