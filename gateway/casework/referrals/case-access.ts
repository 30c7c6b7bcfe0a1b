import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability, type RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import { findReferralCase, lockReferralCase, type ReferralCaseRow } from '../../store/repositories/referrals.js';

/** Cases name the person and what they need: reading them is reading personal data. */
export function requireCaseReader(actor: Actor): RolePolicy {
  return requireCapability(actor, 'readPersonalData', 'see cases and referrals, which hold personal data');
}

/** The owner records the departments' answers too: it coordinates and supervises them (seed 003: 负责协调监督办理结果). */
export function requireCaseWriter(actor: Actor): RolePolicy {
  return requireCapability(actor, 'writeRegister', 'handle cases and referrals');
}

function notFound(actor: Actor, caseId: number): ProblemError {
  return new ProblemError('not-found', `no case ${caseId} within ${actor.regionCode}`);
}

/** A case owned within the actor's region; out of scope looks exactly like missing. */
export async function findCaseInScope(db: Knex | Knex.Transaction, actor: Actor, caseId: number): Promise<ReferralCaseRow> {
  const found = await findReferralCase(db, caseId);
  if (!found || !isWithinScope(actor.regionCode, found.regionCode)) throw notFound(actor, caseId);
  return found;
}

export function requireOpenCase(found: ReferralCaseRow): void {
  if (found.status !== 'open') throw new ProblemError('referral-transition-illegal', `case ${found.id} was closed on ${found.closedOn}`);
}

/**
 * The case read again inside the transaction that adds to it, locked until that transaction ends (lockReferralCase),
 * and still open: a case closed since the caller first read it refuses the addition with 409.
 */
export async function lockOpenCase(trx: Knex.Transaction, actor: Actor, caseId: number): Promise<ReferralCaseRow> {
  const found = await lockReferralCase(trx, caseId);
  if (!found || !isWithinScope(actor.regionCode, found.regionCode)) throw notFound(actor, caseId);
  requireOpenCase(found);
  return found;
}
