import type { Role } from '../../schemas/types/index.js';

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
