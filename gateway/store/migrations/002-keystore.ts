import type { Knex } from 'knex';

/**
 * The keystore and partner registry of the national-crypto exchange (GM/T 0010 envelopes, PGP):
 * - own_keys: our key pairs by key id; private keys sealed with the master key (sealed-secret.ts);
 * - partners and partner_keys: who may send what, with their SM2 public keys or certificates, or PGP keys;
 * - envelope_nonces: nonces already accepted, per sender, so a replayed envelope is refused.
 * Rotation: a new key makes the previous one 'retiring' until retire_after; it is still accepted (partner
 * keys) or still decrypts (our keys) until then, and never signs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('own_keys', (t) => {
    t.string('id', 40).primary();
    t.string('algorithm', 8).notNullable();
    t.string('fingerprint', 64).notNullable().unique();
    t.text('public_key').notNullable();
    t.text('certificate').nullable();
    t.text('private_key_sealed').notNullable();
    t.string('status', 10).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('retire_after', { useTz: true }).nullable();
  });

  await knex.schema.createTable('partners', (t) => {
    t.string('id', 60).primary();
    t.string('name', 120).notNullable();
    t.string('envelope_format', 10).notNullable();
    t.text('allowed_sources').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('partner_keys', (t) => {
    t.increments('id');
    t.string('partner_id', 60).notNullable().references('id').inTable('partners');
    t.string('algorithm', 8).notNullable();
    t.string('fingerprint', 64).notNullable();
    t.text('public_key').notNullable();
    t.text('certificate').nullable();
    t.timestamp('not_after', { useTz: true }).nullable();
    t.string('status', 10).notNullable();
    t.timestamp('added_at', { useTz: true }).notNullable();
    t.timestamp('retire_after', { useTz: true }).nullable();
    t.unique(['partner_id', 'fingerprint']);
  });

  await knex.schema.createTable('envelope_nonces', (t) => {
    t.string('sender_id', 60).notNullable();
    t.string('nonce', 64).notNullable();
    t.timestamp('signing_time', { useTz: true }).notNullable();
    t.timestamp('seen_at', { useTz: true }).notNullable().index();
    t.primary(['sender_id', 'nonce']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['envelope_nonces', 'partner_keys', 'partners', 'own_keys']) await knex.schema.dropTableIfExists(table);
}
