import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../gateway/store/connect.js';
import { runJiuzhu } from '../helpers/cli.js';
import { dialects } from '../helpers/dialects.js';

/** Exit statuses and error output as docs/cli.md documents them (issue 14). */
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-cli-errors-'));
const file = (name: string) => join(dir, name);
const env = { JIUZHU_DB: file('store.db'), JIUZHU_MASTER_KEY_FILE: file('master.key') };

beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errors from the command line', () => {
  it('puts an error on stderr as one JSON object under --json, with the API’s problem code and the documented exit status', async () => {
    const result = await runJiuzhu(env, 'keys', 'revoke', '9999', '--json');
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'not-found', type: 'urn:jiuzhu:problem:not-found', title: 'Not found', detail: 'no active API key 9999 (see jiuzhu keys list)', exitStatus: 2 },
    });
  });

  it('says that keys revoke found no such key on stderr, not stdout, with a non-zero exit', async () => {
    const result = await runJiuzhu(env, 'keys', 'revoke', '9999');
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'jiuzhu: Not found: no active API key 9999 (see jiuzhu keys list)\n' });
  });

  it('gives a mistyped command line exit status 2, as commander’s text or, under --json, as a JSON usage error', async () => {
    const text = await runJiuzhu(env, 'keys', 'list', '--bogus');
    expect(text).toMatchObject({ code: 2, stdout: '' });
    expect(text.stderr).toContain('unknown option \'--bogus\'');
    const json = await runJiuzhu(env, 'keys', 'list', '--bogus', '--json');
    expect(json).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'usage', title: 'Not a command line jiuzhu takes', detail: 'unknown option \'--bogus\'', exitStatus: 2 } });
    expect((await runJiuzhu(env, 'no-such-command')).code).toBe(2);
    expect((await runJiuzhu(env, 'keys', 'revoke')).code).toBe(2);
  });

  it('keeps exit status 0 for --help', async () => {
    expect((await runJiuzhu(env, 'keys', 'revoke', '--help')).code).toBe(0);
  });
});

describe('a store that is not there', () => {
  const missing = { JIUZHU_DB: file('not-mounted/jiuzhu.db'), JIUZHU_MASTER_KEY_FILE: file('not-mounted/master.key') };

  it('is never created by a command that only reads or adds to it: exit status 3, naming the file and `jiuzhu migrate`', async () => {
    for (const args of [['warnings', 'list'], ['audit', 'verify'], ['keys', 'list'], ['partners', 'list'], ['keys', 'create', '--role', 'township', '--region', '640121100'], ['stats', '--region', '640121']]) {
      const result = await runJiuzhu(missing, ...args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 3, stdout: '' });
      expect(result.stderr).toBe(`jiuzhu: no store at SQLite ${missing.JIUZHU_DB} (the file does not exist); create it with \`jiuzhu migrate\`, or point JIUZHU_DB at the existing store\n`);
    }
    expect(existsSync(file('not-mounted'))).toBe(false);
  });

  it('is refused as a missing file in an existing folder too, leaving the folder as it was, and as JSON under --json', async () => {
    const result = await runJiuzhu({ ...env, JIUZHU_DB: file('typo.db') }, 'warnings', 'list', '--json');
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stderr).error).toMatchObject({ code: 'store-missing', exitStatus: 3 });
    expect(readdirSync(dir).filter((name) => name.startsWith('typo'))).toEqual([]);
  });

  it('is created by migrate', async () => {
    const fresh = { JIUZHU_DB: file('fresh/jiuzhu.db'), JIUZHU_MASTER_KEY_FILE: file('fresh/master.key') };
    expect((await runJiuzhu(fresh, 'migrate')).code).toBe(0);
    expect((await runJiuzhu(fresh, 'keys', 'list')).code).toBe(0);
  });

  it('does not get a new master key when the store is there and its key is not, not even from migrate: exit status 4, and no key file made', async () => {
    for (const args of [['keys', 'list'], ['migrate'], ['seed', '--county', '640121', '--households', '1']]) {
      const result = await runJiuzhu({ ...env, JIUZHU_MASTER_KEY_FILE: file('lost/master.key') }, ...args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 4, stdout: '' });
      expect(result.stderr).toContain(`${file('lost/master.key')} does not exist; restore the key this store was made with`);
    }
    expect(existsSync(file('lost'))).toBe(false);
  });

  it('is told apart from an empty file that is not a store', async () => {
    writeFileSync(file('empty.db'), '');
    const result = await runJiuzhu({ ...env, JIUZHU_DB: file('empty.db') }, 'keys', 'list');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('create it with `jiuzhu migrate`');
  });
});

describe('a database that cannot be reached', () => {
  it('is one sentence on stderr naming host and port and the driver’s reason, the password masked, no stack', async () => {
    const result = await runJiuzhu({ DATABASE_URL: 'postgres://jiuzhu:s3cret-pw@127.0.0.1:1/jiuzhu', JIUZHU_MASTER_KEY_FILE: file('master.key') }, 'warnings', 'list');
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toBe('jiuzhu: cannot reach PostgreSQL at 127.0.0.1:1 (DATABASE_URL postgres://jiuzhu:***@127.0.0.1:1/jiuzhu): connection refused — is PostgreSQL running and listening there? (ECONNREFUSED)\n');
  });

  it('is a store-unreachable JSON error under --json', async () => {
    const result = await runJiuzhu({ DATABASE_URL: 'postgres://jiuzhu:s3cret-pw@127.0.0.1:1/jiuzhu', JIUZHU_MASTER_KEY_FILE: file('master.key') }, 'audit', 'verify', '--json');
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(JSON.parse(result.stderr).error).toMatchObject({ code: 'store-unreachable', exitStatus: 3 });
    expect(result.stderr).not.toContain('s3cret');
  });
});

describe.each(dialects.filter((dialect) => dialect === 'pg'))('a PostgreSQL database without a jiuzhu store (%s)', () => {
  const schema = `cli_errors_${process.pid}`;
  const url = new URL(process.env.TEST_PG_URL ?? 'postgres://localhost/none');
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pgEnv = { DATABASE_URL: url.toString(), JIUZHU_MASTER_KEY_FILE: file('pg-master.key') };
  const admin = createStore({ client: 'pg', connectionString: process.env.TEST_PG_URL ?? '' });

  beforeAll(async () => {
    await admin.knex.raw('CREATE SCHEMA ??', [schema]);
  });
  afterAll(async () => {
    await admin.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await admin.close();
  });

  it('is refused by a reading command with exit status 3, and nothing is created in it', async () => {
    const result = await runJiuzhu(pgEnv, 'warnings', 'list');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('holds no jiuzhu store (no migrations were ever applied); create it with `jiuzhu migrate`, or point DATABASE_URL at the existing store');
    expect(await admin.knex('information_schema.tables').where({ table_schema: schema }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(existsSync(file('pg-master.key'))).toBe(false);
  });
});
