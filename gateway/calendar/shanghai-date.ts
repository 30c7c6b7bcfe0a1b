/**
 * Dates in this domain are calendar dates in Asia/Shanghai (a benefit month, a birth date, a deadline),
 * never instants. China has no daylight saving, so one formatter serves every call; it is built once
 * because constructing Intl formatters is costly on hot paths such as checking a million ID numbers.
 */
const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's calendar date in Asia/Shanghai, YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  return shanghaiDate.format(now);
}
