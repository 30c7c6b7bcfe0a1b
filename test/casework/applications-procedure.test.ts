import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { areaPrefix, routeApplication } from '../../gateway/casework/applications/one-city-scheme.js';
import { addDuration, applicationDueOn, extendedDueOn, nextStepOf, noticeEndsOn, plannedSteps, totalDueOn, type ProcedureProgress } from '../../gateway/casework/applications/procedure.js';
import { maskName, noticeAssistanceType } from '../../gateway/casework/applications/public-notices.js';
import { checkTimeLimits, loadTimeLimits, TimeLimitsError } from '../../gateway/casework/time-limits.js';
import { calendarWith2027 as withYear2027 } from '../helpers/calendar-2027.js';

const calendar = loadWorkingCalendar();
const limits = loadTimeLimits();
const dibao = limits.applications.procedures['dibao']!;
const antipoverty = limits.applications.procedures['antipoverty']!;

function progress(values: Partial<ProcedureProgress>): ProcedureProgress {
  return { acceptedOn: '2024-09-27', crossTownship: true, objected: false, lastStep: 'accepted', lastStepOn: '2024-09-27', noticeEndsOn: null, noticeEndsProvisional: false, ...values };
}

describe('application procedures (config/time-limits/default.json)', () => {
  it('counts working days across 2024 National Day and its make-up working days, calendar days straight through', () => {
    // Friday 09-27 + 3 working days: Sunday 09-29 (make-up), Monday 09-30, Tuesday 10-08.
    expect(addDuration(calendar, '2024-09-27', { days: 3, unit: 'working' })).toEqual({ date: '2024-10-08', provisional: false });
    // Friday 10-11 + 1 working day: Saturday 10-12 is a make-up working day.
    expect(addDuration(calendar, '2024-10-11', { days: 1, unit: 'working' })).toEqual({ date: '2024-10-12', provisional: false });
    expect(addDuration(calendar, '2024-09-27', { days: 7, unit: 'calendar' })).toEqual({ date: '2024-10-04', provisional: false });
  });

  it('gives the 低保 procedure its whole deadline, the one extension, and the 7-day notice', () => {
    expect(totalDueOn(calendar, dibao, '2024-09-27').date).toBe('2024-11-13');
    expect(extendedDueOn(calendar, dibao, { date: '2024-11-13', provisional: false })).toEqual({ date: '2024-12-04', provisional: false });
    expect(noticeEndsOn(calendar, dibao, '2024-09-27').date).toBe('2024-10-04');
    expect(extendedDueOn(calendar, antipoverty, { date: '2024-10-12', provisional: false })).toBeNull();
    // Anti-poverty identification: 15 calendar days from the clue, the notice at least 5 days.
    expect(totalDueOn(calendar, antipoverty, '2024-09-27').date).toBe('2024-10-12');
    expect(noticeEndsOn(calendar, antipoverty, '2024-10-08').date).toBe('2024-10-13');
  });

  it('forwards only applications investigated outside the registration township, and deliberates only on an objection', () => {
    expect(plannedSteps(dibao, { crossTownship: true, objected: false }).map((s) => s.step)).toEqual(['check-started', 'investigation-started', 'investigated', 'forwarded', 'reviewed', 'notice', 'decided', 'archived']);
    expect(plannedSteps(dibao, { crossTownship: false, objected: true }).map((s) => s.step)).toEqual(['check-started', 'investigation-started', 'investigated', 'reviewed', 'notice', 'deliberated', 'decided', 'archived']);
    // Review within 5 working days of Monday 09-30: 10-08, 09, 10, 11 and Saturday 10-12 (make-up).
    expect(nextStepOf(calendar, dibao, progress({ crossTownship: false, lastStep: 'investigated', lastStepOn: '2024-09-30' }))).toEqual({ step: 'reviewed', dueOn: '2024-10-12', dueProvisional: false, notBefore: null });
  });

  it('counts the step after the notice from its last day, and not before it has run out', () => {
    // Notice posted 09-27 runs through 10-04; the decision is due 10 working days later, make-up Saturday 10-12 included.
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'notice', lastStepOn: '2024-09-27', noticeEndsOn: '2024-10-04' }))).toEqual({ step: 'decided', dueOn: '2024-10-18', dueProvisional: false, notBefore: '2024-10-05' });
    // Anti-poverty: notice, then the township's review.
    expect(nextStepOf(calendar, antipoverty, progress({ lastStep: 'notice', lastStepOn: '2024-10-08', noticeEndsOn: '2024-10-13' }))).toEqual({ step: 'reviewed', dueOn: '2024-10-15', dueProvisional: false, notBefore: '2024-10-14' });
    // 民主评议 may meet as soon as the objection is in (due 5 working days after the notice's end: 10-08 … make-up Saturday 10-12);
    // the decision still waits for the notice to run out.
    const objected = progress({ objected: true, lastStep: 'notice', lastStepOn: '2024-09-27', noticeEndsOn: '2024-10-04' });
    expect(nextStepOf(calendar, dibao, objected)).toEqual({ step: 'deliberated', dueOn: '2024-10-12', dueProvisional: false, notBefore: null });
    expect(nextStepOf(calendar, dibao, { ...objected, lastStep: 'deliberated', lastStepOn: '2024-10-02' })).toEqual({ step: 'decided', dueOn: '2024-10-18', dueProvisional: false, notBefore: '2024-10-05' });
    // After the decision, 档案归档; after that, nothing.
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'decided', lastStepOn: '2024-10-21' }))).toEqual({ step: 'archived', dueOn: '2024-11-04', dueProvisional: false, notBefore: null });
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'archived', lastStepOn: '2024-10-22' }))).toBeNull();
  });

  it('times the start of the investigation from acceptance, whenever the 核对 started', () => {
    // Accepted Friday 09-27: 核对 started Monday 09-30; the investigation is still due to start by 10-08 (3 working days from 09-27).
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'check-started', lastStepOn: '2024-09-30' }))).toEqual({ step: 'investigation-started', dueOn: '2024-10-08', dueProvisional: false, notBefore: null });
    // The completed investigation counts from its start (5 working days, an example).
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'investigation-started', lastStepOn: '2024-09-30' }))).toEqual({ step: 'investigated', dueOn: '2024-10-12', dueProvisional: false, notBefore: null });
  });

  it('marks deadlines that run into a year the calendar does not cover as provisional, and counts them right once it does', () => {
    const calendarWith2027 = withYear2027(calendar);
    // Accepted Thursday 2026-12-10: 30 working days are 14 in December (11 … 31), then 16 weekdays of January 2027,
    // New Year's Day among them until the 2027 notice is in.
    expect(totalDueOn(calendar, dibao, '2026-12-10')).toEqual({ date: '2027-01-21', provisional: true });
    expect(totalDueOn(calendarWith2027, dibao, '2026-12-10')).toEqual({ date: '2027-01-22', provisional: false });
    // The extension runs on from a provisional deadline, so it stays provisional even where it adds nothing uncovered.
    expect(applicationDueOn(calendar, dibao, '2026-12-10', true)).toEqual({ date: '2027-02-11', provisional: true });
    expect(applicationDueOn(calendarWith2027, dibao, '2026-12-10', true)).toEqual({ date: '2027-02-12', provisional: false });
    // A step due after a provisional notice end is provisional too.
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'notice', lastStepOn: '2024-09-27', noticeEndsOn: '2024-10-04', noticeEndsProvisional: true }))?.dueProvisional).toBe(true);
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'reviewed', lastStepOn: '2026-12-30' }))).toEqual({ step: 'notice', dueOn: '2027-01-01', dueProvisional: true, notBefore: null });
  });

  it('runs 一城通办 only in 天津 from 2023-11-01 by default: the residence or the registration township takes it, the residence investigates', () => {
    expect(limits.applications.oneCity.schemes.map((s) => [s.areaCode, s.startsOn])).toEqual([['120000', '2023-11-01']]);
    expect(areaPrefix('120000')).toBe('12');
    expect(areaPrefix('640100')).toBe('6401');
    expect(areaPrefix('640121')).toBe('640121');
    const { oneCity } = limits.applications;
    // 和平区 (120101) registration, 滨海新区 (120116) residence: two districts of one municipality.
    const tianjin = { registrationTownship: '120101001', residenceTownship: '120116001' };
    expect(routeApplication(oneCity, tianjin, '2023-11-01')).toEqual({ scheme: '天津市', mayAccept: ['120116001', '120101001'], investigating: '120116001' });
    // The day before the start: only where registered ("申请低保等救助须在户籍地提交申请"), which investigates.
    expect(routeApplication(oneCity, tianjin, '2023-10-31')).toEqual({ scheme: null, mayAccept: ['120101001'], investigating: '120101001' });
    // Living outside the municipality: the scheme does not reach the residence.
    expect(routeApplication(oneCity, { registrationTownship: '120101001', residenceTownship: '130102001' }, '2024-01-01')).toEqual({ scheme: null, mayAccept: ['120101001'], investigating: '120101001' });
    // 永宁 (银川) runs no scheme unless configured.
    expect(routeApplication(oneCity, { registrationTownship: '640121100', residenceTownship: '640121101' }, '2024-10-08')).toEqual({ scheme: null, mayAccept: ['640121100'], investigating: '640121100' });
  });

  it('shows 刚性支出困难家庭 on notices under the general wording, without its code', () => {
    expect(noticeAssistanceType(limits.publicNotices, '650')).toEqual({ code: null, name: '低收入家庭' });
    expect(noticeAssistanceType(limits.publicNotices, '110')).toEqual({ code: '110', name: '城市最低生活保障' });
    expect(noticeAssistanceType(limits.publicNotices, null)).toBeNull();
  });

  it('refuses a configuration whose steps or departments do not hold together, naming each problem', () => {
    const broken = structuredClone(limits);
    broken.applications.procedures['dibao']!.steps = [
      { step: 'investigated', within: { days: 3, unit: 'working' } },
      { step: 'decided', within: { days: 3, unit: 'working' } },
      { step: 'investigated', within: { days: 3, unit: 'working' } },
    ];
    broken.referrals.departments[0] = { code: 'jy', name: '教育委员会', workingDays: 10 };
    expect(() => checkTimeLimits(broken, 'broken.json')).toThrow(TimeLimitsError);
    try {
      checkTimeLimits(broken, 'broken.json');
    } catch (error) {
      expect((error as Error).message).toBe([
        '[time-limits] broken.json is not usable:',
        '  - /referrals/departments/0/name is "教育委员会" but the department code table names jy "教育局"',
        '  - /applications/procedures/dibao/steps/2 repeats the step investigated',
        '  - /applications/procedures/dibao/steps must end with the decision (decided), followed only by its archiving (archived)',
        '  - /applications/procedures/dibao/steps has no public notice (notice)',
      ].join('\n'));
    }
    const badUnit = structuredClone(limits) as unknown as { applications: { procedures: Record<string, { total: { unit: string } }> } };
    badUnit.applications.procedures['dibao']!.total.unit = 'weeks';
    expect(() => checkTimeLimits(badUnit, 'bad.json')).toThrow('/applications/procedures/dibao/total/unit must be equal to one of the allowed values');
  });

  it('masks names the way some notices publish them', () => {
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('张明')).toBe('张*');
    expect(maskName('买买提·吐尔逊')).toBe('买*****逊');
  });
});
