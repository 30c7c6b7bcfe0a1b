import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';
import { runJiuzhu } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-import-cli-'));
const env = { JIUZHU_DB: join(dir, 'import.db'), JIUZHU_MASTER_KEY_FILE: join(dir, 'master.key') };

// Commands other than migrate, seed, demo and serve refuse a store that is not there yet.
beforeAll(async () => {
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});
const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));

/** A 医保 settlement file of `rows` valid rows (distinct people) and one bad one. */
function settlementFile(name: string, rows: number): string {
  const lines = ['序号,姓名,公民身份号码,就诊类型,结算日期,医疗总费用,个人自付'];
  for (let i = 0; i < rows; i++) {
    // Distinct people: 50 years × 12 months × 28 days of birth dates, then the sequence number.
    const date = `${1950 + (i % 50)}${String(1 + (Math.floor(i / 50) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 600) % 28)).padStart(2, '0')}`;
    const first17 = `640121${date}${String(Math.floor(i / 16_800) % 1000).padStart(3, '0')}`;
    lines.push(`${i + 1},马秀兰,${first17}${computeCheckCharacter(first17)},住院,2024-05-06,"30,000.00","1,234.50"`);
  }
  lines.push(`${rows + 1},李四,1.10105E+17,住院,2024-05-06,"30,000.00","1.00"`);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function count(table: string): number {
  const db = new Database(env.JIUZHU_DB, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('importing department files from the command line', () => {
  it('imports a file once, reports rejects, and takes the same file again as a duplicate', async () => {
    const file = settlementFile('small.csv', 20);
    const first = await runJiuzhu(env, 'import', '--source', 'yibao', file, '--json');
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ source: 'yibao', accepted: 20, rejected: 1, skipped: 0, duplicate: false });
    const again = JSON.parse((await runJiuzhu(env, 'import', '--source', 'yibao', file, '--json')).stdout);
    expect(again).toEqual({ ...result, duplicate: true });
    expect(count('facts')).toBe(20);
  });

  it('takes the same bytes sent to another feed as that feed’s file, refused here with exit status 1, not as a duplicate (issue 10, finding 7)', async () => {
    const file = settlementFile('other-feed.csv', 3);
    expect((await runJiuzhu(env, 'import', '--source', 'yibao', file)).code).toBe(0);
    const other = await runJiuzhu(env, 'import', '--source', 'gongan-hukou', file);
    expect(other.code).toBe(1);
    expect(other.stdout).not.toMatch(/already imported/);
    expect(other.stderr).toMatch(/refused/);
  });

  it('reports what a file would do on a dry run without writing, and refuses a bad file with exit status 1', async () => {
    const batches = count('batches');
    const dry = JSON.parse((await runJiuzhu(env, 'import', '--source', 'yibao', '--dry-run', settlementFile('dry.csv', 5), '--json')).stdout);
    expect(dry).toMatchObject({ batchId: null, accepted: 5, rejected: 1, dryRun: true });
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,amount\nx,1\n');
    const refused = await runJiuzhu(env, 'import', '--source', 'yibao', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bad\.csv refused: .*公民身份号码/);
    expect(count('batches')).toBe(batches);
  });

  it('leaves no partial batch when the process is killed in the middle of an import', async () => {
    const file = settlementFile('large.csv', 300_000);
    const before = { batches: count('batches'), facts: count('facts'), rejects: count('batch_rejects') };
    const child = spawn(process.execPath, [bin, 'import', '--source', 'yibao', file], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        if (/\d[\d,]* rows/.test(chunk.toString())) resolve();
      });
      child.on('exit', () => reject(new Error('the import finished before it could be killed')));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect({ batches: count('batches'), facts: count('facts'), rejects: count('batch_rejects') }).toEqual(before);

    const completed = JSON.parse((await runJiuzhu(env, 'import', '--source', 'yibao', file, '--json')).stdout);
    expect(completed).toMatchObject({ accepted: 300_000, rejected: 1, duplicate: false });
  }, 120_000);
});
