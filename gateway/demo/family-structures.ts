import type { SeededRandom } from './seeded-random.js';

/**
 * The household shapes of the low-income register. Civil-affairs statistics show small households: 低保 averages
 * under two persons a household, the wider low-income population about 2.5, with many lone elderly and disabled
 * adults, and grandparents raising children whose parents work away (留守儿童).
 */
export type FamilyStructure =
  | 'single-elderly'
  | 'single-adult'
  | 'elderly-couple'
  | 'couple-with-children'
  | 'single-parent'
  | 'three-generations'
  | 'grandparents-raising-grandchildren';

/** GB/T 4761-2008 relation codes used here. The head is always 02 户主, in one-person households too. */
export const RELATION = {
  head: '02',
  husband: '11',
  wife: '12',
  son: '20',
  sonInLaw: '28',
  daughter: '30',
  daughterInLaw: '38',
  grandson: '41',
  granddaughter: '42',
  daughtersSon: '43',
  daughtersDaughter: '44',
  father: '51',
  mother: '52',
} as const;

/** 21 独生子, 22 长子 … 26 五子 and 31 独生女, 32 长女 … 36 五女, by birth order. */
const ONLY_SON = '21';
const ONLY_DAUGHTER = '31';
const SONS_BY_ORDER = ['22', '23', '24', '25', '26'] as const;
const DAUGHTERS_BY_ORDER = ['32', '33', '34', '35', '36'] as const;

/** GB/T 2261.2-2003. */
export const MARITAL_STATUS = { single: '10', married: '20', widowed: '30', divorced: '40' } as const;

export interface MemberSketch {
  relation: string;
  gender: '1' | '2';
  /** Whole years at the as-of date. */
  age: number;
  maritalStatus: string;
  /**
   * Members with the same line share a surname and an ethnicity: a child is on the father's line, a spouse or an
   * in-law starts a new one. Line 0 is the head's.
   */
  line: number;
}

/** Age gaps between a mother and her child: Chinese first births cluster at 22–30, later births up to about 40. */
const MOTHER_AGE_AT_BIRTH = { min: 20, max: 38 } as const;

class FamilySketcher {
  readonly members: MemberSketch[] = [];
  private nextLine = 1;

  constructor(private readonly random: SeededRandom) {}

  newLine(): number {
    const line = this.nextLine;
    this.nextLine += 1;
    return line;
  }

  add(relation: string, gender: '1' | '2', age: number, maritalStatus: string, line: number): MemberSketch {
    const member: MemberSketch = { relation, gender, age, maritalStatus, line };
    this.members.push(member);
    return member;
  }

  /** Husbands are on average two to three years older than their wives in China. */
  spouseAge(headAge: number, headGender: '1' | '2'): number {
    const gap = this.random.integerBetween(-2, 6);
    const age = headGender === '1' ? headAge - gap : headAge + gap;
    return Math.max(headGender === '1' ? 20 : 22, Math.min(age, 98));
  }

  /** Children of one mother, oldest first, each 20–38 years younger than her, none older than `maxAge`. */
  childAges(motherAge: number, count: number, maxAge: number): number[] {
    const ages: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const gap = this.random.integerBetween(MOTHER_AGE_AT_BIRTH.min, MOTHER_AGE_AT_BIRTH.max);
      const age = Math.min(motherAge - gap, maxAge);
      if (age >= 0) ages.push(age);
    }
    if (ages.length === 0) ages.push(Math.max(0, Math.min(motherAge - MOTHER_AGE_AT_BIRTH.min, maxAge)));
    return separateSiblings(ages);
  }

  /** Children of the head, with relation codes by birth order among sons and among daughters. */
  addChildren(ages: readonly number[], line: number): void {
    const genders = ages.map((): '1' | '2' => (this.random.chance(0.52) ? '1' : '2'));
    const onlyChild = ages.length === 1;
    let sons = 0;
    let daughters = 0;
    ages.forEach((age, index) => {
      const gender = genders[index] ?? '1';
      let relation: string;
      if (gender === '1') {
        relation = onlyChild ? ONLY_SON : (SONS_BY_ORDER[sons] ?? '29');
        sons += 1;
      } else {
        relation = onlyChild ? ONLY_DAUGHTER : (DAUGHTERS_BY_ORDER[daughters] ?? '39');
        daughters += 1;
      }
      this.add(relation, gender, age, MARITAL_STATUS.single, line);
    });
  }

  addGrandchildren(ages: readonly number[], throughSon: boolean, line: number): void {
    for (const age of ages) {
      const gender: '1' | '2' = this.random.chance(0.52) ? '1' : '2';
      const relation = throughSon
        ? gender === '1' ? RELATION.grandson : RELATION.granddaughter
        : gender === '1' ? RELATION.daughtersSon : RELATION.daughtersDaughter;
      this.add(relation, gender, age, MARITAL_STATUS.single, line);
    }
  }

  /** 1 to 4 children, mostly 1 or 2 (one-child policy years, more children in rural and minority families). */
  childCount(): number {
    const draw = this.random.nextFloat();
    if (draw < 0.4) return 1;
    if (draw < 0.82) return 2;
    if (draw < 0.97) return 3;
    return 4;
  }

  /** Skewed towards 65–85: the lone elderly of the register are mostly in their seventies. */
  elderlyAge(min: number, max: number): number {
    const a = this.random.integerBetween(min, max);
    const b = this.random.integerBetween(min, max);
    return Math.round((a + b) / 2);
  }
}

/**
 * Oldest first, at least a year apart, so that birth order (长子, 次子 …) matches birth dates; a sibling pushed
 * below age 0 is dropped.
 */
function separateSiblings(ages: number[]): number[] {
  const sorted = ages.sort((left, right) => right - left);
  const separated: number[] = [];
  for (const age of sorted) {
    const previous = separated[separated.length - 1];
    const next = previous === undefined ? age : Math.min(age, previous - 1);
    if (next >= 0) separated.push(next);
  }
  return separated;
}

export function sketchFamily(structure: FamilyStructure, random: SeededRandom): MemberSketch[] {
  const family = new FamilySketcher(random);
  switch (structure) {
    case 'single-elderly':
      sketchSingleElderly(family, random);
      break;
    case 'single-adult':
      sketchSingleAdult(family, random);
      break;
    case 'elderly-couple':
      sketchElderlyCouple(family, random);
      break;
    case 'couple-with-children':
      sketchCoupleWithChildren(family, random);
      break;
    case 'single-parent':
      sketchSingleParent(family, random);
      break;
    case 'three-generations':
      if (random.chance(0.55)) sketchThreeGenerationsHeadedByMiddle(family, random);
      else sketchThreeGenerationsHeadedByElder(family, random);
      break;
    case 'grandparents-raising-grandchildren':
      sketchGrandparentsRaisingGrandchildren(family, random);
      break;
  }
  return family.members;
}

/** Lone elderly are mostly widows; never-married old men (光棍) are a known group among rural 特困. */
function sketchSingleElderly(family: FamilySketcher, random: SeededRandom): void {
  const gender: '1' | '2' = random.chance(0.45) ? '1' : '2';
  const neverMarriedShare = gender === '1' ? 0.3 : 0.04;
  const draw = random.nextFloat();
  const maritalStatus =
    draw < neverMarriedShare
      ? MARITAL_STATUS.single
      : draw < neverMarriedShare + 0.1
        ? MARITAL_STATUS.divorced
        : MARITAL_STATUS.widowed;
  family.add(RELATION.head, gender, family.elderlyAge(60, 96), maritalStatus, 0);
}

function sketchSingleAdult(family: FamilySketcher, random: SeededRandom): void {
  const gender: '1' | '2' = random.chance(0.6) ? '1' : '2';
  const age = family.elderlyAge(18, 59);
  const draw = random.nextFloat();
  const maritalStatus =
    age < 25 || draw < 0.55 ? MARITAL_STATUS.single : draw < 0.85 ? MARITAL_STATUS.divorced : MARITAL_STATUS.widowed;
  family.add(RELATION.head, gender, age, maritalStatus, 0);
}

function sketchElderlyCouple(family: FamilySketcher, random: SeededRandom): void {
  const headGender: '1' | '2' = random.chance(0.85) ? '1' : '2';
  const headAge = family.elderlyAge(60, 90);
  family.add(RELATION.head, headGender, headAge, MARITAL_STATUS.married, 0);
  const spouseAge = Math.max(55, family.spouseAge(headAge, headGender));
  family.add(headGender === '1' ? RELATION.wife : RELATION.husband, headGender === '1' ? '2' : '1', spouseAge,
    MARITAL_STATUS.married, family.newLine());
}

function sketchCoupleWithChildren(family: FamilySketcher, random: SeededRandom): void {
  const headGender: '1' | '2' = random.chance(0.85) ? '1' : '2';
  const headAge = random.integerBetween(26, 58);
  family.add(RELATION.head, headGender, headAge, MARITAL_STATUS.married, 0);
  const spouseAge = family.spouseAge(headAge, headGender);
  const spouseLine = family.newLine();
  family.add(headGender === '1' ? RELATION.wife : RELATION.husband, headGender === '1' ? '2' : '1', spouseAge,
    MARITAL_STATUS.married, spouseLine);
  const motherAge = headGender === '1' ? spouseAge : headAge;
  family.addChildren(family.childAges(motherAge, family.childCount(), 30), headGender === '1' ? 0 : spouseLine);
}

/** Mostly mothers after divorce or a husband's death; the children keep their father's surname. */
function sketchSingleParent(family: FamilySketcher, random: SeededRandom): void {
  const headGender: '1' | '2' = random.chance(0.3) ? '1' : '2';
  const headAge = random.integerBetween(25, 55);
  const draw = random.nextFloat();
  const maritalStatus = draw < 0.4 ? MARITAL_STATUS.widowed : draw < 0.9 ? MARITAL_STATUS.divorced : MARITAL_STATUS.single;
  family.add(RELATION.head, headGender, headAge, maritalStatus, 0);
  const count = random.chance(0.55) ? 1 : random.chance(0.78) ? 2 : 3;
  const childrenLine = headGender === '1' ? 0 : family.newLine();
  const motherAge = headGender === '1' ? family.spouseAge(headAge, headGender) : headAge;
  family.addChildren(family.childAges(motherAge, count, 25), childrenLine);
}

/** A working-age couple (or a widowed or divorced head) with children and one or both of the head's parents. */
function sketchThreeGenerationsHeadedByMiddle(family: FamilySketcher, random: SeededRandom): void {
  const headGender: '1' | '2' = random.chance(0.8) ? '1' : '2';
  const headAge = random.integerBetween(30, 56);
  const married = random.chance(0.85);
  family.add(RELATION.head, headGender, headAge,
    married ? MARITAL_STATUS.married : random.chance(0.5) ? MARITAL_STATUS.widowed : MARITAL_STATUS.divorced, 0);
  let childrenLine = headGender === '1' ? 0 : family.newLine();
  const spouseAge = family.spouseAge(headAge, headGender);
  if (married) {
    const spouseLine = headGender === '1' ? family.newLine() : childrenLine;
    family.add(headGender === '1' ? RELATION.wife : RELATION.husband, headGender === '1' ? '2' : '1', spouseAge,
      MARITAL_STATUS.married, spouseLine);
    if (headGender === '2') childrenLine = spouseLine;
  }
  const motherAge = headGender === '1' ? spouseAge : headAge;
  family.addChildren(family.childAges(motherAge, random.chance(0.6) ? 1 : 2, 28), childrenLine);

  const motherOfHeadAge = Math.min(98, headAge + random.integerBetween(MOTHER_AGE_AT_BIRTH.min + 2, MOTHER_AGE_AT_BIRTH.max));
  const bothParents = random.chance(0.4);
  const parentsStatus = bothParents ? MARITAL_STATUS.married : MARITAL_STATUS.widowed;
  if (bothParents || random.chance(0.3)) {
    family.add(RELATION.father, '1', Math.min(99, motherOfHeadAge + random.integerBetween(0, 5)), parentsStatus, 0);
  }
  if (bothParents || family.members.every((member) => member.relation !== RELATION.father)) {
    family.add(RELATION.mother, '2', motherOfHeadAge, parentsStatus, family.newLine());
  }
}

/** An elderly head with a married son (or, less often, a daughter and a son-in-law who married in) and grandchildren. */
function sketchThreeGenerationsHeadedByElder(family: FamilySketcher, random: SeededRandom): void {
  const headGender: '1' | '2' = random.chance(0.75) ? '1' : '2';
  const headAge = family.elderlyAge(55, 82);
  const married = random.chance(0.7);
  family.add(RELATION.head, headGender, headAge, married ? MARITAL_STATUS.married : MARITAL_STATUS.widowed, 0);
  const headsHusbandLine = headGender === '1' ? 0 : family.newLine();
  const spouseAge = family.spouseAge(headAge, headGender);
  if (married) {
    family.add(headGender === '1' ? RELATION.wife : RELATION.husband, headGender === '1' ? '2' : '1', spouseAge,
      MARITAL_STATUS.married, headGender === '1' ? family.newLine() : headsHusbandLine);
  }
  const grandmotherAge = headGender === '1' ? spouseAge : headAge;
  const childAge = Math.max(20, grandmotherAge - random.integerBetween(MOTHER_AGE_AT_BIRTH.min + 2, MOTHER_AGE_AT_BIRTH.max));
  const throughSon = random.chance(0.85);
  let grandchildrenLine: number;
  let childsWifeAge: number;
  if (throughSon) {
    family.add(RELATION.son, '1', childAge, MARITAL_STATUS.married, headsHusbandLine);
    childsWifeAge = Math.max(20, childAge - random.integerBetween(0, 4));
    family.add(RELATION.daughterInLaw, '2', childsWifeAge, MARITAL_STATUS.married, family.newLine());
    grandchildrenLine = headsHusbandLine;
  } else {
    family.add(RELATION.daughter, '2', childAge, MARITAL_STATUS.married, headsHusbandLine);
    childsWifeAge = childAge;
    grandchildrenLine = family.newLine();
    family.add(RELATION.sonInLaw, '1', Math.min(childAge + random.integerBetween(0, 4), grandmotherAge - 18), MARITAL_STATUS.married, grandchildrenLine);
  }
  family.addGrandchildren(family.childAges(childsWifeAge, random.chance(0.6) ? 1 : 2, 25), throughSon, grandchildrenLine);
}

/** 留守: grandparents with grandchildren of school age whose parents work in the cities and live elsewhere. */
function sketchGrandparentsRaisingGrandchildren(family: FamilySketcher, random: SeededRandom): void {
  const married = random.chance(0.6);
  const headGender: '1' | '2' = married ? (random.chance(0.85) ? '1' : '2') : random.chance(0.35) ? '1' : '2';
  const headAge = family.elderlyAge(55, 82);
  family.add(RELATION.head, headGender, headAge, married ? MARITAL_STATUS.married : MARITAL_STATUS.widowed, 0);
  const headsHusbandLine = headGender === '1' ? 0 : family.newLine();
  const spouseAge = family.spouseAge(headAge, headGender);
  if (married) {
    family.add(headGender === '1' ? RELATION.wife : RELATION.husband, headGender === '1' ? '2' : '1', spouseAge,
      MARITAL_STATUS.married, headGender === '1' ? family.newLine() : headsHusbandLine);
  }
  const grandmotherAge = headGender === '1' && married ? spouseAge : headAge;
  const throughSon = random.chance(0.8);
  const grandchildrenLine = throughSon ? headsHusbandLine : family.newLine();
  const count = random.chance(0.55) ? 1 : random.chance(0.8) ? 2 : 3;
  const ages: number[] = [];
  for (let index = 0; index < count; index += 1) {
    ages.push(Math.max(1, Math.min(16, grandmotherAge - random.integerBetween(44, 60))));
  }
  family.addGrandchildren(separateSiblings(ages), throughSon, grandchildrenLine);
}
