import { decodeOid } from '../../gateway/crypto/der.js';
import type { EnvelopeRecipient, EnvelopeSender, RecipientKey } from '../../gateway/crypto/envelope.js';
import { pkcs9 } from '../../gateway/crypto/gmt0010.js';
import { issueSm2Certificate, type Sm2Certificate } from '../../gateway/crypto/sm2-certificate.js';
import { generateSm2KeyPair, sm2PrivateKeyPem, sm2PublicKeyPem, type Sm2KeyPair } from '../../gateway/crypto/sm2-keys.js';
import { createSm2Signer, prepareSm2PublicKey, sm2Sign, type Sm2PublicKey, type Sm2Signer } from '../../gateway/crypto/sm2.js';
import { sm3 } from '../../gateway/crypto/sm3.js';

/**
 * Parties to a GM/T 0010 envelope, each with its own SM2 key and a self-signed certificate, as the keystore
 * gives every key (gateway/keystore/own-keys.ts), so envelopes name sender and recipient by IssuerAndSerialNumber.
 */
export interface EnvelopeParty {
  id: string;
  keyPair: Sm2KeyPair;
  signer: Sm2Signer;
  publicKey: Sm2PublicKey;
  certificate: Sm2Certificate;
  privateKeyPem: string;
  publicKeyPem: string;
  /** As `ownKeys.sender()` hands it to sealEnvelope. */
  sender: EnvelopeSender;
  /** As `partners.sm2Recipient()` hands it to sealEnvelope, certificate included. */
  recipient: EnvelopeRecipient;
  /** As `ownKeys.recipientKeys()` hands it to openEnvelope. */
  recipientKey: RecipientKey;
}

/** A party with a fresh key; several parties may share an id, which is how a rotated key looks. */
export function createEnvelopeParty(id: string): EnvelopeParty {
  const keyPair = generateSm2KeyPair();
  const signer = createSm2Signer(keyPair);
  const certificate = issueSm2Certificate(
    {
      subject: { country: 'CN', organization: 'jiuzhu', commonName: id },
      publicKeyHex: keyPair.publicKeyHex,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2031-01-01T00:00:00Z'),
    },
    { signer },
  );
  const publicKey = signer.publicKey;
  return {
    id,
    keyPair,
    signer,
    publicKey,
    certificate,
    privateKeyPem: sm2PrivateKeyPem(keyPair),
    publicKeyPem: sm2PublicKeyPem(keyPair.publicKeyHex),
    sender: { id, signer, certificate },
    recipient: { id, publicKey: prepareSm2PublicKey(keyPair.publicKeyHex), certificate },
    recipientKey: { keyPair, publicKey, certificate },
  };
}

/** One definite-length DER value found by {@link parseDerTree}: where its header starts, where its value lies. */
export interface DerNode {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
  children: DerNode[];
}

/**
 * A deliberately separate DER reader (short-form tags, definite lengths), so that tests locate the parts of an
 * envelope without trusting the module under test to find them.
 */
export function parseDerTree(buffer: Buffer, start = 0, end = buffer.length): DerNode[] {
  const nodes: DerNode[] = [];
  let at = start;
  while (at < end) {
    const tag = buffer[at]!;
    const first = buffer[at + 1]!;
    let length = first;
    let valueStart = at + 2;
    if (first & 0x80) {
      const count = first & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + buffer[at + 2 + i]!;
      valueStart += count;
    }
    const nodeEnd = valueStart + length;
    if (nodeEnd > end) throw new Error(`DER value at ${at} runs past ${end}`);
    const children = tag & 0x20 ? parseDerTree(buffer, valueStart, nodeEnd) : [];
    nodes.push({ tag, start: at, valueStart, end: nodeEnd, children });
    at = nodeEnd;
  }
  return nodes;
}

function child(node: DerNode | undefined, index: number, what: string): DerNode {
  const found = node?.children[index];
  if (!found) throw new Error(`the envelope has no ${what}`);
  return found;
}

/** Where each part of a jiuzhu envelope lies (GM/T 0010 SignedData around EnvelopedData). */
export interface EnvelopeLayout {
  /** The OID naming the outer content (SignedData). */
  outerContentType: DerNode;
  /** SignedData's version INTEGER. */
  signedDataVersion: DerNode;
  /** The one AlgorithmIdentifier of SignedData's digestAlgorithms. */
  digestAlgorithm: DerNode;
  /** The OID naming what SignedData encapsulates. */
  innerContentType: DerNode;
  envelopedData: DerNode;
  recipientIdentifier: DerNode;
  encryptedKey: DerNode;
  iv: DerNode;
  contentAlgorithmOid: DerNode;
  ciphertext: DerNode;
  certificates: DerNode;
  signerInfo: DerNode;
  signerIdentifier: DerNode;
  /** The [0] IMPLICIT authenticated attributes; signed as the same bytes with tag 0x31. */
  signedAttributes: DerNode;
  /** The value of each signed attribute, by the attribute's dotted OID. */
  attributeValues: Map<string, DerNode>;
  encryptedDigest: DerNode;
}

export function envelopeLayout(envelope: Buffer): EnvelopeLayout {
  const [contentInfo] = parseDerTree(envelope);
  const signedData = child(child(contentInfo, 1, 'SignedData [0]'), 0, 'SignedData');
  const innerContentInfo = child(signedData, 2, 'contentInfo');
  const envelopedData = child(child(innerContentInfo, 1, 'content [0]'), 0, 'EnvelopedData');
  const recipientInfo = child(child(envelopedData, 1, 'recipientInfos'), 0, 'RecipientInfo');
  const encryptedContentInfo = child(envelopedData, 2, 'EncryptedContentInfo');
  const contentAlgorithm = child(encryptedContentInfo, 1, 'contentEncryptionAlgorithm');
  const signerInfo = child(child(signedData, 4, 'signerInfos'), 0, 'SignerInfo');
  const signedAttributes = child(signerInfo, 3, 'authenticated attributes');
  const attributeValues = new Map<string, DerNode>();
  for (const attribute of signedAttributes.children) {
    const type = child(attribute, 0, 'attribute type');
    attributeValues.set(decodeOid(envelope.subarray(type.valueStart, type.end)), child(child(attribute, 1, 'attribute values'), 0, 'attribute value'));
  }
  return {
    outerContentType: child(contentInfo, 0, 'contentType'),
    signedDataVersion: child(signedData, 0, 'version'),
    digestAlgorithm: child(child(signedData, 1, 'digestAlgorithms'), 0, 'AlgorithmIdentifier'),
    innerContentType: child(innerContentInfo, 0, 'contentType'),
    envelopedData,
    recipientIdentifier: child(recipientInfo, 1, 'issuerAndSerialNumber'),
    encryptedKey: child(recipientInfo, 3, 'encryptedKey'),
    iv: child(contentAlgorithm, 1, 'IV'),
    contentAlgorithmOid: child(contentAlgorithm, 0, 'content algorithm'),
    ciphertext: child(encryptedContentInfo, 2, 'encryptedContent'),
    certificates: child(signedData, 3, 'certificates'),
    signerInfo,
    signerIdentifier: child(signerInfo, 1, 'issuerAndSerialNumber'),
    signedAttributes,
    attributeValues,
    encryptedDigest: child(signerInfo, 5, 'encryptedDigest'),
  };
}

/** The signed attributes as signed: the [0] field with its tag replaced by SET OF (RFC 2315 §9.3). */
export function signedAttributesAsSigned(envelope: Buffer, layout: EnvelopeLayout = envelopeLayout(envelope)): Buffer {
  const bytes = Buffer.from(envelope.subarray(layout.signedAttributes.start, layout.signedAttributes.end));
  bytes[0] = 0x31;
  return bytes;
}

/**
 * What a sender with a broken toolkit would send: `change` edits the EnvelopedData in place (lengths unchanged),
 * then messageDigest and the signature are recomputed with `signer`, so the result is authentic and only its
 * content is wrong. Signing repeats until the DER signature has the old length, which keeps every length valid.
 */
export function resignEnvelope(envelope: Buffer, signer: Sm2Signer, change: (copy: Buffer, layout: EnvelopeLayout) => void): Buffer {
  const copy = Buffer.from(envelope);
  const layout = envelopeLayout(copy);
  change(copy, layout);
  const messageDigest = layout.attributeValues.get(pkcs9.messageDigest);
  if (!messageDigest) throw new Error('the envelope has no messageDigest attribute');
  sm3(copy.subarray(layout.envelopedData.start, layout.envelopedData.end)).copy(copy, messageDigest.valueStart);
  const signed = signedAttributesAsSigned(copy, layout);
  const length = layout.encryptedDigest.end - layout.encryptedDigest.valueStart;
  for (let attempt = 0; attempt < 200; attempt++) {
    const signature = sm2Sign(signed, signer);
    if (signature.length === length) {
      signature.copy(copy, layout.encryptedDigest.valueStart);
      return copy;
    }
  }
  throw new Error('no signature of the original length in 200 attempts');
}
