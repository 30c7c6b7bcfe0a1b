import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { commandLineActor } from '../access/actor.js';
import { keysProvenByMasterKey } from '../audit/checkpoint-keys.js';
import { verifyAuditChain } from '../audit/verify-chain.js';
import { exchangeConfigFrom } from '../config.js';
import { createOwnKeys } from '../keystore/own-keys.js';
import { createStore } from '../store/connect.js';
import { pendingMigrations } from '../store/migrations/index.js';
import { recordAudit } from '../store/repositories/audit-log.js';

export interface RestoreResult {
  file: string;
  target: string;
  /** Entries of the audit chain found whole, and its signed checkpoints. */
  auditEntries: number;
  checkpoints: number;
  /** Migrations of this release the restored store lacks: `jiuzhu migrate` (or serve) applies them. */
  pendingMigrations: string[];
}

const journalFiles = (path: string) => [`${path}-wal`, `${path}-shm`, `${path}-journal`];

/**
 * Puts a backup in place of the store. The backup is copied beside the target first and checked there — SQLite's
 * integrity check, jiuzhu's migration table, the audit chain entry by entry with its checkpoints signed by key pairs
 * the master key opens — so a file that is not a whole jiuzhu store, or one whose keys this master key cannot open,
 * never replaces anything. Then the target is checked to be unused, its journal files removed (they belong to the old
 * store and would be replayed into the new one) and the copy renamed over it, in one step.
 */
export async function restoreSqliteStore(file: string, target: string, options: { masterKey: Buffer; force?: boolean }): Promise<RestoreResult> {
  if (target === ':memory:') throw new Error('the store is in memory (JIUZHU_DB=:memory:): there is nothing to restore into');
  if (!existsSync(file)) throw new Error(`there is no file ${file}`);
  if (resolve(file) === resolve(target)) throw new Error(`${file} is the store itself`);
  if (journalFiles(file).some((journal) => existsSync(journal))) {
    throw new Error(`${file} has a -wal, -shm or -journal file beside it: it is open, or was copied while open; restore a file made by \`jiuzhu backup\``);
  }
  if (existsSync(target) && !options.force) throw new Error(`a store exists at ${target}; stop the service, then add --force to replace it`);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  const incoming = `${target}.restoring-${process.pid}`;
  try {
    copyFileSync(file, incoming);
    chmodSync(incoming, 0o600);
    const checked = await checkStoreFile(incoming, file, options.masterKey);
    await recordRestore(incoming, file, checked.auditEntries);
    if (existsSync(target)) {
      assertUnused(target);
      keepOwner(target, incoming);
    }
    for (const journal of journalFiles(target)) rmSync(journal, { force: true });
    renameSync(incoming, target);
    return { file, target, ...checked };
  } finally {
    rmSync(incoming, { force: true });
    for (const journal of journalFiles(incoming)) rmSync(journal, { force: true });
  }
}

async function checkStoreFile(path: string, named: string, masterKey: Buffer): Promise<Omit<RestoreResult, 'file' | 'target'>> {
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw new Error(`${named} is not a SQLite database: ${(error as Error).message}`, { cause: error });
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${named} fails SQLite's integrity check: ${String(integrity)}`);
    const migrations = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('knex_migrations', 'audit_log', 'own_keys')").all();
    if (migrations.length < 3) throw new Error(`${named} is a SQLite database but not a jiuzhu store (no migration table, audit log or key table)`);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`${named} is not a SQLite database`, { cause: error });
    throw error;
  } finally {
    db.close();
  }
  const store = createStore({ client: 'sqlite', filename: path });
  try {
    const ownKeys = createOwnKeys({ knex: store.knex, masterKey, partyId: exchangeConfigFrom({}).partyId, keyGraceDays: 0 });
    const { proven, unproven } = await keysProvenByMasterKey(ownKeys);
    if (proven.length === 0 && unproven.length > 0) {
      throw new Error(`the master key opens none of the key pairs in ${named} (${unproven.join(', ')}): put the master key that goes with this backup in place first`);
    }
    const verification = await verifyAuditChain(store.knex, proven);
    if (!verification.ok) {
      const { problem } = verification;
      throw new Error(`the audit chain in ${named} is broken at position ${problem?.position} (${problem?.kind}): ${problem?.detail}`);
    }
    return { auditEntries: verification.entries, checkpoints: verification.checkpoints, pendingMigrations: await pendingMigrations(store.knex) };
  } finally {
    await store.close();
  }
}

/**
 * Refuses a store some process has open: leaving WAL mode needs every other connection gone, so SQLite refuses it
 * (SQLITE_BUSY) while a server holds the store, idle or not. On a store nobody uses it changes only the journal
 * mode of a file about to be replaced.
 */
function assertUnused(target: string): void {
  const db = new Database(target, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`${target} is in use (a running \`jiuzhu serve\` or another command): stop the service first`, { cause: error });
    throw error;
  } finally {
    db.close();
  }
}

/**
 * The restored chain records that it was put back, and from what: entries made after the backup are gone from this
 * store, and an auditor comparing it with an earlier export must be able to see why. Written into the checked copy
 * before it replaces the store; the server signs it with its first checkpoint.
 */
async function recordRestore(path: string, file: string, entries: number): Promise<void> {
  const store = createStore({ client: 'sqlite', filename: path });
  try {
    await recordAudit(store.knex, commandLineActor('restore'), { action: 'store.restore', outcome: 'ok', resourceType: 'store', detail: `from ${resolve(file)}, whose chain held ${entries} entries` });
  } finally {
    await store.close();
  }
}

/**
 * The restored store keeps the owner of the one it replaces: run as root, a restore would otherwise leave a file the
 * service's own user cannot open. Only root can give a file away; anyone else restores as the owner already.
 */
function keepOwner(target: string, incoming: string): void {
  const { uid, gid } = statSync(target);
  if (process.getuid?.() === 0) chownSync(incoming, uid, gid);
}
