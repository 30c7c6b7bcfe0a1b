import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from 'vitest';
import { bufferSource, fileSource, type ByteSource } from '../../gateway/crypto/byte-source.js';
import {
  openEnvelope, openEnvelopeBuffer, sealEnvelope, sealEnvelopeBuffer, type ChunkSink, type EnvelopeHeader, type OpenOptions, type SealOptions,
} from '../../gateway/crypto/envelope.js';
import { EnvelopeError, type EnvelopeRefusal } from '../../gateway/crypto/envelope-errors.js';
import { encodeSignedAttributes, issuerAndSerialNumber, keyIdentity } from '../../gateway/crypto/envelope-parts.js';
import { gmt0010, jiuzhuAttributes } from '../../gateway/crypto/gmt0010.js';
import { threadFromBytes } from '../../gateway/crypto/sm3-thread.js';
import {
  createEnvelopeParty, envelopeLayout, parseDerTree, resignEnvelope, signedAttributesAsSigned, type EnvelopeParty,
} from '../helpers/envelope-parties.js';
import { createOpensslWorkdir, type OpensslWorkdir } from '../helpers/openssl.js';

/** The parties: a civil-affairs department sending to a county gateway, each with a current and a retired key. */
let sender: EnvelopeParty;
let senderOld: EnvelopeParty;
let us: EnvelopeParty;
let usOld: EnvelopeParty;
let neighbour: EnvelopeParty;

const signingTime = new Date('2026-06-30T08:15:42Z');

beforeAll(() => {
  sender = createEnvelopeParty('宁夏回族自治区民政厅');
  senderOld = createEnvelopeParty(sender.id);
  us = createEnvelopeParty('jiuzhu-640121');
  usOld = createEnvelopeParty(us.id);
  neighbour = createEnvelopeParty('jiuzhu-640122');
});

/** Compares large buffers as base64: vitest's deep equality walks a large Buffer byte by byte. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(actual.toString('base64')).toBe(expected.toString('base64'));
}

/** A 低保 roster as a department exports it: UTF-8 CSV with Chinese headers, names, towns and categories. */
function chineseCsv(minimumBytes: number): Buffer {
  const names = ['张伟', '王芳', '李娜', '刘洋', '陈静', '马小军', '杨秀英', '海荣'];
  const kinds = ['城乡低保', '特困供养', '低保边缘家庭', '临时救助'];
  const towns = ['闽宁镇', '望远镇', '杨和镇', '李俊镇'];
  const lines = ['序号,姓名,身份证号,救助类别,月救助金额（元）,所属乡镇,备注'];
  let size = Buffer.byteLength(lines[0]!);
  for (let i = 1; size < minimumBytes; i++) {
    const line = `${i},${names[i % names.length]},640121${19500101 + (i % 500000)}${String(i % 1000).padStart(3, '0')}X,${kinds[i % kinds.length]},${(i % 900) + 100}.00,${towns[i % towns.length]},"家庭成员${i % 6}人，含""残疾""人员"`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

function sealOptions(overrides: Partial<SealOptions> = {}): SealOptions {
  return { sender: sender.sender, recipient: us.recipient, signingTime, ...overrides };
}

type Spied = OpenOptions & { accept: Mock<OpenOptions['accept']>; senderKeys: Mock<OpenOptions['senderKeys']> };

/** Opening as `us`, who knows `sender` by its current key and accepts every fresh envelope. */
function openOptions(overrides: Partial<Spied> = {}): Spied {
  return {
    ourId: us.id,
    recipientKeys: [us.recipientKey],
    senderKeys: vi.fn(async (senderId: string) => (senderId === sender.id ? [sender.publicKey] : [])),
    accept: vi.fn(async (_header: EnvelopeHeader) => {}),
    ...overrides,
  };
}

/** A sink that only counts what reaches it. */
function countingSink(): ChunkSink & { bytes: number } {
  const sink = Object.assign((chunk: Buffer) => {
    sink.bytes += chunk.length;
  }, { bytes: 0 });
  return sink;
}

const refusalsFromAccept: readonly EnvelopeRefusal[] = ['stale', 'replayed', 'forbidden-source'];

/**
 * Opens `envelope` and expects the refusal — and, whatever the refusal, that not one byte reached the sink, and
 * that accept() (freshness, replay, permission) never saw an envelope refused before it.
 */
async function expectRefused(envelope: Buffer, refusal: EnvelopeRefusal, options: Spied = openOptions()): Promise<EnvelopeError> {
  const sink = countingSink();
  const error: unknown = await openEnvelope(bufferSource(envelope), sink, options).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).refusal).toBe(refusal);
  expect(sink.bytes).toBe(0);
  if (!refusalsFromAccept.includes(refusal)) expect(options.accept).not.toHaveBeenCalled();
  return error as EnvelopeError;
}

function flipped(envelope: Buffer, position: number, mask = 0x01): Buffer {
  const copy = Buffer.from(envelope);
  copy[position]! ^= mask;
  return copy;
}

describe('sealing and opening a GM/T 0010 envelope', () => {
  it('opens a 1 MB Chinese CSV sealed by the department for us to the same bytes, with the header as sealed', async () => {
    const csv = chineseCsv(1 << 20);
    const nonce = randomBytes(16);
    const envelope = await sealEnvelopeBuffer(csv, sealOptions({ nonce }));
    const options = openOptions();
    const { header, content } = await openEnvelopeBuffer(envelope, options);

    expectSameBytes(content, csv);
    expect(content.toString('utf8').split('\n')[0]).toBe('序号,姓名,身份证号,救助类别,月救助金额（元）,所属乡镇,备注');
    expect(header.senderId).toBe('宁夏回族自治区民政厅');
    expect(header.recipientId).toBe('jiuzhu-640121');
    expect(header.signingTime.toISOString()).toBe(signingTime.toISOString());
    expect(header.nonce.toString('hex')).toBe(nonce.toString('hex'));
    expect(header.contentType).toBe(gmt0010.envelopedData);
    expect(header.ciphertextLength).toBe((Math.floor(csv.length / 16) + 1) * 16);
    expect(header.senderCertificateDer?.toString('hex')).toBe(sender.certificate.der.toString('hex'));
    expect(options.senderKeys).toHaveBeenCalledWith('宁夏回族自治区民政厅');
    expect(options.accept).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['empty content', Buffer.alloc(0)],
    ['content of exactly one SM4 block (16 bytes)', Buffer.from('低保金额:680.00元')],
    ['content of 15 bytes', Buffer.from('临时救助:500元')],
  ])('opens %s to the same bytes', async (_what, content) => {
    const envelope = await sealEnvelopeBuffer(content, sealOptions());
    const opened = await openEnvelopeBuffer(envelope, openOptions());
    expect(opened.content.toString('hex')).toBe(content.toString('hex'));
    // PKCS#7 padding always adds at least one byte, so a whole block of content gains a whole block of padding.
    expect(opened.header.ciphertextLength).toBe((Math.floor(content.length / 16) + 1) * 16);
  });

  it('opens any content of up to 100 bytes to the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100 }), async (bytes) => {
        const content = Buffer.from(bytes);
        const opened = await openEnvelopeBuffer(await sealEnvelopeBuffer(content, sealOptions()), openOptions());
        expect(opened.content.toString('hex')).toBe(content.toString('hex'));
      }),
      { numRuns: 25 },
    );
  });

  it('reports the number of bytes it wrote and the attributes it signed', async () => {
    const chunks: Buffer[] = [];
    const sealed = await sealEnvelope(bufferSource(Buffer.from('姓名,金额\n张伟,680\n')), (chunk) => void chunks.push(Buffer.from(chunk)), sealOptions());
    const envelope = Buffer.concat(chunks);
    expect(sealed.bytes).toBe(envelope.length);
    const { header } = await openEnvelopeBuffer(envelope, openOptions());
    expect(sealed.attributes.messageDigest.toString('hex')).toBe(header.messageDigest.toString('hex'));
    expect(sealed.attributes.nonce.toString('hex')).toBe(header.nonce.toString('hex'));
  });

  it('signs a fresh 16-byte nonce into every envelope', async () => {
    const content = Buffer.from('同一份名单');
    const first = await openEnvelopeBuffer(await sealEnvelopeBuffer(content, sealOptions()), openOptions());
    const second = await openEnvelopeBuffer(await sealEnvelopeBuffer(content, sealOptions()), openOptions());
    expect(first.header.nonce.length).toBe(16);
    expect(first.header.nonce.equals(second.header.nonce)).toBe(false);
  });

  it('signs the time of sealing when no signing time is given', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const envelope = await sealEnvelopeBuffer(Buffer.from('x'), { sender: sender.sender, recipient: us.recipient });
    const after = Date.now();
    const { header } = await openEnvelopeBuffer(envelope, openOptions());
    expect(header.signingTime.getTime()).toBeGreaterThanOrEqual(before);
    expect(header.signingTime.getTime()).toBeLessThanOrEqual(after);
  });

  // signingTime is UTCTime for 1950–2049 and GeneralizedTime from 2050 on (RFC 5652 §11.3).
  it.each(['2026-06-30T08:15:42.000Z', '1999-12-31T23:59:59.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2063-05-01T12:00:00.000Z'])(
    'reports a signing time of %s as sealed',
    async (instant) => {
      const envelope = await sealEnvelopeBuffer(Buffer.from('x'), sealOptions({ signingTime: new Date(instant) }));
      const { header } = await openEnvelopeBuffer(envelope, openOptions());
      expect(header.signingTime.toISOString()).toBe(instant);
    },
  );

  it("names sender and recipient by their certificates' issuer and serial number", async () => {
    const envelope = await sealEnvelopeBuffer(Buffer.from('x'), sealOptions());
    const layout = envelopeLayout(envelope);
    const [recipientIssuer, recipientSerial] = layout.recipientIdentifier.children;
    expect(envelope.subarray(recipientIssuer!.start, recipientIssuer!.end).toString('hex')).toBe(us.certificate.issuerDer.toString('hex'));
    expect(envelope.subarray(recipientSerial!.valueStart, recipientSerial!.end).toString('hex')).toBe(us.certificate.serialNumberDer.toString('hex'));
    const [senderIssuer, senderSerial] = layout.signerIdentifier.children;
    expect(envelope.subarray(senderIssuer!.start, senderIssuer!.end).toString('hex')).toBe(sender.certificate.issuerDer.toString('hex'));
    expect(envelope.subarray(senderSerial!.valueStart, senderSerial!.end).toString('hex')).toBe(sender.certificate.serialNumberDer.toString('hex'));
  });

  it('opens an envelope sealed to a partner registered by its bare key, which RecipientInfo names by fingerprint', async () => {
    const bare = { id: us.id, publicKey: us.publicKey };
    const envelope = await sealEnvelopeBuffer(Buffer.from('无证书的伙伴'), sealOptions({ recipient: bare }));
    const layout = envelopeLayout(envelope);
    expect(envelope.subarray(layout.recipientIdentifier.start, layout.recipientIdentifier.end).toString('hex')).toBe(issuerAndSerialNumber(keyIdentity(us.publicKey)).toString('hex'));
    const opened = await openEnvelopeBuffer(envelope, openOptions({ recipientKeys: [{ keyPair: us.keyPair, publicKey: us.publicKey }] }));
    expect(opened.content.toString('utf8')).toBe('无证书的伙伴');
  });

  // Our keystore always holds a certificate for our key, but a partner may have registered only our bare public
  // key (partners.sm2Recipient gives no certificate then) and so names our key by its fingerprint.
  it('opens an envelope that names our key by its fingerprint although we hold a certificate for that key', async () => {
    const envelope = await sealEnvelopeBuffer(Buffer.from('伙伴只登记了公钥'), sealOptions({ recipient: { id: us.id, publicKey: us.publicKey } }));
    const opened = await openEnvelopeBuffer(envelope, openOptions({ recipientKeys: [us.recipientKey] }));
    expect(opened.content.toString('utf8')).toBe('伙伴只登记了公钥');
  });
});

/** One line of `openssl asn1parse` output. */
interface Asn1Line {
  offset: number;
  depth: number;
  headerLength: number;
  length: number;
  type: string;
  value: string;
}

function parseAsn1Listing(listing: string): Asn1Line[] {
  return listing
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(?:prim|cons):\s(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected asn1parse line: ${line}`);
      const rest = match[5]!;
      const colon = rest.indexOf(':');
      return {
        offset: Number(match[1]),
        depth: Number(match[2]),
        headerLength: Number(match[3]),
        length: Number(match[4]),
        type: (colon < 0 ? rest : rest.slice(0, colon)).replace('[HEX DUMP]', '').trim(),
        value: colon < 0 ? '' : rest.slice(colon + 1).trim(),
      };
    });
}

// The larger content is hashed on a second thread while it is encrypted (gateway/crypto/sm3-thread.ts).
describe.each([
  ['a 1 MB CSV', 1 << 20],
  ['a CSV large enough for SM3 on its own thread', threadFromBytes + (1 << 20)],
])('a sealed envelope of %s read part by part with the openssl command (OpenSSL 3.0)', (_, contentBytes) => {
  let workdir: OpensslWorkdir;
  let csv: Buffer;
  let envelope: Buffer;
  let lines: Asn1Line[];

  const indexOf = (predicate: (line: Asn1Line) => boolean, after = -1): number => {
    const index = lines.findIndex((line, i) => i > after && predicate(line));
    if (index < 0) throw new Error('asn1parse did not list the expected field');
    return index;
  };
  const objectLine = (name: string) => indexOf((line) => line.type === 'OBJECT' && line.value === name);
  /** The next field after line `index` at depth `depth` (a sibling or an uncle in the listing). */
  const nextAtDepth = (index: number, depth: number) => lines[indexOf((line) => line.depth === depth, index)]!;
  const bytesOfLine = (line: Asn1Line, withHeader = false) =>
    envelope.subarray(withHeader ? line.offset : line.offset + line.headerLength, line.offset + line.headerLength + line.length);

  async function contentKeyByOpenssl(): Promise<Buffer> {
    const oid = objectLine('1.2.156.10197.1.301.3');
    const encryptedKey = nextAtDepth(oid, lines[oid]!.depth - 1);
    expect(encryptedKey.type).toBe('OCTET STRING');
    await workdir.ok(['asn1parse', '-inform', 'DER', '-in', 'envelope.der', '-strparse', String(encryptedKey.offset), '-noout', '-out', 'encrypted-key.der']);
    return workdir.ok(['pkeyutl', '-decrypt', '-inkey', 'us.key', '-in', 'encrypted-key.der']);
  }

  beforeAll(async () => {
    workdir = await createOpensslWorkdir();
    csv = chineseCsv(contentBytes);
    envelope = await sealEnvelopeBuffer(csv, sealOptions());
    await workdir.write('envelope.der', envelope);
    await workdir.write('us.key', us.privateKeyPem);
    await workdir.write('sender.pub', sender.publicKeyPem);
    await workdir.write('neighbour.pub', neighbour.publicKeyPem);
    lines = parseAsn1Listing((await workdir.ok(['asn1parse', '-inform', 'DER', '-in', 'envelope.der'])).toString('utf8'));
  });

  afterAll(async () => {
    await workdir?.remove();
  });

  it('lists SignedData around EnvelopedData around data, with SM3, SM4-CBC, SM2 encryption, SM2 signing and version 1', () => {
    const objects = lines.filter((line) => line.type === 'OBJECT').map((line) => line.value);
    expect(lines[0]).toMatchObject({ offset: 0, depth: 0, type: 'SEQUENCE' });
    expect(lines[0]!.headerLength + lines[0]!.length).toBe(envelope.length);
    expect(objects[0]).toBe('1.2.156.10197.6.1.4.2.2');
    for (const name of ['1.2.156.10197.6.1.4.2.3', '1.2.156.10197.6.1.4.2.1', 'sm3', 'sm4-cbc', '1.2.156.10197.1.301.3', '1.2.156.10197.1.301.1']) {
      expect(objects).toContain(name);
    }
    for (const name of ['contentType', 'messageDigest', 'signingTime', ...['1', '2', '3'].map((arc) => `2.25.251868608163658190752485527736575680900.${arc}`)]) {
      expect(objects).toContain(name);
    }
    // GM/T 0010: every version is 1 — SignedData, EnvelopedData, RecipientInfo, SignerInfo (the certificate's own are X.509's).
    const certificates = lines.find((line) => line.type === 'cont [ 0 ]' && line.depth === 3)!;
    const inCertificates = (line: Asn1Line) => line.offset >= certificates.offset && line.offset < certificates.offset + certificates.headerLength + certificates.length;
    const versions = lines.filter((line) => line.type === 'INTEGER' && line.length === 1 && !inCertificates(line)).map((line) => line.value);
    expect(versions).toEqual(['01', '01', '01', '01']);
  });

  it('carries the content key as a GM/T 0009 SM2Cipher that openssl pkeyutl -decrypt opens with our key to 16 bytes', async () => {
    const key = await contentKeyByOpenssl();
    expect(key.length).toBe(16);
    const cipher = parseAsn1Listing((await workdir.ok(['asn1parse', '-inform', 'DER', '-in', 'encrypted-key.der'])).toString('utf8'));
    expect(cipher.map((line) => [line.depth, line.type])).toEqual([[0, 'SEQUENCE'], [1, 'INTEGER'], [1, 'INTEGER'], [1, 'OCTET STRING'], [1, 'OCTET STRING']]);
    expect(cipher[3]!.length).toBe(32);
    expect(cipher[4]!.length).toBe(16);
  });

  it('decrypts with openssl enc -d -sm4-cbc, the recovered key and the IV of the algorithm parameters, to the CSV', async () => {
    const key = await contentKeyByOpenssl();
    const algorithm = objectLine('sm4-cbc');
    const iv = nextAtDepth(algorithm, lines[algorithm]!.depth);
    expect(iv.type).toBe('OCTET STRING');
    expect(iv.length).toBe(16);
    const ciphertext = lines[indexOf((line) => line.type === 'cont [ 0 ]' && line.depth === lines[algorithm]!.depth - 1, algorithm)]!;
    await workdir.write('content.sm4', bytesOfLine(ciphertext));
    await workdir.ok(['enc', '-d', '-sm4-cbc', '-K', key.toString('hex'), '-iv', bytesOfLine(iv).toString('hex'), '-in', 'content.sm4', '-out', 'content.csv']);
    expectSameBytes(await workdir.read('content.csv'), csv);
  });

  it('has a signature over the signed attributes as a SET OF that openssl pkeyutl -verify accepts with distid 1234567812345678', async () => {
    const attributes = lines[objectLine('contentType') - 2]!;
    expect(attributes).toMatchObject({ type: 'cont [ 0 ]' });
    const signed = Buffer.from(bytesOfLine(attributes, true));
    signed[0] = 0x31;
    const algorithm = objectLine('1.2.156.10197.1.301.1');
    const signature = nextAtDepth(algorithm, lines[algorithm]!.depth - 1);
    expect(signature.type).toBe('OCTET STRING');
    await workdir.write('signed-attributes.der', signed);
    await workdir.write('signature.der', bytesOfLine(signature));
    const verify = (key: string, distid: string) =>
      workdir.run(['pkeyutl', '-verify', '-rawin', '-digest', 'sm3', '-pubin', '-inkey', key, '-pkeyopt', `distid:${distid}`, '-in', 'signed-attributes.der', '-sigfile', 'signature.der']);

    const good = await verify('sender.pub', '1234567812345678');
    expect(good.stdout.toString()).toContain('Signature Verified Successfully');
    expect(good.status).toBe(0);
    expect((await verify('neighbour.pub', '1234567812345678')).status).not.toBe(0);
    expect((await verify('sender.pub', '1234567812345679')).status).not.toBe(0);
  });

  it('has a messageDigest attribute equal to openssl dgst -sm3 of the whole EnvelopedData', async () => {
    const contentType = objectLine('1.2.156.10197.6.1.4.2.3');
    const explicit = lines[contentType + 1]!;
    expect(explicit.type).toBe('cont [ 0 ]');
    const envelopedData = lines[contentType + 2]!;
    expect(envelopedData.type).toBe('SEQUENCE');
    expect(envelopedData.offset + envelopedData.headerLength + envelopedData.length).toBe(explicit.offset + explicit.headerLength + explicit.length);
    await workdir.write('enveloped-data.der', bytesOfLine(envelopedData, true));
    const digest = (await workdir.ok(['dgst', '-sm3', '-r', 'enveloped-data.der'])).toString('utf8').split(' ')[0];

    const attribute = objectLine('messageDigest');
    const value = nextAtDepth(attribute, lines[attribute]!.depth + 1);
    expect(value.type).toBe('OCTET STRING');
    expect(value.value.toLowerCase()).toBe(digest);
  });
});

describe('refusing an envelope', () => {
  let envelope: Buffer;

  beforeAll(async () => {
    envelope = await sealEnvelopeBuffer(chineseCsv(1000), sealOptions());
  });

  it('opens the untouched envelope these cases alter', async () => {
    const options = openOptions();
    const sink = countingSink();
    await openEnvelope(bufferSource(envelope), sink, options);
    expect(sink.bytes).toBeGreaterThanOrEqual(1000);
    expect(options.accept).toHaveBeenCalledTimes(1);
  });

  it('refuses an envelope from a sender with no registered key as unknown-sender', async () => {
    const options = openOptions({ senderKeys: vi.fn(async () => []) });
    await expectRefused(envelope, 'unknown-sender', options);
    expect(options.senderKeys).toHaveBeenCalledWith(sender.id);
  });

  it('refuses an envelope with one flipped byte in the ciphertext or the encrypted key as tampered', async () => {
    const { ciphertext, encryptedKey } = envelopeLayout(envelope);
    const position = fc.oneof(
      fc.integer({ min: ciphertext.valueStart, max: ciphertext.end - 1 }),
      fc.integer({ min: encryptedKey.valueStart, max: encryptedKey.end - 1 }),
    );
    await fc.assert(
      fc.asyncProperty(position, fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        await expectRefused(flipped(envelope, at, mask), 'tampered');
      }),
      { numRuns: 30 },
    );
  });

  it('refuses an envelope with a flipped byte in the signed nonce as bad-signature', async () => {
    const nonce = envelopeLayout(envelope).attributeValues.get(jiuzhuAttributes.nonce);
    if (!nonce) throw new Error('the envelope has no nonce attribute');
    expect(nonce.end - nonce.valueStart).toBe(16);
    await expectRefused(flipped(envelope, nonce.valueStart + 7), 'bad-signature');
  });

  it('refuses an envelope with a flipped byte in the signature as bad-signature', async () => {
    await expectRefused(flipped(envelope, envelopeLayout(envelope).encryptedDigest.end - 1), 'bad-signature');
  });

  it('refuses an envelope signed by another key of a known sender as bad-signature', async () => {
    const forged = await sealEnvelopeBuffer(chineseCsv(1000), sealOptions({ sender: { ...sender.sender, signer: senderOld.signer } }));
    await expectRefused(forged, 'bad-signature');
  });

  it('lets no single flipped byte of the EnvelopedData, the signed attributes or the signature value through', async () => {
    const { envelopedData, signedAttributes, encryptedDigest } = envelopeLayout(envelope);
    const position = fc.oneof(
      fc.integer({ min: envelopedData.start, max: envelopedData.end - 1 }),
      fc.integer({ min: signedAttributes.start, max: signedAttributes.end - 1 }),
      fc.integer({ min: encryptedDigest.valueStart, max: encryptedDigest.end - 1 }),
    );
    await fc.assert(
      fc.asyncProperty(position, fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const options = openOptions();
        const sink = countingSink();
        const error: unknown = await openEnvelope(bufferSource(flipped(envelope, at, mask)), sink, options).then(() => undefined, (thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(EnvelopeError);
        expect(sink.bytes).toBe(0);
        expect(options.accept).not.toHaveBeenCalled();
      }),
      { numRuns: 100 },
    );
  });

  // Found by the property above when it still covered the OCTET STRING's tag: SignerInfo fields are not signed, so
  // a parser that ignores their tags lets anyone re-encode an envelope into new bytes that still open.
  it.each([
    ['a UTF8String', 0x0c],
    ['a context-specific [4]', 0x84],
    ['an OBJECT IDENTIFIER', 0x06],
  ])('refuses an envelope whose encryptedDigest is %s instead of an OCTET STRING as malformed', async (_what, tag) => {
    const copy = Buffer.from(envelope);
    const { encryptedDigest } = envelopeLayout(copy);
    expect(copy[encryptedDigest.start]).toBe(0x04);
    copy[encryptedDigest.start] = tag;
    await expectRefused(copy, 'malformed');
  });

  it('refuses an envelope whose signed recipient id is not ours as wrong-recipient, though it is sealed to our key', async () => {
    const misaddressed = await sealEnvelopeBuffer(chineseCsv(1000), sealOptions({ recipient: { ...us.recipient, id: neighbour.id } }));
    await expectRefused(misaddressed, 'wrong-recipient');
  });

  it('refuses an envelope addressed to us but sealed to a key of ours that is no longer listed as wrong-recipient', async () => {
    const toRetiredKey = await sealEnvelopeBuffer(chineseCsv(1000), sealOptions({ recipient: usOld.recipient }));
    await expectRefused(toRetiredKey, 'wrong-recipient', openOptions({ recipientKeys: [us.recipientKey] }));
  });

  it('refuses an envelope sealed to the neighbouring county as wrong-recipient', async () => {
    await expectRefused(await sealEnvelopeBuffer(chineseCsv(1000), sealOptions({ recipient: neighbour.recipient })), 'wrong-recipient');
  });

  it.each(refusalsFromAccept)('passes on a %s refusal from accept() and writes nothing', async (refusal) => {
    const accept = vi.fn(async (_header: EnvelopeHeader) => {
      throw new EnvelopeError(refusal, `refused as ${refusal}`);
    });
    const options = openOptions({ accept });
    await expectRefused(envelope, refusal, options);
    expect(accept).toHaveBeenCalledTimes(1);
    const [header] = accept.mock.calls[0]!;
    expect(header).toMatchObject({ senderId: sender.id, recipientId: us.id });
  });

  it('refuses every truncation of an envelope as malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: envelope.length - 1 }), async (length) => {
        await expectRefused(envelope.subarray(0, length), 'malformed');
      }),
      { numRuns: 50 },
    );
    await expectRefused(envelope.subarray(0, envelope.length - 1), 'malformed');
  });

  it('refuses an envelope followed by trailing bytes as malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 32 }), async (garbage) => {
        await expectRefused(Buffer.concat([envelope, garbage]), 'malformed');
      }),
      { numRuns: 20 },
    );
  });

  it('refuses an envelope in BER with an indefinite length as malformed', async () => {
    const [contentInfo] = parseDerTree(envelope);
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), envelope.subarray(contentInfo!.valueStart), Buffer.from([0x00, 0x00])]);
    await expectRefused(ber, 'malformed');
  });

  it('refuses random bytes, and nothing at all, as malformed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        await expectRefused(Buffer.from(bytes), 'malformed');
      }),
      { numRuns: 100 },
    );
    await expectRefused(randomBytes(envelope.length), 'malformed');
    await expectRefused(Buffer.alloc(0), 'malformed');
  });

  it('refuses a plain DER SignedData of another content type as malformed', async () => {
    const { innerContentType } = envelopeLayout(envelope);
    expect(envelope[innerContentType.end - 1]).toBe(0x03);
    const copy = Buffer.from(envelope);
    copy[innerContentType.end - 1] = 0x05; // …6.1.4.2.3 (envelopedData) becomes …6.1.4.2.5 (encryptedData)
    await expectRefused(copy, 'malformed');
  });

  // A sender's broken toolkit, not an attacker: the signature is valid, only the CBC padding is wrong. Decryption
  // streams, so the padding is seen last; the contract is still that a refused envelope writes nothing.
  it('refuses an envelope with wrong padding, though signed by its sender, as tampered and writes nothing', async () => {
    const content = Buffer.from('四十八字节的内容，正好三个分组。');
    expect(content.length).toBe(48);
    const sealed = await sealEnvelopeBuffer(content, sealOptions());
    const badPadding = resignEnvelope(sealed, sender.signer, (copy, layout) => {
      // CBC: flipping the last byte of the second-to-last block flips the last plaintext byte, the padding length.
      copy[layout.ciphertext.end - 17]! ^= 0xff;
    });
    await expectRefused(badPadding, 'tampered');
  });

  it('refuses an envelope whose content algorithm is unreadable, though signed by its sender, as malformed', async () => {
    const unreadable = resignEnvelope(envelope, sender.signer, (copy, layout) => {
      // The SM4-CBC OID becomes an OCTET STRING of the same bytes.
      copy[layout.contentAlgorithmOid.start] = 0x04;
    });
    await expectRefused(unreadable, 'malformed');
  });

  it('opens an envelope re-signed by the test helper unchanged (so the two cases above alter only what they say)', async () => {
    const resigned = resignEnvelope(envelope, sender.signer, () => {});
    const opened = await openEnvelopeBuffer(resigned, openOptions());
    expectSameBytes(opened.content, chineseCsv(1000));
    expect(signedAttributesAsSigned(resigned).equals(signedAttributesAsSigned(envelope))).toBe(true);
  });
});

describe('opening across key rotation', () => {
  it('opens an envelope sealed to our old key when recipientKeys lists the new key, then the old', async () => {
    const envelope = await sealEnvelopeBuffer(Buffer.from('发往旧密钥'), sealOptions({ recipient: usOld.recipient }));
    const opened = await openEnvelopeBuffer(envelope, openOptions({ recipientKeys: [us.recipientKey, usOld.recipientKey] }));
    expect(opened.content.toString('utf8')).toBe('发往旧密钥');
  });

  it("opens an envelope signed by the sender's old key when senderKeys returns the new key, then the old", async () => {
    const envelope = await sealEnvelopeBuffer(Buffer.from('旧密钥签名'), sealOptions({ sender: senderOld.sender }));
    const options = openOptions({ senderKeys: vi.fn(async () => [sender.publicKey, senderOld.publicKey]) });
    const opened = await openEnvelopeBuffer(envelope, options);
    expect(opened.content.toString('utf8')).toBe('旧密钥签名');
    expect(opened.header.senderId).toBe(sender.id);
  });
});

async function sm3OfFile(path: string): Promise<string> {
  const hash = createHash('sm3');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fileSink(path: string): Promise<{ sink: ChunkSink; close(): Promise<void> }> {
  const handle = await open(path, 'w');
  return {
    sink: async (chunk) => {
      await handle.write(chunk);
    },
    close: () => handle.close(),
  };
}

async function withSource<T>(source: ByteSource, use: (source: ByteSource) => Promise<T>): Promise<T> {
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

describe('sealing and opening files', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'jiuzhu-envelope-'));
  });

  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('seals a 64 MB file into a file and opens it from the file, and from a buffer, to the same SM3', async () => {
    const input = join(directory, 'roster.bin');
    const sealed = join(directory, 'roster.env');
    const output = join(directory, 'roster.out');
    const writer = await open(input, 'w');
    for (let i = 0; i < 8; i++) await writer.write(randomBytes(8 << 20));
    await writer.close();

    const sealing = await fileSink(sealed);
    const { bytes } = await withSource(await fileSource(input), (source) => sealEnvelope(source, sealing.sink, sealOptions()));
    await sealing.close();

    const opening = await fileSink(output);
    const header = await withSource(await fileSource(sealed), (source) => openEnvelope(source, opening.sink, openOptions()));
    await opening.close();

    const expected = await sm3OfFile(input);
    expect(header.contentBytes).toBe(64 << 20);
    expect(header.ciphertextLength).toBe((64 << 20) + 16);
    expect(await sm3OfFile(output)).toBe(expected);

    const envelope = await readFile(sealed);
    expect(envelope.length).toBe(bytes);
    const fromBuffer = await openEnvelopeBuffer(envelope, openOptions());
    expect(createHash('sm3').update(fromBuffer.content).digest('hex')).toBe(expected);
    expect(fromBuffer.header.nonce.equals(header.nonce)).toBe(true);
  }, 60_000);
});

/** A source that serves `first` on the first pass and `second` on every later one, as a file rewritten mid-seal would. */
function changingSource(first: Buffer, second: Buffer): ByteSource {
  const passes = [bufferSource(first), bufferSource(second)];
  let pass = 0;
  return {
    size: first.length,
    read: (position, length) => passes[Math.min(pass, 1)]!.read(position, length),
    chunks(start, end, chunkSize) {
      const source = passes[Math.min(pass, 1)]!;
      pass += 1;
      return source.chunks(start, end, chunkSize);
    },
    close: async () => {},
  };
}

describe('input that changes while it is sealed', () => {
  it('reads the input once, so a source that would serve other bytes on a second read seals the first bytes, signature matching', async () => {
    const first = randomBytes(3 << 20);
    const second = Buffer.from(first);
    second[second.length - 1]! ^= 0x01;
    const chunks: Buffer[] = [];
    await sealEnvelope(changingSource(first, second), (chunk) => void chunks.push(Buffer.from(chunk)), sealOptions());
    expectSameBytes((await openEnvelopeBuffer(Buffer.concat(chunks), openOptions())).content, first);
  });

  it('seals normally from a source read twice to the same bytes (the changing source above is the only difference)', async () => {
    const first = randomBytes(3 << 20);
    const chunks: Buffer[] = [];
    await sealEnvelope(changingSource(first, Buffer.from(first)), (chunk) => void chunks.push(Buffer.from(chunk)), sealOptions());
    expectSameBytes((await openEnvelopeBuffer(Buffer.concat(chunks), openOptions())).content, first);
  });
});

describe('sealing in one pass', () => {
  it('writes every envelope with a DER length that holds whatever the signature drew (a 71-byte SM2 signature each time)', async () => {
    // Signatures are 70, 71 or 72 bytes at random; thirty all of the announced length would be chance once in 2^30.
    for (let i = 0; i < 30; i++) {
      const envelope = await sealEnvelopeBuffer(Buffer.from(`第${i}份`), sealOptions());
      const { content } = await openEnvelopeBuffer(envelope, openOptions());
      expect(content.toString()).toBe(`第${i}份`);
      expect(envelope.readUInt8(envelope.length - 73)).toBe(0x04);
      expect(envelope.readUInt8(envelope.length - 72)).toBe(71);
    }
  });
});

describe('the signed attributes', () => {
  it('are the DER SET OF the [0] field carries, sorted by encoding', async () => {
    const envelope = await sealEnvelopeBuffer(Buffer.from('x'), sealOptions());
    const { header } = await openEnvelopeBuffer(envelope, openOptions());
    const expected = encodeSignedAttributes({
      contentType: header.contentType,
      messageDigest: header.messageDigest,
      signingTime: header.signingTime,
      senderId: header.senderId,
      recipientId: header.recipientId,
      nonce: header.nonce,
    });
    expect(signedAttributesAsSigned(envelope).toString('hex')).toBe(expected.toString('hex'));
    const attributes = parseDerTree(expected)[0]!.children.map((attribute) => expected.subarray(attribute.start, attribute.end));
    expect(attributes).toHaveLength(6);
    for (let i = 1; i < attributes.length; i++) expect(Buffer.compare(attributes[i - 1]!, attributes[i]!)).toBeLessThan(0);
  });
});
