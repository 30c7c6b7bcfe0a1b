import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runJiuzhu } from '../helpers/cli.js';

const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-serve-'));
const env = { JIUZHU_DB: join(workDir, 'serve.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key'), PORT: '0', LOG_LEVEL: 'warn' };

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Starts `jiuzhu serve --demo`, waits until it listens, stops it with SIGTERM and returns what it printed. */
function serveDemoOnce(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve', '--demo'], { env: { ...process.env, DATABASE_URL: '', ...env } });
    let printed = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (printed.includes('demo API keys')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(printed);
    });
  });
}

describe('jiuzhu serve --demo', () => {
  it('audits every demo key it creates and revokes, and the SM2 key pair it generates (issue 10, finding 8)', async () => {
    expect((await runJiuzhu(env, 'seed', '--county', '640121', '--households', '3', '--seed', '7')).code).toBe(0);
    expect(await serveDemoOnce()).toContain('demo API keys');
    expect(await serveDemoOnce()).toContain('demo API keys');
    const db = new Database(env.JIUZHU_DB, { readonly: true });
    try {
      const count = (action: string) => (db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
      const keys = (db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
      expect(keys).toBe(12);
      expect(count('key.create')).toBe(12);
      expect(count('key.revoke')).toBe(6);
      expect(count('keypair.generate')).toBe(1);
    } finally {
      db.close();
    }
  }, 120_000);
});
