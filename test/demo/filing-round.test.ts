import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDemoRound, type FilingRoundSummary } from '../../gateway/demo/month/filing-round.js';
import { loadFilingProgrammes } from '../../gateway/filing/filing-programme.js';
import { unitProgressSheet } from '../../gateway/filing/progress-sheets.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';

const programme = loadFilingProgrammes().all.find((p) => p.id === 'yongning')!;
const tables = ['progress_entries', 'progress_sheets', 'liaison_contacts', 'quarterly_summaries', 'audit_log'];

describe.each(dialects)('the demo filing round on %s', (dialect) => {
  let store: TestStore;
  let first: FilingRoundSummary;
  // June 2024's sheets were due 5 July; by the 12th every filing of the round, the late ones too, has happened.
  const run = () => fileDemoRound(store, { programme, period: '2024-06', today: '2024-07-12', seed: 7 });
  const sheet = (unit: string) => first.sheets.find((s) => s.unit === unit)!;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    first = await run();
  });
  afterAll(async () => store.dispose());

  it('files every unit’s sheet but one: most on time, one on the due day itself, two late', () => {
    expect(first).toMatchObject({ programme: 'yongning', period: '2024-06', dueOn: '2024-07-05', sheetsDue: true, notYet: 0 });
    expect(first.sheets).toHaveLength(23);
    expect(sheet('hs')).toMatchObject({ filing: 'missing', tasksFiled: 0, approved: false });
    expect(sheet('ga')).toMatchObject({ filing: 'late', approved: false });
    expect(sheet('640121200')).toMatchObject({ filing: 'late', tasksFiled: 15, approved: false });
    expect(sheet('640121104')).toMatchObject({ filing: 'on-time', approved: true });
    expect(first.sheets.filter((s) => s.filing === 'on-time')).toHaveLength(20);
  });

  it('has the lead unit approve the sheets filed on time, and send one back with a reason before approving its correction', async () => {
    expect(first.sheets.filter((s) => s.approved).map((s) => s.unit)).toEqual(first.sheets.filter((s) => s.filing === 'on-time').map((s) => s.unit));
    expect(sheet('yb')).toMatchObject({ approved: true, reopenCount: 1 });
    const yb = await unitProgressSheet(store.knex, programme, '2024-06', 'yb', '2024-07-12');
    expect(yb.status.reopenReason).toBe('第6项未写明本月资助参保人数，请补充后重新报送');
    expect(yb.tasks.find((t) => t.number === 6)).toMatchObject({ note: '已按退回意见补充', timeliness: 'on-time', progress: expect.stringContaining('本月新增资助参保12人') });
    const reopened = await store.knex('audit_log').where({ action: 'progress.reopen', resource_id: 'yongning/2024-06/yb' }).pluck('actor_label');
    expect(reopened).toEqual(['demo 民政局联络员']);
  });

  it('puts the month’s monitoring figures into the lead unit’s progress on warnings', async () => {
    const mz = await unitProgressSheet(store.knex, programme, '2024-06', 'mz', '2024-07-12');
    expect(mz.tasks.find((t) => t.number === 4)!.progress).toMatch(/^本月核查预警\d+条，处置\d+条；新纳入救助\d+户\d+人，转介\d+件。$/);
  });

  it('files the liaison roster around its 2024 due date, one late and two missing, phones encrypted, and three quarterly summaries', async () => {
    expect(first.roster).toEqual({ dueOn: '2024-06-05', onTime: 20, late: 1, missing: 2 });
    expect(first.summaries).toEqual({ quarter: '2024-Q2', dueOn: '2024-06-30', onTime: 2, late: 1, missing: 20 });
    const phones = await store.knex('liaison_contacts').pluck('leader_phone_cipher');
    expect(phones.every((cipher: string) => /^jzf1\./.test(cipher))).toBe(true);
  });

  it('changes nothing when run again for the same month and day', async () => {
    const rows = async () => Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await store.knex(table).orderBy('id').select()])));
    const before = await rows();
    expect(await run()).toEqual(first);
    expect(await rows()).toEqual(before);
  });
});

describe.each(dialects)('the demo filing round run early on %s', (dialect) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await openTestStore(dialect);
  });
  afterAll(async () => store.dispose());

  it('leaves the filings of days after today for a later run, which makes them', async () => {
    const early = await fileDemoRound(store, { programme, period: '2024-06', today: '2024-07-05', seed: 7 });
    expect(early.notYet).toBeGreaterThan(0);
    expect(early.sheets.find((s) => s.unit === 'ga')).toMatchObject({ filing: 'missing' });
    expect(early.sheets.find((s) => s.unit === '640121104')).toMatchObject({ filing: 'on-time', approved: false });
    const later = await fileDemoRound(store, { programme, period: '2024-06', today: '2024-07-12', seed: 7 });
    expect(later.notYet).toBe(0);
    expect(later.sheets.find((s) => s.unit === 'ga')).toMatchObject({ filing: 'late' });
    expect(later.sheets.find((s) => s.unit === '640121104')).toMatchObject({ approved: true });
  });
});
