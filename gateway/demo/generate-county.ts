import { AssistanceCalendar, recordAssistanceChain } from './assistance-chain.js';
import { BankAccountIssuer } from './bank-account-numbers.js';
import { enrolHousehold } from './benefit-enrolments.js';
import { civilDateOf, dayNumberOf, parseCalendarDate, type CivilDate } from './calendar-days.js';
import { demoMobileNumber } from './demo-phones.js';
import { composeGivenName } from './chinese-names.js';
import {
  composeAddress,
  listCountyPlaces,
  pickPlaceInAnotherTownship,
  type CountyPlace,
  type CountyPlaces,
  type CountyRegions,
} from './county-places.js';
import type { DemoHousehold, DemoMember } from './demo-household.js';
import { IdNumberAllocator } from './demo-id-numbers.js';
import { assertDemoStandards, demoStandardsForCounty, type DemoStandards } from './demo-standards.js';
import { ethnicMixForCounty, type EthnicGroup, type EthnicMix } from './ethnic-mix.js';
import { sketchFamily, type MemberSketch } from './family-structures.js';
import { HEALTH, LABOUR_ABILITY, assessHealth, type HealthConditions } from './health-and-ability.js';
import { REGISTER_CATEGORY_SHARES, STRUCTURES_BY_CATEGORY, type RegisterCategory } from './household-categories.js';
import { assignMonthlyIncomes } from './household-income.js';
import type { MemberDraft } from './member-draft.js';
import { SeededRandom } from './seeded-random.js';

export type { CountyRegions } from './county-places.js';
export type {
  DemoAssistance,
  DemoBankAccount,
  DemoCategory,
  DemoEnrolment,
  DemoHousehold,
  DemoMember,
} from './demo-household.js';
export type { DemoStandards } from './demo-standards.js';

export interface DemoOptions {
  county: CountyRegions;
  households: number;
  seed: number;
  /** YYYY-MM-DD: the "today" of the data. The clock is never read. */
  asOf: string;
  /** Defaults to the county's entry in demo-standards.json, or national averages. */
  standards?: DemoStandards;
}

/** householdNo is the county code and an 8-digit running number. */
const MAX_HOUSEHOLDS = 99_999_999;

/** 一城通办 (seed 001): a few households live, and apply, in another township than the one they are registered in. */
const LIVING_ELSEWHERE_SHARE = 0.04;

/** 特困 households stay in the register even without an account; others have the 一卡通 their grants are paid to. */
const UNPAID_HOUSEHOLD_ACCOUNT_SHARE = 0.7;

/**
 * Households of a demo county's low-income register, generated one at a time so that a million persons never
 * sit in memory together. Deterministic: the same options give the same households, byte for byte, because every
 * random choice is drawn in a fixed order from one seeded generator and every date is computed from `asOf`.
 * Options are checked when this is called, before the first household is asked for.
 */
export function generateCountyHouseholds(options: DemoOptions): Generator<DemoHousehold> {
  const generator = new CountyHouseholdGenerator(options);
  return generator.households(options.households);
}

class CountyHouseholdGenerator {
  private readonly random: SeededRandom;
  private readonly countyCode: string;
  private readonly places: CountyPlaces;
  private readonly ethnicMix: EthnicMix;
  private readonly standards: DemoStandards;
  private readonly asOfDay: number;
  private readonly asOf: CivilDate;
  private readonly idNumbers: IdNumberAllocator;
  private readonly bankAccounts: BankAccountIssuer;
  private readonly calendar: AssistanceCalendar;

  constructor(options: DemoOptions) {
    const { county, households, seed, asOf } = options;
    if (!/^\d{6}$/.test(county.code)) throw new RangeError(`[demo] county.code must have 6 digits, got "${county.code}".`);
    if (!Number.isSafeInteger(households) || households < 0 || households > MAX_HOUSEHOLDS) {
      throw new RangeError(`[demo] households must be an integer from 0 to ${MAX_HOUSEHOLDS}, got ${households}.`);
    }
    this.asOfDay = parseCalendarDate(asOf, 'asOf');
    this.asOf = civilDateOf(this.asOfDay);
    this.standards = options.standards ?? demoStandardsForCounty(county.code);
    assertDemoStandards(this.standards);
    this.random = new SeededRandom(seed);
    this.countyCode = county.code;
    this.places = listCountyPlaces(county, this.random);
    this.ethnicMix = ethnicMixForCounty(county.code);
    this.idNumbers = new IdNumberAllocator(county.code, dayNumberOf(this.asOf.year - 120, 1, 1), this.asOfDay);
    this.bankAccounts = new BankAccountIssuer(county.code, this.random);
    this.calendar = new AssistanceCalendar(this.asOfDay);
  }

  *households(count: number): Generator<DemoHousehold> {
    for (let number = 1; number <= count; number += 1) yield this.household(number);
  }

  private household(number: number): DemoHousehold {
    const random = this.random;
    const category = random.pickWeighted(REGISTER_CATEGORY_SHARES);
    const home = this.pickHome(category);
    const residence = random.chance(LIVING_ELSEWHERE_SHARE) ? pickPlaceInAnotherTownship(this.places, home, random) : home;
    const structure = random.pickWeighted(STRUCTURES_BY_CATEGORY[category]);
    const sketches = sketchFamily(structure, random);
    const drafts = this.draftMembers(sketches, category);

    const urban = home.urban;
    const dibaoStandard = urban ? this.standards.urbanDibaoMonthlyFen : this.standards.ruralDibaoMonthlyFen;
    const monthlyIncomeFen = assignMonthlyIncomes(drafts, category, dibaoStandard, random);
    const enrolments = enrolHousehold({ random, asOfDay: this.asOfDay, standards: this.standards, urban }, drafts, category, monthlyIncomeFen);
    recordAssistanceChain({ random, calendar: this.calendar, urban, category }, drafts, enrolments);
    this.openBankAccounts(drafts, category, urban);

    return {
      householdNo: this.countyCode + String(number).padStart(8, '0'),
      registeredRegionCode: home.code,
      residenceRegionCode: residence.code,
      address: composeAddress(residence, random),
      monthlyIncomeFen,
      members: drafts.map((draft) => draft.member),
    };
  }

  private draftMembers(sketches: readonly MemberSketch[], category: RegisterCategory): MemberDraft[] {
    const random = this.random;
    const householdGroup = random.pickWeighted(this.ethnicMix.groups);
    const lineGroups: EthnicGroup[] = [];
    const lineSurnames: string[] = [];
    const illMemberIndex = category === 'rigid-expenditure' ? this.pickIllMember(sketches) : -1;

    return sketches.map((sketch, index) => {
      let group = lineGroups[sketch.line];
      let surname = lineSurnames[sketch.line];
      if (group === undefined || surname === undefined) {
        group = sketch.line === 0 || random.chance(householdGroup.endogamy) ? householdGroup : random.pickWeighted(this.ethnicMix.groups);
        surname = random.pickWeighted(group.surnames);
        lineGroups[sketch.line] = group;
        lineSurnames[sketch.line] = surname;
      }

      const allocated = this.idNumbers.allocate(this.birthDayForAge(sketch.age), sketch.gender, random);
      const birthDate = allocated.birthDate;
      const conditions: HealthConditions = {
        severelyDisabled: category === 'tekun' && sketch.age < 60,
        chronicallyIll: index === illMemberIndex,
      };
      const health = assessHealth(sketch.age, random, conditions);
      const labourAbility = category === 'tekun' ? tekunLabourAbility(health.health) : health.labourAbility;

      const member: DemoMember = {
        idNumber: allocated.idNumber,
        name: surname + composeGivenName(random, sketch.gender, Number(birthDate.slice(0, 4))),
        gender: sketch.gender,
        birthDate,
        relation: sketch.relation,
        ethnicity: group.ethnicity,
        maritalStatus: sketch.maritalStatus,
        health: health.health,
        disabilityCategory: health.disabilityCategory,
        disabilityGrade: health.disabilityGrade,
        labourAbility,
        selfCareAbility: null,
        monthlyIncomeFen: 0,
        phone: sketch.relation === '02' ? demoMobileNumber(allocated.idNumber) : null,
        bankAccount: null,
        enrolments: [],
        assistance: [],
      };
      return { member, age: sketch.age, birthDay: allocated.birthDay, student: this.isStudent(sketch.age) };
    });
  }

  /**
   * Places are drawn with about equal weight, but 特困 persons are overwhelmingly rural (the former 农村五保), so an
   * urban place drawn for a 特困 household is usually drawn again.
   */
  private pickHome(category: RegisterCategory): CountyPlace {
    const home = this.random.pickWeighted(this.places.weights);
    if (category === 'tekun' && home.urban && this.random.chance(0.75)) return this.random.pickWeighted(this.places.weights);
    return home;
  }

  /** A day on which a person born then is exactly `age` whole years old at the as-of date. */
  private birthDayForAge(age: number): number {
    const { year, month, day } = this.asOf;
    const latest = dayNumberOf(year - age, month, day);
    const earliest = dayNumberOf(year - age - 1, month, day) + 1;
    return earliest + this.random.integerBelow(latest - earliest + 1);
  }

  /** The member whose serious illness puts a 刚性支出 household on the register: usually an adult. */
  private pickIllMember(sketches: readonly MemberSketch[]): number {
    const adults = sketches.flatMap((sketch, index) => (sketch.age >= 18 ? [index] : []));
    if (adults.length > 0 && this.random.chance(0.85)) return this.random.pick(adults);
    return this.random.integerBelow(sketches.length);
  }

  /** Compulsory school from 6 to 14, most teenagers in senior secondary, about a third of 19–22-year-olds at college. */
  private isStudent(age: number): boolean {
    if (age >= 6 && age <= 14) return true;
    if (age >= 15 && age <= 18) return this.random.chance(0.85);
    if (age >= 19 && age <= 22) return this.random.chance(0.35);
    return false;
  }

  /**
   * The benefit account (一卡通) belongs to whoever is paid: the head for 按户 payments and household grants, the
   * 特困 person for 特困, an adult disabled member for the allowances paid 按人 (no 代持: research §4).
   */
  private openBankAccounts(drafts: readonly MemberDraft[], category: RegisterCategory, urban: boolean): void {
    const paidMonthly = category === 'dibao' || category === 'tekun';
    drafts.forEach((draft, index) => {
      const member = draft.member;
      const isHead = index === 0;
      const paidInOwnName = !isHead && draft.age >= 18 && member.assistance.some((entry) => entry.assistanceType === 'canji');
      const needsAccount = isHead ? paidMonthly || this.random.chance(UNPAID_HOUSEHOLD_ACCOUNT_SHARE) : paidInOwnName;
      if (!needsAccount) return;
      const { bankName, accountNumber } = this.bankAccounts.issue(urban, this.random);
      member.bankAccount = { bankName, accountNumber, accountName: member.name };
    });
  }
}

/** 特困 means no ability to work (社会救助暂行办法, 国务院令第649号, 第十四条): lost through illness or disability, or never had in old age. */
function tekunLabourAbility(health: string): string {
  return health === HEALTH.chronicIllness || health === HEALTH.disabled ? LABOUR_ABILITY.completelyLost : LABOUR_ABILITY.none;
}
