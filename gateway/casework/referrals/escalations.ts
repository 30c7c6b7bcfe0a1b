import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { ProblemError } from '../../errors.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { decideEscalationIfPending, escalationsOfCase, insertEscalation } from '../../store/repositories/referrals.js';
import type { ReferralEscalationInput } from '../../../schemas/types/index.js';
import { checkDay, dateProblem, findCaseInScope, requireCaseWriter, requireOpenCase } from './case-access.js';

/**
 * Takes a case beyond the policies to the county meeting (县级社会救助工作领导小组办公室专题会议, "一事一议", seed 002
 * task 4; seed 003 on 急难 cases too heavy for 小金额先行救助). One escalation awaits a decision at a time.
 */
export async function escalateCase(knex: Knex, actor: Actor, caseId: number, input: ReferralEscalationInput, options: { today: string }): Promise<number> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  requireOpenCase(found);
  if (input.reason === undefined) throw dateProblem('/reason', 'say why the case lies beyond the policies');
  if (input.decision !== undefined) throw dateProblem('/decision', 'the meeting decides later: POST …/escalations/{id}/decision');
  checkDay('/on', input.on, { date: found.openedOn, what: 'the case was opened' }, options.today);
  const pending = (await escalationsOfCase(knex, caseId)).find((e) => e.status === 'pending');
  if (pending) throw new ProblemError('referral-transition-illegal', `escalation ${pending.id} of case ${caseId} still awaits the meeting`);
  return knex.transaction(async (trx) => {
    const id = await insertEscalation(trx, caseId, input.on, input.reason!, actor.label);
    await recordAudit(trx, actor, {
      action: 'referral-case.escalate', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: found.regionCode,
      subjectPersonIds: found.personId === null ? [] : [found.personId], detail: `escalation ${id}: ${input.reason}`,
    });
    return id;
  });
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
  if (input.decision === undefined) throw dateProblem('/decision', 'say what the meeting decided');
  if (input.reason !== undefined) throw dateProblem('/reason', 'the reason was given when escalating');
  checkDay('/on', input.on, { date: escalation.escalatedOn, what: 'the case was escalated' }, options.today);
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
