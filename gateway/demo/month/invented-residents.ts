import { computeCheckCharacter } from '../../identity/id-number.js';
import { composeGivenName } from '../chinese-names.js';
import type { CountyPlace } from '../county-places.js';
import { ethnicMixForCounty } from '../ethnic-mix.js';
import type { SeededRandom } from '../seeded-random.js';
import { ageAt } from './register-snapshot.js';

/** Someone who lives in the county but is not in the low-income register: departments report on them too. */
export interface Resident {
  idNumber: string;
  name: string;
  gender: '1' | '2';
  birthDate: string;
  age: number;
  place: CountyPlace;
}

/**
 * Invents residents of the county who are not in the register — the people active discovery looks for, and the
 * bulk of any department's file. Their ID numbers are issued in the county (so warnings about them go to it) and
 * never collide with a registered person's or with one another.
 */
export class ResidentInventor {
  private readonly taken = new Set<string>();

  constructor(
    private readonly countyCode: string,
    private readonly registered: ReadonlySet<string>,
    private readonly places: readonly CountyPlace[],
    private readonly periodEnd: string,
  ) {}

  invent(random: SeededRandom, ages: { min: number; max: number }, gender: '1' | '2' = random.chance(0.5) ? '1' : '2', place?: CountyPlace): Resident {
    const age = random.integerBetween(ages.min, ages.max);
    const birthDate = this.birthDateForAge(random, age);
    const idNumber = this.issue(random, birthDate, gender);
    const group = random.pickWeighted(ethnicMixForCounty(this.countyCode).groups);
    const name = random.pickWeighted(group.surnames) + composeGivenName(random, gender, Number(birthDate.slice(0, 4)));
    return { idNumber, name, gender, birthDate, age: ageAt(birthDate, this.periodEnd), place: place ?? random.pick(this.places) };
  }

  /** A baby born on `birthDate` (in the month), for a 出生 row. */
  inventNewborn(random: SeededRandom, birthDate: string, surname: string, place: CountyPlace): Resident {
    const gender = random.chance(0.5) ? '1' : '2';
    const idNumber = this.issue(random, birthDate, gender);
    return { idNumber, name: surname + composeGivenName(random, gender, Number(birthDate.slice(0, 4))), gender, birthDate, age: 0, place };
  }

  /** A free GB 11643 number for the birth date: sequence odd for men, even for women, never 000. */
  private issue(random: SeededRandom, birthDate: string, gender: '1' | '2'): string {
    const prefix = this.countyCode + birthDate.replaceAll('-', '');
    for (let attempt = 0; attempt < 2000; attempt += 1) {
      const slot = random.integerBelow(499);
      const sequence = gender === '1' ? 2 * slot + 1 : 2 * slot + 2;
      const first17 = prefix + String(sequence).padStart(3, '0');
      const idNumber = first17 + computeCheckCharacter(first17);
      if (!this.registered.has(idNumber) && !this.taken.has(idNumber)) {
        this.taken.add(idNumber);
        return idNumber;
      }
    }
    throw new RangeError(`[demo] no free ID number is left for ${birthDate}`);
  }

  /** A birth date on which a person is exactly `age` at the period's end. */
  private birthDateForAge(random: SeededRandom, age: number): string {
    const end = this.periodEnd;
    const latest = Date.UTC(Number(end.slice(0, 4)) - age, Number(end.slice(5, 7)) - 1, Number(end.slice(8, 10)));
    const earliest = Date.UTC(Number(end.slice(0, 4)) - age - 1, Number(end.slice(5, 7)) - 1, Number(end.slice(8, 10))) + 86_400_000;
    const day = earliest + random.integerBelow(Math.round((latest - earliest) / 86_400_000) + 1) * 86_400_000;
    return new Date(day).toISOString().slice(0, 10);
  }
}
