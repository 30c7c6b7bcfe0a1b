/**
 * Region scope: an API key is bound to one division and sees what lies inside it. Division codes nest
 * by prefix (GB/T 2260 + the statistical township/village digits), so "inside" is a prefix test and, in
 * SQL, a range scan on an indexed code column: code >= prefix AND code < next(prefix).
 */

/** The whole country: the scope of the command-line operator and of national integrators. */
export const nationwide = '000000';

/** A division code a key or a run may be bound to: 6 digits (province to county), 9 (township) or 12 (village). */
export function isRegionCode(value: string): boolean {
  return /^([0-9]{6}|[0-9]{9}|[0-9]{12})$/.test(value);
}

/** The significant prefix of a division code: 64 for 640000 (province), 6401 for 640100 (prefecture), 640121 for a county, the whole code below. */
export function scopePrefix(regionCode: string): string {
  if (regionCode === nationwide) return '';
  if (regionCode.length === 6) {
    if (regionCode.endsWith('0000')) return regionCode.slice(0, 2);
    if (regionCode.endsWith('00')) return regionCode.slice(0, 4);
  }
  return regionCode;
}

export function isWithinScope(scopeRegionCode: string, regionCode: string): boolean {
  return regionCode.startsWith(scopePrefix(scopeRegionCode));
}

/** [low, high) bounds such that every code with the prefix sorts inside; codes are digit strings. */
export function prefixRange(prefix: string): { low: string; high: string } {
  if (prefix === '') return { low: '', high: '~' };
  const last = prefix.charCodeAt(prefix.length - 1);
  return { low: prefix, high: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/**
 * A household is within a scope when it is registered there or lives there: both the place of registration
 * (户籍地, which decides and pays) and the place of residence (居住地, which visits and verifies) handle it.
 */
export function isHouseholdInScope(scopeRegionCode: string, household: { registeredRegion: string; residenceRegion: string }): boolean {
  return isWithinScope(scopeRegionCode, household.registeredRegion) || isWithinScope(scopeRegionCode, household.residenceRegion);
}
