import { describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { loadTimeLimits } from '../../gateway/casework/time-limits.js';
import { referralDueOn } from '../../gateway/casework/referrals/referral-handling.js';
import { isReferralOverdue } from '../../gateway/casework/referrals/referral-views.js';
import { ProblemError } from '../../gateway/errors.js';
import { codeName } from '../../gateway/store/reference-data/code-tables.js';

const settings = { limits: loadTimeLimits(), calendar: loadWorkingCalendar() };

describe('referral deadlines', () => {
  it('gives each department its working days from configuration, across National Day and its make-up days', () => {
    // 教育局 10: 09-29 (make-up Sunday), 09-30, 10-08, 09, 10, 11, 12 (make-up Saturday), 14, 15, 16.
    expect(referralDueOn(settings, { department: 'jy', urgent: false, sentOn: '2024-09-27' }).date).toBe('2024-10-16');
    // 应急管理局 5 from Monday 09-30: 10-08, 09, 10, 11, 12.
    expect(referralDueOn(settings, { department: 'yj', urgent: false, sentOn: '2024-09-30' }).date).toBe('2024-10-12');
    // Urgent, whatever the department: one working day (seed 003).
    expect(referralDueOn(settings, { department: 'ts', urgent: true, sentOn: '2024-09-30' }).date).toBe('2024-10-08');
    expect(referralDueOn(settings, { department: 'ts', urgent: true, sentOn: '2024-10-11' }).date).toBe('2024-10-12');
  });

  it('counts weekdays into a year the holiday calendar does not cover yet, as warnings do', () => {
    // Monday 2026-12-28 + 10: 29, 30, 31, then 2027 unknown — Friday 01-01 counts as a weekday — 01-04 … 01-08, 01-11.
    expect(referralDueOn(settings, { department: 'jy', urgent: false, sentOn: '2026-12-28' })).toEqual({ date: '2027-01-11', provisional: true });
  });

  it('sends referrals to the departments the seeds name beside the 15 tasks\' units: 公安, 财政, 红十字会, 司法, 养老', () => {
    const codes = settings.limits.referrals.departments.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['ga', 'cz', 'hs', 'sf', 'yl']));
    // 公安局 10 working days (an example) from Friday 2024-09-27, as 教育局 above.
    expect(referralDueOn(settings, { department: 'ga', urgent: false, sentOn: '2024-09-27' }).date).toBe('2024-10-16');
  });

  it('refuses a department referrals do not go to', () => {
    expect(() => referralDueOn(settings, { department: 'zr', urgent: false, sentOn: '2024-09-27' })).toThrow(ProblemError);
  });

  it('is overdue only while still with the department after the deadline', () => {
    expect(isReferralOverdue({ status: 'sent', dueOn: '2024-10-16' }, '2024-10-16')).toBe(false);
    expect(isReferralOverdue({ status: 'accepted', dueOn: '2024-10-16' }, '2024-10-17')).toBe(true);
    expect(isReferralOverdue({ status: 'done', dueOn: '2024-10-16' }, '2024-10-17')).toBe(false);
    expect(isReferralOverdue({ status: 'declined', dueOn: '2024-10-16' }, '2024-10-17')).toBe(false);
  });

  it('uses the department code table’s codes and names where a department is in it', () => {
    for (const department of settings.limits.referrals.departments) {
      const name = codeName('department', department.code);
      if (name !== undefined) expect(department.name).toBe(name);
    }
    expect(settings.limits.referrals.departments.map((d) => d.code)).toEqual(['jy', 'wj', 'yb', 'rs', 'zj', 'cl', 'yj', 'ny', 'gh', 'fl', 'tw', 'ts', 'mz', 'ga', 'cz', 'hs', 'sf', 'yl']);
  });
});
