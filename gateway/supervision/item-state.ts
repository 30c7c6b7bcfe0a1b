import type { Knex } from 'knex';
import { deadlinesOf } from '../casework/applications/application-deadlines.js';
import { townshipOfStep } from '../casework/applications/application-access.js';
import { listVisitsDue } from '../casework/visits-due.js';
import { filingCompleteness } from '../filing/index.js';
import { findApplication, stepsOfApplication } from '../store/repositories/applications.js';
import { findReferral } from '../store/repositories/referrals.js';
import { findWarning, openStatuses } from '../store/repositories/warnings.js';
import type { ItemKind, ItemReading, ItemState } from './orders.js';
import type { OverdueContext } from './overdue-items.js';

const openReferral = ['sent', 'accepted'];

/** The steps an application records for a step of its procedure: 审核确认 is recorded as approved or rejected. */
const recordedAs: Record<string, readonly string[]> = { decided: ['approved', 'rejected'] };

/** `123:investigated` → the application and the step; `17@2026-11-30` → the household and the due date. */
function split(ref: string, separator: string): [string, string] | undefined {
  const at = ref.indexOf(separator);
  return at > 0 ? [ref.slice(0, at), ref.slice(at + separator.length)] : undefined;
}

function positiveInteger(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && /^[0-9]+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Reads a 督办's item from the store, by the same rules the overdue list (overdue-items.ts) applies, so an order is
 * only ever on an item that list shows, and its `done` is the item's own state — a warning no longer pending or
 * verifying, a referral answered, the application step recorded (or the application closed), a counted visit made on
 * or after the due date (or recorded since, whatever day it carries), every task of the progress sheet filed.
 */
export function storeItemState(knex: Knex, context: OverdueContext): ItemState {
  async function readWarning(ref: string): Promise<ItemReading | undefined> {
    const id = positiveInteger(ref);
    const warning = id === undefined ? undefined : await findWarning(knex, id);
    return warning && {
      townshipCode: warning.regionCode ?? warning.subjectRegion,
      dueOn: warning.dueOn,
      open: (openStatuses as readonly string[]).includes(warning.status),
      personId: warning.personId,
    };
  }

  async function readReferral(ref: string): Promise<ItemReading | undefined> {
    const id = positiveInteger(ref);
    const referral = id === undefined ? undefined : await findReferral(knex, id);
    return referral && { townshipCode: referral.regionCode, dueOn: referral.dueOn, open: openReferral.includes(referral.status), personId: referral.personId };
  }

  async function readApplicationStep(ref: string, today: string): Promise<ItemReading | undefined> {
    const [idText, step] = split(ref, ':') ?? [];
    const id = positiveInteger(idText);
    const application = id === undefined ? undefined : await findApplication(knex, id);
    if (!application || step === undefined) return undefined;
    const procedure = context.settings.limits.applications.procedures[application.procedure];
    if (!procedure?.steps.some((s) => s.step === step)) return undefined;
    const township = townshipOfStep(application, step as Parameters<typeof townshipOfStep>[1], context.settings.limits.applications.oneCity.deliberation.by);
    const recorded = (await stepsOfApplication(knex, application.id)).some((s) => (recordedAs[step] ?? [step]).includes(s.step));
    // A decided application still owes its 档案归档; nothing else once it is decided or withdrawn.
    const stillOwed = application.status === 'open' || (step === 'archived' && application.status !== 'withdrawn');
    if (recorded || !stillOwed) {
      return { townshipCode: township, dueOn: application.dueOn, open: false, personId: application.applicantPersonId };
    }
    const { next } = deadlinesOf(context.settings, application, today);
    if (next?.step === 'archived' && step === 'archived') return { townshipCode: township, dueOn: next.dueOn, open: true, personId: application.applicantPersonId };
    if (next?.step === step) return { townshipCode: township, dueOn: next.dueOn < application.dueOn ? next.dueOn : application.dueOn, open: true, personId: application.applicantPersonId };
    // The procedure's own deadline passed before the next step fell due: the decision is what is owed.
    if (step === 'decided') return { townshipCode: township, dueOn: application.dueOn, open: true, personId: application.applicantPersonId };
    return undefined;
  }

  async function visitMadeSince(householdId: number, dueOn: string): Promise<boolean> {
    const startOfDueDay = new Date(`${dueOn}T00:00:00+08:00`);
    const made = await knex('home_visits')
      .where({ household_id: householdId })
      .whereIn('kind', context.policy.countedKinds)
      .andWhere((q) => q.where('visited_on', '>=', dueOn).orWhere('recorded_at', '>=', startOfDueDay))
      .first('id');
    return made !== undefined;
  }

  async function readVisit(ref: string, today: string): Promise<ItemReading | undefined> {
    const [idText, dueOn] = split(ref, '@') ?? [];
    const householdId = positiveInteger(idText);
    if (householdId === undefined || dueOn === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(dueOn)) return undefined;
    const household = (await knex('households').where({ id: householdId }).first('residence_region')) as { residence_region: string } | undefined;
    if (!household) return undefined;
    const townshipCode = household.residence_region.slice(0, 9);
    if (await visitMadeSince(householdId, dueOn)) return { townshipCode, dueOn, open: false, personId: null };
    // Still open: the visit list must show the household due that day, or the ref names no real item.
    const { list, headOf } = await listVisitsDue(knex, { keyId: null, role: 'admin', regionCode: townshipCode, label: 'supervision' }, context.policy, context.settings.calendar, {
      asOf: today, townshipCode, limit: Number.MAX_SAFE_INTEGER,
    });
    const due = list.items.find((v) => v.householdId === householdId);
    return due?.nextDueOn === dueOn ? { townshipCode, dueOn, open: true, personId: headOf.get(householdId) ?? null } : undefined;
  }

  async function readProgressSheet(ref: string, today: string): Promise<ItemReading | undefined> {
    const [programmeId, period, unitCode] = ref.split(':');
    const programme = context.programmes.all.find((p) => p.id === programmeId);
    if (!programme || !period || !unitCode || !programme.units.some((u) => u.code === unitCode)) return undefined;
    if (period < programme.returns.monthlyProgress.firstPeriod.period) return undefined;
    const completeness = await filingCompleteness(knex, programme, period, today, [unitCode]);
    const status = completeness.units[0]!.status;
    return { townshipCode: programme.region.code, dueOn: completeness.deadline.onTimeThrough, open: status.tasksFiled < status.tasksExpected, personId: null };
  }

  const readers: Record<ItemKind, (ref: string, today: string) => Promise<ItemReading | undefined>> = {
    warning: readWarning,
    referral: readReferral,
    'application-step': readApplicationStep,
    visit: readVisit,
    'progress-sheet': readProgressSheet,
  };

  return {
    read: (kind, ref, today) => readers[kind](ref, today),
    // An order's item that no longer reads as owed (a household no longer due a visit, a step the procedure skipped)
    // is not waiting on anyone: it counts as done, like one the township finished.
    done: async (kind, ref, today) => {
      const item = await readers[kind](ref, today);
      return item === undefined || !item.open;
    },
  };
}
