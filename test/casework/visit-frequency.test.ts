import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWorkingCalendar } from '../../gateway/calendar/holiday-calendar.js';
import { addCalendarMonths, ageOn, governingRequirement, visitRequirements, type HouseholdForVisits } from '../../gateway/casework/visit-frequency.js';
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
      'scattered-tekun': { everyMonths: 1 },
      'children-in-difficulty': { everyMonths: 1 },
      'sudden-hardship': { withinWorkingDays: 0 },
    });
  });

  it('visits a stable 低保 household quarterly, counting from the enrolment until the first visit', () => {
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-31' }] })).toEqual({ category: 'dibao', nextDueOn: '2024-04-30', all: ['dibao'] });
    expect(due({ enrolments: [{ category: '110', startDate: '2024-01-31' }], lastVisitOn: '2024-05-10' })).toMatchObject({ nextDueOn: '2024-08-10' });
  });

  it('visits a 特困 household and a 刚性支出 (serious illness) household monthly', () => {
    expect(due({ enrolments: [{ category: '132', startDate: '2024-03-31' }], lastVisitOn: '2024-05-31' })).toEqual({ category: 'scattered-tekun', nextDueOn: '2024-06-30', all: ['scattered-tekun'] });
    expect(due({ enrolments: [{ category: '650', startDate: '2024-01-15' }], lastVisitOn: '2024-01-31' })).toEqual({ category: 'serious-illness', nextDueOn: '2024-02-29', all: ['serious-illness'] });
  });

  it('visits a household with a disabled member or an adult without work capacity quarterly, but not for a child without work capacity', () => {
    expect(due({ members: [adult('02', { disabilityGrade: '3' })], enrolments: [{ category: '600', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'disabled', nextDueOn: '2024-05-01', all: ['disabled'] });
    expect(due({ members: [adult('02', { labourAbility: '03' })], enrolments: [{ category: '660', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'no-work-capacity', nextDueOn: '2024-05-01', all: ['no-work-capacity'] });
    expect(due({ members: [adult('02'), child('20')], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
  });

  it('visits monthly where a child lives without either parent: a grandchild with no son or daughter of the head at home', () => {
    const grandparents = [adult('02', { birthDate: '1955-01-01' }), adult('12', { birthDate: '1956-01-01' }), child('41')];
    expect(due({ members: grandparents, enrolments: [{ category: '600', startDate: '2024-02-01' }] }))
      .toEqual({ category: 'children-in-difficulty', nextDueOn: '2024-03-01', all: ['children-in-difficulty'] });
    // The child's mother lives there too: not a child without parents.
    expect(due({ members: [...grandparents, adult('30', { birthDate: '1990-01-01' })], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
    // A child who turned 18 before the day asked about is no longer counted.
    expect(due({ members: [adult('02', { birthDate: '1955-01-01' }), { ...child('41', '2006-06-15'), labourAbility: '01' }], enrolments: [{ category: '600', startDate: '2024-02-01' }] })).toBeUndefined();
  });

  it('takes the strictest category when a household is in two: a 低保 household with a seriously ill member is visited monthly', () => {
    expect(due({ enrolments: [{ category: '120', startDate: '2024-01-10' }, { category: '650', startDate: '2024-01-10' }], lastVisitOn: '2024-05-20' }))
      .toEqual({ category: 'serious-illness', nextDueOn: '2024-06-20', all: ['dibao', 'serious-illness'] });
    expect(due({ members: [adult('02', { disabilityGrade: '1', labourAbility: '03' })], enrolments: [{ category: '131', startDate: '2023-11-30' }] }, '2024-01-15'))
      .toEqual({ category: 'scattered-tekun', nextDueOn: '2023-12-30', all: ['disabled', 'no-work-capacity', 'scattered-tekun'] });
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
      .toEqual({ category: 'dibao', nextDueOn: '2024-12-30', all: ['dibao'] });
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

  it('refuses a policy that fails its schema, with the pointer', () => {
    const file = join(dir, 'schema.json');
    writeFileSync(file, JSON.stringify({ name: 'x', source: 'y', countedKinds: ['visit'], categories: [] }));
    expect(() => loadVisitPolicy(file)).toThrow(/countedKinds\/0/);
  });
});
