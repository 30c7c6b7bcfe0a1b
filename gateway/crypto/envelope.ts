import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { bufferSource, type ByteSource } from './byte-source.js';
import { CryptoError } from './crypto-error.js';
import { bytesOf, childrenOf, Class, fromDer, octetString, oid, oidOf, toDer, Type, universalChildren } from './der.js';
import { derHeader, expectTag, readTlv, tlvAt, type Tlv } from './der-stream.js';
import { EnvelopeError } from './envelope-errors.js';
import {
  algorithmIdentifier, decodeSignedAttributes, encodeSignedAttributes, issuerAndSerialNumber, keyIdentity, recipientInfo, signerInfo,
  type CertificateIdentity, type EnvelopeAttributes,
} from './envelope-parts.js';
import { gmt0010, smAlgorithms } from './gmt0010.js';
import { parseSm2Certificate, verifySm2CertificateSignature, type Sm2Certificate } from './sm2-certificate.js';
import { createSm2MessageHash, defaultSm2UserId, sm2Decrypt, sm2Encrypt, sm2SignDigest, sm2Verify, type Sm2PublicKey, type Sm2Signer } from './sm2.js';
import type { Sm2KeyPair } from './sm2-keys.js';
import { createSm3 } from './sm3.js';
import { createStreamSm3 } from './sm3-thread.js';
import { createSm4Decryptor, createSm4Encryptor, sm4CbcCiphertextLength } from './sm4.js';

/**
 * The digital envelope (数字信封) of GM/T 0010: a SignedData (…6.1.4.2.2) whose encapsulated content is an
 * EnvelopedData (…6.1.4.2.3) — a fresh SM4 key encrypted to the recipient's SM2 key, the body SM4-CBC
 * encrypted — signed by the sender's SM2 key over signed attributes naming sender, recipient, signing time
 * and a nonce, with messageDigest = SM3 of the EnvelopedData DER (RFC 2315 §9.3, which GM/T 0010 follows).
 *
 * Encrypt-then-sign, so the receiver checks sender, signature, freshness and replay before it decrypts a
 * single byte: a tampered or replayed file is refused without touching the plaintext, and no padding
 * error is ever observable by an attacker.
 *
 * Everything is definite-length DER, which a vendor toolkit expects. Sealing still reads its input once: every
 * length is known before the first byte (see signatureLength), and the digest is taken of the ciphertext as it is
 * written. openEnvelope reads an envelope twice (hash and verify, then decrypt into the sink); openEnvelopeToFile
 * reads it once, into a temp file it renames only once everything checked. All run in constant memory for any size.
 */

export interface EnvelopeSender {
  id: string;
  signer: Sm2Signer;
  certificate: CertificateIdentity;
  userId?: string;
}

export interface EnvelopeRecipient {
  id: string;
  publicKey: Sm2PublicKey;
  /** When the partner has a certificate, RecipientInfo names it; otherwise it names the key (see keyIdentity). */
  certificate?: Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'>;
}

export interface SealOptions {
  sender: EnvelopeSender;
  recipient: EnvelopeRecipient;
  signingTime?: Date;
  nonce?: Buffer;
}

export type ChunkSink = (chunk: Buffer) => Promise<void> | void;

export async function sealEnvelope(source: ByteSource, sink: ChunkSink, options: SealOptions): Promise<{ bytes: number; attributes: EnvelopeAttributes }> {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const recipientIdentity = options.recipient.certificate ?? keyIdentity(options.recipient.publicKey);
  const recipientInfos = setOf(recipientInfo(recipientIdentity, sm2Encrypt(key, options.recipient.publicKey)));
  const enveloped = envelopedDataHeader(recipientInfos, toDer(algorithmIdentifier(smAlgorithms.sm4Cbc, octetString(iv))), sm4CbcCiphertextLength(source.size));

  const attributes: EnvelopeAttributes = {
    contentType: gmt0010.envelopedData,
    messageDigest: Buffer.alloc(32), // SM3's length; the value is known once the content has been written
    signingTime: options.signingTime ?? new Date(),
    senderId: options.sender.id,
    recipientId: options.recipient.id,
    nonce: options.nonce ?? randomBytes(16),
  };
  // Every length is known before the content: the digest is 32 bytes and the signature is made to be
  // signatureLength bytes (see signToLength), so the SignerInfo that follows the content has a known size.
  const signerInfosLength = setOf(signerInfo(options.sender.certificate, encodeSignedAttributes(attributes), Buffer.alloc(signatureLength))).length;
  const certificates = Buffer.concat([derHeader(0xa0, options.sender.certificate.der.length), options.sender.certificate.der]);

  const innerContentInfo = contentInfoHeader(gmt0010.envelopedData, enveloped.totalLength);
  const version = Buffer.from([0x02, 0x01, 0x01]);
  const digestAlgorithms = setOf(toDer(algorithmIdentifier(smAlgorithms.sm3)));
  const signedDataLength = version.length + digestAlgorithms.length + innerContentInfo.totalLength + certificates.length + signerInfosLength;
  const outer = contentInfoHeader(gmt0010.signedData, signedDataLength + derHeader(0x30, signedDataLength).length);

  let written = 0;
  const write = async (chunk: Buffer) => {
    written += chunk.length;
    await sink(chunk);
  };
  await write(Buffer.concat([outer.header, derHeader(0x30, signedDataLength), version, digestAlgorithms, innerContentInfo.header, enveloped.header]));
  // One read of the input: what is hashed is exactly what is written, so a file that changes while it is
  // sealed cannot produce an envelope whose signature does not match its bytes. SM3 runs on a second thread
  // for a large file (sm3-thread.ts), over the same ciphertext chunks in the same order.
  const digest = createStreamSm3(source.size);
  try {
    await digest.update(enveloped.header);
    const cipher = createSm4Encryptor('cbc', key, iv);
    for await (const chunk of source.chunks(0, source.size)) {
      const encrypted = cipher.update(chunk);
      await digest.update(encrypted);
      await write(encrypted);
    }
    const last = cipher.final();
    await digest.update(last);
    await write(last);
    attributes.messageDigest = await digest.digest();
  } finally {
    await digest.close();
  }
  const signedAttributes = encodeSignedAttributes(attributes);
  const signature = signToLength(signedAttributes, options.sender.signer, options.sender.userId ?? defaultSm2UserId);
  const signerInfos = setOf(signerInfo(options.sender.certificate, signedAttributes, signature));
  if (signerInfos.length !== signerInfosLength) throw new CryptoError('bad-input', 'the SignerInfo is not the length the envelope header announced');
  await write(Buffer.concat([certificates, signerInfos]));
  return { bytes: written, attributes };
}

/**
 * The DER length of the envelope's SM2 signature. SEQUENCE { r, s } is 70, 71 or 72 bytes (each INTEGER needs a
 * leading zero byte when its top bit is set, rarely fewer bytes), 71 about half the time. The SignerInfo comes after
 * the content but its length is part of the header before it, so sealing in one pass needs the length first.
 */
const signatureLength = 71;

/**
 * Signs again, with a fresh random k, until the DER signature is signatureLength bytes: two tries on average,
 * under a millisecond each. Keeping only signatures of a public shape gives an attacker nothing he could not get
 * by discarding the others himself, so the scheme's security is unchanged.
 */
function signToLength(message: Buffer, signer: Sm2Signer, userId: string): Buffer {
  const e = createSm2MessageHash(signer.publicKey, userId).update(message).digest();
  for (let attempt = 0; attempt < 200; attempt++) {
    const signature = sm2SignDigest(e, signer);
    if (signature.length === signatureLength) return signature;
  }
  throw new CryptoError('bad-input', `no ${signatureLength}-byte SM2 signature in 200 tries`);
}

export async function sealEnvelopeBuffer(content: Buffer, options: SealOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  await sealEnvelope(bufferSource(content), (chunk) => void parts.push(Buffer.from(chunk)), options);
  return Buffer.concat(parts);
}

function setOf(element: Buffer): Buffer {
  return Buffer.concat([derHeader(0x31, element.length), element]);
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY } up to the content itself. */
function contentInfoHeader(contentType: string, contentLength: number): { header: Buffer; totalLength: number } {
  const typeDer = toDer(oid(contentType));
  const explicit = derHeader(0xa0, contentLength);
  const valueLength = typeDer.length + explicit.length + contentLength;
  const header = Buffer.concat([derHeader(0x30, valueLength), typeDer, explicit]);
  return { header, totalLength: header.length + contentLength };
}

/**
 * EnvelopedData ::= SEQUENCE { version 1, recipientInfos, EncryptedContentInfo ::= SEQUENCE { contentType data,
 * contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING } }, everything before the ciphertext.
 */
function envelopedDataHeader(recipientInfos: Buffer, contentAlgorithm: Buffer, ciphertextLength: number): { header: Buffer; totalLength: number } {
  const dataType = toDer(oid(gmt0010.data));
  const contentPrefix = derHeader(0x80, ciphertextLength);
  const encryptedContentInfoLength = dataType.length + contentAlgorithm.length + contentPrefix.length + ciphertextLength;
  const encryptedContentInfoHeader = derHeader(0x30, encryptedContentInfoLength);
  const version = Buffer.from([0x02, 0x01, 0x01]);
  const valueLength = version.length + recipientInfos.length + encryptedContentInfoHeader.length + encryptedContentInfoLength;
  const sequenceHeader = derHeader(0x30, valueLength);
  const header = Buffer.concat([sequenceHeader, version, recipientInfos, encryptedContentInfoHeader, dataType, contentAlgorithm, contentPrefix]);
  return { header, totalLength: sequenceHeader.length + valueLength };
}

/** What a receiver learns from an envelope before it decrypts anything. */
export interface EnvelopeHeader extends EnvelopeAttributes {
  /** The DER of the sender's certificate, when the envelope carries one (informative: trust comes from the partner registry). */
  senderCertificateDer: Buffer | null;
  ciphertextLength: number;
}

export interface RecipientKey {
  keyPair: Sm2KeyPair;
  publicKey: Sm2PublicKey;
  certificate?: Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'>;
}

export interface OpenOptions {
  /** Our party id; the envelope's signed recipient id must equal it. */
  ourId: string;
  /** Our key pairs that may be addressed: the current one and any still in their grace period. */
  recipientKeys: readonly RecipientKey[];
  /** The sender's registered public keys (current and in grace); none means the sender is unknown. */
  senderKeys(senderId: string): Promise<readonly Sm2PublicKey[]>;
  /**
   * The certificates registered for the sender (DER). A certificate the envelope carries must be one of these when
   * it is for the key that verified; with none registered for that key, it must be self-signed by that key.
   */
  senderCertificates?(senderId: string): Promise<readonly Buffer[]>;
  /**
   * Freshness, replay and permission: throws EnvelopeError('stale' | 'replayed' | 'forbidden-source'). Called only
   * once the signature verified and the content key unwrapped, so a refused envelope never reaches it.
   */
  accept(header: EnvelopeHeader): Promise<void>;
  userId?: string;
}

interface ParsedEnvelope {
  enveloped: Tlv;
  ciphertext: Tlv;
  recipientInfos: Buffer;
  contentAlgorithm: Buffer;
  signerInfo: Buffer;
  senderCertificateDer: Buffer | null;
  digestAlgorithms: Buffer;
}

/**
 * Checks an envelope completely — structure, sender, digest, signature, recipient, freshness, replay — then
 * decrypts it into `sink`. Nothing reaches the sink unless every check passed.
 *
 * The signature covers the signed attributes, and through their digest the EnvelopedData; the parts it does not
 * cover cannot change what an envelope does: the digest algorithms must name SM3 alone, a carried certificate must
 * be the one registered for (or self-signed by) the key that verified, the SignerInfo must name that certificate or
 * key, and CRLs and unsigned attributes — which nothing here could trust — are refused. A copy of a genuine envelope
 * with any of those bytes changed is refused before `accept`, so it cannot spend the genuine envelope's nonce.
 */
export async function openEnvelope(source: ByteSource, sink: ChunkSink, options: OpenOptions): Promise<EnvelopeHeader & { contentBytes: number }> {
  const envelope = await readEnvelope(source, options);
  const { parsed, attributes, header } = envelope;

  const digest = createSm3();
  for await (const chunk of source.chunks(parsed.enveloped.start, parsed.enveloped.end)) digest.update(chunk);
  if (!digest.digest().equals(attributes.messageDigest)) throw new EnvelopeError('tampered', 'the content does not match its signed digest');

  const { contentKey, iv } = await checkSignerAndUnwrap(envelope, options);
  await assertPaddingValid(source, parsed.ciphertext, contentKey, iv);
  await options.accept(header);

  const decipher = createSm4Decryptor('cbc', contentKey, iv);
  let contentBytes = 0;
  try {
    for await (const chunk of source.chunks(parsed.ciphertext.valueStart, parsed.ciphertext.end)) {
      const plain = decipher.update(chunk);
      contentBytes += plain.length;
      await sink(plain);
    }
    const last = decipher.final();
    contentBytes += last.length;
    await sink(last);
  } catch (error) {
    if (error instanceof EnvelopeError) throw error;
    throw new EnvelopeError('tampered', 'the content does not decrypt (the sender encrypted it wrongly)', { cause: error });
  }
  return { ...header, contentBytes };
}

/**
 * openEnvelope into a file, reading the envelope once: SM3 and SM4 run over each chunk together, the plaintext
 * going to a private temp file beside `path` (mode 0600) that is renamed to `path` only when every check passed
 * and `accept` returned, and removed otherwise — so, as with openEnvelope, nothing from an envelope that fails
 * reaches `path`. The refusals and their order are openEnvelope's: the checks of the signer and the content key
 * run before the pass (without them there is no key to decrypt with) but their refusal is held until the digest
 * has been compared, as openEnvelope compares it first; bad padding (from decipher.final) comes last, as there.
 * Unlike openEnvelope, this decrypts before the digest is compared — into the temp file only, and every chunk
 * whatever the padding, so neither the answer nor the time it takes depends on the plaintext of a tampered copy.
 */
export async function openEnvelopeToFile(source: ByteSource, path: string, options: OpenOptions): Promise<EnvelopeHeader & { contentBytes: number }> {
  const envelope = await readEnvelope(source, options);
  const { parsed, attributes, header } = envelope;
  let refusal: unknown;
  const decryption = await checkSignerAndUnwrap(envelope, options).catch((error: unknown) => void (refusal = error));

  const partial = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  const out = await createPrivateFile(partial);
  // SM3 on a second thread for a large envelope (sm3-thread.ts), as sealing does: it hashes one chunk while SM4
  // decrypts the next.
  const digest = createStreamSm3(parsed.enveloped.end - parsed.enveloped.start);
  try {
    await digest.update(await source.read(parsed.enveloped.start, parsed.ciphertext.valueStart - parsed.enveloped.start));
    const decipher = decryption ? createSm4Decryptor('cbc', decryption.contentKey, decryption.iv) : undefined;
    let contentBytes = 0;
    let undecryptable: unknown;
    const decrypt = async (produce: () => Buffer) => {
      if (undecryptable !== undefined) return;
      try {
        const plain = produce();
        contentBytes += plain.length;
        await out.write(plain);
      } catch (error) {
        undecryptable = error;
      }
    };
    for await (const chunk of source.chunks(parsed.ciphertext.valueStart, parsed.ciphertext.end)) {
      await digest.update(chunk);
      if (decipher) await decrypt(() => decipher.update(chunk));
    }
    if (decipher) await decrypt(() => decipher.final());
    if (!(await digest.digest()).equals(attributes.messageDigest)) throw new EnvelopeError('tampered', 'the content does not match its signed digest');
    if (!decryption) throw refusal;
    if (undecryptable !== undefined) {
      if (out.failed(undecryptable)) throw undecryptable;
      throw new EnvelopeError('tampered', 'the content does not decrypt (the sender encrypted it wrongly)', { cause: undecryptable });
    }
    await out.close(); // before accept, which may spend the nonce: a disk that fills now must not cost the envelope
    await options.accept(header);
    await rename(partial, path);
    return { ...header, contentBytes };
  } catch (error) {
    await out.discard();
    throw error;
  } finally {
    await digest.close();
  }
}

/**
 * A new file (mode 0600) behind a write stream that is waited on when it asks (backpressure), whose write errors are
 * told apart from SM4's. It is open before it is returned, and discard() waits for the stream to close before it
 * removes the file: a stream destroyed while its open() is still pending would create the file after the removal.
 */
async function createPrivateFile(path: string): Promise<{ write(chunk: Buffer): Promise<void>; failed(error: unknown): boolean; close(): Promise<void>; discard(): Promise<void> }> {
  // A few chunks may wait for the disk while the next decrypts; with the default 16 KiB every 1 MiB chunk waited.
  const stream = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 4 << 20 });
  let streamError: Error | undefined;
  await once(stream, 'open');
  stream.on('error', (error) => void (streamError = error));
  return {
    async write(chunk) {
      if (streamError) throw streamError;
      if (!stream.write(chunk)) await once(stream, 'drain'); // rejects on 'error', and removes its listeners either way
    },
    failed: (error) => error === streamError,
    close: () => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
    async discard() {
      if (!stream.closed) {
        // Not events.once: it would reject on the 'error' that destroying a stream with writes pending emits.
        const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
        stream.destroy();
        await closed;
      }
      await rm(path, { force: true });
    },
  };
}

interface ReadEnvelope {
  parsed: ParsedEnvelope;
  attributes: EnvelopeAttributes;
  header: EnvelopeHeader;
  signedAttributes: Buffer;
  signature: Buffer;
  signerIdentity: Buffer;
  senderKeys: readonly Sm2PublicKey[];
}

/** The skeleton, the signed attributes and the sender's keys: everything both openings check before the content. */
async function readEnvelope(source: ByteSource, options: OpenOptions): Promise<ReadEnvelope> {
  const parsed = await parse(source);
  const { attributes, signedAttributes, signature, signerIdentity } = readSignerInfo(parsed.signerInfo);
  const header: EnvelopeHeader = { ...attributes, senderCertificateDer: parsed.senderCertificateDer, ciphertextLength: parsed.ciphertext.end - parsed.ciphertext.valueStart };
  if (attributes.contentType !== gmt0010.envelopedData) throw new EnvelopeError('malformed', 'the signed content is not an EnvelopedData');

  const senderKeys = await options.senderKeys(attributes.senderId);
  if (senderKeys.length === 0) throw new EnvelopeError('unknown-sender', `sender "${attributes.senderId}" is not a registered partner with an active key`);
  return { parsed, attributes, header, signedAttributes, signature, signerIdentity, senderKeys };
}

/**
 * Signature, signer identity, recipient, content key and IV: every check after the digest's but the padding's and
 * `accept`. None depends on the plaintext, so whether one refused says nothing secret — openEnvelopeToFile skips the
 * decryption when one did, and a pass that takes less time must not tell a padding oracle anything. The padding is
 * checked (by decipher.final) only once the digest matched.
 */
async function checkSignerAndUnwrap(envelope: ReadEnvelope, options: OpenOptions): Promise<{ contentKey: Buffer; iv: Buffer }> {
  const { parsed, attributes, signedAttributes, signature, signerIdentity, senderKeys } = envelope;
  const userId = options.userId ?? defaultSm2UserId;
  const verifying = senderKeys.find((key) => sm2Verify(signedAttributes, signature, key, userId));
  if (!verifying) throw new EnvelopeError('bad-signature', `the signature is not by any registered key of "${attributes.senderId}"`);
  if (!isSm3Only(parsed.digestAlgorithms)) throw new EnvelopeError('malformed', 'the SignedData digest algorithms must name SM3 alone');
  const registered = (await options.senderCertificates?.(attributes.senderId)) ?? [];
  checkSignerIdentity(parsed, signerIdentity, verifying, registered, userId);
  if (attributes.recipientId !== options.ourId) {
    throw new EnvelopeError('wrong-recipient', `the envelope is addressed to "${attributes.recipientId}", not to "${options.ourId}"`);
  }
  const contentKey = unwrapContentKey(parsed.recipientInfos, options.recipientKeys);
  const iv = readIv(parsed.contentAlgorithm);
  return { contentKey, iv };
}

export async function openEnvelopeBuffer(envelope: Buffer, options: OpenOptions): Promise<{ header: EnvelopeHeader; content: Buffer }> {
  const parts: Buffer[] = [];
  const header = await openEnvelope(bufferSource(envelope), (chunk) => void parts.push(Buffer.from(chunk)), options);
  return { header, content: Buffer.concat(parts) };
}

/** Reads the envelope's skeleton: every small part, and the positions of the large ones. */
async function parse(source: ByteSource): Promise<ParsedEnvelope> {
  try {
    const outer = expectTag(await readTlv(source, 0, source.size, 'ContentInfo'), 0x30, 'ContentInfo');
    if (outer.end !== source.size) throw new CryptoError('bad-input', 'bytes follow the envelope');
    const outerType = await readTlv(source, outer.valueStart, outer.end, 'contentType');
    if ((await oidAt(source, outerType)) !== gmt0010.signedData) throw new CryptoError('bad-input', 'not a GM/T 0010 SignedData');
    const explicit = expectTag(await readTlv(source, outerType.end, outer.end, 'content'), 0xa0, 'content');
    const signedData = expectTag(await readTlv(source, explicit.valueStart, explicit.end, 'SignedData'), 0x30, 'SignedData');
    // The SignedData's version, digestAlgorithms and contentInfo header lie outside what the signature covers (the
    // digest starts at the EnvelopedData): each is held to the one form jiuzhu and GM/T 0010 write.
    const version = await versionOne(source, await readTlv(source, signedData.valueStart, signedData.end, 'version'), 'SignedData version');
    const digestAlgorithms = expectTag(await readTlv(source, version.end, signedData.end, 'digestAlgorithms'), 0x31, 'digestAlgorithms');
    const inner = expectTag(await readTlv(source, digestAlgorithms.end, signedData.end, 'contentInfo'), 0x30, 'contentInfo');
    const innerType = await readTlv(source, inner.valueStart, inner.end, 'contentType');
    if ((await oidAt(source, innerType)) !== gmt0010.envelopedData) throw new CryptoError('bad-input', 'the signed content is not a GM/T 0010 EnvelopedData');
    const innerExplicit = expectTag(await readTlv(source, innerType.end, inner.end, 'content'), 0xa0, 'content');
    const enveloped = expectTag(await readTlv(source, innerExplicit.valueStart, innerExplicit.end, 'EnvelopedData'), 0x30, 'EnvelopedData');
    const envelopedVersion = await versionOne(source, await readTlv(source, enveloped.valueStart, enveloped.end, 'version'), 'EnvelopedData version');
    const recipientInfos = expectTag(await readTlv(source, envelopedVersion.end, enveloped.end, 'recipientInfos'), 0x31, 'recipientInfos');
    const encryptedContentInfo = expectTag(await readTlv(source, recipientInfos.end, enveloped.end, 'encryptedContentInfo'), 0x30, 'encryptedContentInfo');
    const dataType = await readTlv(source, encryptedContentInfo.valueStart, encryptedContentInfo.end, 'contentType');
    if ((await oidAt(source, dataType)) !== gmt0010.data) throw new CryptoError('bad-input', 'the encrypted content is not GM/T 0010 data');
    const contentAlgorithm = expectTag(await readTlv(source, dataType.end, encryptedContentInfo.end, 'contentEncryptionAlgorithm'), 0x30, 'contentEncryptionAlgorithm');
    const ciphertext = expectTag(await readTlv(source, contentAlgorithm.end, encryptedContentInfo.end, 'encryptedContent'), 0x80, 'encryptedContent');
    if (ciphertext.end !== encryptedContentInfo.end || encryptedContentInfo.end !== enveloped.end || enveloped.end !== inner.end) {
      throw new CryptoError('bad-input', 'unexpected fields after the encrypted content');
    }
    let next = await readTlv(source, inner.end, signedData.end, 'certificates or signerInfos');
    let senderCertificateDer: Buffer | null = null;
    if (next.tag === 0xa0) {
      const certificates = await whole(source, next);
      const first = tlvAt(certificates, next.valueStart - next.start, 'certificate');
      senderCertificateDer = certificates.subarray(first.start, first.end);
      next = await readTlv(source, next.end, signedData.end, 'signerInfos');
    }
    if (next.tag === 0xa1) throw new CryptoError('bad-input', 'the envelope carries CRLs, which jiuzhu does not read: a signature does not cover them');
    expectTag(next, 0x31, 'signerInfos');
    if (next.end !== signedData.end || signedData.end !== explicit.end || explicit.end !== outer.end) {
      throw new CryptoError('bad-input', 'unexpected fields after the signerInfos');
    }
    const signerInfos = await whole(source, next);
    const signerInfoTlv = expectTag(tlvAt(signerInfos, next.valueStart - next.start, 'signerInfo'), 0x30, 'SignerInfo');
    if (signerInfoTlv.end !== signerInfos.length) throw new CryptoError('bad-input', 'jiuzhu envelopes carry exactly one signer');
    return {
      enveloped,
      ciphertext,
      recipientInfos: await whole(source, recipientInfos),
      contentAlgorithm: await whole(source, contentAlgorithm),
      signerInfo: signerInfos.subarray(signerInfoTlv.start, signerInfoTlv.end),
      senderCertificateDer,
      digestAlgorithms: await whole(source, digestAlgorithms),
    };
  } catch (error) {
    if (error instanceof EnvelopeError) throw error;
    throw new EnvelopeError('malformed', `not a readable GM/T 0010 envelope: ${(error as Error).message}`, { cause: error });
  }
}

/** Small parts only: certificates, recipient and signer infos are a few KB at most. */
async function whole(source: ByteSource, tlv: Tlv): Promise<Buffer> {
  if (tlv.end - tlv.start > 1 << 20) throw new CryptoError('bad-input', 'an envelope header part exceeds 1 MB');
  return source.read(tlv.start, tlv.end - tlv.start);
}

/** An INTEGER that must be 1 (GM/T 0010's SignedData and EnvelopedData, as PKCS #7 v1.5). */
async function versionOne(source: ByteSource, tlv: Tlv, what: string): Promise<Tlv> {
  expectTag(tlv, 0x02, what);
  if (!(await whole(source, tlv)).equals(Buffer.from([0x02, 0x01, 0x01]))) throw new CryptoError('bad-input', `${what} is not 1`);
  return tlv;
}

async function oidAt(source: ByteSource, tlv: Tlv): Promise<string> {
  return oidOf(fromDer(await whole(source, tlv), 'OID'), 'content type');
}

function readSignerInfo(der: Buffer): { attributes: EnvelopeAttributes; signedAttributes: Buffer; signature: Buffer; signerIdentity: Buffer } {
  try {
    const info = tlvAt(der, 0, 'SignerInfo');
    let at = info.valueStart;
    const fields: Tlv[] = [];
    while (at < info.end) {
      const field = tlvAt(der, at, 'SignerInfo field');
      fields.push(field);
      at = field.end;
    }
    const [version, issuerAndSerial, digestAlgorithm, authenticated, signatureAlgorithm, encryptedDigest, ...rest] = fields;
    // Every field's tag is checked: the signature covers only the attributes, so a lax reader would let anyone
    // re-encode the rest of a valid envelope into new bytes that still open.
    const expected: [Tlv | undefined, number][] = [[version, 0x02], [issuerAndSerial, 0x30], [digestAlgorithm, 0x30], [authenticated, 0xa0], [signatureAlgorithm, 0x30], [encryptedDigest, 0x04]];
    if (expected.some(([field, tag]) => field?.tag !== tag)) {
      throw new CryptoError('bad-input', 'SignerInfo must be { version, issuerAndSerialNumber, digestAlgorithm, [0] attributes, signatureAlgorithm, OCTET STRING signature }');
    }
    if (rest.length > 0) throw new CryptoError('bad-input', 'SignerInfo carries unsigned attributes, which nothing could trust: jiuzhu refuses them');
    if (!der.subarray(version!.valueStart, version!.end).equals(Buffer.from([1]))) throw new CryptoError('bad-input', 'SignerInfo version is not 1');
    const algorithm = (tlv: Tlv | undefined) => oidOf(childrenOf(fromDer(der.subarray(tlv!.start, tlv!.end), 'AlgorithmIdentifier'), 'AlgorithmIdentifier')[0], 'algorithm');
    if (algorithm(digestAlgorithm) !== smAlgorithms.sm3) throw new CryptoError('bad-input', 'the digest algorithm is not SM3');
    if (algorithm(signatureAlgorithm) !== smAlgorithms.sm2Sign) throw new CryptoError('bad-input', 'the signature algorithm is not SM2');
    // What was signed is the SET OF Attribute: the same bytes with the SET tag in place of [0] (RFC 2315 §9.3).
    const signedAttributes = Buffer.concat([Buffer.from([0x31]), der.subarray(authenticated!.start + 1, authenticated!.end)]);
    return {
      attributes: decodeSignedAttributes(signedAttributes),
      signedAttributes,
      signature: der.subarray(encryptedDigest!.valueStart, encryptedDigest!.end),
      signerIdentity: der.subarray(issuerAndSerial!.start, issuerAndSerial!.end),
    };
  } catch (error) {
    throw new EnvelopeError('malformed', `unreadable signer information: ${(error as Error).message}`, { cause: error });
  }
}

/** digestAlgorithms ::= SET OF AlgorithmIdentifier, here exactly one: SM3 (with or without NULL parameters). */
function isSm3Only(digestAlgorithmsDer: Buffer): boolean {
  try {
    const algorithms = universalChildren(fromDer(digestAlgorithmsDer, 'digestAlgorithms'), Type.SET, 'digestAlgorithms');
    if (algorithms.length !== 1) return false;
    const [algorithm, parameters, extra] = universalChildren(algorithms[0], Type.SEQUENCE, 'AlgorithmIdentifier');
    const isNull = parameters?.tagClass === Class.UNIVERSAL && parameters.type === Type.NULL;
    return oidOf(algorithm, 'digest algorithm') === smAlgorithms.sm3 && extra === undefined && (parameters === undefined || isNull);
  } catch {
    return false;
  }
}

/**
 * The certificate an envelope carries and the IssuerAndSerialNumber its SignerInfo names are not signed; they must
 * agree with what is: the certificate is one registered for the verifying key (or, when none is, one that key signed
 * itself), and the SignerInfo names that certificate, a registered one, or the key (keyIdentity).
 */
function checkSignerIdentity(parsed: ParsedEnvelope, signerIdentity: Buffer, verifying: Sm2PublicKey, registered: readonly Buffer[], userId: string): void {
  const registeredForKey = registered.flatMap((der) => {
    try {
      const certificate = parseSm2Certificate(der);
      return certificate.publicKeyHex === verifying.hex ? [certificate] : [];
    } catch {
      return [];
    }
  });
  const names = [issuerAndSerialNumber(keyIdentity(verifying)), ...registeredForKey.map(issuerAndSerialNumber)];
  if (parsed.senderCertificateDer) {
    const carried = parsed.senderCertificateDer;
    let certificate: Sm2Certificate;
    try {
      certificate = parseSm2Certificate(carried);
    } catch (error) {
      throw new EnvelopeError('tampered', 'the certificate the envelope carries is not a readable SM2 certificate', { cause: error });
    }
    const trusted = registeredForKey.length > 0
      ? registeredForKey.some((known) => known.der.equals(carried))
      : certificate.publicKeyHex === verifying.hex && verifySm2CertificateSignature(certificate, verifying, userId);
    if (!trusted) throw new EnvelopeError('tampered', 'the certificate the envelope carries is not the one registered for (or signed by) the key that signed it');
    names.push(issuerAndSerialNumber(certificate));
  }
  if (!names.some((name) => name.equals(signerIdentity))) {
    throw new EnvelopeError('tampered', 'the SignerInfo names neither the signing key nor its certificate');
  }
}

function unwrapContentKey(recipientInfosDer: Buffer, keys: readonly RecipientKey[]): Buffer {
  let infos;
  try {
    infos = childrenOf(fromDer(recipientInfosDer, 'recipientInfos'), 'recipientInfos').map((info) => {
      const [, identity, algorithm, encryptedKey] = childrenOf(info, 'RecipientInfo');
      if (oidOf(childrenOf(algorithm!, 'keyEncryptionAlgorithm')[0], 'keyEncryptionAlgorithm') !== smAlgorithms.sm2Encrypt) {
        throw new CryptoError('bad-input', 'the key is not SM2-encrypted');
      }
      return { identity: toDer(identity!), encryptedKey: bytesOf(encryptedKey, 'encryptedKey') };
    });
  } catch (error) {
    throw new EnvelopeError('malformed', `unreadable recipient information: ${(error as Error).message}`, { cause: error });
  }
  for (const key of keys) {
    // A partner that registered our certificate names it; one that registered only our public key names the key.
    const identities = [key.certificate, keyIdentity(key.publicKey)].flatMap((name) => (name ? [issuerAndSerialNumber(name)] : []));
    const info = infos.find((i) => identities.some((identity) => i.identity.equals(identity)));
    if (!info) continue;
    try {
      const contentKey = sm2Decrypt(info.encryptedKey, key.keyPair);
      if (contentKey.length !== 16) throw new CryptoError('bad-input', 'the content key is not 16 bytes');
      return contentKey;
    } catch (error) {
      throw new EnvelopeError('wrong-recipient', 'the content key does not decrypt with our key', { cause: error });
    }
  }
  throw new EnvelopeError('wrong-recipient', 'the envelope is not encrypted to any of our keys');
}

function readIv(contentAlgorithmDer: Buffer): Buffer {
  try {
    const [algorithm, parameters] = childrenOf(fromDer(contentAlgorithmDer, 'contentEncryptionAlgorithm'), 'contentEncryptionAlgorithm');
    const name = oidOf(algorithm, 'content encryption algorithm');
    if (name !== smAlgorithms.sm4Cbc && name !== smAlgorithms.sm4) throw new CryptoError('bad-input', `content cipher ${name} is not SM4-CBC`);
    if (parameters?.type !== Type.OCTETSTRING) throw new CryptoError('bad-input', 'the SM4-CBC IV is not an OCTET STRING');
    const iv = bytesOf(parameters, 'SM4-CBC IV');
    if (iv.length !== 16) throw new CryptoError('bad-input', 'the SM4-CBC IV is not 16 bytes');
    return iv;
  } catch (error) {
    throw new EnvelopeError('malformed', `unreadable content encryption algorithm: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * CBC padding sits in the last block, which decrypts on its own with the block before it as IV. Checking it
 * first means a bad envelope is refused before any plaintext is released, not after most of it was written.
 */
async function assertPaddingValid(source: ByteSource, ciphertext: Tlv, key: Buffer, iv: Buffer): Promise<void> {
  const length = ciphertext.end - ciphertext.valueStart;
  if (length === 0 || length % 16 !== 0) throw new EnvelopeError('tampered', 'the encrypted content is not a whole number of SM4 blocks');
  const previous = length === 16 ? iv : await source.read(ciphertext.end - 32, 16);
  const last = await source.read(ciphertext.end - 16, 16);
  const decipher = createSm4Decryptor('cbc', key, previous);
  try {
    Buffer.concat([decipher.update(last), decipher.final()]);
  } catch (error) {
    throw new EnvelopeError('tampered', 'the content does not decrypt (the sender encrypted it wrongly)', { cause: error });
  }
}
