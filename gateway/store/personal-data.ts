import type { Knex } from 'knex';
import type { ProtectedColumn } from '../keystore/data-key-rotation.js';
import type { DataKeyring, WritingKeyring } from '../keystore/data-keys.js';

/**
 * Personal data at rest (issue 10): ID numbers, bank account numbers, phone numbers and raw rejected rows are stored
 * only as field ciphertexts (SM4-CTR + HMAC-SM3 under a data key sealed by the master key, gateway/crypto/
 * field-cipher.ts). Equality lookups and the comparison's joins use blind indexes (HMAC-SM3 under the deployment's
 * blind-index key), and what the rules need from an ID number — the issuing region, the birth date, the sex — is
 * stored beside it in clear.
 *
 * The store's keyring travels with its knex instance (knex's userParams, which every transaction begun from it
 * inherits), so the repositories that read and write these columns — and only they — reach it from the `db` they are
 * given, without every caller passing it down. A knex without one (a bare migration run, a nested transaction, which
 * knex does not give userParams) makes them fail loudly rather than write anything in clear.
 */
interface WithKeyring {
  keyring?: DataKeyring;
}

export function attachKeyring(knex: Knex, keyring: DataKeyring): void {
  knex.userParams = { ...knex.userParams, keyring };
}

export function keyringOf(db: Knex | Knex.Transaction): DataKeyring {
  const keyring = (db.userParams as WithKeyring | undefined)?.keyring;
  if (!keyring) throw new Error('this store was opened without its data keyring: personal data can be neither read nor written');
  return keyring;
}

/** A canonical ID number as stored: its blind index, its ciphertext, and the parts the rules read. */
export interface StoredIdNumber {
  key: string;
  cipher: string;
  /** The issuing county, digits 1–6 (GB/T 2260). */
  regionCode: string;
  /** Digits 7–14 as a calendar date, YYYY-MM-DD. */
  birthDate: string;
  /** GB/T 2261.1: '1' male, '2' female, from the parity of digit 17. */
  sex: '1' | '2';
}

/** The blind index an ID number is found by; the number must be canonical (gateway/identity/id-number.ts). */
export function idNumberKey(keyring: WritingKeyring, idNumber: string): string {
  return keyring.blindIndex('id-number', idNumber);
}

/** What the rules read from an ID number, without the number itself. */
export function idNumberParts(idNumber: string): Pick<StoredIdNumber, 'regionCode' | 'birthDate' | 'sex'> {
  return {
    regionCode: idNumber.slice(0, 6),
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    sex: Number(idNumber[16]) % 2 === 1 ? '1' : '2',
  };
}

/** Many canonical ID numbers as stored, encrypted in one SM4 call. */
export function storeIdNumbers(keyring: WritingKeyring, idNumbers: readonly string[]): StoredIdNumber[] {
  const ciphers = keyring.encryptMany(idNumbers);
  return idNumbers.map((idNumber, index) => {
    const { regionCode, birthDate, sex } = idNumberParts(idNumber);
    return { key: idNumberKey(keyring, idNumber), cipher: ciphers[index]!, regionCode, birthDate, sex };
  });
}

export function storeIdNumber(keyring: WritingKeyring, idNumber: string): StoredIdNumber {
  return storeIdNumbers(keyring, [idNumber])[0]!;
}

/**
 * storeIdNumbers for an import, which meets the same person row after row (a settlement file has a line per visit):
 * each number is indexed and encrypted once while it is remembered. The memory is bounded — forgotten whole when it
 * holds `remember` numbers — so a file of millions of distinct people stays flat. Equal numbers then share a
 * ciphertext, which tells nothing their equal blind indexes do not already tell.
 *
 * 20,000 numbers are ~6 MB alive by estimate (~320 bytes each: the blind index, the ciphertext, the parts). Remembering 100,000
 * took the import's peak RSS for a 1,000,000-row CSV of distinct people from 327–331 MB to 435–448 MB (two runs each,
 * 2026-12-06): V8 sizes its heap to what stays alive, and each forgotten map was (by the same estimate) 30 MB of
 * garbage at once.
 */
export function createIdNumberStorer(keyring: WritingKeyring, remember = 20_000): (idNumbers: readonly string[]) => StoredIdNumber[] {
  let known = new Map<string, StoredIdNumber>();
  return (idNumbers) => {
    // Plain loops: this runs for every row of every import, and most numbers of a file are new.
    const fresh: string[] = [];
    const chunkFresh = new Set<string>();
    for (const idNumber of idNumbers) {
      if (!known.has(idNumber) && !chunkFresh.has(idNumber)) {
        chunkFresh.add(idNumber);
        fresh.push(idNumber);
      }
    }
    if (known.size + fresh.length > remember) known = new Map();
    const stored = storeIdNumbers(keyring, fresh);
    for (let i = 0; i < fresh.length; i++) known.set(fresh[i]!, stored[i]!);
    const result = new Array<StoredIdNumber>(idNumbers.length);
    for (let i = 0; i < idNumbers.length; i++) result[i] = known.get(idNumbers[i]!) ?? storeIdNumber(keyring, idNumbers[i]!);
    return result;
  };
}

/** Digits only: the form an account number is indexed in, so "6231 9400 …" and "62319400…" are found alike. */
export function canonicalAccountNumber(accountNumber: string): string {
  return accountNumber.replace(/[\s-]/g, '');
}

/** Without the spaces and dashes people write into phone numbers: the form stored, shown and (one day) indexed. */
export function canonicalPhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

/** A casework subject's ID number as stored (subject_key, subject_cipher), or nulls for a subject known by name only. */
export function subjectAtRest(keyring: DataKeyring, idNumber: string | null): { subject_key: string | null; subject_cipher: string | null } {
  if (idNumber === null) return { subject_key: null, subject_cipher: null };
  return { subject_key: idNumberKey(keyring, idNumber), subject_cipher: keyring.encrypt(idNumber) };
}

/**
 * Every column that holds field ciphertexts: what `jiuzhu keys rotate-data-key` re-encrypts, and what a new protected
 * column must be added to (test/store/personal-data-at-rest.test.ts checks the schema against this list).
 * comparison_matches is left out: it only shapes each run's private working set (a temporary table) and holds no rows.
 */
export const protectedColumns: readonly ProtectedColumn[] = [
  { table: 'persons', primaryKey: 'id', column: 'id_cipher', kind: 'text' },
  { table: 'persons', primaryKey: 'id', column: 'phone_cipher', kind: 'text' },
  { table: 'bank_accounts', primaryKey: 'id', column: 'account_cipher', kind: 'text' },
  { table: 'facts', primaryKey: 'id', column: 'subject_cipher', kind: 'text' },
  { table: 'facts', primaryKey: 'id', column: 'attributes', kind: 'json' },
  { table: 'batch_rejects', primaryKey: 'id', column: 'reason_cipher', kind: 'text' },
  { table: 'batch_rejects', primaryKey: 'id', column: 'raw_cipher', kind: 'text' },
  { table: 'warnings', primaryKey: 'id', column: 'subject_cipher', kind: 'text' },
  { table: 'discovery_cases', primaryKey: 'id', column: 'subject_cipher', kind: 'text' },
  { table: 'referral_cases', primaryKey: 'id', column: 'subject_cipher', kind: 'text' },
  { table: 'liaison_contacts', primaryKey: 'id', column: 'leader_phone_cipher', kind: 'text' },
  { table: 'liaison_contacts', primaryKey: 'id', column: 'staff_phone_cipher', kind: 'text' },
  { table: 'payroll_lines', primaryKey: 'id', column: 'account_cipher', kind: 'text' },
];
