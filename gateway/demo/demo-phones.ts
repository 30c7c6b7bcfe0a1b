import { createHash } from 'node:crypto';

/** Mobile prefixes of the three carriers (移动, 联通, 电信) as numbers are handed out today. */
const prefixes = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '130', '131', '132', '155', '156', '186', '133', '153', '177', '180', '181', '189'];

/**
 * A household contact's mobile (联系电话) for the demo register: derived from the person's generated ID number rather
 * than drawn from the household's random stream, so adding phones left every other generated value as it was. Valid
 * in form, belonging to nobody anyone could know of.
 */
export function demoMobileNumber(idNumber: string): string {
  const digest = createHash('sm3').update(`demo phone ${idNumber}`).digest();
  const prefix = prefixes[digest.readUInt16BE(0) % prefixes.length]!;
  const rest = String(digest.readUInt32BE(2) % 100_000_000).padStart(8, '0');
  return prefix + rest;
}
