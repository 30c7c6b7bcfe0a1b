import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
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
    for (const leftover of [`${out}-wal`, `${out}-shm`, `${out}-journal`]) rmSync(leftover, { force: true });
    renameSync(partial, out);
    return { file: out, bytes: statSync(out).size, pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
