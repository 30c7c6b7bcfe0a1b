import type { Knex } from 'knex';
import type { OwnKeys } from '../keystore/own-keys.js';
import { pendingMigrations } from '../store/migrations/index.js';

export type ReadinessCheckName = 'database' | 'migrations' | 'keys';

export interface ReadinessCheck {
  name: ReadinessCheckName;
  ok: boolean;
  /** What was found, in one sentence: for a failure, what to do about it. */
  detail: string;
}

export interface Readiness {
  ready: boolean;
  checks: ReadinessCheck[];
}

/** A check that has not answered by then counts as failed: a load balancer polling /ready must not hang with it. */
const checkTimeoutMs = 3_000;

/**
 * Whether this process can serve (GET /ready): the database answers, its schema is the one this release expects
 * (no migration pending — a newer release's server started before `jiuzhu migrate`), and our own SM2 key pair is
 * there and opens with the master key (a store restored without its master key, or a wrong JIUZHU_MASTER_KEY, would
 * otherwise fail at the first envelope or audit checkpoint). The checks after a failed database check still run,
 * and fail with it, so the answer always names all three.
 */
export async function checkReadiness(deps: { knex: Knex; ownKeys: OwnKeys }): Promise<Readiness> {
  const checks = await Promise.all([
    runCheck('database', async () => {
      await deps.knex.raw('select 1');
      return 'reachable';
    }),
    runCheck('migrations', async () => {
      const pending = await pendingMigrations(deps.knex);
      if (pending.length > 0) throw new Error(`pending: ${pending.join(', ')}; run \`jiuzhu migrate\``);
      return 'current';
    }),
    runCheck('keys', async () => {
      // sender() opens the active SM2 private key with the master key: the same step every envelope and checkpoint takes.
      const sender = await deps.ownKeys.sender();
      return `own SM2 key pair opens with the master key (party ${sender.id})`;
    }),
  ]);
  return { ready: checks.every((check) => check.ok), checks };
}

async function runCheck(name: ReadinessCheckName, check: () => Promise<string>): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs / 1000} s`)), checkTimeoutMs);
  });
  try {
    return { name, ok: true, detail: await Promise.race([check(), timeout]) };
  } catch (error) {
    return { name, ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
