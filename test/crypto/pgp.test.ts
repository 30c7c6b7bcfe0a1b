import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PgpError,
  generatePgpKeyPair,
  pgpDecryptAndVerify,
  pgpEncryptAndSign,
  pgpEncryptAndSignStream,
  readPgpPublicKey,
  type PgpErrorCode,
  type PgpKeyPair,
} from '../../gateway/crypto/pgp.js';

const JIUZHU_PASSPHRASE = '永宁县民政局-测试口令';
const BANK_PASSPHRASE = 'bank test passphrase';

/** A payment roll (救助金发放名册) as the bank receives it: UTF-8 with a BOM and CRLF, so any text-mode rewriting shows. */
function paymentRoll(minimumBytes: number): Uint8Array {
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
  const givenNames = ['秀英', '桂兰', '建国', '志强', '玉梅', '德明', '春花', '海燕'];
  const towns = ['城关镇', '杨和镇', '望远镇', '李俊镇', '胜利乡', '闽宁镇'];
  const lines = ['\uFEFF序号,姓名,身份证号,开户行,银行账号,救助类别,金额(元),乡镇'];
  let bytes = 0;
  for (let row = 1; bytes < minimumBytes; row += 1) {
    const name = `${surnames[row % surnames.length]}${givenNames[row % givenNames.length]}`;
    const idNumber = `640121${1950 + (row % 60)}0${1 + (row % 9)}${String(10 + (row % 18)).padStart(2, '0')}${String(row % 1000).padStart(3, '0')}X`;
    const line = `${row},${name},${idNumber},黄河农村商业银行,6228${String(row).padStart(15, '0')},城市低保,${(620 + (row % 7) * 35).toFixed(2)},${towns[row % towns.length]}`;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 2;
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

const roll = paymentRoll(100 * 1024);

let jiuzhu: PgpKeyPair;
let bank: PgpKeyPair;
let stranger: PgpKeyPair;

beforeAll(async () => {
  [jiuzhu, bank, stranger] = await Promise.all([
    generatePgpKeyPair({ userId: '永宁县民政局 <mz@yongning.gov.cn>', passphrase: JIUZHU_PASSPHRASE }),
    generatePgpKeyPair({ userId: '黄河农村商业银行 (代发工资) <daifa@yellowriver-bank.example.cn>', passphrase: BANK_PASSPHRASE }),
    generatePgpKeyPair({ userId: 'Somebody Else <someone@example.org>', passphrase: 'stranger' }),
  ]);
});

/** Settles an attempt that must fail, and returns its PgpError for the caller to inspect. */
async function refusalOf(attempt: Promise<unknown>): Promise<PgpError> {
  const outcome = await attempt.then(
    (value) => ({ failed: false as const, value }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) throw new Error(`Expected a refusal, got a result: ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  expect(outcome.error).toBeInstanceOf(PgpError);
  return outcome.error as PgpError;
}

async function expectRefusal(attempt: Promise<unknown>, code: PgpErrorCode): Promise<PgpError> {
  const error = await refusalOf(attempt);
  expect(error.code, error.message).toBe(code);
  return error;
}

function rollForBank(content: Uint8Array = roll, armor = false): Promise<Uint8Array> {
  return pgpEncryptAndSign({
    content,
    recipientPublicKeysArmored: [bank.publicKeyArmored],
    signingPrivateKeyArmored: jiuzhu.privateKeyArmored,
    passphrase: JIUZHU_PASSPHRASE,
    armor,
  });
}

function bankOpens(message: Uint8Array | string, senderPublicKeysArmored = [jiuzhu.publicKeyArmored]) {
  return pgpDecryptAndVerify({ message, decryptionPrivateKeyArmored: bank.privateKeyArmored, passphrase: BANK_PASSPHRASE, senderPublicKeysArmored });
}

async function unlocked(pair: PgpKeyPair, passphrase: string): Promise<openpgp.PrivateKey> {
  return openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: pair.privateKeyArmored }), passphrase });
}

async function publicKeyOf(pair: PgpKeyPair): Promise<openpgp.PublicKey> {
  return openpgp.readKey({ armoredKey: pair.publicKeyArmored });
}

async function bytesOf(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

function chunked(bytes: Uint8Array, size: number): Readable {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return Readable.from(chunks);
}

describe('generatePgpKeyPair', () => {
  it('makes a Curve25519 v4 key whose private half is locked with the passphrase', async () => {
    expect(jiuzhu.keyId).toMatch(/^[0-9A-F]{16}$/);
    expect(jiuzhu.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(jiuzhu.fingerprint.endsWith(jiuzhu.keyId)).toBe(true);
    expect(jiuzhu.userId).toBe('永宁县民政局 <mz@yongning.gov.cn>');
    expect(bank.userId).toBe('黄河农村商业银行 (代发工资) <daifa@yellowriver-bank.example.cn>');
    expect(jiuzhu.publicKeyArmored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(jiuzhu.privateKeyArmored).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);

    const privateKey = await openpgp.readPrivateKey({ armoredKey: jiuzhu.privateKeyArmored });
    expect(privateKey.keyPacket.version).toBe(4);
    expect(privateKey.isDecrypted()).toBe(false);
    expect(privateKey.subkeys.map((subkey) => subkey.getAlgorithmInfo())).toEqual([{ algorithm: 'ecdh', curve: 'curve25519Legacy' }]);
    await expect(openpgp.decryptKey({ privateKey, passphrase: 'not it' })).rejects.toThrow(/passphrase/i);
  });

  it('refuses to make a key without a passphrase', async () => {
    await expectRefusal(generatePgpKeyPair({ userId: '永宁县民政局 <mz@yongning.gov.cn>', passphrase: '' }), 'bad-passphrase');
  });
});

describe('readPgpPublicKey', () => {
  it('describes a valid public key', async () => {
    expect(await readPgpPublicKey(jiuzhu.publicKeyArmored)).toEqual({
      keyId: jiuzhu.keyId,
      fingerprint: jiuzhu.fingerprint,
      userIds: ['永宁县民政局 <mz@yongning.gov.cn>'],
      expiresAt: null,
      algorithm: 'eddsaLegacy/ed25519Legacy',
    });
  });

  it('refuses garbage', async () => {
    await expectRefusal(readPgpPublicKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n'), 'bad-key');
    await expectRefusal(readPgpPublicKey('not a key at all'), 'bad-key');
  });

  it('refuses a private key offered as a public one', async () => {
    const error = await expectRefusal(readPgpPublicKey(bank.privateKeyArmored), 'bad-key');
    expect(error.message).toMatch(/private key/);
  });

  it('refuses an expired key', async () => {
    const { publicKey } = await openpgp.generateKey({
      userIDs: [{ name: 'Expired Bank', email: 'old@bank.example.cn' }],
      date: new Date(Date.now() - 3 * 86_400_000),
      keyExpirationTime: 86_400,
      format: 'armored',
    });
    await expectRefusal(readPgpPublicKey(publicKey), 'expired-key');
    await expectRefusal(
      pgpEncryptAndSign({ content: roll, recipientPublicKeysArmored: [publicKey], signingPrivateKeyArmored: jiuzhu.privateKeyArmored, passphrase: JIUZHU_PASSPHRASE }),
      'expired-key',
    );
  });

  it('refuses a revoked key', async () => {
    const generated = await openpgp.generateKey({ userIDs: [{ name: 'Revoked Bank', email: 'gone@bank.example.cn' }], format: 'armored' });
    const { publicKey } = await openpgp.revokeKey({
      key: await openpgp.readKey({ armoredKey: generated.publicKey }),
      revocationCertificate: generated.revocationCertificate,
      format: 'armored',
    });
    const error = await expectRefusal(readPgpPublicKey(publicKey), 'bad-key');
    expect(error.message).toMatch(/revoked/);
  });
});

describe('pgpEncryptAndSign and pgpDecryptAndVerify', () => {
  it('delivers the payment roll to the bank byte for byte, signed by jiuzhu', async () => {
    expect(roll.length).toBeGreaterThan(100 * 1024);
    const before = Date.now();
    const message = await rollForBank();
    expect(Buffer.from(message).includes(Buffer.from('城市低保'))).toBe(false);

    const opened = await bankOpens(message);
    expect(Buffer.from(opened.content).equals(Buffer.from(roll))).toBe(true);
    expect(opened.signedBy).toBe(jiuzhu.keyId);
    expect(Date.parse(opened.signedAt ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });

  it('armors on request, and reads armored messages as text or as the bytes of a file', async () => {
    const message = await rollForBank(roll, true);
    const text = new TextDecoder().decode(message);
    expect(text).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect(Buffer.from((await bankOpens(text)).content).equals(Buffer.from(roll))).toBe(true);
    expect(Buffer.from((await bankOpens(message)).content).equals(Buffer.from(roll))).toBe(true);
  });

  it('encrypts a Node stream as it is read, into the same message the bank can open', async () => {
    const options = { recipientPublicKeysArmored: [bank.publicKeyArmored], signingPrivateKeyArmored: jiuzhu.privateKeyArmored, passphrase: JIUZHU_PASSPHRASE };
    const streamed = await pgpEncryptAndSignStream({ ...options, content: chunked(roll, 4096) });
    expect(streamed).toBeInstanceOf(Readable);
    const fromStream = await bankOpens(await bytesOf(streamed));
    expect(Buffer.from(fromStream.content).equals(Buffer.from(roll))).toBe(true);
    expect(fromStream.signedBy).toBe(jiuzhu.keyId);

    const collected = await pgpEncryptAndSign({ ...options, content: chunked(roll, 1000) });
    expect(Buffer.from((await bankOpens(collected)).content).equals(Buffer.from(roll))).toBe(true);
  });

  it('passes a failure of the content stream on to the encrypted stream', async () => {
    async function* failingRoll(): AsyncGenerator<Uint8Array> {
      yield roll.subarray(0, 5000);
      throw new Error('cursor lost');
    }
    const streamed = await pgpEncryptAndSignStream({
      content: Readable.from(failingRoll()),
      recipientPublicKeysArmored: [bank.publicKeyArmored],
      signingPrivateKeyArmored: jiuzhu.privateKeyArmored,
      passphrase: JIUZHU_PASSPHRASE,
    });
    await expect(bytesOf(streamed)).rejects.toThrow(/cursor lost/);
  });

  it('encrypts to several recipients, each of whom can open it', async () => {
    const message = await pgpEncryptAndSign({
      content: roll,
      recipientPublicKeysArmored: [bank.publicKeyArmored, jiuzhu.publicKeyArmored],
      signingPrivateKeyArmored: jiuzhu.privateKeyArmored,
      passphrase: JIUZHU_PASSPHRASE,
    });
    expect((await bankOpens(message)).signedBy).toBe(jiuzhu.keyId);
    const ownCopy = await pgpDecryptAndVerify({
      message,
      decryptionPrivateKeyArmored: jiuzhu.privateKeyArmored,
      passphrase: JIUZHU_PASSPHRASE,
      senderPublicKeysArmored: [jiuzhu.publicKeyArmored],
    });
    expect(Buffer.from(ownCopy.content).equals(Buffer.from(roll))).toBe(true);
  });
});

describe('pgpDecryptAndVerify refuses', () => {
  let message: Uint8Array;
  beforeAll(async () => {
    message = await rollForBank();
  });

  it('a message encrypted to somebody else', async () => {
    await expectRefusal(
      pgpDecryptAndVerify({ message, decryptionPrivateKeyArmored: stranger.privateKeyArmored, passphrase: 'stranger', senderPublicKeysArmored: [jiuzhu.publicKeyArmored] }),
      'not-for-us',
    );
  });

  it('a wrong passphrase for our private key', async () => {
    await expectRefusal(
      pgpDecryptAndVerify({ message, decryptionPrivateKeyArmored: bank.privateKeyArmored, passphrase: 'wrong', senderPublicKeysArmored: [jiuzhu.publicKeyArmored] }),
      'bad-passphrase',
    );
  });

  it('a message signed by a key that is not among the senders', async () => {
    await expectRefusal(bankOpens(message, [stranger.publicKeyArmored]), 'unknown-signer');
  });

  it('a message carrying a second signature from a key it does not know, though openpgp alone would accept one good signature', async () => {
    const twiceSigned = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: roll }),
      encryptionKeys: await publicKeyOf(bank),
      signingKeys: [await unlocked(jiuzhu, JIUZHU_PASSPHRASE), await unlocked(stranger, 'stranger')],
      format: 'binary',
    });
    await expectRefusal(bankOpens(twiceSigned as Uint8Array), 'unknown-signer');
  });

  it('a message that is encrypted but not signed', async () => {
    const unsigned = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: roll }), encryptionKeys: await publicKeyOf(bank), format: 'binary' });
    await expectRefusal(bankOpens(unsigned as Uint8Array), 'unsigned');
  });

  it('a message whose signature does not match its content', async () => {
    const forgedRoll = Buffer.from(roll);
    const amount = forgedRoll.indexOf(Buffer.from('城市低保,655.00'));
    expect(amount).toBeGreaterThan(0);
    forgedRoll.write('城市低保,955.00', amount);
    const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: roll }), signingKeys: await unlocked(jiuzhu, JIUZHU_PASSPHRASE), detached: true, format: 'object' });
    const sealedWithSignature = async (content: Uint8Array): Promise<Uint8Array> => {
      const message = await openpgp.createMessage({ binary: content });
      message.packets.unshift(...signature.packets);
      return (await openpgp.encrypt({ message, encryptionKeys: await publicKeyOf(bank), format: 'binary' })) as Uint8Array;
    };

    expect((await bankOpens(await sealedWithSignature(roll))).signedBy).toBe(jiuzhu.keyId);
    await expectRefusal(bankOpens(await sealedWithSignature(new Uint8Array(forgedRoll))), 'bad-signature');
  });

  it('a message with one byte flipped in the middle of its ciphertext, returning no content', async () => {
    const tampered = message.slice();
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = (tampered[middle] ?? 0) ^ 0x01;
    const error = await refusalOf(bankOpens(tampered));
    expect(['bad-signature', 'malformed']).toContain(error.code);
  });

  it('a message using unauthenticated encryption (SED), which openpgp would decrypt if allowed', async () => {
    const bankKey = await publicKeyOf(bank);
    const sessionKey = await openpgp.generateSessionKey({ encryptionKeys: bankKey });
    const keyPacket = await openpgp.encryptSessionKey({ ...sessionKey, encryptionKeys: bankKey, format: 'binary' });
    const signed = await openpgp.sign({ message: await openpgp.createMessage({ binary: roll }), signingKeys: await unlocked(jiuzhu, JIUZHU_PASSPHRASE), format: 'object' });
    const sed = new openpgp.SymmetricallyEncryptedDataPacket() as unknown as {
      packets: openpgp.PacketList<openpgp.AnyPacket>;
      encrypt(algorithm: openpgp.enums.symmetric, key: Uint8Array, config: openpgp.Config): Promise<void>;
    };
    sed.packets = signed.packets;
    await sed.encrypt(openpgp.enums.symmetric.aes256, sessionKey.data, { ...openpgp.config, allowUnauthenticatedMessages: true });
    const packets = new openpgp.PacketList<openpgp.AnyPacket>();
    packets.push(sed as unknown as openpgp.AnyPacket);
    const unauthenticated = new Uint8Array([...keyPacket, ...packets.write()]);

    const error = await expectRefusal(bankOpens(unauthenticated), 'malformed');
    expect(error.message).toMatch(/unauthenticated/);
  });

  it('a compressed message that would inflate beyond the content limit', async () => {
    const bomb = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new Uint8Array(4 * 1024 * 1024) }),
      encryptionKeys: await publicKeyOf(bank),
      signingKeys: await unlocked(jiuzhu, JIUZHU_PASSPHRASE),
      format: 'binary',
      config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
    });
    expect((bomb as Uint8Array).length).toBeLessThan(64 * 1024);
    await expectRefusal(
      pgpDecryptAndVerify({
        message: bomb as Uint8Array,
        decryptionPrivateKeyArmored: bank.privateKeyArmored,
        passphrase: BANK_PASSPHRASE,
        senderPublicKeysArmored: [jiuzhu.publicKeyArmored],
        maxContentBytes: 1024 * 1024,
      }),
      'malformed',
    );
  });

  it('garbage', async () => {
    await expectRefusal(bankOpens(new TextEncoder().encode('序号,姓名\r\n1,王秀英\r\n')), 'malformed');
    await expectRefusal(bankOpens(new Uint8Array([0xc1, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05])), 'malformed');
    await expectRefusal(bankOpens('-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n'), 'malformed');
  });

  it('a signed message that was never encrypted', async () => {
    const signedOnly = await openpgp.sign({ message: await openpgp.createMessage({ binary: roll }), signingKeys: await unlocked(jiuzhu, JIUZHU_PASSPHRASE), format: 'binary' });
    await expectRefusal(bankOpens(signedOnly as Uint8Array), 'malformed');
  });

  it('a public key given where our private key is needed', async () => {
    const error = await expectRefusal(
      pgpDecryptAndVerify({ message, decryptionPrivateKeyArmored: bank.publicKeyArmored, passphrase: BANK_PASSPHRASE, senderPublicKeysArmored: [jiuzhu.publicKeyArmored] }),
      'bad-key',
    );
    expect(error.message).toMatch(/public key/);
  });

  it('an empty list of senders, since then no signature could be trusted', async () => {
    await expectRefusal(bankOpens(message, []), 'unknown-signer');
  });
});

describe('pgpEncryptAndSign refuses', () => {
  it('a wrong passphrase for our signing key', async () => {
    await expectRefusal(
      pgpEncryptAndSign({ content: roll, recipientPublicKeysArmored: [bank.publicKeyArmored], signingPrivateKeyArmored: jiuzhu.privateKeyArmored, passphrase: 'wrong' }),
      'bad-passphrase',
    );
  });

  it('a private key given as a recipient', async () => {
    await expectRefusal(
      pgpEncryptAndSign({ content: roll, recipientPublicKeysArmored: [bank.privateKeyArmored], signingPrivateKeyArmored: jiuzhu.privateKeyArmored, passphrase: JIUZHU_PASSPHRASE }),
      'bad-key',
    );
  });

  it('a private key that is not protected by a passphrase', async () => {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ name: 'Bare', email: 'bare@example.org' }], format: 'armored' });
    await expectRefusal(
      pgpEncryptAndSign({ content: roll, recipientPublicKeysArmored: [bank.publicKeyArmored], signingPrivateKeyArmored: privateKey, passphrase: 'anything' }),
      'bad-key',
    );
  });
});

const gpgInstalled = spawnSync('gpg', ['--version']).status === 0;
if (!gpgInstalled) console.warn('GnuPG interop tests skipped: `gpg` is not installed (apt-get install -y gnupg).');

describe.skipIf(!gpgInstalled)('interop with GnuPG', () => {
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'jiuzhu-gpg-'));
  });

  afterAll(async () => {
    spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
    await rm(home, { recursive: true, force: true });
  });

  function gpg(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'gpg',
        ['--batch', '--yes', '--no-tty', '--pinentry-mode', 'loopback', '--trust-model', 'always', ...args],
        { env: { ...process.env, GNUPGHOME: home }, maxBuffer: 64 << 20 },
        (error, stdout, stderr) => (error ? reject(new Error(`gpg ${args.join(' ')} failed: ${stderr}`)) : resolve({ stdout, stderr })),
      );
      // gpg may finish without reading stdin (e.g. with --import FILE); the write then fails with EPIPE, which
      // is not a test failure: gpg's exit status, handled above, is what counts.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input ?? '');
    });
  }

  async function gpgImport(armored: string, passphrase?: string): Promise<void> {
    const file = join(home, `import-${Math.random().toString(36).slice(2)}.asc`);
    await writeFile(file, armored);
    await gpg([...(passphrase ? ['--passphrase', passphrase] : []), '--import', file]);
  }

  /** gpg signs as the bank, encrypts to jiuzhu; we open it. Then the reverse, checked from gpg's status lines. */
  async function exchange(options: { bankKeyId: string; bankFingerprint: string; bankPublicKeyArmored: string; bankPassphrase: string }): Promise<void> {
    const plain = join(home, 'roll.csv');
    const fromGpg = join(home, 'from-gpg.gpg');
    await writeFile(plain, roll);
    await gpg(['--passphrase', options.bankPassphrase, '--local-user', options.bankFingerprint, '--recipient', jiuzhu.fingerprint, '--encrypt', '--sign', '--output', fromGpg, plain]);
    const opened = await pgpDecryptAndVerify({
      message: new Uint8Array(await readFile(fromGpg)),
      decryptionPrivateKeyArmored: jiuzhu.privateKeyArmored,
      passphrase: JIUZHU_PASSPHRASE,
      senderPublicKeysArmored: [options.bankPublicKeyArmored],
    });
    expect(Buffer.from(opened.content).equals(Buffer.from(roll))).toBe(true);
    expect(opened.signedBy).toBe(options.bankKeyId);

    const fromUs = join(home, 'from-jiuzhu.gpg');
    const decrypted = join(home, 'decrypted.csv');
    await writeFile(
      fromUs,
      await pgpEncryptAndSign({
        content: roll,
        recipientPublicKeysArmored: [options.bankPublicKeyArmored],
        signingPrivateKeyArmored: jiuzhu.privateKeyArmored,
        passphrase: JIUZHU_PASSPHRASE,
      }),
    );
    const { stdout: status } = await gpg(['--passphrase', options.bankPassphrase, '--status-fd', '1', '--output', decrypted, '--decrypt', fromUs]);
    expect(status).toContain('[GNUPG:] DECRYPTION_OKAY');
    expect(status).toContain(`[GNUPG:] GOODSIG ${jiuzhu.keyId}`);
    expect(status).toContain(`[GNUPG:] VALIDSIG ${jiuzhu.fingerprint}`);
    expect(status).not.toMatch(/BADMDC|DECRYPTION_FAILED|BADSIG/);
    expect((await readFile(decrypted)).equals(Buffer.from(roll))).toBe(true);
  }

  it('exchanges signed, encrypted rolls both ways with GnuPG using keys made here', async () => {
    await gpgImport(jiuzhu.publicKeyArmored);
    await gpgImport(bank.privateKeyArmored, BANK_PASSPHRASE);
    await exchange({ bankKeyId: bank.keyId, bankFingerprint: bank.fingerprint, bankPublicKeyArmored: bank.publicKeyArmored, bankPassphrase: BANK_PASSPHRASE });
  });

  it('reads an RSA key made by GnuPG, as a bank would send it, and exchanges rolls both ways with it', async () => {
    await gpgImport(jiuzhu.publicKeyArmored);
    const parameters = join(home, 'bank-key.params');
    await writeFile(
      parameters,
      [
        'Key-Type: RSA', 'Key-Length: 3072', 'Key-Usage: sign',
        'Subkey-Type: RSA', 'Subkey-Length: 3072', 'Subkey-Usage: encrypt',
        'Name-Real: 黄河农村商业银行', 'Name-Email: pgp@yellowriver-bank.example.cn',
        'Expire-Date: 0', 'Passphrase: gpg bank passphrase', '%commit', '',
      ].join('\n'),
    );
    await gpg(['--gen-key', parameters]);
    const { stdout: bankPublicKeyArmored } = await gpg(['--armor', '--export', 'pgp@yellowriver-bank.example.cn']);
    const { stdout: listing } = await gpg(['--with-colons', '--fingerprint', 'pgp@yellowriver-bank.example.cn']);
    const bankFingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? '';

    const described = await readPgpPublicKey(bankPublicKeyArmored);
    expect(described).toMatchObject({
      fingerprint: bankFingerprint,
      keyId: bankFingerprint.slice(-16),
      userIds: ['黄河农村商业银行 <pgp@yellowriver-bank.example.cn>'],
      expiresAt: null,
      algorithm: 'rsaEncryptSign/3072',
    });
    await exchange({ bankKeyId: described.keyId, bankFingerprint, bankPublicKeyArmored, bankPassphrase: 'gpg bank passphrase' });
  });
});
