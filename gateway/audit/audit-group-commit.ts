import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { appendAuditEntries, knexRunner, recordAudit, type AuditRecord, type PendingAuditEntry } from '../store/repositories/audit-log.js';

/**
 * Appends the audit entries of reads together: the entries that arrive while one transaction appends wait and go
 * into the next, one transaction for all of them (group commit). Each caller still gets its promise only once
 * its entry is committed, so no data leaves before its entry is in the chain; an entry arriving when nothing is in
 * flight starts at once, so a quiet server adds no wait.
 *
 * Why: every append holds the chain's head — on PostgreSQL a row lock, on SQLite the write lock — until it
 * commits, so appended one by one the audited reads of all gateway processes together go no faster than one
 * transaction after another. Appended together, a burst of reads costs a few transactions.
 *
 * Changes do not come here: each appends its entry inside its own transaction, so the two commit together.
 */
export interface AuditGroupCommit {
  /** Resolves with the entry's id once it is committed; rejects if it could not be appended. */
  append(actor: Actor | null, record: AuditRecord): Promise<number>;
  /** Resolves when every entry handed in so far is committed or refused. */
  settled(): Promise<void>;
}

interface Waiting extends PendingAuditEntry {
  resolve(id: number): void;
  reject(error: unknown): void;
}

/** Entries per transaction: a burst larger than this takes several. */
const defaultLargestGroup = 500;

export function createAuditGroupCommit(knex: Knex, options: { largestGroup?: number } = {}): AuditGroupCommit {
  const largestGroup = options.largestGroup ?? defaultLargestGroup;
  const waiting: Waiting[] = [];
  let flushing: Promise<void> | null = null;

  async function appendOneByOne(group: Waiting[]): Promise<void> {
    for (const entry of group) {
      try {
        entry.resolve(await recordAudit(knex, entry.actor, entry.record));
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  async function flush(): Promise<void> {
    while (waiting.length > 0) {
      let group: Waiting[] = [];
      try {
        const ids = await knex.transaction((trx) => {
          // Taken once the transaction has its connection, not before: on SQLite's single connection the reads of
          // other requests run while this waits for it, and their entries join this group.
          group = waiting.splice(0, largestGroup);
          return appendAuditEntries(knexRunner(trx), group);
        });
        group.forEach((entry, index) => entry.resolve(ids[index]!));
      } catch (error) {
        // Nothing of the group was committed. Each is tried alone, so an entry that cannot be stored fails its own
        // request and no other; when not even the transaction could begin, every entry waiting fails with it.
        if (group.length === 0) for (const entry of waiting.splice(0)) entry.reject(error);
        else if (group.length === 1) group[0]!.reject(error);
        else await appendOneByOne(group);
      }
    }
  }

  function startFlushing(): void {
    flushing = flush().finally(() => {
      flushing = null;
      // An entry may have come after the loop's last look and before this ran.
      if (waiting.length > 0) startFlushing();
    });
  }

  return {
    append(actor, record) {
      return new Promise<number>((resolve, reject) => {
        waiting.push({ actor, record, resolve, reject });
        if (!flushing) startFlushing();
      });
    },
    async settled() {
      while (flushing) await flushing;
    },
  };
}
