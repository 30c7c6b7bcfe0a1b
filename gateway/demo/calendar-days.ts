/**
 * Calendar dates as day numbers (days since 1970-01-01), converted with Howard Hinnant's civil-from-days
 * algorithms: pure integer arithmetic, so no `Date` object, no time zone and no daylight-saving surprise can
 * shift a birth date or a payment day by one.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayNumberOf(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilDateOf(dayNumber: number): CivilDate {
  const shifted = dayNumber + 719468;
  const era = Math.floor(shifted / 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function formatDayNumber(dayNumber: number): string {
  const { year, month, day } = civilDateOf(dayNumber);
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** The day number of a `YYYY-MM-DD` string, or a RangeError naming the field when it is not a real date. */
export function parseCalendarDate(value: string, field: string): number {
  const match = DATE_PATTERN.exec(value);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const dayNumber = dayNumberOf(year, month, day);
    const roundTrip = civilDateOf(dayNumber);
    if (roundTrip.year === year && roundTrip.month === month && roundTrip.day === day) return dayNumber;
  }
  throw new RangeError(`[demo] ${field} must be a calendar date YYYY-MM-DD, got "${value}".`);
}
