import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { ProblemError } from '../../errors.js';
import { violatedConstraint } from '../../store/database-errors.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { decideEscalationIfPending, escalationsOfCase, insertEscalation } from '../../store/repositories/referrals.js';
import type { ReferralEscalationInput } from '../../../schemas/types/index.js';
import { checkDoneOn, fieldProblem } from '../casework-dates.js';
import { findCaseInScope, lockOpenCase, requireCaseWriter, requireOpenCase } from './case-access.js';

/**
 * Takes a case beyond the policies to the county meeting (县级社会救助工作领导小组办公室专题会议, "一事一议", seed 002
 * task 4; and seed 002 task 11 for 急难 cases too heavy for "小金额先行救助": "对困难程度较重的,采取先行救助、直接救助或“一事一议”
 * 方式给予临时救助"). One escalation awaits a decision at a time: the
 * database holds that (case_escalations_one_pending, migration 011), so two escalating at once get one 201 and one
 * 409; and the case is re-read locked inside the transaction, so a case closed meanwhile is not escalated.
 */
export async function escalateCase(knex: Knex, actor: Actor, caseId: number, input: ReferralEscalationInput, options: { today: string }): Promise<number> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  requireOpenCase(found);
  if (input.reason === undefined) throw fieldProblem('/reason', 'say why the case lies beyond the policies');
  if (input.decision !== undefined) throw fieldProblem('/decision', 'the meeting decides later: POST …/escalations/{id}/decision');
  checkDoneOn('/on', input.on, options.today, { date: found.openedOn, what: 'the case was opened' });
  const pending = (await escalationsOfCase(knex, caseId)).find((e) => e.status === 'pending');
  if (pending) throw awaitingMeeting(caseId, pending.id);
  try {
    return await knex.transaction(async (trx) => {
      await lockOpenCase(trx, actor, caseId);
      const id = await insertEscalation(trx, caseId, input.on, input.reason!, actor.label);
      await recordAudit(trx, actor, {
        action: 'referral-case.escalate', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: found.regionCode,
        subjectPersonIds: found.personId === null ? [] : [found.personId], detail: `escalation ${id}: ${input.reason}`,
      });
      return id;
    });
  } catch (error) {
    const constraint = violatedConstraint(error);
    // PostgreSQL names the index; SQLite names its column.
    if (constraint?.kind === 'unique' && (constraint.name === 'case_escalations_one_pending' || constraint.name.startsWith('case_escalations.case_id'))) {
      const raced = (await escalationsOfCase(knex, caseId)).find((e) => e.status === 'pending');
      throw awaitingMeeting(caseId, raced?.id);
    }
    throw error;
  }
}

function awaitingMeeting(caseId: number, escalationId: number | undefined): ProblemError {
  return new ProblemError('referral-transition-illegal', `escalation ${escalationId ?? '(another)'} of case ${caseId} still awaits the meeting`);
}

/** Records the meeting's decision and its date on a pending escalation. */
export async function decideEscalation(
  knex: Knex,
  actor: Actor,
  caseId: number,
  escalationId: number,
  input: ReferralEscalationInput,
  options: { today: string },
): Promise<void> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  const escalation = (await escalationsOfCase(knex, caseId)).find((e) => e.id === escalationId);
  if (!escalation) throw new ProblemError('not-found', `case ${caseId} has no escalation ${escalationId}`);
  if (escalation.status !== 'pending') throw new ProblemError('referral-transition-illegal', `escalation ${escalationId} was decided on ${escalation.meetingOn}`);
  if (input.decision === undefined) throw fieldProblem('/decision', 'say what the meeting decided');
  if (input.reason !== undefined) throw fieldProblem('/reason', 'the reason was given when escalating');
  checkDoneOn('/on', input.on, options.today, { date: escalation.escalatedOn, what: 'the case was escalated' });
  await knex.transaction(async (trx) => {
    if (!(await decideEscalationIfPending(trx, escalationId, input.on, input.decision!, actor.label))) {
      throw new ProblemError('referral-transition-illegal', `escalation ${escalationId} was decided meanwhile`);
    }
    await recordAudit(trx, actor, {
      action: 'referral-case.decide', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: found.regionCode,
      subjectPersonIds: found.personId === null ? [] : [found.personId], detail: `escalation ${escalationId} decided on ${input.on}`,
    });
  });
}
