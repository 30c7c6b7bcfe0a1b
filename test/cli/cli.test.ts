import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-cli-'));
const env = { ...process.env, JIUZHU_DB: join(workDir, 'cli.db'), JIUZHU_MASTER_KEY_FILE: join(workDir, 'master.key'), DATABASE_URL: '' };

async function jiuzhu(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, timeout: 60_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the jiuzhu command', () => {
  it('has --help at every level', async () => {
    for (const path of [
      [], ['serve'], ['migrate'], ['seed'], ['keys'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['keys', 'gen'], ['keys', 'export'], ['keys', 'import'],
      ['partners'], ['partners', 'add'], ['partners', 'list'], ['envelope'], ['envelope', 'seal'], ['envelope', 'open'], ['sm3'], ['id'], ['id', 'check'],
      ['sources'], ['import'], ['export'], ['export', 'antipoverty-register'], ['export', 'jinmin-change-set'],
      ['deliveries'], ['deliveries', 'list'], ['deliveries', 'run'], ['deliveries', 'replay'], ['audit'], ['audit', 'verify'], ['audit', 'export'], ['progress'], ['progress', 'status'],
    ]) {
      const { stdout, code } = await jiuzhu(...path, '--help');
      expect({ path, code }).toEqual({ path, code: 0 });
      expect(stdout).toMatch(/^Usage: jiuzhu/);
    }
    // Thirty-some processes one after another: ~1.4 s each on an idle 2-core machine (loading every command's modules),
    // three or four times that beside other suites; the limit only guards against a hang.
  }, 300_000);

  it('checks ID numbers: details for valid ones, a reason for invalid ones, exit 1 if any is invalid', async () => {
    const valid = await jiuzhu('id', 'check', '11010519491231002x', '--json');
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual([
      { input: '11010519491231002x', valid: true, idNumber: '11010519491231002X', gender: 'female', birthDate: '1949-12-31', regionCode: '110105', region: '北京市朝阳区', upgradedFrom15: false },
    ]);
    const mixed = await jiuzhu('id', 'check', '110105491231002', '1.10105E+17');
    expect(mixed.code).toBe(1);
    const [upgraded, mangled] = mixed.stdout.trim().split('\n');
    expect(upgraded).toContain('11010519491231002X');
    expect(upgraded).toContain('upgraded from 15 digits');
    expect(mangled).toContain('INVALID');
    expect(mangled).toMatch(/scientific notation/);
  });

  it('migrates, then reports the schema up to date', async () => {
    expect((await jiuzhu('migrate')).stdout).toContain('applied 001-register');
    expect(JSON.parse((await jiuzhu('migrate', '--json')).stdout).applied).toEqual([]);
  });

  it('creates a key and prints only the key, so scripts can capture it', async () => {
    const created = await jiuzhu('keys', 'create', '--role', 'township', '--region', '640121100');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^jz_[A-Za-z0-9_-]{43}\n$/);
    const listed = JSON.parse((await jiuzhu('keys', 'list', '--json')).stdout).apiKeys;
    expect(listed).toContainEqual(expect.objectContaining({ role: 'township', regionCode: '640121100', hint: `${created.stdout.slice(0, 7)}…` }));
    expect(JSON.stringify(listed)).not.toContain(created.stdout.trim());
  });

  it('binds a liaison officer’s key to its filing unit, and refuses a unit for other roles, an unknown unit or one outside the key’s region', async () => {
    const created = JSON.parse((await jiuzhu('keys', 'create', '--role', 'liaison', '--region', '640121', '--unit', 'mz', '--json')).stdout);
    expect(created).toMatchObject({ role: 'liaison', region: '640121', unit: 'mz' });
    const listed = JSON.parse((await jiuzhu('keys', 'list', '--json')).stdout).apiKeys;
    expect(listed).toContainEqual(expect.objectContaining({ id: created.id, unitCode: 'mz', label: 'liaison 640121 mz' }));
    const township = await jiuzhu('keys', 'create', '--role', 'township', '--region', '640121100', '--unit', '640121100');
    expect(township.code).not.toBe(0);
    expect(township.stderr).toContain('a township key has no unit');
    expect((await jiuzhu('keys', 'create', '--role', 'liaison', '--region', '640121', '--unit', 'xyz')).stderr).toContain('no filing unit xyz');
    expect((await jiuzhu('keys', 'create', '--role', 'liaison', '--region', '640121101', '--unit', 'mz')).stderr).toContain('outside the key\'s region 640121101');
  });

  it('refuses a key for an unknown role or region with one clear sentence', async () => {
    const role = await jiuzhu('keys', 'create', '--role', 'mayor', '--region', '640121');
    expect(role.code).not.toBe(0);
    expect(role.stderr).toContain('mayor');
    const region = await jiuzhu('keys', 'create', '--role', 'township', '--region', '640121999');
    expect(region.code).not.toBe(0);
    expect(region.stderr).toContain('640121999 is not in the register');
  });

  it('seeds a demo county once; the same seed again changes nothing', async () => {
    const first = JSON.parse((await jiuzhu('seed', '--county', '640121', '--households', '50', '--seed', '7', '--as-of', '2024-06-30', '--json')).stdout);
    expect(first).toMatchObject({ county: '640121', duplicate: false, households: 50 });
    expect(first.persons).toBeGreaterThan(50);
    const again = JSON.parse((await jiuzhu('seed', '--county', '640121', '--households', '50', '--seed', '7', '--as-of', '2024-06-30', '--json')).stdout);
    expect(again).toMatchObject({ batchId: first.batchId, duplicate: true, households: 0, persons: 0 });
  });
});
