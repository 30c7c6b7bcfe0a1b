import type { Knex } from 'knex';

/**
 * Outgoing deliveries to partner systems (金民 change sets, the anti-poverty register export): a queue that
 * survives restarts, retried with backoff, dead-lettered after N failures, replayable in its original order.
 * - partners.endpoint_url: where a partner takes deliveries (null: nowhere yet, so its deliveries fail and wait);
 * - deliveries: one row per package. The payload is the sealed envelope (or, with resealing, an envelope sealed
 *   to ourselves), never clear text; last_error holds a short reason and never payload bytes or personal data.
 *   claimed_until/claim_token are the lease of the gateway process sending it, so several processes never send
 *   the same delivery at once;
 * - delivery_attempts: every attempt with its outcome, so "what happened to March's change set" has an answer.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('partners', (t) => {
    t.string('endpoint_url', 500).nullable();
  });

  await knex.schema.createTable('deliveries', (t) => {
    t.increments('id');
    t.string('target', 60).notNullable().references('id').inTable('partners');
    t.string('kind', 40).notNullable();
    t.string('period', 7).nullable();
    t.binary('payload').notNullable();
    t.integer('payload_bytes').notNullable();
    t.string('payload_sm3', 64).notNullable();
    t.string('status', 10).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.string('claim_token', 36).nullable();
    t.string('last_error', 1000).nullable();
    t.text('receipt').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_attempt_at', { useTz: true }).nullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.index(['status', 'next_attempt_at']);
    // The per-target ordering check ("is an earlier one for this target still undelivered?") is a range scan here.
    t.index(['target', 'id']);
    t.check("status IN ('queued', 'delivered', 'dead')", [], 'deliveries_status_known');
  });

  await knex.schema.createTable('delivery_attempts', (t) => {
    t.increments('id');
    t.integer('delivery_id').notNullable().references('id').inTable('deliveries');
    t.integer('attempt').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.integer('duration_ms').notNullable();
    t.string('outcome', 10).notNullable();
    t.string('error', 1000).nullable();
    t.index(['delivery_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('delivery_attempts');
  await knex.schema.dropTableIfExists('deliveries');
  await knex.schema.alterTable('partners', (t) => {
    t.dropColumn('endpoint_url');
  });
}
