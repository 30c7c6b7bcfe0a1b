import { CryptoError } from './crypto-error.js';
import {
  asn1, bytesOf, childrenOf, Class, fromDer, minimalInteger, octetString, oid, oidOf, sequence, set, smallInteger, toDer, Type, utf8String, utf8Text,
  type Asn1,
} from './der.js';
import { derHeader } from './der-stream.js';
import { jiuzhuAttributes, pkcs9, smAlgorithms } from './gmt0010.js';
import { decodeX509Time, encodeX509Time } from './x509-time.js';
import type { Sm2PublicKey } from './sm2.js';

/** What identifies a certificate in CMS: the issuer Name and serial number, byte for byte as in the certificate. */
export interface CertificateIdentity {
  der: Buffer;
  issuerDer: Buffer;
  serialNumberDer: Buffer;
}

/** The signed attributes of a jiuzhu envelope. */
export interface EnvelopeAttributes {
  contentType: string;
  messageDigest: Buffer;
  signingTime: Date;
  senderId: string;
  recipientId: string;
  nonce: Buffer;
}

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }. */
export function issuerAndSerialNumber(identity: Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'>): Buffer {
  const serial = asn1.create(Class.UNIVERSAL, Type.INTEGER, false, identity.serialNumberDer.toString('binary'));
  return toDer(sequence(fromDer(identity.issuerDer, 'the issuer Name'), serial));
}

/**
 * A partner registered with a bare public key has no certificate to name it by. Its RecipientInfo then names
 * the key itself: issuer CN = "jiuzhu-key:<fingerprint>", serial = the fingerprint's bytes. Stable, and
 * recognisable by the partner from its own key.
 */
export function keyIdentity(key: Sm2PublicKey): Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'> {
  const cn = sequence(oid('2.5.4.3'), utf8String(`jiuzhu-key:${key.fingerprint}`));
  const name = sequence(set(cn));
  return { issuerDer: toDer(name), serialNumberDer: minimalInteger(Buffer.from(key.fingerprint, 'hex')) };
}

export function algorithmIdentifier(algorithm: string, parameters?: Asn1): Asn1 {
  return parameters ? sequence(oid(algorithm), parameters) : sequence(oid(algorithm));
}

function attribute(type: string, value: Asn1): Buffer {
  return toDer(sequence(oid(type), set(value)));
}

/** DER of the SET OF Attribute that is signed (RFC 2315 §9.3: the SET OF tag, not the [0] of the SignerInfo). */
export function encodeSignedAttributes(attributes: EnvelopeAttributes): Buffer {
  const encoded = [
    attribute(pkcs9.contentType, oid(attributes.contentType)),
    attribute(pkcs9.messageDigest, octetString(attributes.messageDigest)),
    attribute(pkcs9.signingTime, encodeX509Time(attributes.signingTime)), // UTCTime before 2050, GeneralizedTime after (RFC 5652 §11.3)
    attribute(jiuzhuAttributes.senderId, utf8String(attributes.senderId)),
    attribute(jiuzhuAttributes.recipientId, utf8String(attributes.recipientId)),
    attribute(jiuzhuAttributes.nonce, octetString(attributes.nonce)),
  ].sort(Buffer.compare); // DER sorts SET OF by encoding (X.690 §11.6)
  const body = Buffer.concat(encoded);
  return Buffer.concat([derHeader(0x31, body.length), body]);
}

export function decodeSignedAttributes(signedAttributesDer: Buffer): EnvelopeAttributes {
  const values = new Map<string, Asn1>();
  for (const attributeNode of childrenOf(fromDer(signedAttributesDer, 'the signed attributes'), 'SET OF Attribute')) {
    const [type, valueSet] = childrenOf(attributeNode, 'Attribute');
    const name = oidOf(type, 'attribute type');
    const [value] = childrenOf(valueSet!, `attribute ${name} values`);
    if (values.has(name)) throw new CryptoError('bad-input', `attribute ${name} appears twice`);
    if (value) values.set(name, value);
  }
  const required = (name: string, what: string): Asn1 => {
    const value = values.get(name);
    if (!value) throw new CryptoError('bad-input', `the envelope lacks the signed ${what}`);
    return value;
  };
  const signingTime = decodeX509Time(required(pkcs9.signingTime, 'signing time'), 'signing time');
  return {
    contentType: oidOf(required(pkcs9.contentType, 'content type'), 'content type'),
    messageDigest: bytesOf(required(pkcs9.messageDigest, 'message digest'), 'message digest'),
    signingTime,
    senderId: utf8Text(required(jiuzhuAttributes.senderId, 'sender id')),
    recipientId: utf8Text(required(jiuzhuAttributes.recipientId, 'recipient id')),
    nonce: bytesOf(required(jiuzhuAttributes.nonce, 'nonce'), 'nonce'),
  };
}

export function signerInfo(signer: Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'>, signedAttributes: Buffer, signature: Buffer): Buffer {
  const authenticated = Buffer.concat([Buffer.from([0xa0]), signedAttributes.subarray(1)]);
  return toDer(
    sequence(
      smallInteger(1),
      fromDer(issuerAndSerialNumber(signer), 'IssuerAndSerialNumber'),
      algorithmIdentifier(smAlgorithms.sm3),
      fromDer(authenticated, 'authenticated attributes'),
      algorithmIdentifier(smAlgorithms.sm2Sign),
      octetString(signature),
    ),
  );
}

export function recipientInfo(recipient: Pick<CertificateIdentity, 'issuerDer' | 'serialNumberDer'>, encryptedKey: Buffer): Buffer {
  return toDer(
    sequence(
      smallInteger(1),
      fromDer(issuerAndSerialNumber(recipient), 'IssuerAndSerialNumber'),
      algorithmIdentifier(smAlgorithms.sm2Encrypt),
      octetString(encryptedKey),
    ),
  );
}
