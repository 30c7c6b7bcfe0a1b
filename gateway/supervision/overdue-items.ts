import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope, scopePrefix } from '../access/region-scope.js';
import { workingDaysBetweenProvisionally } from '../calendar/working-days.js';
import { deadlinesOf } from '../casework/applications/application-deadlines.js';
import { townshipOfStep } from '../casework/applications/application-access.js';
import { defaultCaseworkSettings, type CaseworkSettings } from '../casework/casework-settings.js';
import { loadVisitPolicy } from '../casework/visit-policy.js';
import { loadRuleSet, type LoadedRuleSet } from '../engine/rule-set.js';
import { referralDepartment } from '../casework/time-limits.js';
import { listVisitsDue } from '../casework/visits-due.js';
import { ProblemError } from '../errors.js';
import { filingCompleteness, loadFilingProgrammes, type FilingProgramme, type FilingProgrammes } from '../filing/index.js';
import { addMonths } from '../calendar/periods.js';
import { listApplications, type ApplicationListRow } from '../store/repositories/applications.js';
import { listReferrals } from '../store/repositories/referrals.js';
import { listWarnings } from '../store/repositories/warnings.js';
import type { ProcedureStep, VisitPolicy } from '../../schemas/types/index.js';
import type { ItemKind } from './orders.js';
import { readTogether } from '../store/reads-together.js';

/**
 * Everything of a region past its deadline on a day, in one list: the items a county may put under 督办 and that a
 * written reminder lists (seed 004: "凡是通过书面提醒后,又无正当理由仍未办理的"). Each kind is judged by the rule its own
 * module applies — a warning open after its due date, a referral still with the department, an application whose next
 * step (or the whole procedure) is late, a household whose visit is overdue, a unit's progress sheet incomplete after
 * its deadline — so this list and the casework lists never disagree.
 */
export interface OverdueItem {
  kind: ItemKind;
  /** What names the item for a 督办 (itemRef): a warning or referral id, `application:step`, `household@due`, `programme:period:unit`. */
  ref: string;
  /** Who must act: the township (or the county, for warnings not yet pushed and for a unit's progress sheet). */
  townshipCode: string;
  /** The household head, the case's person or the unit. */
  subject: string;
  /** The item in a reader's words: 预警「在保对象死亡」核查, 转介 医疗保障局, 申请 入户调查, 走访（特困供养人员）, 2026-11 落实进度表. */
  what: string;
  dueOn: string;
  /** Working days past the due date, counted with the official holiday calendar. */
  workingDaysLate: number;
  /** The person the item is about, for the audit log of a read (none for progress sheets). */
  personId: number | null;
}

export interface OverdueContext {
  settings: CaseworkSettings;
  policy: VisitPolicy;
  programmes: FilingProgrammes;
  ruleTitles: ReadonlyMap<string, string>;
}

/**
 * The holiday calendar's working days after `dueOn` up to `asOf`: 1 the first working day past the deadline. A
 * deadline in a year the calendar does not cover (a household last visited years ago) counts that year's weekdays.
 */
function lateBy(context: OverdueContext, dueOn: string, asOf: string): number {
  return Math.max(0, workingDaysBetweenProvisionally(context.settings.calendar, dueOn, asOf).days);
}

const pageSize = 1000;

async function overdueWarnings(knex: Knex, regionCode: string, asOf: string, context: OverdueContext): Promise<OverdueItem[]> {
  const items: OverdueItem[] = [];
  for (let afterId = 0; ;) {
    const page = await listWarnings(knex, { scopeRegionCode: regionCode, overdue: true, today: asOf, afterId, limit: pageSize });
    for (const w of page) {
      items.push({
        kind: 'warning',
        ref: String(w.id),
        townshipCode: w.regionCode ?? w.subjectRegion,
        subject: w.subjectName ?? '',
        what: `预警「${context.ruleTitles.get(w.ruleId) ?? w.ruleId}」${w.status === 'pending' ? '待核查' : '核查中'}`,
        dueOn: w.dueOn,
        workingDaysLate: lateBy(context, w.dueOn, asOf),
        personId: w.personId,
      });
    }
    if (page.length < pageSize) return items;
    afterId = page[page.length - 1]!.id;
  }
}

async function overdueReferrals(knex: Knex, regionCode: string, asOf: string, context: OverdueContext): Promise<OverdueItem[]> {
  const rows = await listReferrals(knex, { scopeRegionCode: regionCode, overdueOn: asOf });
  return rows.map((r) => ({
    kind: 'referral',
    ref: String(r.id),
    townshipCode: r.regionCode,
    subject: r.subjectName,
    what: `转介 ${referralDepartment(context.settings.limits, r.department)?.name ?? r.department}：${r.need}`,
    dueOn: r.dueOn,
    workingDaysLate: lateBy(context, r.dueOn, asOf),
    personId: r.personId,
  }));
}

const stepWords: Record<ProcedureStep['step'], string> = {
  'check-started': '启动家庭经济状况核对', 'investigation-started': '启动入户调查', investigated: '入户调查', forwarded: '传至户籍地',
  reviewed: '初审', notice: '公示', deliberated: '民主评议', decided: '审核确认', archived: '档案归档',
};

/** Open applications late on a step or on the whole procedure, and decided ones late on their 档案归档. */
async function overdueApplications(knex: Knex, regionCode: string, asOf: string, context: OverdueContext): Promise<OverdueItem[]> {
  const items: OverdueItem[] = [];
  const prefix = scopePrefix(regionCode);
  for (const status of ['open', 'approved', 'rejected'] as const) {
    for (let afterId = 0; ;) {
      const page = await listApplications(knex, { scopeRegionCode: regionCode, status, afterId, limit: pageSize });
      for (const application of page) {
        const item = overdueApplicationItem(application, asOf, context);
        if (item && item.townshipCode.startsWith(prefix)) items.push(item);
      }
      if (page.length < pageSize) break;
      afterId = page[page.length - 1]!.id;
    }
  }
  return items;
}

function overdueApplicationItem(application: ApplicationListRow, asOf: string, context: OverdueContext): OverdueItem | undefined {
  const { next, overdue } = deadlinesOf(context.settings, application, asOf);
  if (!overdue) return undefined;
  // The whole procedure's deadline may pass with no step late: then the decision (审核确认) is what is owed.
  const stepLate = next !== null && asOf > next.dueOn;
  const step = stepLate ? next.step : 'decided';
  const dueOn = stepLate ? next.dueOn : application.dueOn;
  return {
    kind: 'application-step',
    ref: `${application.id}:${step}`,
    townshipCode: townshipOfStep(application, step, context.settings.limits.applications.oneCity.deliberation.by),
    subject: application.applicantName,
    what: `申请（${context.settings.limits.applications.procedures[application.procedure]?.title ?? application.procedure}）${stepWords[step]}`,
    dueOn,
    workingDaysLate: lateBy(context, dueOn, asOf),
    personId: application.applicantPersonId,
  };
}

async function overdueVisits(knex: Knex, actor: Actor, regionCode: string, asOf: string, context: OverdueContext): Promise<OverdueItem[]> {
  const township = scopePrefix(regionCode).length >= 9 ? regionCode.slice(0, 9) : undefined;
  // The region was checked to lie inside the key's: the list is walked as a key of that region.
  const { list, headOf } = await listVisitsDue(knex, { ...actor, regionCode }, context.policy, context.settings.calendar, {
    asOf, townshipCode: township, overdueOnly: true, limit: Number.MAX_SAFE_INTEGER,
  });
  return list.items.map((v) => ({
    kind: 'visit',
    ref: `${v.householdId}@${v.nextDueOn}`,
    townshipCode: v.townshipCode,
    subject: v.headName ?? v.householdNo,
    what: `走访（${v.category.title}）`,
    dueOn: v.nextDueOn,
    workingDaysLate: lateBy(context, v.nextDueOn, asOf),
    personId: headOf.get(v.householdId) ?? null,
  }));
}

/**
 * How far back a missing progress sheet is still supervised: the twelve months before this one. Older returns belong
 * to a year whose assessment is over (the project's choice; no seed says how long a missing return stays owed).
 */
export const progressMonthsSupervised = 12;

/** Months of a programme whose progress sheets were due by `asOf` and are still supervised, up to last month. */
function periodsDue(programme: FilingProgramme, asOf: string): string[] {
  const thisMonth = asOf.slice(0, 7);
  const first = programme.returns.monthlyProgress.firstPeriod.period;
  const earliest = addMonths(thisMonth, -progressMonthsSupervised);
  const periods: string[] = [];
  for (let period = first > earliest ? first : earliest; period < thisMonth; period = addMonths(period, 1)) periods.push(period);
  return periods;
}

async function overdueProgressSheets(knex: Knex, regionCode: string, asOf: string, context: OverdueContext): Promise<OverdueItem[]> {
  const prefix = scopePrefix(regionCode);
  const items: OverdueItem[] = [];
  for (const programme of context.programmes.all) {
    const county = programme.region.code;
    // A county's programme is supervised by keys of the county or wider; a township key has no unit of its own here.
    if (!county.startsWith(prefix)) continue;
    for (const period of periodsDue(programme, asOf)) {
      const completeness = await filingCompleteness(knex, programme, period, asOf);
      for (const unit of completeness.units) {
        if (!unit.status.overdue) continue;
        const dueOn = completeness.deadline.onTimeThrough;
        items.push({
          kind: 'progress-sheet',
          ref: `${programme.id}:${period}:${unit.unit.code}`,
          townshipCode: county,
          subject: unit.unit.name,
          what: `${period} 落实进度表（已填 ${unit.status.tasksFiled}/${unit.status.tasksExpected} 项）`,
          dueOn,
          workingDaysLate: lateBy(context, dueOn, asOf),
          personId: null,
        });
      }
    }
  }
  return items;
}

/**
 * The overdue items of a region (a county or narrower) on `asOf`, by township then due date. A key wider than a county
 * names one: the visit list walks every household of the region, and a county is the widest region one request walks.
 */
export async function listOverdueItems(knex: Knex, actor: Actor, query: { regionCode: string; asOf: string }, context: OverdueContext): Promise<OverdueItem[]> {
  if (scopePrefix(query.regionCode).length < 6) {
    throw new ProblemError('validation-failed', `overdue items are listed one county (or township) at a time, not for ${query.regionCode}`,
      [{ in: 'query', parameter: 'region', detail: 'a county or township code' }]);
  }
  if (!isWithinScope(actor.regionCode, query.regionCode)) throw new ProblemError('out-of-scope', `${query.regionCode} is outside ${actor.regionCode}`);
  const { regionCode, asOf } = query;
  const lists = await readTogether(
    knex,
    () => overdueWarnings(knex, regionCode, asOf, context),
    () => overdueVisits(knex, actor, regionCode, asOf, context),
    () => overdueReferrals(knex, regionCode, asOf, context),
    () => overdueApplications(knex, regionCode, asOf, context),
    () => overdueProgressSheets(knex, regionCode, asOf, context),
  );
  return lists.flat().sort((a, b) => a.townshipCode.localeCompare(b.townshipCode) || a.dueOn.localeCompare(b.dueOn) || a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref));
}

/** The bundled configuration: time limits and holidays, the visit policy, the filing programmes and the rules' titles. */
export function defaultOverdueContext(rules: LoadedRuleSet = loadRuleSet(), programmes: FilingProgrammes = loadFilingProgrammes()): OverdueContext {
  return {
    settings: defaultCaseworkSettings(),
    policy: loadVisitPolicy(undefined, { ruleIds: rules.ruleSet.rules.map((r) => r.id) }),
    programmes,
    ruleTitles: new Map(rules.ruleSet.rules.map((r) => [r.id, r.title])),
  };
}

/** What a reader calls each kind of item. */
export const itemKindWords: Readonly<Record<ItemKind, string>> = {
  warning: '预警处置',
  visit: '走访',
  referral: '转介',
  'application-step': '申请办理',
  'progress-sheet': '进度报送',
};
