import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { requireCapability } from '../access/role-policy.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError, type FieldError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { insertWarningTransition, moveWarning, type WarningRow } from '../store/repositories/warnings.js';
import type { WarningStatus, WarningTransitionRequest } from '../../schemas/types/index.js';
import { applyOutcome, type OutcomeEffects } from './warning-outcomes.js';
import { findWarningInScope, warningReadPolicy } from './warning-views.js';

/**
 * The warnings workflow (预警核查处置): pending → verifying → resolved. Every warning is verified before it is
 * resolved, with no short cut from pending to resolved, not even for "no change": the platforms report warnings
 * pushed, verified (核查) and handled (处置) as separate figures (seed 001: Binhai verified 1,231 warnings, then
 * adjusted 520 households). Taking a warning up costs one request; skipping it would cost the verification figure
 * its meaning. (No seed says an audit looks for verification records: seed 004's 年度目标考核 is about cases still
 * not handled after a written reminder.)
 * A resolved warning is final: a wrong resolution is corrected in the register, and the next run raises a new
 * warning if the facts still call for one.
 */
const nextStatuses: Readonly<Record<WarningStatus, readonly WarningStatus[]>> = {
  pending: ['verifying'],
  verifying: ['resolved'],
  resolved: [],
};

export interface TransitionResult {
  warning: WarningRow;
  transitionId: number;
  effects: OutcomeEffects;
}

/**
 * Moves a warning on, for an actor that writes the register (township, admin, integrator) within its scope. The
 * move, its transition row, the outcome's effects on enrolments and the audit line are one transaction; the move
 * is conditional on the status read, so of two concurrent moves one wins and the other gets warning-changed.
 */
export async function transitionWarning(
  knex: Knex,
  actor: Actor,
  warningId: number,
  request: WarningTransitionRequest,
  options: { now?: () => Date } = {},
): Promise<TransitionResult> {
  warningReadPolicy(actor);
  requireCapability(actor, 'writeRegister', 'verify or resolve warnings');
  checkTransitionRequest(request);
  const now = (options.now ?? (() => new Date()))();
  return knex.transaction(async (trx) => {
    const warning = await findWarningInScope(trx, actor, warningId);
    return applyWarningTransition(trx, actor, warning, request, now);
  });
}

/**
 * The transition of a warning as the caller read it. If the warning moved since (another request won), nothing is
 * written and the caller gets warning-changed: it should read the warning again rather than repeat the request.
 */
export async function applyWarningTransition(
  trx: Knex.Transaction,
  actor: Actor,
  warning: WarningRow,
  request: WarningTransitionRequest,
  now: Date,
): Promise<TransitionResult> {
  if (!nextStatuses[warning.status].includes(request.to)) throw illegalTransition(warning, request.to);
  const at = now.toISOString();
  const resolvedOn = request.to === 'resolved' ? todayInShanghai(now) : null;
  const moved = await moveWarning(trx, warning.id, warning.status, {
    to: request.to, outcome: request.outcome ?? null, outcomeReason: request.to === 'resolved' ? request.reason : null, resolvedOn, at,
  });
  if (!moved) throw new ProblemError('warning-changed', `warning ${warning.id} is no longer ${warning.status}: someone else moved it meanwhile`);

  const effects = resolvedOn === null
    ? { endedEnrolmentIds: [], adjusted: [], personIds: [] }
    : await applyOutcome(trx, actor, warning, request, { resolvedOn, at });
  const transitionId = await insertWarningTransition(trx, {
    warningId: warning.id, from: warning.status, to: request.to, outcome: request.outcome ?? null, reason: request.reason,
    actor: actor.label, actorKeyId: actor.keyId, at,
  });
  // The reason stays in warning_transitions: it is free text about a person, and the audit line points to it.
  await recordAudit(trx, actor, {
    action: 'warning.transition',
    outcome: 'ok',
    resourceType: 'warning',
    resourceId: String(warning.id),
    regionCode: warning.regionCode ?? undefined,
    subjectPersonIds: [...(warning.personId === null ? [] : [warning.personId]), ...effects.personIds],
    detail: describeTransition(warning, request, transitionId, effects),
  });
  const updated: WarningRow = {
    ...warning, status: request.to,
    ...(resolvedOn === null ? {} : { outcome: request.outcome ?? null, outcomeReason: request.reason, resolvedOn }),
  };
  return { warning: updated, transitionId, effects };
}

/**
 * What the schema cannot say field by field: which fields go with which move. Each misplaced field is named, so a
 * client learns at once that, say, newAmountFen belongs only to benefit-adjusted.
 */
export function checkTransitionRequest(request: WarningTransitionRequest): void {
  const errors: FieldError[] = [];
  const misplaced = (field: keyof WarningTransitionRequest, detail: string) => {
    if (request[field] !== undefined) errors.push({ in: 'body', pointer: `/${field}`, detail });
  };
  if (request.reason.trim() === '') errors.push({ in: 'body', pointer: '/reason', detail: 'say why' });
  if (request.to === 'verifying') misplaced('outcome', 'only when resolving');
  if (request.to === 'resolved' && request.outcome === undefined) errors.push({ in: 'body', pointer: '/outcome', detail: 'required when resolving' });
  const actsOnEnrolments = request.outcome === 'stopped' || request.outcome === 'benefit-adjusted';
  if (actsOnEnrolments && request.appliesTo === undefined) {
    errors.push({ in: 'body', pointer: '/appliesTo', detail: `required for ${request.outcome}: person or household` });
  }
  if (!actsOnEnrolments) {
    misplaced('appliesTo', 'only with outcome stopped or benefit-adjusted');
    misplaced('enrolmentId', 'only with outcome stopped or benefit-adjusted');
  }
  if (request.outcome === 'benefit-adjusted' && request.newAmountFen === undefined) {
    errors.push({ in: 'body', pointer: '/newAmountFen', detail: 'required for benefit-adjusted: the new monthly amount in fen' });
  }
  if (request.outcome !== 'benefit-adjusted') {
    misplaced('newAmountFen', 'only with outcome benefit-adjusted');
    misplaced('householdIncomeFen', 'only with outcome benefit-adjusted');
    misplaced('effectiveMonth', 'only with outcome benefit-adjusted');
  }
  if (errors.length > 0) throw new ProblemError('validation-failed', 'the fields do not fit the transition asked for', errors);
}

function illegalTransition(warning: WarningRow, to: WarningStatus): ProblemError {
  const why = warning.status === 'resolved'
    ? 'a resolved warning is final'
    : warning.status === 'pending' && to === 'resolved'
      ? 'verify it first (to: verifying), then resolve it'
      : `it is already ${warning.status}`;
  return new ProblemError('warning-transition-illegal', `warning ${warning.id} cannot go from ${warning.status} to ${to}: ${why}`,
    [{ in: 'body', pointer: '/to', detail: `from ${warning.status}: ${nextStatuses[warning.status].join(', ') || 'none'}` }]);
}

function describeTransition(warning: WarningRow, request: WarningTransitionRequest, transitionId: number, effects: OutcomeEffects): string {
  const parts = [`${warning.status} → ${request.to}${request.outcome ? ` (${request.outcome})` : ''}, transition ${transitionId}`];
  if (effects.endedEnrolmentIds.length > 0) parts.push(`ended enrolments ${effects.endedEnrolmentIds.join(', ')}`);
  for (const change of effects.adjusted) parts.push(`enrolment ${change.enrolmentId} ${change.fromFen ?? 'none'} → ${change.toFen} fen`);
  return parts.join('; ');
}
