import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { rolePolicies, type RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import { findReferralCase, type ReferralCaseRow } from '../../store/repositories/referrals.js';

export function requireCaseReader(actor: Actor): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy.readPersonalData) throw new ProblemError('forbidden', `role ${actor.role} does not see personal data`);
  return policy;
}

/** The owner records the departments' answers too: it coordinates and supervises them (seed 003: 负责协调监督办理结果). */
export function requireCaseWriter(actor: Actor): void {
  if (!rolePolicies[actor.role].writeRegister) throw new ProblemError('forbidden', `role ${actor.role} cannot handle cases`);
}

/** A case owned within the actor's region; out of scope looks exactly like missing. */
export async function findCaseInScope(db: Knex | Knex.Transaction, actor: Actor, caseId: number): Promise<ReferralCaseRow> {
  const found = await findReferralCase(db, caseId);
  if (!found || !isWithinScope(actor.regionCode, found.regionCode)) throw new ProblemError('not-found', `no case ${caseId} within ${actor.regionCode}`);
  return found;
}

export function requireOpenCase(found: ReferralCaseRow): void {
  if (found.status !== 'open') throw new ProblemError('referral-transition-illegal', `case ${found.id} was closed on ${found.closedOn}`);
}

export function dateProblem(pointer: string, detail: string): ProblemError {
  return new ProblemError('validation-failed', detail, [{ in: 'body', pointer, detail }]);
}

/** A day recorded for something done: not in the future, not before what it follows. */
export function checkDay(pointer: string, on: string, notBefore: { date: string; what: string }, today: string): void {
  if (on > today) throw dateProblem(pointer, `${on} is after today (${today})`);
  if (on < notBefore.date) throw dateProblem(pointer, `${on} is before ${notBefore.what} (${notBefore.date})`);
}
