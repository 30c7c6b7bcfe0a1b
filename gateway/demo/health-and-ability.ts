import { defineWeightedTable, type SeededRandom } from './seeded-random.js';

/** GB/T 2261.3-2003, 1-digit form. */
export const HEALTH = { good: '1', fair: '2', chronicIllness: '3', disabled: '6' } as const;

/** 劳动能力 as the 防返贫 system codes it (research §1.5). */
export const LABOUR_ABILITY = { full: '01', partlyLost: '02', completelyLost: '03', none: '04' } as const;

/** 生活自理能力, the 特困 care levels: 1 全自理, 2 半自理, 3 无法自理. */
export const SELF_CARE = { full: '1', partial: '2', none: '3' } as const;

/**
 * GB/T 26341 categories 1 视力 … 7 多重, weighted as the Second National Sample Survey on Disability (2006) is
 * commonly quoted (肢体 29 %, 听力 24 %, 多重 16 %, 视力 15 %, 精神 7 %, 智力 7 %, 言语 1.5 %; from memory [verify]).
 */
const DISABILITY_CATEGORIES = defineWeightedTable<string>([
  ['1', 15], ['2', 24], ['3', 1.5], ['4', 29], ['5', 6.7], ['6', 7.4], ['7', 16.3],
]);

/** Grades 1 (极重度) to 4 (轻度), demo weights: most certificates are for the milder grades 3 and 4. */
const DISABILITY_GRADES = defineWeightedTable<string>([['1', 12], ['2', 23], ['3', 30], ['4', 35]]);
const SEVERE_DISABILITY_GRADES = defineWeightedTable<string>([['1', 40], ['2', 60]]);

export interface HealthProfile {
  health: string;
  disabilityCategory: string | null;
  disabilityGrade: string | null;
  labourAbility: string;
}

/**
 * Disability is about 6 % in the general population and much higher in the low-income register, rising with age;
 * these rates give 10–15 % of generated members with a disability, most of them elderly.
 */
function disabilityRate(age: number): number {
  if (age < 18) return 0.04;
  if (age < 60) return 0.09;
  if (age < 80) return 0.19;
  return 0.28;
}

function chronicIllnessRate(age: number): number {
  if (age < 18) return 0.03;
  if (age < 45) return 0.1;
  if (age < 60) return 0.22;
  if (age < 80) return 0.42;
  return 0.5;
}

function fairHealthRate(age: number): number {
  if (age < 18) return 0.05;
  if (age < 60) return 0.12;
  return 0.3;
}

export interface HealthConditions {
  /** 特困 adults without old age qualify through severe (grade 1–2) disability. */
  severelyDisabled?: boolean;
  /** 刚性支出 households are recognised through a member's serious illness. */
  chronicallyIll?: boolean;
}

export function assessHealth(age: number, random: SeededRandom, conditions: HealthConditions = {}): HealthProfile {
  let disabilityCategory: string | null = null;
  let disabilityGrade: string | null = null;
  if (conditions.severelyDisabled) {
    disabilityCategory = random.pickWeighted(DISABILITY_CATEGORIES);
    disabilityGrade = random.pickWeighted(SEVERE_DISABILITY_GRADES);
  } else if (!conditions.chronicallyIll && random.chance(disabilityRate(age))) {
    disabilityCategory = random.pickWeighted(DISABILITY_CATEGORIES);
    disabilityGrade = random.pickWeighted(DISABILITY_GRADES);
  }

  let health: string;
  if (disabilityGrade !== null) health = HEALTH.disabled;
  else if (conditions.chronicallyIll || random.chance(chronicIllnessRate(age))) health = HEALTH.chronicIllness;
  else if (random.chance(fairHealthRate(age))) health = HEALTH.fair;
  else health = HEALTH.good;

  return { health, disabilityCategory, disabilityGrade, labourAbility: labourAbilityFor(age, health, disabilityGrade, random) };
}

/**
 * Children under 16 (the legal working age) and people over 75 have no labour ability (04); grade 1–2 disability
 * means it is completely lost (03), grade 3–4 disability and chronic illness mostly partly lost (02).
 */
function labourAbilityFor(age: number, health: string, disabilityGrade: string | null, random: SeededRandom): string {
  if (age < 16 || age >= 75) return LABOUR_ABILITY.none;
  if (disabilityGrade === '1') return LABOUR_ABILITY.completelyLost;
  if (disabilityGrade === '2') return random.chance(0.7) ? LABOUR_ABILITY.completelyLost : LABOUR_ABILITY.partlyLost;
  if (disabilityGrade === '3') return LABOUR_ABILITY.partlyLost;
  if (disabilityGrade === '4') return random.chance(0.5) ? LABOUR_ABILITY.partlyLost : LABOUR_ABILITY.full;
  if (health === HEALTH.chronicIllness) {
    const draw = random.nextFloat();
    if (age >= 60) return draw < 0.15 ? LABOUR_ABILITY.completelyLost : draw < 0.85 ? LABOUR_ABILITY.partlyLost : LABOUR_ABILITY.full;
    return draw < 0.6 ? LABOUR_ABILITY.partlyLost : LABOUR_ABILITY.full;
  }
  if (age >= 60) return random.chance(health === HEALTH.fair ? 0.6 : 0.35) ? LABOUR_ABILITY.partlyLost : LABOUR_ABILITY.full;
  if (health === HEALTH.fair) return random.chance(0.25) ? LABOUR_ABILITY.partlyLost : LABOUR_ABILITY.full;
  return LABOUR_ABILITY.full;
}

/**
 * The care level that sets a 特困 person's care standard: it falls with severe disability, illness and age, and a
 * person in good health looks after themselves. With a quarter of 特困 persons qualifying through grade 1–2
 * disability, this gives about half 全自理, a third 半自理 and a fifth 无法自理 (demo proportions, not statistics).
 */
export function selfCareAbilityFor(age: number, health: string, disabilityGrade: string | null, random: SeededRandom): string {
  const draw = random.nextFloat();
  if (disabilityGrade === '1') return draw < 0.6 ? SELF_CARE.none : SELF_CARE.partial;
  if (disabilityGrade === '2') return draw < 0.2 ? SELF_CARE.none : draw < 0.7 ? SELF_CARE.partial : SELF_CARE.full;
  if (health === HEALTH.chronicIllness || health === HEALTH.disabled) {
    if (age >= 80) return draw < 0.3 ? SELF_CARE.none : draw < 0.7 ? SELF_CARE.partial : SELF_CARE.full;
    return draw < 0.12 ? SELF_CARE.none : draw < 0.45 ? SELF_CARE.partial : SELF_CARE.full;
  }
  if (health === HEALTH.fair) {
    if (age >= 80) return draw < 0.1 ? SELF_CARE.none : draw < 0.5 ? SELF_CARE.partial : SELF_CARE.full;
    return draw < 0.2 ? SELF_CARE.partial : SELF_CARE.full;
  }
  return age >= 80 && draw < 0.2 ? SELF_CARE.partial : SELF_CARE.full;
}
