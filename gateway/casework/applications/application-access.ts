import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { rolePolicies, type RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import type { ApplicationRow } from '../../store/repositories/applications.js';
import type { ApplicationStepInput } from '../../../schemas/types/index.js';

export function requireReader(actor: Actor): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy.readPersonalData) throw new ProblemError('forbidden', `role ${actor.role} does not see personal data`);
  return policy;
}

export function requireWriter(actor: Actor): void {
  if (!rolePolicies[actor.role].writeRegister) throw new ProblemError('forbidden', `role ${actor.role} cannot take or handle applications`);
}

/** Under 一城通办 both townships handle the application: the one that took it and the one where the household is registered. */
export function canSee(actor: Actor, application: Pick<ApplicationRow, 'acceptingRegion' | 'registrationRegion'>): boolean {
  return isWithinScope(actor.regionCode, application.acceptingRegion) || isWithinScope(actor.regionCode, application.registrationRegion);
}

/**
 * Which township does a step (seed 001): the place of residence investigates and forwards (居住地配合户籍地就近进行入户调查);
 * the place of registration reviews, posts the notice, decides and grants the extension (落实户籍地"属地"责任).
 * Either may record a withdrawal.
 */
const sideOfStep: Record<ApplicationStepInput['step'], 'accepting' | 'registration' | 'either'> = {
  investigated: 'accepting',
  forwarded: 'accepting',
  reviewed: 'registration',
  notice: 'registration',
  approved: 'registration',
  rejected: 'registration',
  extended: 'registration',
  withdrawn: 'either',
};

export function requireStepScope(actor: Actor, application: ApplicationRow, step: ApplicationStepInput['step']): void {
  const side = sideOfStep[step];
  const accepting = isWithinScope(actor.regionCode, application.acceptingRegion);
  const registration = isWithinScope(actor.regionCode, application.registrationRegion);
  const allowed = side === 'either' ? accepting || registration : side === 'accepting' ? accepting : registration;
  if (!allowed) {
    const township = side === 'accepting' ? application.acceptingRegion : application.registrationRegion;
    throw new ProblemError('out-of-scope', `step ${step} is done by township ${township}, outside ${actor.regionCode}`);
  }
}
