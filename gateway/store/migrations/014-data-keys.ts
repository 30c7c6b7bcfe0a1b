import type { Knex } from 'knex';

/**
 * data_keys: the keys personal fields are encrypted and blind-indexed under (gateway/keystore/data-keys.ts), each
 * sealed with the master key (sealed-secret.ts). A field ciphertext names its key by id ("jzf1.<id>.…"), so ids are
 * small integers that are never reused.
 * - purpose 'field': SM4 and HMAC-SM3 halves. One is 'active' and encrypts; a rotation turns it 'retiring' (it still
 *   decrypts while values move to the new key) and then 'retired'. A retired key's material stays: a backup made
 *   before the rotation holds values only it opens.
 * - purpose 'blind-index': one per deployment, created with the store and never rotated, since every index made
 *   under it would have to be recomputed at once.
 * Two partial unique indexes (which SQLite and PostgreSQL both have) hold that line whoever writes: at most one active
 * key per purpose, and at most one blind-index key ever. Two processes creating keys on first use at the same time
 * therefore cannot both succeed; the keyring inserts with ON CONFLICT DO NOTHING and reads back the winner.
 * Numbers 012 and 013 belong to changes made alongside this one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_keys', (t) => {
    t.increments('id');
    t.string('purpose', 12).notNullable().checkIn(['field', 'blind-index'], 'data_keys_purpose');
    t.text('key_sealed').notNullable();
    t.string('status', 10).notNullable().checkIn(['active', 'retiring', 'retired'], 'data_keys_status');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('retired_at', { useTz: true }).nullable();
  });
  await knex.raw("CREATE UNIQUE INDEX data_keys_one_active ON data_keys (purpose) WHERE status = 'active'");
  await knex.raw("CREATE UNIQUE INDEX data_keys_one_blind_index ON data_keys (purpose) WHERE purpose = 'blind-index'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('data_keys');
}
