import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLineActor } from '../../gateway/access/actor.js';
import { acceptApplication } from '../../gateway/casework/applications/application-intake.js';
import { recordApplicationStep } from '../../gateway/casework/applications/application-steps.js';
import { viewApplication } from '../../gateway/casework/applications/application-views.js';
import { recomputeProvisionalCaseworkDeadlines } from '../../gateway/casework/applications/provisional-deadlines.js';
import { defaultCaseworkSettings } from '../../gateway/casework/casework-settings.js';
import { openCase } from '../../gateway/casework/referrals/first-responder-cases.js';
import { viewCase } from '../../gateway/casework/referrals/referral-views.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { addHousehold, idNumber } from '../helpers/monitoring.js';
import { calendarWith2027 as withYear2027 } from '../helpers/calendar-2027.js';

const settings = defaultCaseworkSettings();
const calendarWith2027 = withYear2027(settings.calendar);
const actor = commandLineActor('test');
const applicant = idNumber('640121', '1966-06-06', 41);
const other = idNumber('640121', '1967-07-07', 42);

describe.each(dialects)('provisional casework deadlines on %s', (dialect) => {
  let store: TestStore;
  let applicationId: number;
  let decidedId: number;
  let caseId: number;

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await addHousehold(store.knex, '640121100200', [{ idNumber: applicant, name: '马德成' }]);
    await addHousehold(store.knex, '640121100201', [{ idNumber: other, name: '杨秀' }]);
    const options = { settings, today: '2026-12-10' };
    // Thursday 2026-12-10: 30 working days are 14 in December, then 16 weekdays of January 2027 — New Year's Day
    // among them while 2027's notice is not in the calendar.
    applicationId = await acceptApplication(store.knex, actor, { procedure: 'dibao', category: '120', applicantIdNumber: applicant, acceptingRegionCode: '640121100', acceptedOn: '2026-12-10' }, options);
    decidedId = await acceptApplication(store.knex, actor, { procedure: 'dibao', category: '120', applicantIdNumber: other, acceptingRegionCode: '640121100', acceptedOn: '2026-12-10' }, options);
    await recordApplicationStep(store.knex, actor, decidedId, { step: 'withdrawn', on: '2026-12-11', reason: '申请人撤回' }, { settings, today: '2026-12-11' });
    // Monday 2026-12-28 + 10 working days (教育局): 29, 30, 31, then 1 (a weekday until the notice), 4 … 8, 11 January.
    caseId = await openCase(store.knex, actor, {
      origin: { type: 'walk-in' }, subjectIdNumber: applicant, subjectName: '马德成', regionCode: '640121100', ownerUnit: '杨和镇社会救助服务站',
      summary: '子女就学困难', openedOn: '2026-12-28', referrals: [{ department: 'jy', need: '教育救助' }],
    }, { settings, today: '2026-12-28' });
  });
  afterAll(async () => store.dispose());

  it('flags due dates that count weekdays of an uncovered year, on the application, its next step and the referral', async () => {
    const { view } = await viewApplication(store.knex, actor, applicationId, { settings, today: '2026-12-10' });
    expect(view).toMatchObject({ dueOn: '2027-01-21', dueProvisional: true, nextStep: { step: 'check-started', dueOn: '2026-12-15', dueProvisional: false } });
    const referral = (await viewCase(store.knex, actor, caseId, { settings, today: '2026-12-28' })).view.referrals[0];
    expect(referral).toMatchObject({ sentOn: '2026-12-28', dueOn: '2027-01-11', dueProvisional: true });
  });

  it('records a step done in an uncovered year against a provisional deadline instead of refusing it', async () => {
    for (const step of ['check-started', 'investigation-started', 'investigated'] as const) {
      await recordApplicationStep(store.knex, actor, applicationId, { step, on: '2026-12-14' }, { settings, today: '2026-12-14' });
    }
    await recordApplicationStep(store.knex, actor, applicationId, { step: 'reviewed', on: '2026-12-21' }, { settings, today: '2026-12-21' });
    // The notice, due 12-23, posted late on 4 January 2027, a year the calendar does not cover: recorded, not refused.
    await recordApplicationStep(store.knex, actor, applicationId, { step: 'notice', on: '2027-01-04', reason: '元旦期间未能张贴' }, { settings, today: '2027-01-04' });
    const { view } = await viewApplication(store.knex, actor, applicationId, { settings, today: '2027-01-04' });
    // The decision: 10 weekdays after the notice's last day (01-11) is 01-25, past the whole deadline, which it takes —
    // provisional as that deadline is.
    expect(view.nextStep).toEqual({ step: 'decided', dueOn: '2027-01-21', dueProvisional: true, notBefore: '2027-01-12' });
    expect(view.steps.map((s) => [s.step, s.dueOn, s.dueProvisional, s.late])).toEqual([
      ['accepted', null, false, false], ['check-started', '2026-12-15', false, false], ['investigation-started', '2026-12-15', false, false],
      ['investigated', '2026-12-21', false, false], ['reviewed', '2026-12-21', false, false], ['notice', '2026-12-23', false, true],
    ]);
  });

  it('counts them again once the calendar covers 2027, one audit line each, open items only, and then has nothing left to do', async () => {
    expect(await recomputeProvisionalCaseworkDeadlines(store.knex, settings.calendar, actor)).toEqual({ examined: 2, changed: [] });
    const result = await recomputeProvisionalCaseworkDeadlines(store.knex, calendarWith2027, actor);
    expect(result).toEqual({
      examined: 2,
      changed: [
        { kind: 'application', id: applicationId, from: '2027-01-21', to: '2027-01-22', provisional: false },
        { kind: 'referral', id: expect.any(Number), from: '2027-01-11', to: '2027-01-12', provisional: false },
      ],
    });
    expect(await store.knex('applications').where('id', applicationId).first('due_on', 'due_provisional')).toEqual({ due_on: '2027-01-22', due_provisional: dialect === 'pg' ? false : 0 });
    // The withdrawn application keeps the deadline it was judged by.
    expect(await store.knex('applications').where('id', decidedId).first('due_on', 'due_provisional')).toEqual({ due_on: '2027-01-21', due_provisional: dialect === 'pg' ? true : 1 });
    const audit = await store.knex('audit_log').whereIn('action', ['application.deadline-recomputed', 'referral.deadline-recomputed']).orderBy('id').select('action', 'actor_label', 'detail');
    expect(audit).toEqual([
      { action: 'application.deadline-recomputed', actor_label: 'test', detail: 'due 2027-01-21 (provisional) → 2027-01-22: dibao accepted 2026-12-10 on the calendar "cn with 2027"' },
      { action: 'referral.deadline-recomputed', actor_label: 'test', detail: 'due 2027-01-11 (provisional) → 2027-01-12: sent 2026-12-28 to jy on the calendar "cn with 2027"' },
    ]);
    expect(await recomputeProvisionalCaseworkDeadlines(store.knex, calendarWith2027, actor)).toEqual({ examined: 0, changed: [] });
  });
});
