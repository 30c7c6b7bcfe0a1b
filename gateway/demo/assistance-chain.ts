import type { HouseholdEnrolments } from './benefit-enrolments.js';
import { civilDateOf, dayNumberOf, formatDayNumber } from './calendar-days.js';
import type { DemoAssistance } from './demo-household.js';
import { HEALTH } from './health-and-ability.js';
import type { RegisterCategory } from './household-categories.js';
import { isEarner, type MemberDraft } from './member-draft.js';
import type { SeededRandom } from './seeded-random.js';

const FEN_PER_YUAN = 100;

interface DayWindow {
  first: number;
  last: number;
}

/**
 * The days of the 12 months before the as-of date on which recurring assistance is paid, worked out once per run:
 * the 残疾人两项补贴 each quarter on the 20th of its last month, student
 * grants early in each term (March–April, September–October), and the trade unions' Spring Festival visits
 * (送温暖, January to early February).
 */
export class AssistanceCalendar {
  readonly firstDay: number;
  readonly quarterlyPaymentDays: readonly number[];
  readonly termGrantWindows: readonly DayWindow[];
  readonly springFestivalWindows: readonly DayWindow[];
  private readonly formatted = new Map<number, string>();

  constructor(readonly asOfDay: number) {
    this.firstDay = asOfDay - 364;
    const { year } = civilDateOf(asOfDay);
    const quarterly: number[] = [];
    const terms: DayWindow[] = [];
    const festivals: DayWindow[] = [];
    for (const y of [year - 1, year]) {
      for (let month = 1; month <= 12; month += 1) {
        const quarterDay = dayNumberOf(y, month, 20);
        if (month % 3 === 0 && this.contains(quarterDay)) quarterly.push(quarterDay);
      }
      this.pushWindow(terms, dayNumberOf(y, 3, 10), dayNumberOf(y, 4, 30));
      this.pushWindow(terms, dayNumberOf(y, 9, 10), dayNumberOf(y, 10, 31));
      this.pushWindow(festivals, dayNumberOf(y, 1, 5), dayNumberOf(y, 2, 10));
    }
    this.quarterlyPaymentDays = quarterly;
    this.termGrantWindows = terms;
    this.springFestivalWindows = festivals;
  }

  contains(day: number): boolean {
    return day >= this.firstDay && day <= this.asOfDay;
  }

  /** A day of the window, not before `earliest` (a member's birth day). */
  randomDay(random: SeededRandom, earliest = this.firstDay): number {
    const first = Math.max(this.firstDay, earliest);
    return random.integerBetween(first, Math.max(first, this.asOfDay));
  }

  dayIn(window: DayWindow, random: SeededRandom): number {
    return random.integerBetween(window.first, window.last);
  }

  format(day: number): string {
    let date = this.formatted.get(day);
    if (date === undefined) {
      date = formatDayNumber(day);
      this.formatted.set(day, date);
    }
    return date;
  }

  private pushWindow(windows: DayWindow[], first: number, last: number): void {
    const clippedFirst = Math.max(first, this.firstDay);
    const clippedLast = Math.min(last, this.asOfDay);
    if (clippedFirst <= clippedLast) windows.push({ first: clippedFirst, last: clippedLast });
  }
}

export interface ChainContext {
  random: SeededRandom;
  calendar: AssistanceCalendar;
  urban: boolean;
  category: RegisterCategory;
}

/**
 * The assistance chain (一户(人)一条救助链, seed 002) of the last 12 months: what each department paid whom. Every
 * record goes on the member who received it; records are in date order. Monthly 低保/特困 benefits are not repeated
 * here: they are the enrolments (and, later, the payment roll), and a monthly row per recipient would multiply
 * the chain tenfold without telling a reader anything the enrolment does not.
 */
export function recordAssistanceChain(
  context: ChainContext,
  drafts: readonly MemberDraft[],
  enrolments: HouseholdEnrolments,
): void {
  const head = drafts[0];
  if (!head) return;
  recordTemporaryAssistance(context, head, enrolments.temporaryAssistanceDays);
  recordMedicalAssistance(context, drafts);
  recordEducationAssistance(context, drafts);
  recordDisabilityAllowances(context, drafts);
  recordHouseholdGrants(context, drafts, head);
  for (const draft of drafts) {
    if (draft.member.assistance.length > 1) {
      draft.member.assistance.sort((left, right) => (left.assistedOn < right.assistedOn ? -1 : left.assistedOn > right.assistedOn ? 1 : 0));
    }
  }
}

function record(context: ChainContext, draft: MemberDraft, department: string, assistanceType: string, amountFen: number, day: number): void {
  const entry: DemoAssistance = { department, assistanceType, amountFen, assistedOn: context.calendar.format(day) };
  draft.member.assistance.push(entry);
}

function yuanBetween(random: SeededRandom, minYuan: number, maxYuan: number, stepYuan: number): number {
  const steps = Math.floor((maxYuan - minYuan) / stepYuan);
  return (minYuan + random.integerBetween(0, steps) * stepYuan) * FEN_PER_YUAN;
}

/** 临时救助 by 民政, a one-off grant of a few hundred to a few thousand yuan, more in towns. */
function recordTemporaryAssistance(context: ChainContext, head: MemberDraft, days: readonly number[]): void {
  for (const day of days) {
    record(context, head, 'mz', 'linshi', yuanBetween(context.random, 500, context.urban ? 6000 : 5000, 100), day);
  }
}

/**
 * 医疗救助 after the 医保 settlement (mostly by 医保, some 大病专项救治 by 卫健): a few hundred to several thousand
 * yuan; 刚性支出 households are there because of it, so their seriously ill member has several large grants.
 */
function recordMedicalAssistance(context: ChainContext, drafts: readonly MemberDraft[]): void {
  const { random, calendar, category } = context;
  const baseRate =
    category === 'tekun' ? 0.45 : category === 'dibao' ? 0.35 : category === 'edge' ? 0.25 : category === 'rigid-expenditure' ? 0.2 : 0.15;
  let designatedDone = category !== 'rigid-expenditure';
  for (const draft of drafts) {
    const { health, disabilityGrade } = draft.member;
    const severe = health === HEALTH.chronicIllness || disabilityGrade === '1' || disabilityGrade === '2';
    if (!severe) continue;
    if (!designatedDone && health === HEALTH.chronicIllness) {
      designatedDone = true;
      const grants = random.integerBetween(1, 3);
      for (let grant = 0; grant < grants; grant += 1) {
        record(context, draft, random.chance(0.8) ? 'yb' : 'wj', 'yiliao', yuanBetween(random, 2000, 30000, 10), calendar.randomDay(random, draft.birthDay));
      }
      continue;
    }
    if (!random.chance(baseRate)) continue;
    const grants = random.chance(0.7) ? 1 : 2;
    for (let grant = 0; grant < grants; grant += 1) {
      record(context, draft, random.chance(0.8) ? 'yb' : 'wj', 'yiliao', yuanBetween(random, 300, 8000, 10), calendar.randomDay(random, draft.birthDay));
    }
  }
}

/**
 * 教育救助 each term for students of 低保, 特困 and edge households: 寄宿生生活补助 of 500–1,000 yuan a term in
 * compulsory school, 国家助学金 of 1,000–1,500 in senior secondary, 1,500–3,000 at college.
 */
function recordEducationAssistance(context: ChainContext, drafts: readonly MemberDraft[]): void {
  const { random, calendar, category } = context;
  if (category === 'temporary-only') return;
  const rate = category === 'dibao' || category === 'tekun' ? 0.7 : 0.4;
  for (const draft of drafts) {
    if (!draft.student || !random.chance(rate)) continue;
    for (const window of calendar.termGrantWindows) {
      const amount =
        draft.age <= 14 ? yuanBetween(random, 500, 1000, 50) : draft.age <= 18 ? yuanBetween(random, 1000, 1500, 50) : yuanBetween(random, 1500, 3000, 100);
      record(context, draft, 'jy', 'jiaoyu', amount, calendar.dayIn(window, random));
    }
  }
}

/**
 * 残疾人两项补贴 by 残联, paid quarterly: 困难残疾人生活补贴 for disabled members of 低保 households (特困 persons
 * are excluded, their support already covers it) and 重度残疾人护理补贴 for grades 1 and 2, at demo rates of 90 and
 * 100 yuan a month.
 */
function recordDisabilityAllowances(context: ChainContext, drafts: readonly MemberDraft[]): void {
  for (const draft of drafts) {
    const grade = draft.member.disabilityGrade;
    if (grade === null) continue;
    const monthlyYuan = (context.category === 'dibao' ? 90 : 0) + (grade === '1' || grade === '2' ? 100 : 0);
    if (monthlyYuan === 0) continue;
    for (const day of context.calendar.quarterlyPaymentDays) {
      if (day >= draft.birthDay) record(context, draft, 'cl', 'canji', monthlyYuan * 3 * FEN_PER_YUAN, day);
    }
  }
}

/**
 * One-off grants to the household: 危房改造 (住建) for some rural households, employment help (人社; 乡村公益岗位 via
 * 农业农村 in villages) for a working member, disaster relief (应急管理; the main reason for 其他困难 households),
 * and the trade unions' help for urban workers' families at Spring Festival.
 */
function recordHouseholdGrants(context: ChainContext, drafts: readonly MemberDraft[], head: MemberDraft): void {
  const { random, calendar, category, urban } = context;
  const basicOrEdge = category === 'dibao' || category === 'tekun' || category === 'edge';
  if (!urban && basicOrEdge && random.chance(0.025)) {
    record(context, head, 'zj', 'zhufang', yuanBetween(random, 10000, 40000, 500), calendar.randomDay(random));
  }
  const earner = drafts.find(isEarner);
  if (earner && category !== 'tekun' && category !== 'rigid-expenditure' && random.chance(0.06)) {
    const department = urban || random.chance(0.5) ? 'rs' : 'ny';
    record(context, earner, department, 'jiuye', yuanBetween(random, 500, 3000, 100), calendar.randomDay(random));
  }
  if (random.chance(category === 'other' ? 0.35 : 0.02)) {
    record(context, head, 'yj', 'shouzai', yuanBetween(random, 500, 5000, 100), calendar.randomDay(random));
  }
  const festival = calendar.springFestivalWindows[0];
  if (urban && earner && festival && random.chance(0.04)) {
    record(context, earner, 'gh', 'kunnan-zhigong', yuanBetween(random, 500, 2000, 100), calendar.dayIn(festival, random));
  }
}
