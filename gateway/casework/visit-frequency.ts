import { addMonths, lastDayOfPeriod } from '../calendar/periods.js';
import {
  addDays, addWorkingDaysProvisionally, isWorkingDayProvisionally, UncoveredYearError, type WorkingCalendar,
} from '../calendar/working-days.js';
import type { MemberCondition, VisitCategory, VisitPolicy } from '../../schemas/types/index.js';

/**
 * Which visit categories a household is in, and when its next visit is due — pure functions over what the register
 * holds, so the rules are tested without a database. Seed 000 (东民〔2021〕48号 §二(二)) sets the frequencies; the
 * policy file maps them to the register's codes.
 */
export interface HouseholdForVisits {
  members: readonly {
    relation: string; birthDate: string; health: string | null; disabilityGrade: string | null; labourAbility: string | null;
    /** 重病 on the day asked about (gateway/store/serious-illness.ts); absent: not known to be. */
    seriouslyIll?: boolean;
  }[];
  /** Enrolments current on the day asked about. */
  enrolments: readonly { category: string; startDate: string }[];
  /** Warnings of trigger rules about members, raised on or before the day asked about. */
  warnings: readonly { ruleId: string; raisedOn: string }[];
  /** The latest counted visit on or before the day asked about. */
  lastVisitOn: string | null;
  /** Since when the household is on the 重点人群花名册 (gateway/oversight/key-group-roster.ts); absent: it is not. */
  keyGroupSince?: string;
}

/** What a requirement says of its category: a policy category, or the roster's (id `key-group`). */
export type VisitRequirementCategory = Pick<VisitCategory, 'id' | 'title' | 'frequency'>;

/** The roster's visits as a category of their own, so a roster household's visit is listed with the rest. */
export const keyGroupCategoryId = 'key-group';

export interface VisitRequirement {
  category: VisitRequirementCategory;
  /** When the requirement began: the earliest current enrolment of the category, or the warning's day. */
  since: string;
  nextDueOn: string;
  /** A trigger's deadline ran into a year the holiday calendar does not cover yet; weekdays were counted. */
  provisional: boolean;
}

/**
 * Every requirement the household is under on `asOf`. A periodic category (everyMonths) is read as the policy's
 * frequencyReading says:
 * - calendar-periods (default): seed 000's "每季度走访联系不少于1次" asks for a visit in each calendar quarter (each
 *   month for 每月), so the next visit is due by the last day of the first period without one: the period after the
 *   last visit's, and never before the first whole period spent in the category (a household enrolled on 30 November
 *   owes its first monthly visit in December, not that day). Visits on 5 January and 28 June meet Q1 and Q2.
 * - months-since-last-visit (local practice, stricter): due that many months after the last visit, or after the
 *   category began when there has been none since.
 * A trigger (withinWorkingDays) is due that many working days after the earliest warning not yet followed by a visit
 * (0: that very day), and gone once one is recorded.
 */
export function visitRequirements(policy: VisitPolicy, household: HouseholdForVisits, asOf: string, calendar: WorkingCalendar): VisitRequirement[] {
  const requirements: VisitRequirement[] = [];
  for (const category of policy.categories) {
    const { match, frequency } = category;
    if ('warningRules' in match) {
      if (!('withinWorkingDays' in frequency)) continue;
      const pending = household.warnings
        .filter((w) => match.warningRules.includes(w.ruleId) && w.raisedOn <= asOf && (household.lastVisitOn === null || household.lastVisitOn < w.raisedOn))
        .map((w) => w.raisedOn)
        .sort();
      const since = pending[0];
      if (since === undefined) continue;
      // 0 is 立即: due on the trigger's own day, whether or not it is a working day (seed 000 "要立即走访联系").
      const due = frequency.withinWorkingDays === 0 ? { date: since, provisional: false } : addWorkingDaysOrWeekdays(calendar, since, frequency.withinWorkingDays);
      requirements.push({ category, since, nextDueOn: due.date, provisional: due.provisional });
      continue;
    }
    if (!('everyMonths' in frequency)) continue;
    const starts = household.enrolments.filter((e) => match.enrolmentCategories.includes(e.category) && e.startDate <= asOf).map((e) => e.startDate).sort();
    const since = starts[0];
    if (since === undefined) continue;
    if (match.member && !household.members.some((m) => memberMatches(m, match.member!, asOf))) continue;
    if (match.childWithoutParent && !hasChildWithoutParent(household.members, match.childWithoutParent.underAge, asOf)) continue;
    requirements.push({ category, since, nextDueOn: periodicDue(policy, since, household.lastVisitOn, frequency.everyMonths), provisional: false });
  }
  if (household.keyGroupSince !== undefined && household.keyGroupSince <= asOf) {
    const everyMonths = policy.keyGroup?.frequency.everyMonths ?? 1;
    const category = { id: keyGroupCategoryId, title: policy.keyGroup?.title ?? '重点人群', frequency: { everyMonths } };
    requirements.push({ category, since: household.keyGroupSince, nextDueOn: periodicDue(policy, household.keyGroupSince, household.lastVisitOn, everyMonths), provisional: false });
  }
  return requirements;
}

/** When a periodic visit begun on `since` is next due, as the policy's frequencyReading reads it (see visitRequirements). */
export function periodicDue(policy: Pick<VisitPolicy, 'frequencyReading'>, since: string, lastVisitOn: string | null, everyMonths: number): string {
  const visited = lastVisitOn !== null && lastVisitOn >= since ? lastVisitOn : null;
  return policy.frequencyReading === 'months-since-last-visit'
    ? addCalendarMonths(visited ?? since, everyMonths)
    : calendarPeriodDue(since, visited, everyMonths);
}

/**
 * The requirement that decides the household's next visit: the one due soonest, so a household in two categories
 * follows the stricter; on the same day, the one listed first in the policy.
 */
export function governingRequirement(requirements: readonly VisitRequirement[]): VisitRequirement | undefined {
  let best: VisitRequirement | undefined;
  for (const requirement of requirements) {
    if (!best || requirement.nextDueOn < best.nextDueOn) best = requirement;
  }
  return best;
}

/**
 * The last day of the calendar period of `months` (1, 2, 3, 4, 6 or 12, counted from January) by which the next visit
 * is due: the first period after the one of the last visit, and not before the first whole period from `since` — the
 * period `since` falls in when it is that period's first day, else the next.
 */
export function calendarPeriodDue(since: string, lastVisitOn: string | null, months: number): string {
  if (12 % months !== 0) throw new RangeError(`calendar periods of ${months} months do not divide the year`);
  const sinceStart = periodStartMonth(since, months);
  const firstWhole = since === `${sinceStart}-01` ? sinceStart : addMonths(sinceStart, months);
  const afterVisit = lastVisitOn === null ? firstWhole : addMonths(periodStartMonth(lastVisitOn, months), months);
  const start = afterVisit > firstWhole ? afterVisit : firstWhole;
  return lastDayOfPeriod(addMonths(start, months - 1));
}

/** The first month (YYYY-MM) of the calendar period of `months` that `date` falls in: 2024-05-10 in quarters is 2024-04. */
function periodStartMonth(date: string, months: number): string {
  const month = Number(date.slice(5, 7)) - 1;
  return `${date.slice(0, 4)}-${String(Math.floor(month / months) * months + 1).padStart(2, '0')}`;
}

/** The same day `months` later, or that month's last day when it is shorter: 2024-01-31 + 1 → 2024-02-29. */
export function addCalendarMonths(date: string, months: number): string {
  const period = addMonths(date.slice(0, 7), months);
  const last = lastDayOfPeriod(period);
  const day = date.slice(8, 10);
  return day > last.slice(8, 10) ? last : `${period}-${day}`;
}

/** Whole years of age on `on`. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

function memberMatches(member: HouseholdForVisits['members'][number], condition: MemberCondition, asOf: string): boolean {
  if (condition.disabilityGrades && !(member.disabilityGrade !== null && condition.disabilityGrades.includes(member.disabilityGrade))) return false;
  if (condition.labourAbility && !(member.labourAbility !== null && condition.labourAbility.includes(member.labourAbility))) return false;
  if (condition.health && !(member.health !== null && condition.health.includes(member.health))) return false;
  if (condition.minAge !== undefined && ageOn(member.birthDate, asOf) < condition.minAge) return false;
  if (condition.seriouslyIll === true && member.seriouslyIll !== true) return false;
  return true;
}

/**
 * GB/T 4761 relations to the head of household, as code ranges: who would be the parents of a member with a given
 * relation. A child of the head (20–27, 29, 30–37, 39) has the head as parent, who is always there; a grandchild
 * (40–49) needs a son or daughter of the head (20–39); the head, or a sibling of the head (70–79), needs a parent
 * of the head (50–52, 57–59); a nephew or niece (93–96) a sibling of the head. A non-relative child (99) has no
 * parent in the household by definition. For other relations the register cannot tell, and the child is not counted.
 */
function parentsPresent(relation: string, relations: readonly number[]): boolean | undefined {
  const code = Number(relation);
  const any = (ranges: readonly (readonly [number, number])[]) => relations.some((r) => ranges.some(([low, high]) => r >= low && r <= high));
  const parentsOfHead = [[50, 52], [57, 59]] as const;
  if (code === 1 || code === 2) return any(parentsOfHead);
  if ((code >= 20 && code <= 27) || code === 29 || (code >= 30 && code <= 37) || code === 39) return true;
  if (code >= 40 && code <= 49) return any([[20, 39]]);
  if (code >= 70 && code <= 79) return any(parentsOfHead);
  if (code >= 93 && code <= 96) return any([[70, 79]]);
  if (code === 99) return false;
  return undefined;
}

function hasChildWithoutParent(members: HouseholdForVisits['members'], underAge: number, asOf: string): boolean {
  const relations = members.map((m) => Number(m.relation));
  return members.some((m) => ageOn(m.birthDate, asOf) < underAge && parentsPresent(m.relation, relations) === false);
}

/**
 * A trigger raised in a year the holiday file does not cover (older warnings, or a file not yet updated) still gets
 * a due date: that year's weekdays are counted (the calendar's days once it reaches a covered year) and the date is
 * provisional, as for a deadline running into an uncovered year.
 */
function addWorkingDaysOrWeekdays(calendar: WorkingCalendar, start: string, n: number): { date: string; provisional: boolean } {
  try {
    return addWorkingDaysProvisionally(calendar, start, n);
  } catch (error) {
    if (!(error instanceof UncoveredYearError)) throw error;
    let date = start;
    for (let counted = 0; counted < n; ) {
      date = addDays(date, 1);
      if (isWorkingDayProvisionally(calendar, date)) counted += 1;
    }
    return { date, provisional: true };
  }
}
