import type { Knex } from 'knex';
import type { BankAccount } from '../../../schemas/types/index.js';
import type { DataKeyring } from '../../keystore/data-keys.js';
import { canonicalAccountNumber, keyringOf } from '../personal-data.js';

/**
 * Benefit accounts (一卡通). The account number is stored encrypted (account_cipher) with a blind index (account_key)
 * for equality — two persons paid into one account — see personal-data.ts.
 */
export async function bankAccountsOfPersons(db: Knex | Knex.Transaction, personIds: readonly number[]): Promise<Map<number, BankAccount>> {
  if (personIds.length === 0) return new Map();
  const rows: { person_id: number; bank_name: string; account_cipher: string; account_name: string }[] = await db('bank_accounts')
    .whereIn('person_id', personIds).select('person_id', 'bank_name', 'account_cipher', 'account_name');
  const numbers = await keyringOf(db).decryptMany(rows.map((r) => r.account_cipher));
  return new Map(rows.map((r, index) => [r.person_id, { bankName: r.bank_name, accountNumber: numbers[index]!, accountName: r.account_name }]));
}

/** The account number's protected columns as stored (the demo loader writes them through the same function). */
export function accountColumnsAtRest(keyring: DataKeyring, accountNumber: string): { account_key: string; account_cipher: string } {
  return { account_key: keyring.blindIndex('bank-account', canonicalAccountNumber(accountNumber)), account_cipher: keyring.encrypt(accountNumber) };
}

export async function upsertBankAccount(trx: Knex.Transaction, personId: number, account: BankAccount): Promise<void> {
  await trx('bank_accounts')
    .insert({
      person_id: personId,
      bank_name: account.bankName,
      ...accountColumnsAtRest(keyringOf(trx), account.accountNumber),
      account_name: account.accountName,
      updated_at: new Date().toISOString(),
    })
    .onConflict('person_id')
    .merge();
}
