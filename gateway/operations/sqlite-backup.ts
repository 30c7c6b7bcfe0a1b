import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { commandLineActor } from '../access/actor.js';
import { createStore } from '../store/connect.js';
import { readAuditHead, recordAudit } from '../store/repositories/audit-log.js';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  /** The last audit entry the copy holds; the store's next one records the backup itself. */
  auditHead: number;
}

/**
 * Copies a SQLite store with SQLite's online backup, which reads one consistent snapshot while a server goes on
 * writing (WAL: readers and the writer do not block each other). A write by another connection in the middle restarts
 * the copy, so after the first step the rest is copied in one step, under one read transaction: it cannot be
 * restarted for ever by a busy server. The copy is written beside FILE and renamed into place only once whole, so
 * FILE is never a half-written backup.
 */
export async function backupSqliteStore(source: string, out: string, options: { force?: boolean } = {}): Promise<BackupResult> {
  if (source === ':memory:') throw new Error('the store is in memory (JIUZHU_DB=:memory:): there is nothing to back up');
  if (!existsSync(source)) throw new Error(`there is no SQLite store at ${source} (JIUZHU_DB)`);
  if (resolve(source) === resolve(out)) throw new Error(`--out ${out} is the store itself`);
  if (existsSync(out) && !options.force) throw new Error(`${out} exists; choose another file, or add --force to overwrite it`);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true, timeout: 5_000 });
  try {
    const { totalPages } = await db.backup(partial, { progress: ({ remainingPages }) => remainingPages });
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy fails SQLite's quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    // An overwritten store's leftover journal files would be read as part of the new copy.
    // The store's personal fields are encrypted, but names of tables, counts and the audit log are not: owner only.
    chmodSync(partial, 0o600);
    for (const leftover of [`${out}-wal`, `${out}-shm`, `${out}-journal`]) rmSync(leftover, { force: true });
    renameSync(partial, out);
    const auditHead = await recordBackup(source, out);
    return { file: out, bytes: statSync(out).size, pages: totalPages, auditHead };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/**
 * A backup is a copy of every person's data, so the store's audit chain records it — after the copy, which therefore
 * ends just before the entry that names it. The running server signs the entry with its next checkpoint.
 */
async function recordBackup(source: string, out: string): Promise<number> {
  const copy = createStore({ client: 'sqlite', filename: out });
  let head: number;
  try {
    head = (await readAuditHead(copy.knex))?.seq ?? 0;
  } finally {
    await copy.close();
  }
  const store = createStore({ client: 'sqlite', filename: source });
  try {
    await recordAudit(store.knex, commandLineActor('backup'), { action: 'store.backup', outcome: 'ok', resourceType: 'store', detail: `to ${resolve(out)}, entries up to ${head}` });
  } finally {
    await store.close();
  }
  return head;
}
