import { lastDayOfPeriod } from '../../calendar/periods.js';
import type { CountyPlace } from '../county-places.js';
import { SeededRandom } from '../seeded-random.js';
import { ResidentInventor } from './invented-residents.js';
import type { RegisterHousehold, RegisterMember, RegisterSnapshot } from './register-snapshot.js';

/** 杨和镇, where the demo township key points (demo-setup.ts): planted cases lean there so that key sees warnings. */
export const demoTownship = '640121100';

/** Someone a department file names: a registered person (with their household) or an invented resident. */
export interface Subject {
  idNumber: string;
  name: string;
  gender: '1' | '2';
  birthDate: string;
  age: number;
  /** Where they live: 12-digit village or community code (9 digits when only the township is known). */
  regionCode: string;
  townshipName: string;
  villageName: string;
  member?: RegisterMember;
  household?: RegisterHousehold;
}

/** A row planted so that a rule fires: the warning the comparison must raise for it. */
export interface PlantedCase {
  ruleId: string;
  source: string;
  idNumber: string;
  name: string;
  /** Where the person lives (village or township code): a discovery case about someone outside the register goes there. */
  regionCode: string;
  /** What the row says, for the summary: 死亡 2024-05-12, 商业用房 45.20 m² … */
  note: string;
}

/** A row a rule matches but an exemption covers: it must raise nothing. */
export interface ExemptedCase extends PlantedCase {
  exemptionId: string;
}

/** Assistance a department gave this month, reported in the monthly feedback (assistance-given). */
export interface AssistanceEntry {
  subject: Subject;
  /** As the feedback form writes the department and the type (县教育局, 教育救助): the mapping turns them into codes. */
  department: string;
  assistanceType: string;
  amountFen: number | null;
  givenOn: string;
  note: string | null;
}

/**
 * The shared state of one generated month: its days, the register as the rules will see it, the residents
 * invented so far, and what earlier feeds leave for later ones (deaths for the crematorium's file, education
 * assistance for the feedback form, the ex-poor for the medical file). Every person appears in one role only,
 * so a planted case raises exactly its own warning and routine rows raise none.
 */
export class DemoMonth {
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly daysInMonth: number;
  readonly planted: PlantedCase[] = [];
  readonly exempted: ExemptedCase[] = [];
  readonly assistance: AssistanceEntry[] = [];
  readonly deaths: { subject: Subject; diedOn: string }[] = [];
  /** Deaths of earners (公安), whose employment the 人社 file then registers. */
  readonly earnerDeaths: { subject: Subject; diedOn: string }[] = [];
  /** Invented residents the anti-poverty system monitors with the risk eliminated: the ex-poor threshold applies to them. */
  readonly exPoor: Subject[] = [];
  readonly disasterVictims: Subject[] = [];
  private readonly used = new Set<string>();
  private readonly inventor: ResidentInventor;
  private readonly placeByCode: ReadonlyMap<string, CountyPlace>;

  constructor(
    readonly period: string,
    readonly seed: number,
    readonly snapshot: RegisterSnapshot,
    readonly countyName: string,
    readonly places: readonly CountyPlace[],
  ) {
    this.periodStart = `${period}-01`;
    this.periodEnd = lastDayOfPeriod(period);
    this.daysInMonth = Number(this.periodEnd.slice(8));
    this.inventor = new ResidentInventor(snapshot.countyCode, snapshot.registeredIdNumbers, places, this.periodEnd);
    this.placeByCode = new Map(places.map((p) => [p.code, p]));
  }

  /** One random stream per feed, so that changing one file's generator leaves every other file byte for byte the same. */
  random(source: string): SeededRandom {
    let hash = 0x811c9dc5;
    for (const character of `${this.seed}:${this.period}:${source}`) {
      hash ^= character.codePointAt(0) ?? 0;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return new SeededRandom(hash);
  }

  /**
   * An unused registered person for whom `accept` holds, drawn at random; with `preferTownship`, from that township
   * half of the time when it has one (so the demo township key sees warnings). Undefined when nobody fits.
   */
  registered(random: SeededRandom, accept: (member: RegisterMember, household: RegisterHousehold) => boolean, preferTownship?: string): Subject | undefined {
    const candidates: { member: RegisterMember; household: RegisterHousehold }[] = [];
    for (const household of this.snapshot.households) {
      for (const member of household.members) {
        if (!this.used.has(member.idNumber) && accept(member, household)) candidates.push({ member, household });
      }
    }
    if (candidates.length === 0) return undefined;
    const local = preferTownship ? candidates.filter((c) => c.household.residenceRegion.startsWith(preferTownship)) : [];
    const { member, household } = random.pick(local.length > 0 && random.chance(0.5) ? local : candidates);
    return this.take(member, household);
  }

  /** Like `registered`, but a month without anyone who fits is a broken demo: said plainly, not skipped. */
  requireRegistered(random: SeededRandom, what: string, accept: (member: RegisterMember, household: RegisterHousehold) => boolean, preferTownship?: string): Subject {
    const subject = this.registered(random, accept, preferTownship);
    if (!subject) throw new Error(`[demo] the register of ${this.snapshot.countyCode} holds no ${what} for the demo month ${this.period}`);
    return subject;
  }

  /** A registered member by hand (a household head, a whole household), marked as used. */
  take(member: RegisterMember, household: RegisterHousehold): Subject {
    this.used.add(member.idNumber);
    const place = this.placeOf(household.residenceRegion);
    return {
      idNumber: member.idNumber, name: member.name, gender: member.gender, birthDate: member.birthDate, age: member.age,
      regionCode: household.residenceRegion, townshipName: place.townshipName, villageName: place.villageName, member, household,
    };
  }

  isUsed(idNumber: string): boolean {
    return this.used.has(idNumber);
  }

  /** An invented resident of the county (not in the register), aged within `ages` at the period's end. */
  resident(random: SeededRandom, ages: { min: number; max: number }, gender?: '1' | '2', place?: CountyPlace): Subject {
    const resident = this.inventor.invent(random, ages, gender, place);
    this.used.add(resident.idNumber);
    return {
      idNumber: resident.idNumber, name: resident.name, gender: resident.gender, birthDate: resident.birthDate, age: resident.age,
      regionCode: resident.place.code, townshipName: resident.place.townshipName, villageName: resident.place.villageName,
    };
  }

  newborn(random: SeededRandom, birthDate: string, parent: Subject): Subject {
    const place = this.placeOf(parent.regionCode);
    const baby = this.inventor.inventNewborn(random, birthDate, [...parent.name][0] ?? '王', place);
    this.used.add(baby.idNumber);
    return { ...baby, regionCode: place.code, townshipName: place.townshipName, villageName: place.villageName };
  }

  /** A day of the month, YYYY-MM-DD, between `from` and `to` (day numbers, clipped to the month). */
  day(random: SeededRandom, from = 1, to = this.daysInMonth): string {
    const last = Math.min(to, this.daysInMonth);
    return `${this.period}-${String(random.integerBetween(Math.min(from, last), last)).padStart(2, '0')}`;
  }

  plant(ruleId: string, source: string, subject: Subject, note: string): void {
    this.planted.push({ ruleId, source, idNumber: subject.idNumber, name: subject.name, regionCode: subject.regionCode, note });
  }

  exempt(ruleId: string, exemptionId: string, source: string, subject: Subject, note: string): void {
    this.exempted.push({ ruleId, exemptionId, source, idNumber: subject.idNumber, name: subject.name, regionCode: subject.regionCode, note });
  }

  /** The place of a region code: the village when the county list has it, else the township. */
  placeOf(regionCode: string): CountyPlace {
    const place = this.placeByCode.get(regionCode) ?? this.placeByCode.get(regionCode.slice(0, 9));
    if (place) return place;
    const townshipName = this.snapshot.regionNames.get(regionCode.slice(0, 9)) ?? '';
    return { code: regionCode, townshipIndex: 0, townshipName, villageName: '', urban: false };
  }
}

/** A date as the clerks of that department type it: mostly ISO, sometimes 2024/5/9, 2024年5月12日, 20240515 or 2024.5.8. */
export function writtenDate(random: SeededRandom, isoDate: string): string {
  const [year, month, day] = [isoDate.slice(0, 4), Number(isoDate.slice(5, 7)), Number(isoDate.slice(8, 10))];
  const roll = random.nextFloat();
  if (roll < 0.7) return isoDate;
  if (roll < 0.8) return `${year}/${month}/${day}`;
  if (roll < 0.9) return `${year}年${month}月${day}日`;
  if (roll < 0.95) return isoDate.replaceAll('-', '');
  return `${year}.${month}.${day}`;
}

/** The day `days` after `isoDate`. */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** 杨和镇 → 杨和, 团结西路街道 → 团结西路: how 派出所 and 卫生院 are named. */
export function shortTownshipName(name: string): string {
  return name.replace(/(街道|镇|乡|农场)$/, '');
}
