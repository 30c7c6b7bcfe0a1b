import { CryptoError } from './crypto-error.js';
import { asn1, Class, Type, type Asn1 } from './der.js';

/**
 * RFC 5280 §4.1.2.5: validity dates through 2049 MUST be UTCTime and from 2050 on GeneralizedTime, both in
 * UTC with seconds and no fractions (GM/T 0015 says the same). Dates are written to the second; milliseconds
 * are dropped.
 */
export function encodeX509Time(date: Date): Asn1 {
  if (Number.isNaN(date.getTime())) throw new CryptoError('bad-input', 'a certificate date is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new CryptoError('bad-input', `year ${year} cannot be written in a certificate`);
  const digits = date.toISOString().slice(0, 19).replace(/[-T:]/g, '');
  return year >= 1950 && year < 2050
    ? asn1.create(Class.UNIVERSAL, Type.UTCTIME, false, `${digits.slice(2)}Z`)
    : asn1.create(Class.UNIVERSAL, Type.GENERALIZEDTIME, false, `${digits}Z`);
}

/** The two forms RFC 5280 allows, and only them: a time zone other than Z, or fractions, mean a malformed certificate. */
export function decodeX509Time(node: Asn1 | undefined, what: string): Date {
  const text = node && typeof node.value === 'string' ? node.value : '';
  let match: RegExpExecArray | null = null;
  let century = '';
  if (node?.type === Type.UTCTIME) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (match) century = Number(match[1]) >= 50 ? '19' : '20';
  } else if (node?.type === Type.GENERALIZEDTIME) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  }
  if (!match) throw new CryptoError('bad-input', `${what} is not a UTCTime or GeneralizedTime of the form RFC 5280 §4.1.2.5 requires`);
  const [, year, month, day, hour, minute, second] = match;
  const iso = `${century}${year}-${month}-${day}T${hour}:${minute}:${second}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== iso.slice(0, 19)) {
    throw new CryptoError('bad-input', `${what} is not a calendar date (${text})`);
  }
  return date;
}
