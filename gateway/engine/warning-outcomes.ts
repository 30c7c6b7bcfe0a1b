import type { Knex } from 'knex';
import { changeEventKinds } from '../../adapters/jinmin/change-set.js';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { ProblemError } from '../errors.js';
import { basicLivingCategories } from '../store/enrolment-guard.js';
import type { WarningRow } from '../store/repositories/warnings.js';
import type { WarningTransitionRequest } from '../../schemas/types/index.js';

/** What resolving a warning changed in the register, for the audit line and the answer. */
export interface OutcomeEffects {
  /** Enrolments ended on the resolution date (stopped). */
  endedEnrolmentIds: number[];
  /** Enrolments whose monthly amount changed (benefit-adjusted). */
  adjusted: { enrolmentId: number; fromFen: number | null; toFen: number }[];
  /** The persons whose enrolments changed. */
  personIds: number[];
}

interface CurrentEnrolment {
  id: number;
  person_id: number;
  monthly_amount_fen: number | null;
  region_code: string;
}

/**
 * The rules' suggested action for 重复享受 (conflicting-enrolment): the county decides which of two enrolments stands,
 * so stopping names the one that ends instead of ending every basic-living enrolment of the subject.
 */
const resolveConflict = 'resolve-conflict';

/**
 * The register side of an outcome, inside the resolving transaction so the warning, the enrolments and the audit
 * line commit together. `stopped` (停保) ends the current basic-living enrolments on the resolution date with an
 * 'ended' event; `benefit-adjusted` (待遇调整) sets their monthly amount with an 'amount-changed' event — the two
 * events adapters/jinmin/change-set.ts turns into the month's stopped and changed records for 金民. The other
 * outcomes (included, referred, no change) are recorded on the warning alone: inclusion goes through an application
 * and a referral through a referral, each with its own record.
 *
 * Only enrolments granted within the actor's region are touched: the registration place (户籍地) decides and pays a
 * benefit, while a warning goes to the township of residence, which verifies. A residence township whose household is
 * registered elsewhere records its finding (no-change, referred) and the registration place acts on the benefit.
 *
 * Writes enrolments here rather than in the enrolments repository only because that module belongs to the register
 * intake; both follow the same rule: an enrolment is never deleted, ending one sets end_date and end_reason.
 */
export async function applyOutcome(
  trx: Knex.Transaction,
  actor: Actor,
  warning: WarningRow,
  request: WarningTransitionRequest,
  context: { resolvedOn: string; at: string },
): Promise<OutcomeEffects> {
  const effects: OutcomeEffects = { endedEnrolmentIds: [], adjusted: [], personIds: [] };
  if (request.outcome !== 'stopped' && request.outcome !== 'benefit-adjusted') return effects;
  if (request.outcome === 'stopped' && warning.suggestedAction === resolveConflict && request.enrolmentId === undefined) {
    throw new ProblemError('validation-failed', `warning ${warning.id} is a conflict of enrolments: name the enrolment that ends`,
      [{ in: 'body', pointer: '/enrolmentId', detail: 'required to stop on a resolve-conflict warning: the enrolment that must not stand' }]);
  }

  const current = await enrolmentsToChange(trx, actor, warning, request, context.resolvedOn);
  const actorLabel = actor.label;
  if (request.outcome === 'stopped') {
    const endReason = `预警${warning.id}核查停保：${request.reason}`.slice(0, 200);
    for (const enrolment of current) {
      await trx('enrolments').where('id', enrolment.id).update({ end_date: context.resolvedOn, end_reason: endReason, updated_at: context.at });
      await trx('enrolment_events').insert({
        enrolment_id: enrolment.id, kind: changeEventKinds.ended, at: context.at, actor: actorLabel,
        detail: JSON.stringify({ endDate: context.resolvedOn, endReason, warningId: warning.id }),
      });
      effects.endedEnrolmentIds.push(enrolment.id);
      effects.personIds.push(enrolment.person_id);
    }
    return effects;
  }

  const toFen = request.newAmountFen!;
  for (const enrolment of current) {
    const fromFen = enrolment.monthly_amount_fen === null ? null : Number(enrolment.monthly_amount_fen);
    if (fromFen === toFen) continue;
    await trx('enrolments').where('id', enrolment.id).update({ monthly_amount_fen: toFen, updated_at: context.at });
    // The detail the change set parses ({fromFen, toFen, effectiveMonth?}), plus the warning whose outcome this is, so
    // an auditor sees which decision stands behind the change (oversight/changes-without-approval.ts), as for 'ended'.
    await trx('enrolment_events').insert({
      enrolment_id: enrolment.id, kind: changeEventKinds.amountChanged, at: context.at, actor: actorLabel,
      detail: JSON.stringify({ fromFen, toFen, ...(request.effectiveMonth ? { effectiveMonth: request.effectiveMonth } : {}), warningId: warning.id }),
    });
    effects.adjusted.push({ enrolmentId: enrolment.id, fromFen, toFen });
    effects.personIds.push(enrolment.person_id);
  }
  if (request.householdIncomeFen !== undefined) await recordVerifiedIncome(trx, current, request.householdIncomeFen, request.effectiveMonth ?? context.resolvedOn.slice(0, 7), warning.id, context.at);
  if (effects.adjusted.length === 0 && request.householdIncomeFen === undefined) {
    throw new ProblemError('warning-outcome-not-applicable', `warning ${warning.id}: the monthly amount is already ${toFen} fen; resolve it as no-change`,
      [{ in: 'body', pointer: '/newAmountFen', detail: 'equals the current amount' }]);
  }
  return effects;
}

/**
 * The verified 家庭月收入 of each household the adjustment touches: the household's income now, and a dated record the
 * payment roll reads to recompute closed months from `effectiveMonth` on (payroll/compile-roll.ts).
 */
async function recordVerifiedIncome(trx: Knex.Transaction, enrolments: readonly CurrentEnrolment[], incomeFen: number, effectiveMonth: string, warningId: number, at: string): Promise<void> {
  const persons = enrolments.map((e) => e.person_id);
  const households: { household_id: number }[] = await trx('persons').whereIn('id', persons).distinct('household_id');
  for (const { household_id: householdId } of households) {
    await trx('households').where('id', householdId).update({ monthly_income_fen: incomeFen, updated_at: at });
    await trx('household_income_changes').insert({ household_id: householdId, income_fen: incomeFen, effective_month: effectiveMonth, warning_id: warningId, recorded_at: at });
  }
}

/**
 * The subject's (or its household's) basic-living enrolments running on `date` that the actor's region granted — or
 * the one `enrolmentId` names among them. Refuses when there are none, saying whether none run at all or the
 * registration place elsewhere holds them.
 */
async function enrolmentsToChange(
  trx: Knex.Transaction,
  actor: Actor,
  warning: WarningRow,
  request: WarningTransitionRequest,
  date: string,
): Promise<CurrentEnrolment[]> {
  const appliesTo = request.appliesTo ?? 'person';
  const key = appliesTo === 'person' ? warning.personId : warning.householdId;
  if (key === null) {
    throw new ProblemError('warning-outcome-not-applicable',
      `warning ${warning.id}: the subject has no ${appliesTo} in the register, so there is no benefit to stop or adjust`,
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
      `warning ${warning.id}: the ${appliesTo} has no basic-living enrolment (低保/特困) running on ${date}`,
      [{ in: 'body', pointer: '/appliesTo', detail: `no current basic-living enrolment for the ${appliesTo}` }]);
  }
  const granted = running.filter((e) => isWithinScope(actor.regionCode, e.region_code));
  if (granted.length === 0) {
    const places = [...new Set(running.map((e) => e.region_code))].join(', ');
    throw new ProblemError('warning-outcome-not-applicable',
      `warning ${warning.id}: the ${appliesTo}'s basic-living enrolments were granted in ${places}, outside ${actor.regionCode}; `
        + 'the registration place must stop or adjust them — record your finding with no-change or referred',
      [{ in: 'body', pointer: '/outcome', detail: `no current basic-living enrolment granted within ${actor.regionCode}` }]);
  }
  if (request.enrolmentId === undefined) return granted;
  const named = granted.filter((e) => Number(e.id) === request.enrolmentId);
  if (named.length === 0) {
    throw new ProblemError('warning-outcome-not-applicable',
      `warning ${warning.id}: enrolment ${request.enrolmentId} is not a current basic-living enrolment of the ${appliesTo} granted within ${actor.regionCode}`,
      [{ in: 'body', pointer: '/enrolmentId', detail: `one of ${granted.map((e) => e.id).join(', ')}` }]);
  }
  return named;
}
