import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { sm3Hex } from '../crypto/sm3.js';
import type { Dialect } from '../store/connect.js';
import { describeFailure, isPermanentRefusal } from './delivery-error.js';

export type DeliveryStatus = 'queued' | 'delivered' | 'dead';

/** What a transport is handed for one attempt. */
export interface OutgoingDelivery {
  id: number;
  /** The partner id (partners.id). */
  target: string;
  /** partners.endpoint_url, read at send time so a changed address applies to what is already queued. */
  endpointUrl: string | null;
  kind: string;
  period: string | null;
  payload: Buffer;
  /** 1 for the first attempt; counts again from 1 after a replay. */
  attempt: number;
}

export interface DeliveryTransport {
  /** Resolves with the partner's receipt; throws (preferably a DeliveryError) when the partner did not take it. */
  send(delivery: OutgoingDelivery): Promise<{ receipt: string }>;
}

export interface Delivery {
  id: number;
  target: string;
  kind: string;
  period: string | null;
  payloadBytes: number;
  payloadSm3: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  receipt: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  outcome: 'delivered' | 'failed';
  error: string | null;
}

export interface DeliveryQueueOptions {
  knex: Knex;
  dialect: Dialect;
  transport: DeliveryTransport;
  now?: () => Date;
  /** Failed attempts after which a delivery is dead (dead-lettered). */
  maxAttempts?: number;
  /** Milliseconds to wait after the n-th failed attempt (n from 1). */
  backoff?: (failedAttempts: number) => number;
  /**
   * How long a claimed delivery is reserved for the process that claimed it. It must outlast the transport's
   * timeout: a lease that runs out while the send is still under way lets another process send it again.
   */
  leaseMs?: number;
  /** Deliveries claimed per round (at most one per target per round). */
  batchSize?: number;
  /**
   * Turns the stored payload into the bytes sent, per attempt — for example resealing (reseal.ts), so that
   * every attempt carries a fresh signing time. Without it the stored bytes are sent as they are.
   */
  preparePayload?: (delivery: Omit<OutgoingDelivery, 'endpointUrl'>) => Promise<Buffer>;
}

export interface RunResult {
  delivered: number[];
  /** Failed and queued again for later. */
  retrying: number[];
  /** Failed for the last time: now dead letters. */
  dead: number[];
}

/**
 * 1 min · 2^(n−1), capped at 1 h: 1, 2, 4, 8, 16 min … so a partner that is down for maintenance over a weekend
 * sees a handful of attempts an hour rather than a flood, and one down for a minute is retried within a minute.
 */
export function exponentialBackoff(options: { baseMs?: number; maxMs?: number } = {}): (failedAttempts: number) => number {
  const { baseMs = 60_000, maxMs = 3_600_000 } = options;
  return (failedAttempts) => Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
}

const periodPattern = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

const summaryColumns = [
  'id', 'target', 'kind', 'period', 'payload_bytes', 'payload_sm3', 'status', 'attempts', 'next_attempt_at', 'last_error',
  'receipt', 'created_at', 'last_attempt_at', 'delivered_at',
];

/**
 * The outgoing delivery queue. Deliveries to one target go out strictly in id order: a later one waits while an
 * earlier one for the same target is not delivered — queued, retrying or dead — because a 金民 change set
 * applied before the previous month's would leave the national register wrong. The order holds across kinds
 * too: a target's kinds are parts of one exchange (a roster acknowledgement refers to the change set before it),
 * so a dead letter of any kind stops the target until it is replayed. Targets do not wait for each other.
 *
 * A failure is retried with backoff up to maxAttempts, except a refusal retrying cannot mend (a 4xx other than
 * 408, 425 or 429, see isPermanentRefusal): that goes to the dead letters at once, for a person to read.
 *
 * Claiming is one UPDATE … WHERE id IN (SELECT … ORDER BY id LIMIT n) RETURNING, which sets a lease: on
 * PostgreSQL the inner SELECT takes FOR UPDATE SKIP LOCKED, so gateway processes claiming at the same moment
 * take disjoint rows; SQLite runs a write statement under its single writer lock from the start, so the claim is
 * atomic there too, across processes sharing the file. The send itself runs outside any transaction (holding
 * one open for a network call would pin a connection, and on SQLite block every writer), protected by the lease.
 */
export function createDeliveryQueue(options: DeliveryQueueOptions) {
  const { knex, dialect, transport } = options;
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 5;
  const backoff = options.backoff ?? exponentialBackoff();
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const batchSize = options.batchSize ?? 50;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`[deliveries] maxAttempts must be a positive integer, got ${maxAttempts}`);

  interface Claimed {
    id: number;
    target: string;
    kind: string;
    period: string | null;
    payload: Buffer;
    attempts: number;
  }

  async function claim(exclude: readonly number[]): Promise<{ token: string; rows: Claimed[] }> {
    const at = now().toISOString();
    const candidates = knex('deliveries as d')
      .select('d.id')
      .where('d.status', 'queued')
      .where('d.next_attempt_at', '<=', at)
      .where((q) => q.whereNull('d.claimed_until').orWhere('d.claimed_until', '<=', at))
      .whereNotExists((q) => q.select(knex.raw('1')).from('deliveries as e').whereRaw('e.target = d.target').whereRaw('e.id < d.id').whereNot('e.status', 'delivered'))
      .orderBy('d.id')
      .limit(batchSize);
    if (exclude.length > 0) candidates.whereNotIn('d.id', exclude);
    if (dialect === 'pg') candidates.forUpdate().skipLocked();
    const token = randomUUID();
    const rows = (await knex('deliveries')
      .whereIn('id', candidates)
      .update({ claim_token: token, claimed_until: new Date(now().getTime() + leaseMs).toISOString() }, ['id', 'target', 'kind', 'period', 'payload', 'attempts'])) as Claimed[];
    return { token, rows: rows.map((row) => ({ ...row, payload: Buffer.from(row.payload) })).sort((a, b) => a.id - b.id) };
  }

  async function endpointUrls(targets: readonly string[]): Promise<Map<string, string | null>> {
    const rows: { id: string; endpoint_url: string | null }[] = await knex('partners').select('id', 'endpoint_url').whereIn('id', [...new Set(targets)]);
    return new Map(rows.map((row) => [row.id, row.endpoint_url]));
  }

  async function attempt(row: Claimed, token: string, endpointUrl: string | null): Promise<DeliveryStatus> {
    const number = row.attempts + 1;
    const started = now();
    const startedMs = Date.now();
    let receipt: string | undefined;
    let error: string | undefined;
    let permanent = false;
    try {
      const base = { id: row.id, target: row.target, kind: row.kind, period: row.period, payload: row.payload, attempt: number };
      const payload = options.preparePayload ? await options.preparePayload(base) : row.payload;
      ({ receipt } = await transport.send({ ...base, endpointUrl, payload }));
    } catch (failure) {
      error = describeFailure(failure);
      permanent = isPermanentRefusal(failure);
    }
    const finished = now();
    const durationMs = Date.now() - startedMs;
    const status: DeliveryStatus = error === undefined ? 'delivered' : permanent || number >= maxAttempts ? 'dead' : 'queued';
    await knex.transaction(async (trx) => {
      await trx('delivery_attempts').insert({
        delivery_id: row.id, attempt: number, started_at: started.toISOString(), duration_ms: durationMs,
        outcome: error === undefined ? 'delivered' : 'failed', error: error ?? null,
      });
      const common = { attempts: number, status, last_attempt_at: finished.toISOString(), claim_token: null, claimed_until: null };
      const changes = error === undefined
        ? { ...common, receipt: receipt ?? '', last_error: null, delivered_at: finished.toISOString() }
        : { ...common, last_error: error, next_attempt_at: new Date(finished.getTime() + Math.max(0, backoff(number))).toISOString() };
      // Only while our lease holds: if it ran out and another process claimed the row, that process decides.
      await trx('deliveries').where({ id: row.id, claim_token: token }).update(changes);
    });
    return status;
  }

  return {
    /** Queues a payload for a partner; returns the delivery id, which also fixes its place in the target's order. */
    async enqueue(delivery: { target: string; kind: string; period?: string | null; payload: Uint8Array }): Promise<number> {
      if (delivery.period != null && !periodPattern.test(delivery.period)) throw new RangeError(`[deliveries] period must be YYYY-MM, got "${delivery.period}"`);
      if (delivery.payload.length === 0) throw new RangeError('[deliveries] the payload is empty');
      const partner = await knex('partners').where({ id: delivery.target }).first('id');
      if (!partner) throw new Error(`[deliveries] no partner "${delivery.target}" to deliver to (add it with \`jiuzhu partners add\`)`);
      const payload = Buffer.from(delivery.payload);
      const at = now().toISOString();
      const [inserted] = await knex('deliveries')
        .insert({
          target: delivery.target, kind: delivery.kind, period: delivery.period ?? null, payload, payload_bytes: payload.length,
          payload_sm3: sm3Hex(payload), status: 'queued', attempts: 0, next_attempt_at: at, created_at: at,
        })
        .returning('id');
      return (inserted as { id: number }).id;
    },

    /**
     * Sends every delivery that is due, in id order per target, until none is left that may go now. A delivery
     * that fails is not tried again in the same run, even with a zero backoff.
     */
    async runDue(): Promise<RunResult> {
      const result: RunResult = { delivered: [], retrying: [], dead: [] };
      const tried: number[] = [];
      for (;;) {
        const { token, rows } = await claim(tried);
        if (rows.length === 0) return result;
        const urls = await endpointUrls(rows.map((row) => row.target));
        // A round holds at most one delivery per target, so sending them together keeps each target's order.
        const statuses = await Promise.all(rows.map((row) => attempt(row, token, urls.get(row.target) ?? null)));
        rows.forEach((row, index) => {
          tried.push(row.id);
          const status = statuses[index];
          (status === 'delivered' ? result.delivered : status === 'dead' ? result.dead : result.retrying).push(row.id);
        });
      }
    },

    async list(filter: { status?: DeliveryStatus; target?: string; kind?: string } = {}): Promise<Delivery[]> {
      const query = knex('deliveries').select(summaryColumns).orderBy('id');
      if (filter.status) query.where('status', filter.status);
      if (filter.target) query.where('target', filter.target);
      if (filter.kind) query.where('kind', filter.kind);
      return (await query).map(toDelivery);
    },

    async get(id: number): Promise<Delivery | undefined> {
      const row = await knex('deliveries').select(summaryColumns).where({ id }).first();
      return row ? toDelivery(row) : undefined;
    },

    /** The dead-letter list: deliveries that failed `maxAttempts` times, oldest first. */
    async deadLetters(): Promise<Delivery[]> {
      return this.list({ status: 'dead' });
    },

    /** Every attempt at one delivery, first to last. */
    async attempts(id: number): Promise<DeliveryAttempt[]> {
      const rows = await knex('delivery_attempts').where({ delivery_id: id }).orderBy('id');
      return rows.map((row) => ({ attempt: row.attempt, startedAt: row.started_at, durationMs: row.duration_ms, outcome: row.outcome, error: row.error }));
    },

    /**
     * Puts dead deliveries (the given ones, or all) back in the queue with their attempts reset, due now. Their ids
     * are unchanged, so they go out in their original order, ahead of anything queued for the same target later.
     * Ids that are not dead are left alone; returns the ids replayed.
     */
    async replay(ids?: readonly number[]): Promise<number[]> {
      const query = knex('deliveries').where('status', 'dead');
      if (ids) query.whereIn('id', ids);
      const rows = (await query.update(
        { status: 'queued', attempts: 0, next_attempt_at: now().toISOString(), claim_token: null, claimed_until: null },
        ['id'],
      )) as { id: number }[];
      return rows.map((row) => row.id).sort((a, b) => a - b);
    },
  };
}

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;

function toDelivery(row: Record<string, any>): Delivery {
  return {
    id: row.id,
    target: row.target,
    kind: row.kind,
    period: row.period,
    payloadBytes: row.payload_bytes,
    payloadSm3: row.payload_sm3,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    receipt: row.receipt,
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    deliveredAt: row.delivered_at,
  };
}
