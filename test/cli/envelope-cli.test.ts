import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJiuzhu } from '../helpers/cli.js';

/**
 * Two gateways on one machine — a province platform and a county — exchange a file the way their operators
 * would: generate keys, swap certificates, register each other, seal, open.
 */
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-envelope-cli-'));
const gateway = (name: string) => ({ JIUZHU_DB: join(dir, `${name}.db`), JIUZHU_MASTER_KEY_FILE: join(dir, `${name}.key`), JIUZHU_PARTY_ID: name });
const province = gateway('nx-mzt');
const county = gateway('yongning');
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  writeFileSync(file('roll.csv'), `序号,姓名,身份证号码,发放金额\n${Array.from({ length: 2000 }, (_, i) => `${i + 1},马秀兰,640121********002X,640.00`).join('\n')}\n`);
  for (const [name, env] of [['province', province], ['county', county]] as const) {
    expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
    const generated = await runJiuzhu(env, 'keys', 'gen', '--json');
    expect(generated.code, generated.stderr).toBe(0);
    const key = JSON.parse(generated.stdout);
    writeFileSync(file(`${name}.pem`), key.certificate);
  }
  expect((await runJiuzhu(province, 'partners', 'add', 'yongning', '--cert', file('county.pem'), '--name', '永宁县民政局')).code).toBe(0);
  expect((await runJiuzhu(county, 'partners', 'add', 'nx-mzt', '--cert', file('province.pem'), '--sources', 'yibao,jinmin-roster')).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sealing and opening envelopes from the command line', () => {
  it('opens what the partner sealed, byte for byte, and the sm3 command agrees with openssl', async () => {
    const sealed = await runJiuzhu(province, 'envelope', 'seal', '--to', 'yongning', '--out', file('roll.env'), file('roll.csv'), '--json');
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(JSON.parse(sealed.stdout)).toMatchObject({ partner: 'yongning', format: 'gmt0010' });
    const opened = await runJiuzhu(county, 'envelope', 'open', '--out', file('roll.out.csv'), '--source', 'yibao', file('roll.env'), '--json');
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ sender: 'nx-mzt', format: 'gmt0010' });
    expect(readFileSync(file('roll.out.csv')).equals(readFileSync(file('roll.csv')))).toBe(true);
    const ours = (await runJiuzhu(county, 'sm3', file('roll.csv'))).stdout.split(' ')[0];
    expect(ours).toBe(execFileSync('openssl', ['dgst', '-sm3', '-r', file('roll.csv')]).toString().split(' ')[0]);
  });

  it('refuses to open the same envelope twice, writing nothing', async () => {
    const again = await runJiuzhu(county, 'envelope', 'open', '--out', file('again.csv'), file('roll.env'));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already received/);
    expect(existsSync(file('again.csv'))).toBe(false);
  });

  it('refuses a tampered envelope and one for a feed the sender may not use, leaving no file, not even a partial one', async () => {
    await runJiuzhu(province, 'envelope', 'seal', '--to', 'yongning', '--out', file('fresh.env'), file('roll.csv'));
    const tampered = readFileSync(file('fresh.env'));
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01;
    writeFileSync(file('tampered.env'), tampered);
    const refused = await runJiuzhu(county, 'envelope', 'open', '--out', file('tampered.csv'), file('tampered.env'));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/does not match its signed digest/);
    const forbidden = await runJiuzhu(county, 'envelope', 'open', '--out', file('forbidden.csv'), '--source', 'gongan-hukou', file('fresh.env'));
    expect(forbidden.code).not.toBe(0);
    expect(forbidden.stderr).toMatch(/may not upload to gongan-hukou/);
    expect(readdirSync(dir).filter((f) => f.includes('tampered.csv') || f.includes('forbidden.csv'))).toEqual([]);
  });

  it('says an empty file or a plain CSV is not an envelope, instead of blaming PGP keys (issue 10, finding 11)', async () => {
    writeFileSync(file('empty.p7m'), '');
    const empty = await runJiuzhu(county, 'envelope', 'open', '--out', file('empty.out'), file('empty.p7m'));
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/the file is empty: it is not an envelope/);
    const plain = await runJiuzhu(county, 'envelope', 'open', '--out', file('plain.out'), file('roll.csv'));
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/neither a GM\/T 0010 envelope \(DER\) nor an OpenPGP message/);
    expect(plain.stderr).not.toMatch(/pgp/);
    expect(existsSync(file('plain.out'))).toBe(false);
  });

  it('refuses an envelope from a party it has not registered', async () => {
    const stranger = gateway('stranger');
    await runJiuzhu(stranger, 'migrate');
    await runJiuzhu(stranger, 'keys', 'gen');
    await runJiuzhu(stranger, 'partners', 'add', 'yongning', '--cert', file('county.pem'));
    await runJiuzhu(stranger, 'envelope', 'seal', '--to', 'yongning', '--out', file('stranger.env'), file('roll.csv'));
    const refused = await runJiuzhu(county, 'envelope', 'open', '--out', file('stranger.csv'), file('stranger.env'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not a registered partner/);
  });

  it('exchanges OpenPGP messages with a partner set to pgp, such as a bank', async () => {
    for (const [name, env] of [['province', province], ['county', county]] as const) {
      const key = JSON.parse((await runJiuzhu(env, 'keys', 'gen', '--algorithm', 'pgp', '--json')).stdout);
      writeFileSync(file(`${name}.asc`), key.publicKey);
    }
    expect((await runJiuzhu(county, 'partners', 'add', 'bank', '--pgp-key', file('province.asc'), '--format', 'pgp')).code).toBe(0);
    expect((await runJiuzhu(province, 'partners', 'add', 'yongning-pgp', '--pgp-key', file('county.asc'), '--format', 'pgp')).code).toBe(0);
    const sealed = await runJiuzhu(county, 'envelope', 'seal', '--to', 'bank', '--out', file('roll.pgp'), file('roll.csv'), '--json');
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(JSON.parse(sealed.stdout).format).toBe('pgp');
    const opened = await runJiuzhu(province, 'envelope', 'open', '--out', file('roll.pgp.csv'), file('roll.pgp'), '--json');
    expect(opened.code, opened.stderr).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ sender: 'yongning-pgp', format: 'pgp' });
    expect(readFileSync(file('roll.pgp.csv')).equals(readFileSync(file('roll.csv')))).toBe(true);
  });

  it('lists our key pairs without their private keys, and exports the private key only when asked', async () => {
    const listed = JSON.parse((await runJiuzhu(county, 'keys', 'list', '--json')).stdout);
    expect(listed.keyPairs.map((k: { algorithm: string }) => k.algorithm).sort()).toEqual(['pgp', 'sm2']);
    expect(JSON.stringify(listed)).not.toMatch(/PRIVATE KEY/);
    const id = listed.keyPairs.find((k: { algorithm: string }) => k.algorithm === 'sm2').id;
    expect((await runJiuzhu(county, 'keys', 'export', id)).stdout).not.toMatch(/PRIVATE KEY/);
    expect((await runJiuzhu(county, 'keys', 'export', id, '--private')).stdout).toMatch(/BEGIN PRIVATE KEY/);
  });
});
