import { describe, expect, it } from 'vitest';
import { shanghaiMinute, startOfDayInShanghai, todayInShanghai } from '../../gateway/calendar/shanghai-date.js';

describe('Shanghai wall-clock dates', () => {
  it('gives the calendar date and the minute in UTC+8, across midnight and the year’s end', () => {
    expect(todayInShanghai(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
    expect(shanghaiMinute('2026-12-31T16:30:59.999Z')).toBe('2027-01-01 00:30');
    expect(shanghaiMinute(new Date('2024-05-01T01:00:00Z'))).toBe('2024-05-01 09:00');
    expect(startOfDayInShanghai('2024-05-01')).toBe('2024-04-30T16:00:00.000Z');
  });
});
