import { isValidIdNumber, maskIdNumber } from '../identity/id-number.js';
import type { RolePolicy } from './role-policy.js';

/**
 * Masking by role, in one place: what a role's policy does not show in full leaves the gateway masked, whether it
 * is a field of its own (a person's ID number, an account) or sits inside some other text (a certificate number
 * built from an ID number, a raw rejected row).
 */

/** A citizen ID number as this role may see it: in full, or 640121********002X. */
export function displayIdNumber(policy: RolePolicy, idNumber: string): string {
  return policy.fullIdNumber ? idNumber : maskIdNumber(idNumber);
}

/** Bank account for display: keep the last 4 digits, as bank statements do. */
export function maskAccountNumber(accountNumber: string): string {
  return '*'.repeat(Math.max(0, accountNumber.length - 4)) + accountNumber.slice(-4);
}

export function displayAccountNumber(policy: RolePolicy, accountNumber: string): string {
  return policy.fullBankAccount ? accountNumber : maskAccountNumber(accountNumber);
}

/** A phone as this role may see it: a mobile keeps its first 3 and last 4 digits (138****5678), as carriers print it; others their last 4. */
export function displayPhone(policy: RolePolicy, phone: string): string {
  if (policy.fullPhone) return phone;
  if (/^1[0-9]{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  return '*'.repeat(Math.max(0, phone.length - 4)) + phone.slice(-4);
}

const ID_NUMBER_RUN = /^\d{17}[\dX]$/;

/**
 * Masks, in the middle eight characters (the birth date), every run of 18 characters inside `text` that is a valid
 * ID number: feeds build other numbers from ID numbers — the 残联 disability certificate number is the holder's ID
 * number followed by two digits (64012119750823044712) — so a value is searched, not only compared whole. Every
 * valid run is masked, overlapping ones too, so a chance-valid run beside the real one cannot leave it readable.
 */
export function maskIdNumbersWithin(text: string): string {
  const characters = [...text];
  const hidden = new Set<number>();
  for (let start = 0; start + 18 <= characters.length; start += 1) {
    const run = characters.slice(start, start + 18).join('').toUpperCase();
    if (ID_NUMBER_RUN.test(run) && isValidIdNumber(run)) {
      for (let offset = 6; offset < 14; offset += 1) hidden.add(start + offset);
    }
  }
  if (hidden.size === 0) return text;
  return characters.map((character, index) => (hidden.has(index) ? '*' : character)).join('');
}

/** 18 characters shaped like an ID number — a birth date in the middle — whether or not the check character fits. */
const idNumberShape = '[0-9]{6}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]';
const ID_NUMBER_SHAPED = new RegExp(`(?<![0-9])${idNumberShape}(?![0-9A-Za-z])`, 'g');
const WHOLLY_ID_NUMBER_SHAPED = new RegExp(`^${idNumberShape}$`);

/**
 * Runs of 12 to 30 digits: bank card and account numbers (16–19 digits for 一卡通 cards, longer for some passbooks).
 * Eleven-digit mobile numbers and amounts stay readable.
 */
const ACCOUNT_LIKE = /(?<![0-9*])[0-9]{12,30}(?![0-9*])/g;

/**
 * Free text as the role may see it — a rejected row's cells, a reason quoting a cell. A rejected ID number is often
 * one whose check character is wrong, so here anything shaped like an ID number counts as one, valid or not: masked
 * in the middle unless the role sees ID numbers in full, and never taken for an account (an integrator fixing the
 * feed sees it whole). Other long digit runs are masked unless the role sees accounts.
 */
export function maskPersonalDataWithin(policy: RolePolicy, text: string): string {
  const shown = policy.fullIdNumber ? text : text.replace(ID_NUMBER_SHAPED, (run) => maskIdNumber(run));
  if (policy.fullBankAccount) return shown;
  return shown.replace(ACCOUNT_LIKE, (run) => (WHOLLY_ID_NUMBER_SHAPED.test(run) ? run : maskAccountNumber(run)));
}

/**
 * ID numbers in a URL for the server log: any run shaped like one (15 or 18 characters, valid or not — a mistyped
 * number is still someone's) keeps its first 6 and last 4 characters.
 */
export function maskIdNumbersInUrl(url: string): string {
  return url.replace(/(?<![0-9A-Za-z])([0-9]{6})([0-9]{8,11})([0-9]{3}[0-9Xx])(?![0-9A-Za-z])/g, (_all, head: string, middle: string, tail: string) => `${head}${'*'.repeat(middle.length)}${tail}`);
}
