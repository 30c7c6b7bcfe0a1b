import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { UncoveredYearError } from '../../calendar/working-days.js';
import { ProblemError } from '../../errors.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import {
  findReferral, insertReferral, insertReferralTransition, updateReferralIfStatus, type ReferralChanges, type ReferralRow,
} from '../../store/repositories/referrals.js';
import type { ReferralInput, ReferralTransitionInput } from '../../../schemas/types/index.js';
import { referralDepartment } from '../time-limits.js';
import { addWorkingDaysFromAnyDay } from '../../calendar/working-days.js';
import { checkDoneOn, fieldProblem } from '../casework-dates.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { findCaseInScope, lockOpenCase, requireCaseWriter, requireOpenCase } from './case-access.js';

/**
 * A referral's deadline: the department's limit in working days, or the urgent limit (seed 003: 一个工作日内), from
 * the day it was sent, the sending day not counted. Into a year whose holiday notice is not out yet it counts
 * weekdays, as warnings do, and says so: the referral keeps the flag and its date is counted again once the year is
 * in the calendar (recomputeProvisionalCaseworkDeadlines).
 */
export function referralDueOn(settings: CaseworkSettings, input: { department: string; urgent: boolean; sentOn: string }, pointer = ''): { date: string; provisional: boolean } {
  const department = referralDepartment(settings.limits, input.department);
  if (!department) {
    const known = settings.limits.referrals.departments.map((d) => d.code).join(', ');
    throw new ProblemError('referral-unknown-department', `${input.department} is not a department referrals go to (${known})`, [{ in: 'body', pointer: `${pointer}/department`, detail: 'unknown' }]);
  }
  const days = input.urgent ? settings.limits.referrals.urgentWorkingDays : department.workingDays;
  try {
    return addWorkingDaysFromAnyDay(settings.calendar, input.sentOn, days);
  } catch (error) {
    if (error instanceof UncoveredYearError) throw fieldProblem(`${pointer}/sentOn`, error.message);
    throw error;
  }
}

/**
 * Refers one more need of an open case to a department. The case is read again, locked, inside the transaction
 * that adds the referral, so a case closed meanwhile refuses it (409) instead of gaining a referral after closing.
 */
export async function referNeed(
  knex: Knex,
  actor: Actor,
  caseId: number,
  input: ReferralInput,
  options: { settings: CaseworkSettings; today: string },
): Promise<number> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  requireOpenCase(found);
  const sentOn = input.sentOn ?? options.today;
  checkDoneOn('/sentOn', sentOn, options.today, { date: found.openedOn, what: 'the case was opened' });
  const urgent = input.urgent ?? false;
  const due = referralDueOn(options.settings, { department: input.department, urgent, sentOn });
  const dueOn = due.date;
  return knex.transaction(async (trx) => {
    await lockOpenCase(trx, actor, caseId);
    const id = await insertReferral(trx, { caseId, department: input.department, need: input.need, urgent, sentOn, dueOn, dueProvisional: due.provisional }, { label: actor.label, keyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'referral.create', outcome: 'ok', resourceType: 'referral', resourceId: String(id), regionCode: found.regionCode,
      subjectPersonIds: found.personId === null ? [] : [found.personId], detail: `case ${caseId} → ${input.department}, due ${dueOn}`,
    });
    return id;
  });
}

/** sent → accepted → done; sent or accepted → declined. */
const allowedFrom: Record<ReferralTransitionInput['to'], readonly ReferralRow['status'][]> = {
  accepted: ['sent'],
  done: ['sent', 'accepted'],
  declined: ['sent', 'accepted'],
};

/**
 * Records a department's answer to a referral. Declining says why; done says what was given; anything after the
 * deadline says why it is late. Written with its transition row and audit line in one transaction.
 */
export async function transitionReferral(
  knex: Knex,
  actor: Actor,
  referralId: number,
  input: ReferralTransitionInput,
  options: { today: string },
): Promise<void> {
  requireCaseWriter(actor);
  const referral = await findReferral(knex, referralId);
  if (!referral || !isWithinScope(actor.regionCode, referral.regionCode)) throw new ProblemError('not-found', `no referral ${referralId} within ${actor.regionCode}`);
  if (!allowedFrom[input.to].includes(referral.status)) {
    throw new ProblemError('referral-transition-illegal', `referral ${referralId} is ${referral.status}; it cannot become ${input.to}`);
  }
  checkDoneOn('/on', input.on, options.today, { date: referral.acceptedOn ?? referral.sentOn, what: referral.acceptedOn ? 'it was accepted' : 'it was sent' });
  if (input.to === 'declined' && input.reason === undefined) throw fieldProblem('/reason', 'a department that declines says why');
  if (input.to === 'done' && input.outcome === undefined) throw fieldProblem('/outcome', 'say what the department gave');
  if (input.to !== 'done' && input.outcome !== undefined) throw fieldProblem('/outcome', 'only a referral done has an outcome');
  if (input.on > referral.dueOn && input.reason === undefined) throw fieldProblem('/reason', `the referral was due by ${referral.dueOn}: say why it is late`);

  const changes: ReferralChanges = { status: input.to };
  if (input.to === 'accepted') changes.acceptedOn = input.on;
  else changes.finishedOn = input.on;
  if (input.to === 'declined') changes.declineReason = input.reason!;
  if (input.to === 'done') changes.outcome = input.outcome!;

  await knex.transaction(async (trx) => {
    if (!(await updateReferralIfStatus(trx, referralId, referral.status, changes))) {
      throw new ProblemError('referral-transition-illegal', `referral ${referralId} was changed meanwhile; read it again`);
    }
    await insertReferralTransition(trx, { referralId, from: referral.status, to: input.to, on: input.on, reason: input.reason ?? null }, { label: actor.label, keyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'referral.transition', outcome: 'ok', resourceType: 'referral', resourceId: String(referralId), regionCode: referral.regionCode,
      subjectPersonIds: referral.personId === null ? [] : [referral.personId],
      detail: `${referral.status} → ${input.to} on ${input.on}${input.reason ? `: ${input.reason}` : ''}`,
    });
  });
}
