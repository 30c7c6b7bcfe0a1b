import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from 'vitest';
import { bufferSource, fileSource } from '../../gateway/crypto/byte-source.js';
import { openEnvelope, openEnvelopeToFile, sealEnvelopeBuffer, type EnvelopeHeader, type OpenOptions } from '../../gateway/crypto/envelope.js';
import { EnvelopeError, type EnvelopeRefusal } from '../../gateway/crypto/envelope-errors.js';
import { threadFromBytes } from '../../gateway/crypto/sm3-thread.js';
import { createEnvelopeParty, envelopeLayout, resignEnvelope, type EnvelopeParty } from '../helpers/envelope-parties.js';

/**
 * openEnvelopeToFile reads the envelope once and decrypts into a temp file before the digest is known; what it must
 * keep from openEnvelope is that nothing from a refused envelope is left at the path (or beside it), that accept
 * never sees a refused envelope, and that it refuses with the very refusal openEnvelope gives.
 */
let sender: EnvelopeParty;
let us: EnvelopeParty;
let neighbour: EnvelopeParty;
let directory: string;
let content: Buffer;
let envelope: Buffer;

beforeAll(async () => {
  sender = createEnvelopeParty('宁夏回族自治区民政厅');
  us = createEnvelopeParty('jiuzhu-640121');
  neighbour = createEnvelopeParty('jiuzhu-640122');
  directory = await mkdtemp(join(tmpdir(), 'jiuzhu-envelope-to-file-'));
  content = Buffer.concat([Buffer.from('序号,姓名,救助类别\n1,张伟,城乡低保\n'), randomBytes((3 << 20) + 5)]);
  envelope = await sealEnvelopeBuffer(content, { sender: sender.sender, recipient: us.recipient });
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

type Spied = OpenOptions & { accept: Mock<OpenOptions['accept']> };

function openOptions(overrides: Partial<Spied> = {}): Spied {
  return {
    ourId: us.id,
    recipientKeys: [us.recipientKey],
    senderKeys: async (senderId: string) => (senderId === sender.id ? [sender.publicKey] : []),
    accept: vi.fn(async (_header: EnvelopeHeader) => {}),
    ...overrides,
  };
}

function flipped(bytes: Buffer, position: number, mask = 0x01): Buffer {
  const copy = Buffer.from(bytes);
  copy[position]! ^= mask;
  return copy;
}

async function refusalOf(opening: Promise<unknown>): Promise<EnvelopeRefusal> {
  const error: unknown = await opening.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(EnvelopeError);
  return (error as EnvelopeError).refusal;
}

/** Opens into a fresh sub-directory and expects the refusal, an empty directory and accept() never called. */
async function expectRefusedToFile(bytes: Buffer, refusal: EnvelopeRefusal, options: Spied = openOptions()): Promise<void> {
  const into = await mkdtemp(join(directory, 'refused-'));
  expect(await refusalOf(openEnvelopeToFile(bufferSource(bytes), join(into, 'content.csv'), options))).toBe(refusal);
  expect(await readdir(into)).toEqual([]);
  if (refusal !== 'replayed') expect(options.accept).not.toHaveBeenCalled();
}

describe('opening an envelope into a file in one read', () => {
  it('writes the content to the path, from a file, and leaves no temp file beside it', async () => {
    const into = await mkdtemp(join(directory, 'opened-'));
    const envelopePath = join(into, 'roster.env');
    await writeFile(envelopePath, envelope);
    const source = await fileSource(envelopePath);
    const options = openOptions();
    const header = await openEnvelopeToFile(source, join(into, 'roster.csv'), options).finally(() => source.close());
    expect(header.contentBytes).toBe(content.length);
    expect(header.senderId).toBe(sender.id);
    expect((await readFile(join(into, 'roster.csv'))).equals(content)).toBe(true);
    expect((await readdir(into)).sort()).toEqual(['roster.csv', 'roster.env']);
    expect(options.accept).toHaveBeenCalledOnce();
  });

  it('refuses a flipped ciphertext byte as tampered and leaves no file', async () => {
    const { ciphertext } = envelopeLayout(envelope);
    await expectRefusedToFile(flipped(envelope, ciphertext.valueStart + 1000), 'tampered');
    await expectRefusedToFile(flipped(envelope, ciphertext.end - 1), 'tampered');
  });

  it('hashes an envelope over the second-thread threshold on its own thread: opens it whole, refuses it altered', async () => {
    const large = Buffer.concat([content, randomBytes(threadFromBytes)]);
    const sealed = await sealEnvelopeBuffer(large, { sender: sender.sender, recipient: us.recipient });
    const into = await mkdtemp(join(directory, 'large-'));
    const header = await openEnvelopeToFile(bufferSource(sealed), join(into, 'large.csv'), openOptions());
    expect(header.contentBytes).toBe(large.length);
    expect((await readFile(join(into, 'large.csv'))).equals(large)).toBe(true);
    const { ciphertext } = envelopeLayout(sealed);
    // Altered in the last chunk the thread hashes, which the digest alone can catch.
    await expectRefusedToFile(flipped(sealed, ciphertext.end - 100), 'tampered');
  });

  it('refuses a flipped signature byte as bad-signature and leaves no file', async () => {
    const { encryptedDigest } = envelopeLayout(envelope);
    await expectRefusedToFile(flipped(envelope, encryptedDigest.end - 5), 'bad-signature');
  });

  it('leaves no file when accept refuses (a replay), although every byte decrypted', async () => {
    const options = openOptions({ accept: vi.fn(async () => { throw new EnvelopeError('replayed', 'this envelope was already received'); }) });
    await expectRefusedToFile(envelope, 'replayed', options);
    expect(options.accept).toHaveBeenCalledOnce();
  });

  it('refuses an envelope for another recipient as wrong-recipient, as openEnvelope does, and leaves no file', async () => {
    const misaddressed = await sealEnvelopeBuffer(Buffer.from('发往邻县'), { sender: sender.sender, recipient: neighbour.recipient });
    await expectRefusedToFile(misaddressed, 'wrong-recipient');
  });

  // The one refusal that comes from the plaintext: the sender's toolkit padded wrongly, but signed what it sent.
  it('refuses an envelope with wrong padding, though signed by its sender, as tampered after decrypting it, and leaves no file', async () => {
    const sealed = await sealEnvelopeBuffer(Buffer.from('四十八字节的内容，正好三个分组。'), { sender: sender.sender, recipient: us.recipient });
    const badPadding = resignEnvelope(sealed, sender.signer, (copy, layout) => {
      copy[layout.ciphertext.end - 17]! ^= 0xff;
    });
    expect(await refusalOf(openEnvelope(bufferSource(badPadding), () => {}, openOptions()))).toBe('tampered');
    await expectRefusedToFile(badPadding, 'tampered');
  });

  // The case the property below once drew (a flip 4 bytes into the certificates): the certificate's SEQUENCE tag as SET.
  it('refuses an envelope whose carried certificate is tagged SET, its signed bytes unchanged, as tampered', async () => {
    const { certificates } = envelopeLayout(envelope);
    expect(envelope[certificates.valueStart]).toBe(0x30);
    const retagged = flipped(envelope, certificates.valueStart);
    expect(await refusalOf(openEnvelope(bufferSource(retagged), () => {}, openOptions()))).toBe('tampered');
    await expectRefusedToFile(retagged, 'tampered');
  });

  // What the property below drew in CI (seed 994938805, byte 26 of the small envelope): the signature covers the
  // EnvelopedData, not the SignedData's own fields before it, so each is held to the one form a sender writes.
  it('refuses an envelope whose unsigned SignedData fields were altered — version, tag classes, the SET for a SEQUENCE — as malformed', async () => {
    const layout = envelopeLayout(envelope);
    const alterations = [
      flipped(envelope, layout.signedDataVersion.valueStart, 0x02), // version 3
      flipped(envelope, layout.outerContentType.start, 0x80), // the OID as an implicitly tagged [6]
      flipped(envelope, layout.innerContentType.start, 0x80),
      flipped(envelope, layout.digestAlgorithm.start, 0x01), // AlgorithmIdentifier as a SET
      flipped(envelope, layout.digestAlgorithm.valueStart, 0x80), // SM3's OID as [6]
      flipped(envelope, layout.signerInfo.start, 0x01), // SignerInfo as a SET
    ];
    for (const altered of alterations) {
      expect(await refusalOf(openEnvelope(bufferSource(altered), () => {}, openOptions()))).toBe('malformed');
      await expectRefusedToFile(altered, 'malformed');
    }
    // The carried certificate's signature as a context-tagged BIT STRING: its issuer's signature does not cover that tag.
    const certificateSignature = layout.certificates.children[0]!.children[2]!;
    expect(envelope[certificateSignature.start]).toBe(0x03);
    const retagged = flipped(envelope, certificateSignature.start, 0x80);
    expect(await refusalOf(openEnvelope(bufferSource(retagged), () => {}, openOptions()))).toBe('tampered');
    await expectRefusedToFile(retagged, 'tampered');
  });

  it('gives the refusal openEnvelope gives for any single flipped byte, and leaves nothing', async () => {
    const small = await sealEnvelopeBuffer(Buffer.from('序号,姓名\n1,王芳\n'.repeat(200)), { sender: sender.sender, recipient: us.recipient });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: small.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
        const bytes = flipped(small, at, mask);
        const expected = await refusalOf(openEnvelope(bufferSource(bytes), () => {}, openOptions()));
        await expectRefusedToFile(bytes, expected);
      }),
      { numRuns: 150 },
    );
  });
});
