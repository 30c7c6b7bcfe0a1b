import type { Knex } from 'knex';
import { sm2Sign } from '../crypto/sm2.js';
import { insertCheckpoint, readChainEnds, type AuditCheckpoint, type ChainEnds } from '../store/repositories/audit-checkpoints.js';
import { checkpointText } from './chain-format.js';
import type { CheckpointKey } from './checkpoint-keys.js';

export interface AuditCheckpointerOptions {
  knex: Knex;
  /** The key that signs (activeSigningKey: our active SM2 key). */
  signingKey: () => Promise<CheckpointKey>;
  everyEntries?: number;
  everySeconds?: number;
  now?: () => Date;
  /** The server's logger: each checkpoint is logged in full, so a log collector outside the database keeps a copy. */
  log?: { info(object: object, message: string): void; error(object: object, message: string): void };
}

export interface AuditCheckpointer {
  /** Signs the head when it is `everyEntries` past the last checkpoint, or past it at all and that one is older than `everySeconds`. */
  checkpointIfDue(): Promise<AuditCheckpoint | undefined>;
  /** Signs the head now, unless a checkpoint already covers it. */
  checkpoint(): Promise<AuditCheckpoint | undefined>;
  /** Checks about once a second until stop(); the timer never keeps the process alive. */
  start(intervalMs?: number): void;
  /** Stops the timer, lets a check in flight finish, then signs the head: what happened before a shutdown stays covered. */
  stop(): Promise<AuditCheckpoint | undefined>;
}

/** How many entries the head is past the last checkpoint. */
function uncovered(ends: ChainEnds): number {
  return (ends.head?.seq ?? 0) - (ends.lastCheckpoint?.position ?? 0);
}

/**
 * Signed tree heads in the manner of Certificate Transparency's STH and X-Road's signed evidence log, over the
 * SM3 chain and with our SM2 key: each says "the log had N entries and its head was H at time T". Several
 * processes may each run one; a position is signed once (the unique position refuses the second).
 */
export function createAuditCheckpointer(options: AuditCheckpointerOptions): AuditCheckpointer {
  const { knex, everyEntries = 1000, everySeconds = 300 } = options;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function checkpoint(): Promise<AuditCheckpoint | undefined> {
    if (uncovered(await readChainEnds(knex)) <= 0) return undefined;
    const key = await options.signingKey();
    // Read again: generating a key appends an entry, which this checkpoint then covers.
    const { head } = await readChainEnds(knex);
    const fields = { position: head!.seq, head: head!.hash, at: now().toISOString(), keyFingerprint: key.fingerprint };
    const signed: AuditCheckpoint = { ...fields, keyId: key.id, signature: sm2Sign(checkpointText(fields), key.signer) };
    if (!(await insertCheckpoint(knex, signed))) return undefined;
    options.log?.info({ auditCheckpoint: { ...signed, signature: signed.signature.toString('base64') } }, 'audit checkpoint signed');
    return signed;
  }

  async function checkpointIfDue(): Promise<AuditCheckpoint | undefined> {
    const ends = await readChainEnds(knex);
    const moved = uncovered(ends);
    const ageSeconds = (now().getTime() - (ends.lastCheckpoint ? Date.parse(ends.lastCheckpoint.at) : 0)) / 1000;
    if (moved >= everyEntries || (moved > 0 && ageSeconds >= everySeconds)) return checkpoint();
    return undefined;
  }

  return {
    checkpoint,
    checkpointIfDue,
    start(intervalMs = 1000) {
      timer = setInterval(() => {
        running ??= checkpointIfDue()
          .catch((error: unknown) => options.log?.error({ err: error }, 'audit checkpoint failed'))
          .finally(() => {
            running = undefined;
          });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
      return checkpoint();
    },
  };
}
