import type { Role } from '../../schemas/types/index.js';
import { ProblemError } from '../errors.js';
import { maskIdNumber } from '../identity/id-number.js';
import type { Actor } from './actor.js';

export interface RolePolicy {
  /** May read persons and households (姓名, 地址, 家庭成员 …). */
  readPersonalData: boolean;
  /** May add or change households, persons and enrolments within its region. */
  writeRegister: boolean;
  /** Sees citizen ID numbers in full; everyone else sees 640121********002X. */
  fullIdNumber: boolean;
  /** Sees benefit account numbers in full; everyone else sees the last 4 digits. */
  fullBankAccount: boolean;
  /** May create and revoke API keys. */
  manageKeys: boolean;
}

/**
 * Least privilege per role. Full ID numbers go to those who must match or pay people — integrators
 * (exchange with provincial and national systems keyed on the ID number), finance (the payment roll and
 * the bank's 一卡通 file) and auditors (tracing a case end to end, 人情保 checks). Only finance needs
 * account numbers. Liaison officers report progress figures and see no personal data at all.
 */
export const rolePolicies: Readonly<Record<Role, RolePolicy>> = {
  admin: { readPersonalData: true, writeRegister: true, fullIdNumber: false, fullBankAccount: false, manageKeys: true },
  integrator: { readPersonalData: true, writeRegister: true, fullIdNumber: true, fullBankAccount: false, manageKeys: false },
  township: { readPersonalData: true, writeRegister: true, fullIdNumber: false, fullBankAccount: false, manageKeys: false },
  liaison: { readPersonalData: false, writeRegister: false, fullIdNumber: false, fullBankAccount: false, manageKeys: false },
  finance: { readPersonalData: true, writeRegister: false, fullIdNumber: true, fullBankAccount: true, manageKeys: false },
  auditor: { readPersonalData: true, writeRegister: false, fullIdNumber: true, fullBankAccount: false, manageKeys: false },
};

export const roles = Object.keys(rolePolicies) as Role[];

export function isRole(value: string): value is Role {
  return Object.hasOwn(rolePolicies, value);
}

/** Bank account for display: keep the last 4 digits, as bank statements do. */
export function maskAccountNumber(accountNumber: string): string {
  return '*'.repeat(Math.max(0, accountNumber.length - 4)) + accountNumber.slice(-4);
}

/** What a route needs of the caller's role: to see personal data, or to change the register and its casework. */
export type Capability = 'readPersonalData' | 'writeRegister';

/**
 * The one place a role is refused: 403 `forbidden` naming what the role cannot do (`what`: "see warnings",
 * "take or handle applications" …). Returns the role's policy, which says what the caller sees in full.
 */
export function requireCapability(actor: Actor, capability: Capability, what: string): RolePolicy {
  const policy = rolePolicies[actor.role];
  if (!policy[capability]) throw new ProblemError('forbidden', `role ${actor.role} cannot ${what}`);
  return policy;
}

/** A citizen ID number as this role may see it: in full, or 640121********002X. */
export function displayIdNumber(policy: RolePolicy, idNumber: string): string {
  return policy.fullIdNumber ? idNumber : maskIdNumber(idNumber);
}
