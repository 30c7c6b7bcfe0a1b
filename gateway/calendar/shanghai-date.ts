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

/** The calendar month before the given date's month, YYYY-MM. */
export function previousMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}
