import { spawn } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysProvenByMasterKey } from '../../gateway/audit/checkpoint-keys.js';
import { verifyAuditChain } from '../../gateway/audit/verify-chain.js';
import { createOwnKeys } from '../../gateway/keystore/own-keys.js';
import { createStore, type StoreConnection } from '../../gateway/store/connect.js';
import { readAuditHead, recordAudit } from '../../gateway/store/repositories/audit-log.js';
import { runJiuzhu, type CliResult } from '../helpers/cli.js';

const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-backup-'));
const env = { JIUZHU_DB: join(workDir, 'store.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key'), LOG_LEVEL: 'warn' };
const actor = { keyId: null, role: 'admin' as const, regionCode: '000000', label: 'backup test' };

/** `jiuzhu …` started without waiting, so the test can go on writing while it runs. */
function startJiuzhu(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

/** Opens a SQLite file and checks its audit chain with the key pairs the test's master key opens. */
async function verifyStoreFile(file: string) {
  const store = createStore({ client: 'sqlite', filename: file });
  try {
    const ownKeys = createOwnKeys({ knex: store.knex, masterKey: Buffer.from(readFileSync(env.JIUZHU_MASTER_KEY_FILE, 'utf8').trim(), 'hex'), partyId: 'jiuzhu', keyGraceDays: 30 });
    const { proven } = await keysProvenByMasterKey(ownKeys);
    return { verification: await verifyAuditChain(store.knex, proven), head: (await readAuditHead(store.knex))?.seq ?? 0, keys: proven.length };
  } finally {
    await store.close();
  }
}

describe('jiuzhu backup and restore (SQLite)', () => {
  let writer: StoreConnection | undefined;
  const backupFile = join(workDir, 'backups', 'store-backup.db');

  beforeAll(async () => {
    expect((await runJiuzhu(env, 'seed', '--county', '640121', '--households', '200', '--seed', '3')).code).toBe(0);
    expect((await runJiuzhu(env, 'keys', 'gen')).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await writer?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('copies the store while another connection goes on appending, into a store that opens and whose audit chain verifies', async () => {
    writer = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
    let writing = true;
    let appended = 0;
    const appending = (async () => {
      while (writing) {
        await recordAudit(writer!.knex, actor, { action: 'test.append', outcome: 'ok', resourceId: String(appended) });
        appended += 1;
        // Let the child's output and exit through between appends.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const headAtStart = (await readAuditHead(writer.knex))!.seq;
    const backup = await startJiuzhu('backup', '--out', backupFile, '--json');
    const headAtEnd = (await readAuditHead(writer.knex))!.seq;
    // Writes go on after the backup as well, as a server's would.
    await new Promise((resolve) => setTimeout(resolve, 100));
    writing = false;
    await appending;
    expect(backup.code, backup.stderr).toBe(0);
    const answer = JSON.parse(backup.stdout);
    expect(answer).toMatchObject({ file: backupFile, bytes: expect.any(Number), auditHead: expect.any(Number) });
    const copy = new Database(backupFile, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
    const { verification, head, keys } = await verifyStoreFile(backupFile);
    expect(keys).toBeGreaterThan(0);
    expect(verification).toMatchObject({ ok: true, entries: head, problem: null });
    expect(verification.checkpoints).toBeGreaterThan(0);
    // The copy holds a moment in the middle of the writes: later than when the backup started, not later than when it ended.
    expect(head).toBeGreaterThan(headAtStart);
    expect(head).toBeLessThanOrEqual(headAtEnd);
    expect(appended).toBeGreaterThan(head - headAtStart);
    expect(existsSync(`${backupFile}-wal`)).toBe(false);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // The store's chain records the backup, after the entries the copy holds.
    expect(answer.auditHead).toBe(head);
    const recorded = await writer.knex('audit_log').where('action', 'store.backup').select('seq', 'detail', 'actor_label');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ detail: `to ${backupFile}, entries up to ${head}`, actor_label: 'backup' });
    expect(Number(recorded[0].seq)).toBeGreaterThan(head);
  }, 60_000);

  it('refuses to overwrite a backup file without --force, and overwrites it with', async () => {
    const again = await runJiuzhu(env, 'backup', '--out', backupFile);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${backupFile} exists; choose another file, or add --force to overwrite it`);
    const forced = await runJiuzhu(env, 'backup', '--out', join(workDir, 'second.db'));
    expect(forced.code, forced.stderr).toBe(0);
    expect((await runJiuzhu(env, 'backup', '--out', join(workDir, 'second.db'), '--force')).code).toBe(0);
  }, 60_000);

  it('refuses to replace a store that is in use or exists without --force, and restores the backup once it may', async () => {
    const inUse = await runJiuzhu(env, 'restore', backupFile, '--force');
    expect(inUse.code).not.toBe(0);
    expect(inUse.stderr).toContain('is in use (a running `jiuzhu serve` or another command): stop the service first');
    expect((await verifyStoreFile(env.JIUZHU_DB)).head).toBeGreaterThan((await verifyStoreFile(backupFile)).head);
    await writer!.close();
    writer = undefined;
    const withoutForce = await runJiuzhu(env, 'restore', backupFile);
    expect(withoutForce.code).not.toBe(0);
    expect(withoutForce.stderr).toContain('a store exists at');
    // Run as root, the restore gives the new file the old one's owner (the service's user); run as anyone else, it is theirs.
    const owner = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : { uid: statSync(env.JIUZHU_DB).uid, gid: statSync(env.JIUZHU_DB).gid };
    chownSync(env.JIUZHU_DB, owner.uid, owner.gid);
    const restored = await runJiuzhu(env, 'restore', backupFile, '--force', '--json');
    expect(restored.code, restored.stderr).toBe(0);
    const backupHead = (await verifyStoreFile(backupFile)).head;
    expect(JSON.parse(restored.stdout)).toMatchObject({ target: env.JIUZHU_DB, auditEntries: backupHead, pendingMigrations: [] });
    const { verification, head } = await verifyStoreFile(env.JIUZHU_DB);
    expect(verification.ok).toBe(true);
    // The backup's chain, and one entry more: the restore itself.
    expect(head).toBe(backupHead + 1);
    expect(existsSync(`${env.JIUZHU_DB}-wal`)).toBe(false);
    expect(statSync(env.JIUZHU_DB).mode & 0o777).toBe(0o600);
    expect(statSync(env.JIUZHU_DB)).toMatchObject(owner);
    const db = new Database(env.JIUZHU_DB);
    try {
      expect(db.prepare('SELECT action, detail FROM audit_log WHERE seq = ?').get(head)).toEqual({ action: 'store.restore', detail: `from ${backupFile}, whose chain held ${backupHead} entries` });
    } finally {
      db.close();
    }
    // The restored store is the gateway's store again: a command runs on it and appends to its chain.
    expect((await runJiuzhu(env, 'audit', 'verify')).stdout).toContain(`audit log whole: ${backupHead + 1} entries`);
  }, 60_000);

  it('restores into a new place (a rebuilt machine) without --force', async () => {
    const elsewhere = { ...env, JIUZHU_DB: join(workDir, 'rebuilt', 'jiuzhu.db') };
    const restored = await runJiuzhu(elsewhere, 'restore', backupFile);
    expect(restored.code, restored.stderr).toBe(0);
    expect((await runJiuzhu(elsewhere, 'audit', 'verify')).code).toBe(0);
  }, 60_000);

  it('refuses what is not a whole jiuzhu store, or what this master key cannot open, and leaves the store as it was', async () => {
    const before = readFileSync(env.JIUZHU_DB);
    const text = join(workDir, 'notes.txt');
    writeFileSync(text, 'not a database at all, but long enough to be read as one by a careless tool\n'.repeat(100));
    const other = join(workDir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    const tampered = join(workDir, 'tampered.db');
    copyFileSync(backupFile, tampered);
    const db = new Database(tampered);
    db.prepare("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2").run();
    db.close();
    const cases: [string, Record<string, string>, string][] = [
      [text, env, 'is not a SQLite database'],
      [other, env, 'is a SQLite database but not a jiuzhu store'],
      [tampered, env, 'the audit chain in'],
      [backupFile, { ...env, JIUZHU_MASTER_KEY: 'ab'.repeat(32) }, 'the master key opens none of the key pairs'],
      [backupFile, { ...env, JIUZHU_MASTER_KEY_FILE: join(workDir, 'absent.key') }, 'no master key'],
      [join(workDir, 'absent.db'), env, 'there is no file'],
    ];
    for (const [file, environment, message] of cases) {
      const result = await runJiuzhu(environment, 'restore', file, '--force');
      expect(result.code, file).not.toBe(0);
      expect(result.stderr, file).toContain(message);
    }
    expect(existsSync(join(workDir, 'absent.key'))).toBe(false);
    expect(readFileSync(env.JIUZHU_DB).equals(before)).toBe(true);
  }, 60_000);

  it('refuses both for PostgreSQL, pointing at pg_dump and docs/operations.md', async () => {
    const pgEnv = { ...env, DATABASE_URL: 'postgres://jiuzhu@127.0.0.1:5432/jiuzhu' };
    for (const args of [['backup', '--out', join(workDir, 'pg.dump')], ['restore', backupFile]]) {
      const result = await runJiuzhu(pgEnv, ...args);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('use pg_dump --format=custom and pg_restore, as docs/operations.md');
    }
  });
});
