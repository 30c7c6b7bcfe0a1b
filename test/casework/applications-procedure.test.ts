import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { addDuration, extendedDueOn, nextStepOf, noticeEndsOn, plannedSteps, totalDueOn, type ProcedureProgress } from '../../gateway/casework/applications/procedure.js';
import { maskName } from '../../gateway/casework/applications/public-notices.js';
import { checkTimeLimits, loadTimeLimits, TimeLimitsError } from '../../gateway/casework/applications/time-limits.js';

const calendar = loadWorkingCalendar();
const limits = loadTimeLimits();
const dibao = limits.applications.procedures['dibao']!;
const antipoverty = limits.applications.procedures['antipoverty']!;

function progress(values: Partial<ProcedureProgress>): ProcedureProgress {
  return { acceptedOn: '2024-09-27', crossTownship: true, lastStep: 'accepted', lastStepOn: '2024-09-27', noticeEndsOn: null, ...values };
}

describe('application procedures (config/time-limits/default.json)', () => {
  it('counts working days across 2024 National Day and its make-up working days, calendar days straight through', () => {
    // Friday 09-27 + 3 working days: Sunday 09-29 (make-up), Monday 09-30, Tuesday 10-08.
    expect(addDuration(calendar, '2024-09-27', { days: 3, unit: 'working' })).toBe('2024-10-08');
    // Friday 10-11 + 1 working day: Saturday 10-12 is a make-up working day.
    expect(addDuration(calendar, '2024-10-11', { days: 1, unit: 'working' })).toBe('2024-10-12');
    expect(addDuration(calendar, '2024-09-27', { days: 7, unit: 'calendar' })).toBe('2024-10-04');
  });

  it('gives the 低保 procedure its whole deadline, the one extension, and the 7-day notice', () => {
    expect(totalDueOn(calendar, dibao, '2024-09-27')).toBe('2024-11-13');
    expect(extendedDueOn(calendar, dibao, '2024-11-13')).toBe('2024-12-04');
    expect(noticeEndsOn(calendar, dibao, '2024-09-27')).toBe('2024-10-04');
    expect(extendedDueOn(calendar, antipoverty, '2024-10-12')).toBeNull();
    // Anti-poverty identification: 15 calendar days from the clue, the notice at least 5 days.
    expect(totalDueOn(calendar, antipoverty, '2024-09-27')).toBe('2024-10-12');
    expect(noticeEndsOn(calendar, antipoverty, '2024-10-08')).toBe('2024-10-13');
  });

  it('forwards only applications taken outside the registration township', () => {
    expect(plannedSteps(dibao, true).map((s) => s.step)).toEqual(['investigated', 'forwarded', 'reviewed', 'notice', 'decided']);
    expect(plannedSteps(dibao, false).map((s) => s.step)).toEqual(['investigated', 'reviewed', 'notice', 'decided']);
    // Review within 5 working days of Monday 09-30: 10-08, 09, 10, 11 and Saturday 10-12 (make-up).
    expect(nextStepOf(calendar, dibao, progress({ crossTownship: false, lastStep: 'investigated', lastStepOn: '2024-09-30' }))).toEqual({ step: 'reviewed', dueOn: '2024-10-12', notBefore: null });
  });

  it('counts the step after the notice from its last day, and not before it has run out', () => {
    // Notice posted 09-27 runs through 10-04; the decision is due 10 working days later, make-up Saturday 10-12 included.
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'notice', lastStepOn: '2024-09-27', noticeEndsOn: '2024-10-04' }))).toEqual({ step: 'decided', dueOn: '2024-10-18', notBefore: '2024-10-05' });
    // Anti-poverty: notice, then the township's review.
    expect(nextStepOf(calendar, antipoverty, progress({ lastStep: 'notice', lastStepOn: '2024-10-08', noticeEndsOn: '2024-10-13' }))).toEqual({ step: 'reviewed', dueOn: '2024-10-15', notBefore: '2024-10-14' });
    expect(nextStepOf(calendar, dibao, progress({ lastStep: 'decided', lastStepOn: '2024-10-20' }))).toBeNull();
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
        '  - /applications/procedures/dibao/steps must end with the decision (decided)',
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
