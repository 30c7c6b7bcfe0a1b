import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJiuzhu, type CliResult } from '../helpers/cli.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

/**
 * `jiuzhu sm3 -`, `sign`, `verify` and `keys import` of an encrypted key, each checked against the openssl command
 * (OpenSSL 3.0 here) as the other side — what a partner's IT staff would use to check our files, or to make theirs.
 */
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-signature-cli-'));
const file = (name: string) => join(dir, name);
const env = { JIUZHU_DB: file('store.db'), JIUZHU_MASTER_KEY_FILE: file('master.key') };
const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));
const gmt0009Id = ['-pkeyopt', 'distid:1234567812345678'];
let openssl: OpensslWorkdir;

/** `jiuzhu …` with bytes on its standard input. */
function jiuzhuWithInput(input: Uint8Array, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '', ...env } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
    child.stdin.end(input);
  });
}

const opensslVerify = (publicKey: string, message: string, signature: string, id: string[] = gmt0009Id) =>
  openssl.run(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', publicKey, ...id, '-in', message, '-sigfile', signature]);

beforeAll(async () => {
  openssl = await createOpensslWorkdir();
  await openssl.ok(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'key.pem']);
  await openssl.ok(['pkey', '-in', 'key.pem', '-pubout', '-out', 'pub.pem']);
  // Past the 1 MiB chunk the files are read in, and not a multiple of it.
  writeFileSync(file('roll.bin'), randomBytes(3 * (1 << 20) + 17));
  expect((await runJiuzhu(env, 'migrate')).code).toBe(0);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await openssl.remove();
});

describe('jiuzhu sm3', () => {
  it('hashes standard input given as -, as openssl dgst -sm3 does, and files as before', async () => {
    const bytes = readFileSync(file('roll.bin'));
    const expected = (await openssl.ok(['dgst', '-sm3', '-r', file('roll.bin')])).toString().split(' ')[0];
    const piped = await jiuzhuWithInput(bytes, 'sm3', '-');
    expect(piped).toEqual({ code: 0, stdout: `${expected}  -\n`, stderr: '' });
    const named = await runJiuzhu(env, 'sm3', file('roll.bin'), '--json');
    expect(JSON.parse(named.stdout)).toEqual({ file: file('roll.bin'), sm3: expected });
    expect((await jiuzhuWithInput(Buffer.alloc(0), 'sm3', '-')).stdout).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b  -\n');
  });
});

describe('jiuzhu sign and verify, against openssl', () => {
  it('signs a file that openssl verifies with the GM/T 0009 default ID — and that OpenSSL 3.0 without distid does not (it hashes an empty ID)', async () => {
    const signed = await runJiuzhu(env, 'sign', file('roll.bin'), '--out', file('roll.sig'), '--key', openssl.path('key.pem'));
    expect(signed.code, signed.stderr).toBe(0);
    expect(await opensslVerify('pub.pem', file('roll.bin'), file('roll.sig'))).toMatchObject({ status: 0 });
    expect(await opensslVerify('pub.pem', file('roll.bin'), file('roll.sig'), [])).toMatchObject({ status: 1 });
  });

  it('verifies what openssl signed, exit 0, and says which key', async () => {
    await openssl.ok(['pkeyutl', '-sign', '-rawin', '-digest', 'sm3', '-inkey', 'key.pem', ...gmt0009Id, '-in', file('roll.bin'), '-out', 'openssl.sig']);
    const text = await runJiuzhu(env, 'verify', file('roll.bin'), openssl.path('openssl.sig'), '--public-key', openssl.path('pub.pem'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^good signature: .*roll\.bin is signed by .*pub\.pem \(key [0-9a-f]{16}\)\n$/);
    const json = await runJiuzhu(env, 'verify', file('roll.bin'), openssl.path('openssl.sig'), '--public-key', openssl.path('pub.pem'), '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, key: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('fails a tampered file on both sides: jiuzhu exits 1 with a sentence, openssl refuses', async () => {
    const tampered = readFileSync(file('roll.bin'));
    tampered[2_000_000]! ^= 0x01;
    writeFileSync(file('tampered.bin'), tampered);
    for (const signature of [file('roll.sig'), openssl.path('openssl.sig')]) {
      const result = await runJiuzhu(env, 'verify', file('tampered.bin'), signature, '--public-key', openssl.path('pub.pem'));
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^BAD signature: .* the file was changed, or someone else signed it\n$/);
      expect(await opensslVerify('pub.pem', file('tampered.bin'), signature)).toMatchObject({ status: 1 });
    }
    const json = await runJiuzhu(env, 'verify', file('tampered.bin'), file('roll.sig'), '--public-key', openssl.path('pub.pem'), '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, key: null });
  });

  it('signs standard input as it signs the same bytes in a file', async () => {
    expect((await jiuzhuWithInput(readFileSync(file('roll.bin')), 'sign', '-', '--out', file('stdin.sig'), '--key', openssl.path('key.pem'))).code).toBe(0);
    expect(await opensslVerify('pub.pem', file('roll.bin'), file('stdin.sig'))).toMatchObject({ status: 0 });
  });

  it('takes a distinguishing ID other than the default when both sides agree on it', async () => {
    expect((await runJiuzhu(env, 'sign', file('roll.bin'), '--out', file('alice.sig'), '--key', openssl.path('key.pem'), '--distid', 'alice@example.gov.cn')).code).toBe(0);
    expect(await opensslVerify('pub.pem', file('roll.bin'), file('alice.sig'), ['-pkeyopt', 'distid:alice@example.gov.cn'])).toMatchObject({ status: 0 });
    expect((await runJiuzhu(env, 'verify', file('roll.bin'), file('alice.sig'), '--public-key', openssl.path('pub.pem'))).code).toBe(1);
  });

  it('signs with our active key pair, audited, and verifies it --from a partner registered with its certificate', async () => {
    const generated = JSON.parse((await runJiuzhu(env, 'keys', 'gen', '--json')).stdout);
    writeFileSync(file('own.crt'), generated.certificate);
    writeFileSync(file('own.pub'), generated.publicKey);
    const signed = await runJiuzhu(env, 'sign', file('roll.bin'), '--out', file('own.sig'), '--json');
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ key: generated.id, fingerprint: generated.fingerprint });
    expect(await opensslVerify(file('own.pub'), file('roll.bin'), file('own.sig'))).toMatchObject({ status: 0 });
    expect((await runJiuzhu(env, 'partners', 'add', 'self', '--cert', file('own.crt'))).code).toBe(0);
    const verified = await runJiuzhu(env, 'verify', file('roll.bin'), file('own.sig'), '--from', 'self');
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`signed by partner self (key ${generated.fingerprint})`);
    expect((await runJiuzhu(env, 'verify', file('tampered.bin'), file('own.sig'), '--from', 'self')).code).toBe(1);
  });

  it('refuses verify without saying whose signature to expect, with exit status 2', async () => {
    const result = await runJiuzhu(env, 'verify', file('roll.bin'), file('roll.sig'));
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('--from PARTNER or --public-key FILE');
  });
});

describe('jiuzhu keys import of an encrypted PKCS#8 key', () => {
  beforeAll(async () => {
    await openssl.ok(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', 'ca-issued.pem']);
    await openssl.ok(['pkey', '-in', 'ca-issued.pem', '-pubout', '-out', 'ca-issued.pub']);
    await openssl.ok(['pkey', '-in', 'ca-issued.pem', '-aes256', '-passout', 'pass:县民政局 2026', '-out', 'encrypted.pem']);
    await openssl.ok(['pkcs8', '-topk8', '-in', 'ca-issued.pem', '-v2', 'sm4-cbc', '-passout', 'pass:县民政局 2026', '-out', 'sm4.pem']);
    writeFileSync(file('passphrase.txt'), '县民政局 2026\nsecond line ignored\n');
    writeFileSync(file('wrong.txt'), '县民政局 2025\n');
  });

  it('refuses a wrong passphrase with the key exit status and adds no key', async () => {
    const before = JSON.parse((await runJiuzhu(env, 'keys', 'list', '--json')).stdout).keyPairs.length;
    const result = await runJiuzhu(env, 'keys', 'import', '--private-key', openssl.path('encrypted.pem'), '--passphrase-file', file('wrong.txt'));
    expect(result).toMatchObject({ code: 4, stdout: '' });
    expect(result.stderr).toBe('jiuzhu: [crypto] the passphrase does not open the private key (or the key file is damaged)\n');
    expect(JSON.parse((await runJiuzhu(env, 'keys', 'list', '--json')).stdout).keyPairs).toHaveLength(before);
  });

  it('asks for --passphrase-file when standard input is no terminal', async () => {
    const result = await runJiuzhu(env, 'keys', 'import', '--private-key', openssl.path('encrypted.pem'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is encrypted: give its passphrase with --passphrase-file FILE');
  });

  it('imports it with the passphrase’s first line; the imported key is the one openssl made, and signs what openssl verifies', async () => {
    const imported = await runJiuzhu(env, 'keys', 'import', '--private-key', openssl.path('encrypted.pem'), '--passphrase-file', file('passphrase.txt'), '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const key = JSON.parse(imported.stdout);
    expect(key.publicKey).toBe(readFileSync(openssl.path('ca-issued.pub'), 'utf8'));
    expect((await runJiuzhu(env, 'sign', file('roll.bin'), '--out', file('imported.sig'))).code).toBe(0);
    expect(await opensslVerify('ca-issued.pub', file('roll.bin'), file('imported.sig'))).toMatchObject({ status: 0 });
  });

  it('signs with an encrypted --key, PBES2 with SM4-CBC as well as AES-256-CBC', async () => {
    for (const keyFile of ['encrypted.pem', 'sm4.pem']) {
      const result = await runJiuzhu(env, 'sign', file('roll.bin'), '--out', file('encrypted-key.sig'), '--key', openssl.path(keyFile), '--passphrase-file', file('passphrase.txt'));
      expect({ keyFile, code: result.code }).toEqual({ keyFile, code: 0 });
      expect(await opensslVerify('ca-issued.pub', file('roll.bin'), file('encrypted-key.sig'))).toMatchObject({ status: 0 });
    }
  });
});
