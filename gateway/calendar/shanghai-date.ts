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

/**
 * The instant a calendar date begins in Asia/Shanghai, as ISO 8601 (UTC+8 all year, so 16:00 UTC the day
 * before); undefined for anything but a real date YYYY-MM-DD.
 */
export function startOfDayInShanghai(date: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const start = new Date(`${date}T00:00:00+08:00`);
  return !Number.isNaN(start.getTime()) && todayInShanghai(start) === date ? start.toISOString() : undefined;
}

/** An instant as Shanghai's wall clock, YYYY-MM-DD HH:MM (UTC+8 all year): how a report shows when something happened. */
export function shanghaiMinute(instant: string | Date): string {
  const shifted = new Date(new Date(instant).getTime() + 8 * 3_600_000);
  return shifted.toISOString().slice(0, 16).replace('T', ' ');
}
