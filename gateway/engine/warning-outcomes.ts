import type { Knex } from 'knex';
import { changeEventKinds } from '../../adapters/jinmin/change-set.js';
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
}

/**
 * The register side of an outcome, inside the resolving transaction so the warning, the enrolments and the audit
 * line commit together. `stopped` (停保) ends the current basic-living enrolments on the resolution date with an
 * 'ended' event; `benefit-adjusted` (待遇调整) sets their monthly amount with an 'amount-changed' event — the two
 * events adapters/jinmin/change-set.ts turns into the month's stopped and changed records for 金民. The other
 * outcomes (included, referred, no change) are recorded on the warning alone: inclusion goes through an application
 * and a referral through a referral, each with its own record.
 *
 * Writes enrolments here rather than in the enrolments repository only because that module belongs to the register
 * intake; both follow the same rule: an enrolment is never deleted, ending one sets end_date and end_reason.
 */
export async function applyOutcome(
  trx: Knex.Transaction,
  warning: WarningRow,
  request: WarningTransitionRequest,
  context: { resolvedOn: string; at: string; actorLabel: string },
): Promise<OutcomeEffects> {
  const effects: OutcomeEffects = { endedEnrolmentIds: [], adjusted: [], personIds: [] };
  if (request.outcome !== 'stopped' && request.outcome !== 'benefit-adjusted') return effects;

  const current = await currentBasicLiving(trx, warning, request.appliesTo ?? 'person', context.resolvedOn);
  if (request.outcome === 'stopped') {
    const endReason = `预警${warning.id}核查停保：${request.reason}`.slice(0, 200);
    for (const enrolment of current) {
      await trx('enrolments').where('id', enrolment.id).update({ end_date: context.resolvedOn, end_reason: endReason, updated_at: context.at });
      await trx('enrolment_events').insert({
        enrolment_id: enrolment.id, kind: changeEventKinds.ended, at: context.at, actor: context.actorLabel,
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
    // Exactly the detail the change set parses: {fromFen, toFen, effectiveMonth?}.
    await trx('enrolment_events').insert({
      enrolment_id: enrolment.id, kind: changeEventKinds.amountChanged, at: context.at, actor: context.actorLabel,
      detail: JSON.stringify({ fromFen, toFen, ...(request.effectiveMonth ? { effectiveMonth: request.effectiveMonth } : {}) }),
    });
    effects.adjusted.push({ enrolmentId: enrolment.id, fromFen, toFen });
    effects.personIds.push(enrolment.person_id);
  }
  if (effects.adjusted.length === 0) {
    throw new ProblemError('warning-outcome-not-applicable', `warning ${warning.id}: the monthly amount is already ${toFen} fen; resolve it as no-change`,
      [{ in: 'body', pointer: '/newAmountFen', detail: 'equals the current amount' }]);
  }
  return effects;
}

/** The subject's (or its household's) basic-living enrolments running on `date`; refuses when there are none. */
async function currentBasicLiving(trx: Knex.Transaction, warning: WarningRow, appliesTo: 'person' | 'household', date: string): Promise<CurrentEnrolment[]> {
  const key = appliesTo === 'person' ? warning.personId : warning.householdId;
  if (key === null) {
    throw new ProblemError('warning-outcome-not-applicable',
      `warning ${warning.id}: the subject has no ${appliesTo} in the register, so there is no benefit to stop or adjust`,
      [{ in: 'body', pointer: '/outcome', detail: 'the subject is not in the register' }]);
  }
  const rows: CurrentEnrolment[] = await trx('enrolments')
    .select('id', 'person_id', 'monthly_amount_fen')
    .where(appliesTo === 'person' ? 'person_id' : 'household_id', key)
    .whereIn('category', basicLivingCategories)
    .where('start_date', '<=', date)
    .where((q) => q.whereNull('end_date').orWhere('end_date', '>=', date))
    .orderBy('id');
  if (rows.length === 0) {
    throw new ProblemError('warning-outcome-not-applicable',
      `warning ${warning.id}: the ${appliesTo} has no basic-living enrolment (低保/特困) running on ${date}`,
      [{ in: 'body', pointer: '/appliesTo', detail: `no current basic-living enrolment for the ${appliesTo}` }]);
  }
  return rows;
}
