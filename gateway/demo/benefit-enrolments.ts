import { formatDayNumber } from './calendar-days.js';
import type { DemoCategory, DemoEnrolment } from './demo-household.js';
import type { DemoStandards } from './demo-standards.js';
import { SELF_CARE, selfCareAbilityFor } from './health-and-ability.js';
import type { RegisterCategory } from './household-categories.js';
import type { MemberDraft } from './member-draft.js';
import type { SeededRandom } from './seeded-random.js';

const DAYS_PER_YEAR = 365;
const FEN_PER_YUAN = 100;

/**
 * Standards rose about 5 % a year over the last decade; an enrolment that ended years ago was paid at the lower
 * standard of its time.
 */
const YEARLY_STANDARD_GROWTH = 0.05;

/** A span of one category shared by the whole household; members born later join it on their birth day. */
export interface HouseholdSpan {
  category: DemoCategory;
  start: number;
  /** Last day covered, inclusive; null while current. */
  end: number | null;
  endReason: string | null;
  /** The monthly amount per covered person, for 低保 and 特困 spans; null for unpaid categories. */
  perPersonFen: number | null;
}

export interface HouseholdEnrolments {
  spans: HouseholdSpan[];
  /** Days of the household's 临时救助 (500) grants, paid to the head. */
  temporaryAssistanceDays: number[];
}

export interface EnrolmentContext {
  random: SeededRandom;
  asOfDay: number;
  standards: DemoStandards;
  urban: boolean;
}

/**
 * Gives every member the enrolments of the household's category and history, and sets the self-care ability of
 * 特困 persons. Basic-living spans (低保, 特困) follow one another without overlap: an ended span's last day is the
 * day before the next one starts. Start dates spread over the 8 years before the as-of date for 低保 and 特困, and
 * over the last 3–4 years for the monitoring categories, which most places began recording after 2021.
 */
export function enrolHousehold(
  context: EnrolmentContext,
  drafts: readonly MemberDraft[],
  category: RegisterCategory,
  householdIncomeFen: number,
): HouseholdEnrolments {
  const timeline = new HouseholdTimeline(context);
  const { random, urban } = context;
  const dibaoCategory: DemoCategory = urban ? '110' : '120';
  const perCapitaIncomeFen = Math.floor(householdIncomeFen / Math.max(1, drafts.length));

  switch (category) {
    case 'dibao': {
      const current = timeline.dibaoPerPerson(context.asOfDay, perCapitaIncomeFen);
      const draw = random.nextFloat();
      if (draw < 0.12) {
        timeline.changeOver({ category: '600', endReason: '纳入低保', perPersonFen: null }, { category: dibaoCategory, perPersonFen: current }, 2, 8);
      } else if (draw < 0.22) {
        timeline.changeOver({ category: dibaoCategory, endReason: '迁出', perPersonFen: 'dibao' }, { category: dibaoCategory, perPersonFen: current }, 3, 8);
      } else if (draw < 0.28 && urban) {
        timeline.changeOver({ category: '120', endReason: '城乡类别调整', perPersonFen: 'rural-dibao' }, { category: '110', perPersonFen: current }, 3, 8);
      } else {
        timeline.current(dibaoCategory, current, 8);
      }
      break;
    }
    case 'tekun': {
      const head = drafts[0];
      if (!head) break;
      const selfCare = selfCareAbilityFor(head.age, head.member.health, head.member.disabilityGrade, random);
      head.member.selfCareAbility = selfCare;
      const tekunCategory: DemoCategory = urban ? '131' : '132';
      const amount = tekunMonthlyFen(context.standards, urban, selfCare);
      if (random.chance(0.4)) {
        timeline.changeOver({ category: dibaoCategory, endReason: '转为特困供养', perPersonFen: 'dibao' }, { category: tekunCategory, perPersonFen: amount }, 2, 8);
      } else {
        timeline.current(tekunCategory, amount, 8);
      }
      break;
    }
    case 'edge':
      if (random.chance(0.45)) {
        timeline.changeOver({ category: dibaoCategory, endReason: '收入超标', perPersonFen: 'dibao' }, { category: '600', perPersonFen: null }, 2, 8);
      } else {
        timeline.current('600', null, 4);
      }
      break;
    case 'rigid-expenditure':
      if (random.chance(0.2)) {
        timeline.changeOver({ category: '600', endReason: '转为刚性支出困难家庭', perPersonFen: null }, { category: '650', perPersonFen: null }, 1, 4);
      } else {
        timeline.current('650', null, 3);
      }
      break;
    case 'other':
      timeline.current('660', null, 3);
      break;
    case 'temporary-only':
      if (random.chance(0.2)) timeline.ended(dibaoCategory, '收入超标', 2, 8);
      break;
  }

  const temporaryAssistanceDays = drawTemporaryAssistanceDays(context, category);
  const spans = timeline.spans;
  drafts.forEach((draft, index) => {
    const enrolments: DemoEnrolment[] = [];
    for (const span of spans) {
      if (span.end !== null && span.end < draft.birthDay) continue;
      enrolments.push({
        category: span.category,
        startDate: formatDayNumber(Math.max(span.start, draft.birthDay)),
        endDate: span.end === null ? null : formatDayNumber(span.end),
        endReason: span.endReason,
        monthlyAmountFen: span.perPersonFen,
      });
    }
    if (index === 0) {
      for (const day of temporaryAssistanceDays) {
        const date = formatDayNumber(day);
        enrolments.push({ category: '500', startDate: date, endDate: date, endReason: '临时救助一次性发放', monthlyAmountFen: null });
      }
    }
    draft.member.enrolments = enrolments;
  });
  return { spans, temporaryAssistanceDays };
}

/** 特困 = basic living standard + care standard by self-care ability (research §5). */
function tekunMonthlyFen(standards: DemoStandards, urban: boolean, selfCare: string): number {
  const basic = urban ? standards.urbanTekunBasicMonthlyFen : standards.ruralTekunBasicMonthlyFen;
  const care = standards.tekunCareMonthlyFen;
  return basic + (selfCare === SELF_CARE.none ? care.noSelfCare : selfCare === SELF_CARE.partial ? care.partialSelfCare : care.fullSelfCare);
}

/**
 * 临时救助 once or twice in the last year for households on the register only for it; now and then also for a
 * household of another category hit by a sudden emergency.
 */
function drawTemporaryAssistanceDays(context: EnrolmentContext, category: RegisterCategory): number[] {
  const { random, asOfDay } = context;
  const count = category === 'temporary-only' ? (random.chance(0.8) ? 1 : 2) : random.chance(0.01) ? 1 : 0;
  const days: number[] = [];
  while (days.length < count) {
    const day = asOfDay - random.integerBelow(DAYS_PER_YEAR);
    if (!days.includes(day)) days.push(day);
  }
  return days.sort((left, right) => left - right);
}

type PastAmount = number | null | 'dibao' | 'rural-dibao';

class HouseholdTimeline {
  readonly spans: HouseholdSpan[] = [];

  constructor(private readonly context: EnrolmentContext) {}

  /**
   * 补差 (research §5): (standard − household income per person) per covered person, every member covered
   * (按户保), so the household amount splits evenly; rounded down to whole yuan as payment rolls are, and never
   * below the minimum per person.
   */
  dibaoPerPerson(onDay: number, perCapitaIncomeFen: number, urban = this.context.urban): number {
    const standard = this.standardOn(onDay, urban);
    const gap = Math.floor((standard - perCapitaIncomeFen) / FEN_PER_YUAN) * FEN_PER_YUAN;
    return Math.max(this.context.standards.minimumDibaoPerPersonMonthlyFen, gap);
  }

  current(category: DemoCategory, perPersonFen: number | null, maxYearsBack: number): void {
    const start = this.context.asOfDay - this.context.random.integerBetween(30, maxYearsBack * DAYS_PER_YEAR);
    this.spans.push({ category, start, end: null, endReason: null, perPersonFen });
  }

  /** A span that ended, followed by the current one from the next day. */
  changeOver(
    past: { category: DemoCategory; endReason: string; perPersonFen: PastAmount },
    next: { category: DemoCategory; perPersonFen: number | null },
    minYearsBack: number,
    maxYearsBack: number,
  ): void {
    const { random, asOfDay } = this.context;
    const start = asOfDay - random.integerBetween(minYearsBack * DAYS_PER_YEAR, maxYearsBack * DAYS_PER_YEAR);
    const changeDay = random.integerBetween(start + 180, asOfDay - 30);
    this.spans.push({
      category: past.category,
      start,
      end: changeDay - 1,
      endReason: past.endReason,
      perPersonFen: this.pastAmount(past.perPersonFen, start),
    });
    this.spans.push({ category: next.category, start: changeDay, end: null, endReason: null, perPersonFen: next.perPersonFen });
  }

  /** A span that ended with nothing after it. */
  ended(category: DemoCategory, endReason: string, minYearsBack: number, maxYearsBack: number): void {
    const { random, asOfDay } = this.context;
    const start = asOfDay - random.integerBetween(minYearsBack * DAYS_PER_YEAR, maxYearsBack * DAYS_PER_YEAR);
    const end = random.integerBetween(start + 180, asOfDay - 30);
    this.spans.push({ category, start, end, endReason, perPersonFen: this.pastAmount('dibao', start) });
  }

  /** An earlier 低保 span was paid at the standard of its start, on a then-income of 20–80 % of it. */
  private pastAmount(amount: PastAmount, start: number): number | null {
    if (amount !== 'dibao' && amount !== 'rural-dibao') return amount;
    const urban = amount === 'dibao' && this.context.urban;
    const standard = this.standardOn(start, urban);
    const perCapitaIncome = Math.floor(standard * (0.2 + this.context.random.nextFloat() * 0.6));
    return this.dibaoPerPerson(start, perCapitaIncome, urban);
  }

  private standardOn(day: number, urban: boolean): number {
    const { standards, asOfDay } = this.context;
    const standard = urban ? standards.urbanDibaoMonthlyFen : standards.ruralDibaoMonthlyFen;
    const yearsBefore = Math.max(0, (asOfDay - day) / DAYS_PER_YEAR);
    return Math.floor((standard * Math.pow(1 - YEARLY_STANDARD_GROWTH, yearsBefore)) / FEN_PER_YUAN) * FEN_PER_YUAN;
  }
}
