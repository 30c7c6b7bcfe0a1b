import type { Knex } from 'knex';
import type { BankAccount } from '../../../schemas/types/index.js';

export async function bankAccountsOfPersons(db: Knex | Knex.Transaction, personIds: readonly number[]): Promise<Map<number, BankAccount>> {
  if (personIds.length === 0) return new Map();
  const rows = await db('bank_accounts').whereIn('person_id', personIds);
  return new Map(rows.map((r) => [r.person_id as number, { bankName: r.bank_name, accountNumber: r.account_number, accountName: r.account_name }]));
}

export async function upsertBankAccount(trx: Knex.Transaction, personId: number, account: BankAccount): Promise<void> {
  await trx('bank_accounts')
    .insert({
      person_id: personId,
      bank_name: account.bankName,
      account_number: account.accountNumber,
      account_name: account.accountName,
      updated_at: new Date().toISOString(),
    })
    .onConflict('person_id')
    .merge();
}
