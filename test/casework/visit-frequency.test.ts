import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { addCalendarMonths, ageOn, calendarPeriodDue, governingRequirement, visitRequirements, type HouseholdForVisits } from '../../gateway/casework/visit-frequency.js';
import { loadVisitPolicy, VisitPolicyError } from '../../gateway/casework/visit-policy.js';
import { loadRuleSet } from '../../gateway/engine/rule-set.js';

const policy = loadVisitPolicy(undefined, { ruleIds: loadRuleSet().ruleSet.rules.map((r) => r.id) });
const calendar = loadWorkingCalendar();

type Member = HouseholdForVisits['members'][number];
const adult = (relation: string, extra: Partial<Member> = {}): Member => ({ relation, birthDate: '1970-03-05', health: '1', disabilityGrade: null, labourAbility: '01', ...extra });
const child = (relation: string, birthDate = '2015-06-01'): Member => ({ relation, birthDate, health: '1', disabilityGrade: null, labourAbility: '04' });

function household(spec: Partial<HouseholdForVisits>): HouseholdForVisits {
  return { members: [adult('02')], enrolments: [], warnings: [], lastVisitOn: null, ...spec };
}

/** The governing category and next due date, as the due list shows them. */
function due(spec: Partial<HouseholdForVisits>, asOf = '2024-06-15', within = policy): { category: string; nextDueOn: string; all: string[] } | undefined {
  const requirements = visitRequirements(within, household(spec), asOf, calendar);
  const governing = governingRequirement(requirements);
  return governing && { category: governing.category.id, nextDueOn: governing.nextDueOn, all: requirements.map((r) => r.category.id) };
}

describe('the default visit policy (seed 000: quarterly, monthly, immediately)', () => {
  it('sets each category’s frequency exactly as seed 000 does', () => {
    expect(Object.fromEntries(policy.categories.map((c) => [c.id, c.frequency]))).toEqual({
      dibao: { everyMonths: 3 },
      disabled: { everyMonths: 3 },
      'no-work-capacity': { everyMonths: 3 },
      'serious-illness': { everyMonths: 1 },
      'serious-illness-member': { everyMonths: 1 },
      'scattered-tekun': { everyMonths: 1 },
      'children-in-difficulty': { everyMonths: 1 },
      'sudden-hardship': { withinWorkingDays: 0 },
    });
  });

  it('visits a stable 低保 household once in each calendar quarter, from the first whole quarter in the category', () => {
    // Enrolled 31 January: Q1 is not whole, so the first visit is owed in Q2, by 30 June.
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-31' }] })).toEqual({ category: 'dibao', nextDueOn: '2024-06-30', all: ['dibao'] });
    // Enrolled on 1 January, the first day of Q1: Q1 counts.
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-01' }] }, '2024-02-10')).toMatchObject({ nextDueOn: '2024-03-31' });
    // Visited in Q2: the next is owed in Q3.
    expect(due({ enrolments: [{ category: '110', startDate: '2024-01-31' }], lastVisitOn: '2024-05-10' })).toMatchObject({ nextDueOn: '2024-09-30' });
  });

  it('reads 每季度…不少于1次 per calendar quarter: visits on 5 January and 28 June meet Q1 and Q2 (seed-review C-12)', () => {
    const enrolled = { enrolments: [{ category: '120', startDate: '2023-06-01' }] };
    // On 20 April, after the 5 January visit, the household is not overdue: Q2's visit is owed by 30 June.
    expect(due({ ...enrolled, lastVisitOn: '2024-01-05' }, '2024-04-20')).toMatchObject({ category: 'dibao', nextDueOn: '2024-06-30' });
    expect(due({ ...enrolled, lastVisitOn: '2024-06-28' }, '2024-07-02')).toMatchObject({ nextDueOn: '2024-09-30' });
    // The stricter reading, a local option: three months from the last visit, so overdue from 5 April.
    const strict = { ...policy, frequencyReading: 'months-since-last-visit' as const };
    expect(due({ ...enrolled, lastVisitOn: '2024-01-05' }, '2024-04-20', strict)).toMatchObject({ category: 'dibao', nextDueOn: '2024-04-05' });
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-31' }] }, '2024-06-15', strict)).toMatchObject({ nextDueOn: '2024-04-30' });
  });

  it('counts calendar months for monthly categories and half-years where a county sets six months', () => {
    expect(calendarPeriodDue('2023-11-30', null, 1)).toBe('2023-12-31');
    expect(calendarPeriodDue('2023-11-01', null, 1)).toBe('2023-11-30');
    expect(calendarPeriodDue('2023-11-01', '2024-01-31', 1)).toBe('2024-02-29');
    expect(calendarPeriodDue('2023-02-01', '2024-03-10', 6)).toBe('2024-12-31');
    expect(() => calendarPeriodDue('2024-01-01', null, 5)).toThrow(RangeError);
  });

  it('visits a 特困 household and a 刚性支出 (serious illness) household monthly', () => {
    expect(due({ enrolments: [{ category: '132', startDate: '2024-03-31' }], lastVisitOn: '2024-05-31' })).toEqual({ category: 'scattered-tekun', nextDueOn: '2024-06-30', all: ['scattered-tekun'] });
    expect(due({ enrolments: [{ category: '650', startDate: '2024-01-15' }], lastVisitOn: '2024-01-31' })).toEqual({ category: 'serious-illness', nextDueOn: '2024-02-29', all: ['serious-illness'] });
  });

  it('visits a household with a disabled member or an adult without work capacity quarterly, but not for a child without work capacity', () => {
    expect(due({ members: [adult('02', { disabilityGrade: '3' })], enrolments: [{ category: '600', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'disabled', nextDueOn: '2024-06-30', all: ['disabled'] });
    expect(due({ members: [adult('02', { labourAbility: '03' })], enrolments: [{ category: '660', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'no-work-capacity', nextDueOn: '2024-06-30', all: ['no-work-capacity'] });
    expect(due({ members: [adult('02'), child('20')], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
  });

  it('visits monthly where a child lives without either parent: a grandchild with no son or daughter of the head at home', () => {
    const grandparents = [adult('02', { birthDate: '1955-01-01' }), adult('12', { birthDate: '1956-01-01' }), child('41')];
    expect(due({ members: grandparents, enrolments: [{ category: '600', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'children-in-difficulty', nextDueOn: '2024-02-29', all: ['children-in-difficulty'] });
    // The child's mother lives there too: not a child without parents.
    expect(due({ members: [...grandparents, adult('30', { birthDate: '1990-01-01' })], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
    // A child who turned 18 before the day asked about is no longer counted.
    expect(due({ members: [adult('02', { birthDate: '1955-01-01' }), { ...child('41', '2006-06-15'), labourAbility: '01' }], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
  });

  it('takes the strictest category when a household is in two: a 低保 household with a seriously ill member is visited monthly', () => {
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-10' }, { category: '650', startDate: '2024-01-10' }], lastVisitOn: '2024-05-20' }))
      .toEqual({ category: 'serious-illness', nextDueOn: '2024-06-30', all: ['dibao', 'serious-illness'] });
    expect(due({ members: [adult('02', { disabilityGrade: '1', labourAbility: '03' })], enrolments: [{ category: '131', startDate: '2023-11-30' }] }, '2024-01-15'))
      .toEqual({ category: 'scattered-tekun', nextDueOn: '2023-12-31', all: ['disabled', 'no-work-capacity', 'scattered-tekun'] });
  });

  it('visits monthly a household with a member of whom 卫健 reported a major illness, whatever its enrolment (one meaning of 重病)', () => {
    const enrolled = { enrolments: [{ category: '120', startDate: '2024-01-01' }], lastVisitOn: '2024-05-20' };
    expect(due({ ...enrolled, members: [adult('02'), adult('10', { seriouslyIll: true })] }))
      .toEqual({ category: 'serious-illness-member', nextDueOn: '2024-06-30', all: ['dibao', 'serious-illness-member'] });
    // A chronic illness in the register's health code (3 有慢性病) is not 重病.
    expect(due({ ...enrolled, members: [adult('02', { health: '3' })] })).toMatchObject({ category: 'dibao', nextDueOn: '2024-09-30' });
  });

  it('asks for a visit on the day of a disaster warning (立即), holiday or not, until a visit follows it', () => {
    const enrolled = { enrolments: [{ category: '120', startDate: '2024-01-01' }] };
    // Raised on Monday 30 September 2024: due that day, and overdue through the National Day holiday.
    expect(due({ ...enrolled, warnings: [{ ruleId: 'disaster-victim', raisedOn: '2024-09-30' }], lastVisitOn: '2024-09-20' }, '2024-10-09'))
      .toEqual({ category: 'sudden-hardship', nextDueOn: '2024-09-30', all: ['dibao', 'sudden-hardship'] });
    // Raised on Tuesday 1 October, a holiday: still due that day, not on the next working day.
    expect(due({ ...enrolled, warnings: [{ ruleId: 'disaster-victim', raisedOn: '2024-10-01' }], lastVisitOn: '2024-09-20' }, '2024-10-01'))
      .toMatchObject({ category: 'sudden-hardship', nextDueOn: '2024-10-01' });
    // A visit on the warning's day satisfies it; the household goes back to its quarterly rhythm.
    expect(due({ ...enrolled, warnings: [{ ruleId: 'disaster-victim', raisedOn: '2024-09-30' }], lastVisitOn: '2024-09-30' }, '2024-10-09'))
      .toEqual({ category: 'dibao', nextDueOn: '2024-12-31', all: ['dibao'] });
  });

  it('asks for a visit at once for every sudden-hardship signal: a major illness newly reported, an earner’s death (seed-review C-2)', () => {
    const enrolled = { enrolments: [{ category: '120', startDate: '2024-01-01' }], lastVisitOn: '2024-09-20' };
    for (const ruleId of ['major-illness-without-assistance', 'earner-died']) {
      expect(due({ ...enrolled, warnings: [{ ruleId, raisedOn: '2024-10-08' }] }, '2024-10-08'), ruleId)
        .toMatchObject({ category: 'sudden-hardship', nextDueOn: '2024-10-08' });
    }
    // A means-test warning is no sudden hardship.
    expect(due({ ...enrolled, warnings: [{ ruleId: 'recipient-household-vehicle', raisedOn: '2024-10-08' }] }, '2024-10-08')).toMatchObject({ category: 'dibao' });
  });

  it('counts a warning raised before the calendar’s first year in weekdays, then by the calendar once it reaches a covered year', () => {
    const enrolled = { enrolments: [{ category: '120', startDate: '2023-01-01' }] };
    // A county that gives one working day instead of 立即.
    const oneWorkingDay = { ...policy, categories: policy.categories.map((c) => (c.id === 'sudden-hardship' ? { ...c, frequency: { withinWorkingDays: 1 } } : c)) as typeof policy.categories };
    // Raised Friday 29 December 2023 (2023 is not in the calendar): Monday 1 January 2024 is New Year's Day, so Tuesday.
    expect(due({ ...enrolled, warnings: [{ ruleId: 'disaster-victim', raisedOn: '2023-12-29' }], lastVisitOn: '2023-12-01' }, '2024-01-05', oneWorkingDay))
      .toMatchObject({ category: 'sudden-hardship', nextDueOn: '2024-01-02' });
  });

  it('ignores enrolments that have not started by the day asked about', () => {
    expect(due({ enrolments: [{ category: '120', startDate: '2024-07-01' }] })).toBeUndefined();
  });
});

describe('calendar arithmetic for visits', () => {
  it('adds months keeping the day, or the month’s last day when it is shorter', () => {
    expect(addCalendarMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addCalendarMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(addCalendarMonths('2024-05-15', 3)).toBe('2024-08-15');
    expect(addCalendarMonths('2024-12-31', 1)).toBe('2025-01-31');
  });

  it('counts whole years of age on a day', () => {
    expect(ageOn('2006-06-15', '2024-06-14')).toBe(17);
    expect(ageOn('2006-06-15', '2024-06-15')).toBe(18);
  });
});

describe('loading a visit policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-visit-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a policy naming each problem: unknown codes, a duplicate id, a rule not in the set, a mismatched frequency', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({
      name: 'bad', source: 'test', countedKinds: ['home'],
      categories: [
        { id: 'aa', title: 'A', frequency: { everyMonths: 3 }, match: { enrolmentCategories: ['999'], member: { disabilityGrades: ['9'] } } },
        { id: 'aa', title: 'A again', frequency: { everyMonths: 1 }, match: { enrolmentCategories: ['120'] } },
        { id: 'bb', title: 'B', frequency: { everyMonths: 1 }, match: { warningRules: ['no-such-rule'] } },
      ],
    }));
    expect(() => loadVisitPolicy(file, { ruleIds: ['disaster-victim'] })).toThrow(VisitPolicyError);
    let message = '';
    try {
      loadVisitPolicy(file, { ruleIds: ['disaster-victim'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n').slice(1).map((l) => l.trim())).toEqual([
      '- category aa: business code 999 is not in code table assistance-category',
      '- category aa: disability grade 9 is not in code table disability-grade',
      '- category aa appears twice',
      '- category bb is triggered by warnings, so its frequency must be withinWorkingDays',
      '- category bb: rule no-such-rule is not in the rule set',
    ]);
  });

  it('refuses calendar periods that do not divide the year, but allows them months since the last visit', () => {
    const odd = { ...JSON.parse(JSON.stringify(policy)), categories: policy.categories.map((c) => (c.id === 'dibao' ? { ...c, frequency: { everyMonths: 5 } } : c)) };
    const path = join(dir, 'odd.json');
    writeFileSync(path, JSON.stringify(odd));
    expect(() => loadVisitPolicy(path)).toThrow(/category dibao: calendar periods of 5 months do not divide the year/);
    writeFileSync(path, JSON.stringify({ ...odd, frequencyReading: 'months-since-last-visit' }));
    expect(loadVisitPolicy(path).categories.find((c) => c.id === 'dibao')!.frequency).toEqual({ everyMonths: 5 });
  });

  it('refuses a policy that fails its schema, with the pointer', () => {
    const file = join(dir, 'schema.json');
    writeFileSync(file, JSON.stringify({ name: 'x', source: 'y', countedKinds: ['visit'], categories: [] }));
    expect(() => loadVisitPolicy(file)).toThrow(/countedKinds\/0/);
  });
});
