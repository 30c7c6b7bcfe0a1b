import type { Actor } from '../access/actor.js';
import { rolePolicies, type RolePolicy } from '../access/role-policy.js';
import { ProblemError } from '../errors.js';

/**
 * Casework (discovery cases, visits) holds personal data — names, family situations, findings — so reading it
 * needs the role's readPersonalData, and recording it the role that may change the register (township staff
 * within their region, the integrator behind a visiting app, the administrator). Liaison officers see neither.
 */
export function requireCaseworkReader(actor: Actor): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy.readPersonalData) throw new ProblemError('forbidden', `role ${actor.role} does not see casework`);
  return policy;
}

export function requireCaseworkWriter(actor: Actor): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy.writeRegister) throw new ProblemError('forbidden', `role ${actor.role} cannot record casework`);
  return policy;
}
