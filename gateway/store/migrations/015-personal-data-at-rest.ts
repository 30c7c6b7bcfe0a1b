import type { Knex } from 'knex';
import { attributesAtRest } from '../fact-attributes.js';
import { openDataKeyring, type DataKeyring } from '../../keystore/data-keys.js';
import { canonicalAccountNumber, idNumberKey, idNumberParts } from '../personal-data.js';

/**
 * Personal data encrypted at rest (issue 10; gateway/store/personal-data.ts). Every column that held an ID number in
 * clear gives way to its blind index (`…_key`, indexed and joined where the number was) and its field ciphertext
 * (`…_cipher`); facts also keep what the rules read of it (issuing region, birth date, sex). Bank account numbers,
 * the new contact phone and rejected rows (their reason quotes the cell, their raw cells are the row as sent) are
 * ciphertexts too, accounts with a blind index for equality.
 *
 * Rows already in the store are converted here, a thousand at a time, so an upgraded store holds nothing in clear:
 * that needs the data keys, so the master key (`context.masterKey`); a store with none of these rows needs neither.
 * New columns are nullable at the database level on SQLite (it cannot add a NOT NULL column to a filled table without
 * rebuilding it and every table that refers to it); the repositories always fill them, and PostgreSQL says NOT NULL.
 */
export interface PersonalDataMigrationContext {
  masterKey?: Buffer;
}

interface Conversion {
  table: string;
  /** The old column, dropped at the end, with the indexes that used it. */
  from: string;
  indexesOnFrom: string[];
  /** What the new columns hold for one old value (null stays null). */
  convert(row: Record<string, unknown>, keyring: DataKeyring): Record<string, string | null>;
  /** Other columns the conversion reads or rewrites (facts' attributes). */
  alsoRead?: string[];
}

export function personalDataAtRest(context: PersonalDataMigrationContext): Knex.Migration {
  return {
    async up(knex: Knex) {
      const pg = knex.client.config.client === 'pg';
      await knex.schema.alterTable('persons', (t) => {
        t.string('id_key', 32).nullable();
        t.text('id_cipher').nullable();
        t.text('phone_cipher').nullable();
      });
      await knex.schema.alterTable('bank_accounts', (t) => {
        t.string('account_key', 32).nullable();
        t.text('account_cipher').nullable();
      });
      await knex.schema.alterTable('facts', (t) => {
        t.string('subject_key', 32).nullable();
        t.text('subject_cipher').nullable();
        t.string('subject_region', 6).nullable();
        t.date('subject_birth_date').nullable();
        t.string('subject_sex', 1).nullable();
      });
      await knex.schema.alterTable('batch_rejects', (t) => {
        t.text('reason_cipher').nullable();
        t.text('raw_cipher').nullable();
      });
      for (const table of ['warnings', 'comparison_matches', 'discovery_cases', 'referral_cases']) {
        await knex.schema.alterTable(table, (t) => {
          t.string('subject_key', 32).nullable();
          t.text('subject_cipher').nullable();
          if (table === 'warnings' || table === 'comparison_matches') t.string('subject_region', 6).nullable();
        });
      }

      let keyring: DataKeyring | undefined;
      const keys = async () => {
        if (!context.masterKey) throw new Error('the store holds personal data to encrypt: migrating it needs the master key (JIUZHU_MASTER_KEY or its key file)');
        keyring ??= await openDataKeyring({ knex, masterKey: context.masterKey });
        return keyring;
      };
      const subject = (value: unknown, k: DataKeyring, parts: boolean) => {
        const idNumber = value as string | null;
        if (idNumber === null) return { subject_key: null, subject_cipher: null };
        return { subject_key: idNumberKey(k, idNumber), subject_cipher: k.encrypt(idNumber), ...(parts ? { subject_region: idNumber.slice(0, 6) } : {}) };
      };
      const conversions: Conversion[] = [
        {
          table: 'persons', from: 'id_number', indexesOnFrom: ['persons_id_number_unique'],
          convert: (row, k) => ({ id_key: idNumberKey(k, row.value as string), id_cipher: k.encrypt(row.value as string) }),
        },
        {
          table: 'bank_accounts', from: 'account_number', indexesOnFrom: [],
          convert: (row, k) => ({ account_key: k.blindIndex('bank-account', canonicalAccountNumber(row.value as string)), account_cipher: k.encrypt(row.value as string) }),
        },
        {
          table: 'facts', from: 'subject_id_number', indexesOnFrom: ['facts_subject_id_number_kind_index'], alsoRead: ['kind', 'attributes'],
          convert: (row, k) => {
            const idNumber = row.value as string;
            const parts = idNumberParts(idNumber);
            return {
              subject_key: idNumberKey(k, idNumber), subject_cipher: k.encrypt(idNumber), subject_region: parts.regionCode,
              subject_birth_date: parts.birthDate, subject_sex: parts.sex, attributes: attributesAtRest(row.kind as string, JSON.parse(row.attributes as string), k),
            };
          },
        },
        {
          table: 'batch_rejects', from: 'reason', indexesOnFrom: [], alsoRead: ['raw'],
          convert: (row, k) => ({ reason_cipher: k.encrypt(row.value as string), raw_cipher: row.raw === null ? null : k.encrypt(row.raw as string) }),
        },
        {
          table: 'warnings', from: 'subject_id_number', indexesOnFrom: ['warnings_rule_id_subject_id_number_period_unique', 'warnings_subject_id_number_index'],
          convert: (row, k) => subject(row.value, k, true),
        },
        { table: 'comparison_matches', from: 'subject_id_number', indexesOnFrom: [], convert: (row, k) => subject(row.value, k, true) },
        { table: 'discovery_cases', from: 'subject_id_number', indexesOnFrom: ['discovery_cases_subject_id_number_index'], convert: (row, k) => subject(row.value, k, false) },
        { table: 'referral_cases', from: 'subject_id_number', indexesOnFrom: ['referral_cases_subject_id_number_index'], convert: (row, k) => subject(row.value, k, false) },
      ];
      for (const conversion of conversions) {
        await convertRows(knex, conversion, keys);
        // PostgreSQL drops the indexes and constraints on a column with it; SQLite refuses to drop an indexed column.
        if (!pg) for (const index of conversion.indexesOnFrom) await knex.raw(`DROP INDEX ${index}`);
        await knex.raw(`ALTER TABLE ${conversion.table} DROP COLUMN ${conversion.from}`);
      }
      await knex.raw('ALTER TABLE batch_rejects DROP COLUMN raw');

      await knex.schema.alterTable('persons', (t) => t.unique(['id_key']));
      await knex.schema.alterTable('bank_accounts', (t) => t.index(['account_key']));
      await knex.schema.alterTable('facts', (t) => t.index(['subject_key', 'kind'], 'facts_subject_key_kind_index'));
      await knex.schema.alterTable('warnings', (t) => {
        t.unique(['rule_id', 'subject_key', 'period']);
        t.index(['subject_key']);
      });
      await knex.schema.alterTable('discovery_cases', (t) => t.index(['subject_key']));
      await knex.schema.alterTable('referral_cases', (t) => t.index(['subject_key']));
      if (pg) {
        for (const [table, columns] of Object.entries({
          persons: ['id_key', 'id_cipher'], bank_accounts: ['account_key', 'account_cipher'],
          facts: ['subject_key', 'subject_cipher', 'subject_region', 'subject_birth_date', 'subject_sex'], batch_rejects: ['reason_cipher'],
          warnings: ['subject_key', 'subject_cipher', 'subject_region'], comparison_matches: ['subject_key', 'subject_region'], referral_cases: ['subject_key', 'subject_cipher'],
        })) {
          await knex.raw(`ALTER TABLE ${table} ${columns.map((column) => `ALTER COLUMN ${column} SET NOT NULL`).join(', ')}`);
        }
      }
    },

    async down() {
      throw new Error('personal data encrypted at rest cannot be migrated back to clear text: restore a backup taken before migration 015');
    },
  };
}

/** Fills the new columns of every row that has a value in the old one, a thousand rows per query. */
async function convertRows(knex: Knex, conversion: Conversion, keys: () => Promise<DataKeyring>): Promise<void> {
  const hasId = conversion.table !== 'comparison_matches';
  if (!hasId) {
    // A run's working set, emptied when the run ends: nothing worth converting, and no key to page by.
    await knex('comparison_matches').delete();
    return;
  }
  let after = 0;
  for (;;) {
    const rows: Record<string, unknown>[] = await knex(conversion.table)
      .select('id', `${conversion.from} as value`, ...(conversion.alsoRead ?? []))
      .where('id', '>', after).orderBy('id').limit(1000);
    if (rows.length === 0) return;
    const keyring = await keys();
    for (const row of rows) {
      await knex(conversion.table).where('id', row.id as number).update(conversion.convert(row, keyring));
    }
    after = Number(rows.at(-1)!.id);
  }
}
