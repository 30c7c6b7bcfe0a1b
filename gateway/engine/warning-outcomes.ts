import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { ProblemError } from '../errors.js';
import { changeBenefits, type OutcomeEffects } from './benefit-changes.js';
import type { WarningRow } from '../store/repositories/warnings.js';
import type { WarningTransitionRequest } from '../../schemas/types/index.js';

export type { OutcomeEffects };

/**
 * The rules' suggested action for 重复享受 (conflicting-enrolment): the county decides which of two enrolments stands,
 * so stopping names the one that ends instead of ending every basic-living enrolment of the subject.
 */
const resolveConflict = 'resolve-conflict';

/**
 * The register side of an outcome, inside the resolving transaction so the warning, the enrolments and the audit
 * line commit together. `stopped` (停保) ends the current basic-living enrolments on the resolution date with an
 * 'ended' event; `benefit-adjusted` (待遇调整) sets their monthly amount with an 'amount-changed' event, both through
 * changeBenefits (benefit-changes.ts), the path the periodic check takes too. The other
 * outcomes (included, referred, no change) are recorded on the warning alone: inclusion goes through an application
 * and a referral through a referral, each with its own record.
 *
 * Only enrolments granted within the actor's region are touched: the registration place (户籍地) decides and pays a
 * benefit, while a warning goes to the township of residence, which verifies. A residence township whose household is
 * registered elsewhere records its finding (no-change, referred) and the registration place acts on the benefit.
 *
 */
export async function applyOutcome(
  trx: Knex.Transaction,
  actor: Actor,
  warning: WarningRow,
  request: WarningTransitionRequest,
  context: { resolvedOn: string; at: string },
): Promise<OutcomeEffects> {
  if (request.outcome !== 'stopped' && request.outcome !== 'benefit-adjusted') return { endedEnrolmentIds: [], adjusted: [], personIds: [] };
  if (request.outcome === 'stopped' && warning.suggestedAction === resolveConflict && request.enrolmentId === undefined) {
    throw new ProblemError('validation-failed', `warning ${warning.id} is a conflict of enrolments: name the enrolment that ends`,
      [{ in: 'body', pointer: '/enrolmentId', detail: 'required to stop on a resolve-conflict warning: the enrolment that must not stand' }]);
  }

  const appliesTo = request.appliesTo ?? 'person';
  const effects = await changeBenefits(trx, actor, {
    label: `warning ${warning.id}`,
    stopReason: `预警${warning.id}核查停保：${request.reason}`,
    eventDetail: { warningId: warning.id },
  }, {
    kind: request.outcome === 'stopped' ? 'stop' : 'set-amount',
    appliesTo,
    subjectId: appliesTo === 'person' ? warning.personId : warning.householdId,
    enrolmentId: request.enrolmentId,
    newAmountFen: request.newAmountFen,
    effectiveMonth: request.effectiveMonth,
  }, context.resolvedOn, context.at);
  if (request.outcome === 'stopped') return outcome(effects);
  const toFen = request.newAmountFen!;
  if (request.householdIncomeFen !== undefined) await recordVerifiedIncome(trx, effects.considered, request.householdIncomeFen, request.effectiveMonth ?? context.resolvedOn.slice(0, 7), warning.id, context.at);
  if (effects.adjusted.length === 0 && request.householdIncomeFen === undefined) {
    throw new ProblemError('warning-outcome-not-applicable', `warning ${warning.id}: the monthly amount is already ${toFen} fen; resolve it as no-change`,
      [{ in: 'body', pointer: '/newAmountFen', detail: 'equals the current amount' }]);
  }
  return outcome(effects);
}

function outcome({ endedEnrolmentIds, adjusted, personIds }: OutcomeEffects): OutcomeEffects {
  return { endedEnrolmentIds, adjusted, personIds };
}

/**
 * The verified 家庭月收入 of each household the adjustment touches: the household's income now, and a dated record the
 * payment roll reads to recompute closed months from `effectiveMonth` on (payroll/compile-roll.ts).
 */
async function recordVerifiedIncome(trx: Knex.Transaction, enrolments: readonly { person_id: number }[], incomeFen: number, effectiveMonth: string, warningId: number, at: string): Promise<void> {
  const persons = enrolments.map((e) => e.person_id);
  const households: { household_id: number }[] = await trx('persons').whereIn('id', persons).distinct('household_id');
  for (const { household_id: householdId } of households) {
    await trx('households').where('id', householdId).update({ monthly_income_fen: incomeFen, updated_at: at });
    await trx('household_income_changes').insert({ household_id: householdId, income_fen: incomeFen, effective_month: effectiveMonth, warning_id: warningId, recorded_at: at });
  }
}
