import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../gateway/store/connect.js';
import { appendSampleEntries } from '../helpers/audit-chain.js';
import { runJiuzhu } from '../helpers/cli.js';
import { dialects, openTestStore, type TestStore } from '../helpers/dialects.js';
import { startServe } from '../helpers/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-audit-cli-'));
const env = { JIUZHU_DB: join(dir, 'audit.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };
const file = (name: string) => join(dir, name);

/** One statement on the store file, as someone with write access to it would run it. */
function sql(statement: string, ...bindings: (string | number)[]): void {
  const db = new Database(env.JIUZHU_DB);
  try {
    db.prepare(statement).run(...bindings);
  } finally {
    db.close();
  }
}

function query<T>(statement: string): T {
  const db = new Database(env.JIUZHU_DB, { readonly: true });
  try {
    return db.prepare(statement).get() as T;
  } finally {
    db.close();
  }
}

const runSh = (script: string) => promisify(execFile)('sh', [script]).then(
  ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
  (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
);

beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
  for (const role of ['township', 'auditor']) expect((await runJiuzhu(env, 'keys', 'create', '--role', role, '--region', '640121100')).code).toBe(0);
  // Entries of every shape, quotes, backslashes, newlines and Chinese in their details, written as a server would.
  const store = createStore({ client: 'sqlite', filename: env.JIUZHU_DB });
  try {
    await appendSampleEntries(store.knex, 12);
  } finally {
    await store.close();
  }
  expect((await runJiuzhu(env, 'keys', 'create', '--role', 'finance', '--region', '640121100')).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jiuzhu audit', () => {
  it('signs a checkpoint as a command that appended entries ends', () => {
    const { head, signed } = query<{ head: number; signed: number }>('SELECT (SELECT seq FROM audit_head) AS head, (SELECT MAX(position) FROM audit_checkpoints) AS signed');
    // keys create, keypair.generate (the first checkpoint's key), keys create, twelve entries, keys create.
    expect({ head, signed }).toEqual({ head: 16, signed: 16 });
  });

  it('verify exits 0 on a whole chain and reports it, as a sentence or as JSON', async () => {
    const text = await runJiuzhu(env, 'audit', 'verify');
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^audit log whole: 16 entries, 3 signed checkpoints, the last at position 16 \(20\d\d-/);
    const json = await runJiuzhu(env, 'audit', 'verify', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, entries: 16, checkpoints: 3, lastCheckpoint: { position: 16, at: expect.any(String), keyId: expect.any(String) }, problem: null });
  });

  it('exports a period that verify.sh checks with sh and openssl alone, and records the export with its purpose', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const exported = await runJiuzhu(env, 'audit', 'export', '--from', today, '--to', today, '--out', file('export'), '--purpose', '县审计局年度审计', '--json');
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ first: 1, last: 16, checkpoints: 3 });
    expect(readdirSync(file('export')).sort()).toEqual(['README.txt', 'checkpoints', 'entries.ndjson', 'hashes.txt', 'keys', 'range.txt', 'verify.sh']);
    expect(readFileSync(file('export/entries.ndjson'), 'utf8').trimEnd().split('\n')).toHaveLength(16);
    expect(readFileSync(file('export/README.txt'), 'utf8')).toContain('Purpose of this export: 县审计局年度审计');

    const checked = await runSh(file('export/verify.sh'));
    expect(checked, checked.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toMatch(/OK: entries 1 to 16 form one chain, signed by 3 checkpoints, the last at position 16\n$/);

    const entry = query<{ action: string; detail: string }>("SELECT action, detail FROM audit_log WHERE action = 'audit.export'");
    expect(entry).toEqual({ action: 'audit.export', detail: `${today} to ${today}, entries 1–16; purpose: 县审计局年度审计` });
  });

  it('verify.sh fails on an export whose entry line or checkpoint was changed', async () => {
    cpSync(file('export'), file('edited-line'), { recursive: true });
    const lines = readFileSync(file('edited-line/entries.ndjson'), 'utf8').split('\n');
    lines[6] = lines[6]!.replace('"outcome":"ok"', '"outcome":"denied"');
    writeFileSync(file('edited-line/entries.ndjson'), lines.join('\n'));
    const line = await runSh(file('edited-line/verify.sh'));
    expect(line.code).toBe(1);
    expect(line.stderr).toBe('verify.sh: the entry at position 7 (line 7 of entries.ndjson) does not hash to line 7 of hashes.txt: it, or an entry before it, was changed\n');

    cpSync(file('export'), file('edited-checkpoint'), { recursive: true });
    const [checkpoint] = readdirSync(file('edited-checkpoint/checkpoints')).filter((name) => name.endsWith('.txt'));
    const text = readFileSync(file(`edited-checkpoint/checkpoints/${checkpoint}`), 'utf8');
    writeFileSync(file(`edited-checkpoint/checkpoints/${checkpoint}`), text.replace(/^time .*$/m, 'time 2020-01-01T00:00:00.000Z'));
    const signed = await runSh(file('edited-checkpoint/verify.sh'));
    expect(signed.code).toBe(1);
    expect(signed.stderr).toMatch(/^verify\.sh: the signature of checkpoint \d+ does not verify with key [0-9a-f]{16}/);
  });

  it('refuses a mistyped command line, a missing purpose or a wrong date with exit 2 and one sentence', async () => {
    for (const args of [['verify', '--bogus'], ['export', '--from', '2026-01-01', '--to', '2026-01-31', '--out', file('x')], ['export', '--from', '2026-02-30', '--to', '2026-03-01', '--out', file('x'), '--purpose', 'p']]) {
      const result = await runJiuzhu(env, 'audit', ...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await runJiuzhu(env, 'audit', 'export', '--from', '2026-02-30', '--to', '2026-03-01', '--out', file('x'), '--purpose', 'p')).stderr).toBe('jiuzhu: --from and --to take dates YYYY-MM-DD, not "2026-02-30"\n');
    expect(existsSync(file('x'))).toBe(false);
  });

  it('verify trusts a public key given from outside when there is no master key, and says so with the key exit status (4) when there is neither', async () => {
    const noMasterKey = { ...env, JIUZHU_MASTER_KEY_FILE: file('elsewhere/master.key') };
    const keyFile = readdirSync(file('export/keys'))[0]!;
    expect((await runJiuzhu(noMasterKey, 'audit', 'verify', '--public-key', file(`export/keys/${keyFile}`))).code).toBe(0);
    const neither = await runJiuzhu(noMasterKey, 'audit', 'verify');
    expect(neither).toMatchObject({ code: 4, stdout: '' });
    expect(neither.stderr).toMatch(/^jiuzhu: no master key \(JIUZHU_MASTER_KEY, or the file .*\) to prove our signing keys with; give the key with --public-key instead\n$/);
    expect(existsSync(file('elsewhere/master.key'))).toBe(false);
    const wrong = await runJiuzhu({ ...env, JIUZHU_MASTER_KEY: 'ab'.repeat(32) }, 'audit', 'verify');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/the master key opens none of this store's SM2 key pairs \(sm2-/);
  });

  it('verify exits 1 naming the entry that was edited in the database', async () => {
    sql("UPDATE audit_log SET outcome = 'ok' WHERE seq = 10");
    try {
      const text = await runJiuzhu(env, 'audit', 'verify');
      expect(text).toMatchObject({ code: 1, stdout: 'audit log broken at position 10 (edited): the entry no longer matches its hash\n' });
      const json = JSON.parse((await runJiuzhu(env, 'audit', 'verify', '--json')).stdout);
      expect(json).toMatchObject({ ok: false, entries: 9, problem: { kind: 'edited', position: 10 } });
    } finally {
      sql("UPDATE audit_log SET outcome = 'denied' WHERE seq = 10");
    }
    expect((await runJiuzhu(env, 'audit', 'verify')).code).toBe(0);
  });

  it('serve shares the file with the command line, and signs the head of the chain when it is stopped', async () => {
    const server = await startServe({ ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' });
    const url = server.url;
    expect((await fetch(`${url}/v1/households`)).status).toBe(401);
    expect((await runJiuzhu(env, 'keys', 'create', '--role', 'liaison', '--region', '640121100')).code).toBe(0);
    expect((await fetch(`${url}/v1/households`)).status).toBe(401);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    const { head, signed } = query<{ head: number; signed: number }>('SELECT (SELECT seq FROM audit_head) AS head, (SELECT MAX(position) FROM audit_checkpoints) AS signed');
    expect(signed).toBe(head);
    const logged = server.log().split('\n').filter((line) => line.includes('"audit checkpoint signed"')).map((line) => JSON.parse(line).auditCheckpoint);
    expect(logged.at(-1)).toMatchObject({ position: head, head: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String) });
    expect((await runJiuzhu(env, 'audit', 'verify')).code).toBe(0);
  }, 150_000);
});

describe.each(dialects.filter((dialect) => dialect === 'pg'))('jiuzhu audit on PostgreSQL (%s)', () => {
  let store: TestStore;
  let pgEnv: Record<string, string>;

  beforeAll(async () => {
    store = await openTestStore('pg');
    const schema = (store.knex.client.config as { searchPath: string[] }).searchPath[0]!;
    const url = new URL(process.env.TEST_PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    // The master key the test store's data keys are sealed with, as the gateway's own would be.
    writeFileSync(file('pg-master.key'), `${store.masterKey.toString('hex')}\n`, { mode: 0o600 });
    pgEnv = { DATABASE_URL: url.toString(), JIUZHU_MASTER_KEY_FILE: file('pg-master.key') };
    expect((await runJiuzhu(pgEnv, 'keys', 'create', '--role', 'township', '--region', '640121100')).code).toBe(0);
    await appendSampleEntries(store.knex, 8);
    expect((await runJiuzhu(pgEnv, 'keys', 'create', '--role', 'auditor', '--region', '640121100')).code).toBe(0);
  }, 60_000);
  afterAll(async () => store.dispose());

  it('exports what verify.sh checks, verifies the chain, and names an entry deleted from it', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect((await runJiuzhu(pgEnv, 'audit', 'export', '--from', today, '--to', today, '--out', file('pg-export'), '--purpose', 'test')).code).toBe(0);
    expect(await runSh(file('pg-export/verify.sh'))).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse((await runJiuzhu(pgEnv, 'audit', 'verify', '--json')).stdout)).toMatchObject({ ok: true, entries: 12, problem: null });

    const { id } = await store.knex('audit_log').where('seq', 6).first('id');
    await store.knex('audit_subjects').where('audit_id', id).delete();
    await store.knex('audit_log').where('id', id).delete();
    const broken = await runJiuzhu(pgEnv, 'audit', 'verify');
    expect(broken).toMatchObject({ code: 1, stdout: 'audit log broken at position 6 (deleted): no entry at position 6\n' });
  }, 60_000);
});
