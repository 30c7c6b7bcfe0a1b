import { computeCheckCharacter } from '../identity/id-number.js';
import { civilDateOf, formatDayNumber } from './calendar-days.js';
import type { SeededRandom } from './seeded-random.js';

/** GB 11643: three sequence digits per region and birth date; odd for men, even for women. */
const SEQUENCES_PER_DAY = 1000;

export interface AllocatedIdNumber {
  idNumber: string;
  /** Usually the day asked for; one day earlier when every sequence of that day and gender was taken. */
  birthDay: number;
  /** `birthDay` as YYYY-MM-DD. */
  birthDate: string;
}

/**
 * Hands out 18-character ID numbers of one county that are unique for the whole run.
 *
 * Uniqueness is tracked in a bitset with one bit per (birth day, sequence) pair: about 5.5 MB for 120 years of
 * birth dates, whatever the number of persons. A Set of a million ID strings would take ten times that and grow.
 */
export class IdNumberAllocator {
  private readonly used: Uint8Array;

  constructor(
    private readonly regionCode: string,
    private readonly earliestBirthDay: number,
    private readonly latestBirthDay: number,
  ) {
    if (!/^\d{6}$/.test(regionCode)) throw new RangeError(`[demo] An ID region code has 6 digits, got "${regionCode}".`);
    this.used = new Uint8Array(Math.ceil(((latestBirthDay - earliestBirthDay + 1) * SEQUENCES_PER_DAY) / 8));
  }

  /**
   * A random free sequence of the right parity for that day, found by stepping two at a time from a random start
   * (sequence 000 is never issued). In the rare event that a day is full, the birth day moves one day earlier.
   */
  allocate(birthDay: number, gender: '1' | '2', random: SeededRandom): AllocatedIdNumber {
    const parity = gender === '1' ? 1 : 0;
    const slots = gender === '1' ? 500 : 499;
    for (let day = birthDay; day >= this.earliestBirthDay; day -= 1) {
      if (day > this.latestBirthDay) continue;
      const dayOffset = (day - this.earliestBirthDay) * SEQUENCES_PER_DAY;
      let slot = random.integerBelow(slots);
      for (let tried = 0; tried < slots; tried += 1) {
        const sequence = parity === 1 ? 2 * slot + 1 : 2 * slot + 2;
        const bit = dayOffset + sequence;
        const byteIndex = bit >>> 3;
        const mask = 1 << (bit & 7);
        const byte = this.used[byteIndex] ?? 0;
        if ((byte & mask) === 0) {
          this.used[byteIndex] = byte | mask;
          const { year, month, day: dayOfMonth } = civilDateOf(day);
          const first17 = this.regionCode + String(year * 10000 + month * 100 + dayOfMonth) + String(1000 + sequence).slice(1);
          const birthDate = `${year}-${month < 10 ? '0' : ''}${month}-${dayOfMonth < 10 ? '0' : ''}${dayOfMonth}`;
          return { idNumber: first17 + computeCheckCharacter(first17), birthDay: day, birthDate };
        }
        slot = slot + 1 === slots ? 0 : slot + 1;
      }
    }
    throw new RangeError(`[demo] No free ID number is left for birth dates up to ${formatDayNumber(birthDay)}.`);
  }
}
