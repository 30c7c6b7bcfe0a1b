import type { Knex } from 'knex';
import { changeEventKinds } from '../../adapters/jinmin/change-set.js';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { ProblemError } from '../errors.js';
import { basicLivingCategories } from '../store/enrolment-guard.js';

/** What a change of benefits did to the register, for the audit line and the answer. */
export interface OutcomeEffects {
  /** Enrolments ended on the day of the change (stopped). */
  endedEnrolmentIds: number[];
  /** Enrolments whose monthly amount changed. */
  adjusted: { enrolmentId: number; fromFen: number | null; toFen: number }[];
  /** The persons whose enrolments changed. */
  personIds: number[];
}

/** A running basic-living enrolment, as the change reads it. */
export interface CurrentEnrolment {
  id: number;
  person_id: number;
  monthly_amount_fen: number | null;
  region_code: string;
}

/** What asks for the change: named in refusals, in the end reason of a stop and in each enrolment event. */
export interface BenefitChangeSource {
  /** `warning 12`, `periodic check of household 5`. */
  label: string;
  /** The end reason a stop writes (at most 200 characters are kept). */
  stopReason: string;
  /** Merged into each enrolment event's detail, naming the source (warningId, householdCheckId). */
  eventDetail: Record<string, unknown>;
}

export interface BenefitChange {
  /** stop: 停保 / 停发; set-amount: 待遇调整, 增发 or 减发. */
  kind: 'stop' | 'set-amount';
  appliesTo: 'person' | 'household';
  /** The person or household the change is about; null when the subject is not in the register. */
  subjectId: number | null;
  /** Only this enrolment among the subject's. */
  enrolmentId?: number;
  newAmountFen?: number;
  /** The month a new amount applies from, when not the current one. */
  effectiveMonth?: string;
}

/**
 * Stops or sets the monthly amount of a subject's basic-living enrolments, inside the caller's transaction so the
 * change, its cause and the audit line commit together. A stop ends the enrolments on `on` with an 'ended' event; a
 * new amount writes an 'amount-changed' event — the two events adapters/jinmin/change-set.ts turns into the month's
 * stopped and changed records for 金民. One path for every cause: a resolved warning (warning-outcomes.ts) and the
 * registration township's periodic check (casework/periodic-checks.ts).
 *
 * Only enrolments granted within the actor's region are touched: the registration place (户籍地) decides and pays a
 * benefit. Writes enrolments here rather than in the enrolments repository only because that module belongs to the
 * register intake; both follow the same rule: an enrolment is never deleted, ending one sets end_date and end_reason.
 * Answers the enrolments considered beside what changed: an amount equal to the current one changes nothing.
 */
export async function changeBenefits(
  trx: Knex.Transaction,
  actor: Actor,
  source: BenefitChangeSource,
  change: BenefitChange,
  on: string,
  at: string,
): Promise<OutcomeEffects & { considered: CurrentEnrolment[] }> {
  const effects: OutcomeEffects = { endedEnrolmentIds: [], adjusted: [], personIds: [] };
  const current = await runningBenefits(trx, actor, source, change, on);
  if (change.kind === 'stop') {
    const endReason = source.stopReason.slice(0, 200);
    for (const enrolment of current) {
      await trx('enrolments').where('id', enrolment.id).update({ end_date: on, end_reason: endReason, updated_at: at });
      await trx('enrolment_events').insert({
        enrolment_id: enrolment.id, kind: changeEventKinds.ended, at, actor: actor.label,
        detail: JSON.stringify({ endDate: on, endReason, ...source.eventDetail }),
      });
      effects.endedEnrolmentIds.push(enrolment.id);
      effects.personIds.push(enrolment.person_id);
    }
    return { ...effects, considered: current };
  }

  const toFen = change.newAmountFen!;
  for (const enrolment of current) {
    const fromFen = enrolment.monthly_amount_fen === null ? null : Number(enrolment.monthly_amount_fen);
    if (fromFen === toFen) continue;
    await trx('enrolments').where('id', enrolment.id).update({ monthly_amount_fen: toFen, updated_at: at });
    // The detail the change set parses ({fromFen, toFen, effectiveMonth?}), plus the decision behind the change (a
    // warningId, a householdCheckId), so an auditor sees what stands behind it (oversight/changes-without-approval.ts).
    await trx('enrolment_events').insert({
      enrolment_id: enrolment.id, kind: changeEventKinds.amountChanged, at, actor: actor.label,
      detail: JSON.stringify({ fromFen, toFen, ...(change.effectiveMonth ? { effectiveMonth: change.effectiveMonth } : {}), ...source.eventDetail }),
    });
    effects.adjusted.push({ enrolmentId: enrolment.id, fromFen, toFen });
    effects.personIds.push(enrolment.person_id);
  }
  return { ...effects, considered: current };
}

/**
 * The subject's (or its household's) basic-living enrolments running on `date` that the actor's region granted — or
 * the one `enrolmentId` names among them. Refuses when there are none, saying whether none run at all or the
 * registration place elsewhere holds them.
 */
export async function runningBenefits(trx: Knex.Transaction, actor: Actor, source: BenefitChangeSource, change: Pick<BenefitChange, 'appliesTo' | 'subjectId' | 'enrolmentId'>, date: string): Promise<CurrentEnrolment[]> {
  const { appliesTo, subjectId: key } = change;
  if (key === null) {
    throw new ProblemError('warning-outcome-not-applicable',
      `${source.label}: the subject has no ${appliesTo} in the register, so there is no benefit to stop or adjust`,
      [{ in: 'body', pointer: '/outcome', detail: 'the subject is not in the register' }]);
  }
  const running: CurrentEnrolment[] = await trx('enrolments')
    .select('id', 'person_id', 'monthly_amount_fen', 'region_code')
    .where(appliesTo === 'person' ? 'person_id' : 'household_id', key)
    .whereIn('category', basicLivingCategories)
    .where('start_date', '<=', date)
    .where((q) => q.whereNull('end_date').orWhere('end_date', '>=', date))
    .orderBy('id');
  if (running.length === 0) {
    throw new ProblemError('warning-outcome-not-applicable',
      `${source.label}: the ${appliesTo} has no basic-living enrolment (低保/特困) running on ${date}`,
      [{ in: 'body', pointer: '/appliesTo', detail: `no current basic-living enrolment for the ${appliesTo}` }]);
  }
  const granted = running.filter((e) => isWithinScope(actor.regionCode, e.region_code));
  if (granted.length === 0) {
    const places = [...new Set(running.map((e) => e.region_code))].join(', ');
    throw new ProblemError('warning-outcome-not-applicable',
      `${source.label}: the ${appliesTo}'s basic-living enrolments were granted in ${places}, outside ${actor.regionCode}; `
        + 'the registration place must stop or adjust them — record your finding with no-change or referred',
      [{ in: 'body', pointer: '/outcome', detail: `no current basic-living enrolment granted within ${actor.regionCode}` }]);
  }
  if (change.enrolmentId === undefined) return granted;
  const named = granted.filter((e) => Number(e.id) === change.enrolmentId);
  if (named.length === 0) {
    throw new ProblemError('warning-outcome-not-applicable',
      `${source.label}: enrolment ${change.enrolmentId} is not a current basic-living enrolment of the ${appliesTo} granted within ${actor.regionCode}`,
      [{ in: 'body', pointer: '/enrolmentId', detail: `one of ${granted.map((e) => e.id).join(', ')}` }]);
  }
  return named;
}
