import { CryptoError } from './crypto-error.js';
import { asn1, childrenOf, Class, oid, oidOf, sequence, set, Type, utf8String, type Asn1 } from './der.js';

/** The subject fields jiuzhu writes into the certificates it issues. */
export interface CertificateSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 two-letter code, e.g. "CN". */
  country?: string;
}

/** Short names as OpenSSL prints them, so a subject reads the same here, in `openssl x509 -nameopt utf8` and in partners' logs. */
const attributeNames: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const attributeOids = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
} as const;

/** RFC 5280 Appendix A: ub-common-name, ub-organization-name and ub-organizational-unit-name are all 64 characters. */
const maximumNameLength = 64;

const teletexString = 20;
const universalString = 28;

/**
 * A Name as C, O, OU, CN — the order OpenSSL and GM/T 0015's examples use. RFC 5280 §4.1.2.4 asks CAs for
 * PrintableString or UTF8String: the country code is PrintableString (as `openssl req` writes it), everything
 * else UTF8String so that Chinese organisation names survive every reader.
 */
export function encodeX509Name(subject: CertificateSubject): Asn1 {
  const attributes: Asn1[] = [];
  if (subject.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(subject.country)) throw new CryptoError('bad-input', `country "${subject.country}" is not a two-letter ISO 3166 code`);
    attributes.push(attribute(attributeOids.country, asn1.create(Class.UNIVERSAL, Type.PRINTABLESTRING, false, subject.country)));
  }
  for (const field of ['organization', 'organizationalUnit', 'commonName'] as const) {
    const value = subject[field];
    if (value === undefined) continue;
    const length = [...value].length;
    if (value.trim() === '' || length > maximumNameLength) {
      throw new CryptoError('bad-input', `${field} must be 1 to ${maximumNameLength} characters (RFC 5280 Appendix A), got ${length}`);
    }
    attributes.push(attribute(attributeOids[field], utf8String(value)));
  }
  return sequence(...attributes.map((single) => set(single)));
}

/**
 * "C=CN, O=宁夏回族自治区民政厅, CN=…": relative distinguished names in certificate order joined by ", ",
 * multi-valued ones by " + ", as OpenSSL prints with `-nameopt utf8`. Separators inside values are
 * backslash-escaped (RFC 4514 §2.4) so the text cannot be misread as extra attributes.
 */
export function describeX509Name(name: Asn1): string {
  return childrenOf(name, 'Name')
    .map((relativeName) =>
      childrenOf(relativeName, 'RelativeDistinguishedName')
        .map((typeAndValue) => {
          const [type, value] = childrenOf(typeAndValue, 'AttributeTypeAndValue');
          const dotted = oidOf(type, 'the attribute type');
          return `${attributeNames[dotted] ?? dotted}=${escapeValue(attributeText(value))}`;
        })
        .join(' + '),
    )
    .join(', ');
}

function attribute(type: string, value: Asn1): Asn1 {
  return sequence(oid(type), value);
}

function attributeText(value: Asn1 | undefined): string {
  if (!value || typeof value.value !== 'string') throw new CryptoError('bad-input', 'a name attribute has no value');
  const bytes = Buffer.from(value.value, 'binary');
  switch (value.type as number) {
    case Type.UTF8:
      return decodeUtf8(bytes);
    case Type.PRINTABLESTRING:
    case Type.IA5STRING:
    case teletexString:
      return bytes.toString('latin1');
    case Type.BMPSTRING:
      return decodeUtf16BigEndian(bytes);
    case universalString:
      return decodeUtf32BigEndian(bytes);
    default:
      return `#${bytes.toString('hex')}`;
  }
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new CryptoError('bad-input', 'a name attribute is not valid UTF-8', { cause: error });
  }
}

/** BMPString is UCS-2 big-endian; older Chinese CAs still write organisation names this way. */
function decodeUtf16BigEndian(bytes: Buffer): string {
  if (bytes.length % 2 !== 0) throw new CryptoError('bad-input', 'a BMPString has an odd number of bytes');
  return Buffer.from(bytes).swap16().toString('utf16le');
}

function decodeUtf32BigEndian(bytes: Buffer): string {
  if (bytes.length % 4 !== 0) throw new CryptoError('bad-input', 'a UniversalString is not a whole number of characters');
  let text = '';
  for (let offset = 0; offset < bytes.length; offset += 4) text += String.fromCodePoint(bytes.readUInt32BE(offset));
  return text;
}

function escapeValue(text: string): string {
  return text.replace(/[,+\\;<>"=]/g, (character) => `\\${character}`);
}
