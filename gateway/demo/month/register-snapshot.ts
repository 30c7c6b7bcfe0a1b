import { isBasicLivingCategory } from '../../store/reference-data/code-tables.js';
import type { Store } from '../../store/connect.js';

export interface RegisterMember {
  personId: number;
  householdId: number;
  idNumber: string;
  name: string;
  gender: '1' | '2';
  birthDate: string;
  /** Whole years at the period's last day. */
  age: number;
  disabilityGrade: string | null;
  /** Categories (救助类别 codes) of the enrolments current on the period's last day, sorted. */
  categories: string[];
  /** The monthly amounts of those enrolments, in fen (低保 and 特困 pay monthly; the monitoring categories pay nothing). */
  benefitFen: number;
}

export interface RegisterHousehold {
  id: number;
  householdNo: string;
  /** 12-digit village or community (or 9-digit township) where the household lives. */
  residenceRegion: string;
  members: RegisterMember[];
  /** Everyone registered in the household, the born-later included: what the per-member rules divide by. */
  size: number;
  /** Every category any member holds at the period's end: empty for a household with no current enrolment. */
  categories: string[];
  /** A member with a grade 1–2 disability (重度残疾). */
  severeDisability: boolean;
  /**
   * Exempt from the vehicle rule as the register stands (seed 001's 患病、残疾家庭): a disabled member of any grade, or a
   * current 650 enrolment (a seriously ill member). A member's major illness, reported by this month's 卫健 file, adds
   * to it; that feed leaves the households of other planted members alone.
   */
  vehicleExempt: boolean;
}

/** The register of one county as the comparison will see it at the end of the month, household by household. */
export interface RegisterSnapshot {
  countyCode: string;
  households: RegisterHousehold[];
  /** Every ID number in the register (all counties), so invented residents never collide with a registered person. */
  registeredIdNumbers: ReadonlySet<string>;
  /** Region code → name (杨和镇, 王太村委会) for the county's townships and villages. */
  regionNames: ReadonlyMap<string, string>;
}

export function isRecipient(member: RegisterMember): boolean {
  return member.categories.length > 0;
}

export function holdsBasicLiving(member: RegisterMember): boolean {
  return member.categories.some(isBasicLivingCategory);
}

/**
 * Reads the county's households, members and current enrolments the way the rules read them (an enrolment is
 * current when it started by the period's last day and has not ended by then), in id order so that the same
 * register always gives the same choices. People born after the period are left out: they did not exist yet.
 */
export async function loadRegisterSnapshot(store: Store, countyCode: string, periodEnd: string): Promise<RegisterSnapshot> {
  const knex = store.knex;
  const inCounty = `${countyCode}%`;
  const households = await knex('households')
    .where('residence_region', 'like', inCounty)
    .orderBy('id')
    .select('id', 'household_no', 'residence_region');
  const persons = await knex('persons as p')
    .join('households as h', 'h.id', 'p.household_id')
    .where('h.residence_region', 'like', inCounty)
    .orderBy('p.id')
    .select('p.id', 'p.household_id', 'p.id_cipher', 'p.name', 'p.gender', 'p.birth_date', 'p.disability_grade');
  const idNumbers = await store.keyring.decryptMany(persons.map((row) => row.id_cipher as string));
  const enrolments = await knex('enrolments as e')
    .join('households as h', 'h.id', 'e.household_id')
    .where('h.residence_region', 'like', inCounty)
    .where('e.start_date', '<=', periodEnd)
    .where((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>', periodEnd))
    .orderBy('e.id')
    .select('e.person_id', 'e.category', 'e.monthly_amount_fen');
  const categoriesOf = new Map<number, Set<string>>();
  const benefitOf = new Map<number, number>();
  for (const row of enrolments) {
    const set = categoriesOf.get(row.person_id) ?? new Set<string>();
    set.add(String(row.category));
    categoriesOf.set(row.person_id, set);
    benefitOf.set(row.person_id, (benefitOf.get(row.person_id) ?? 0) + Number(row.monthly_amount_fen ?? 0));
  }

  const byId = new Map<number, RegisterHousehold>();
  for (const row of households) {
    byId.set(row.id, { id: row.id, householdNo: row.household_no, residenceRegion: row.residence_region, members: [], size: 0, categories: [], severeDisability: false, vehicleExempt: false });
  }
  for (const [index, row] of persons.entries()) {
    const household = byId.get(row.household_id);
    if (!household) continue;
    household.size += 1;
    const birthDate = dateText(row.birth_date);
    if (birthDate > periodEnd) continue;
    household.members.push({
      personId: row.id,
      householdId: row.household_id,
      idNumber: idNumbers[index]!,
      name: row.name,
      gender: row.gender === '2' ? '2' : '1',
      birthDate,
      age: ageAt(birthDate, periodEnd),
      disabilityGrade: row.disability_grade ?? null,
      categories: [...(categoriesOf.get(row.id) ?? [])].sort(),
      benefitFen: benefitOf.get(row.id) ?? 0,
    });
  }
  for (const household of byId.values()) {
    household.categories = [...new Set(household.members.flatMap((m) => m.categories))].sort();
    household.severeDisability = household.members.some((m) => m.disabilityGrade === '1' || m.disabilityGrade === '2');
    household.vehicleExempt = household.members.some((m) => m.disabilityGrade !== null || m.categories.includes('650'));
  }

  const registeredIdNumbers = new Set<string>(await store.keyring.decryptMany(await knex('persons').pluck('id_cipher')));
  const regions = await knex('regions').where('code', 'like', inCounty).select('code', 'name');
  return {
    countyCode,
    households: [...byId.values()].filter((h) => h.members.length > 0),
    registeredIdNumbers,
    regionNames: new Map(regions.map((r) => [String(r.code), String(r.name)])),
  };
}

/** PostgreSQL hands DATE columns back as text here, SQLite always; a Date would be a driver set up otherwise. */
function dateText(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

/** Whole years from `birthDate` to `day`, both YYYY-MM-DD. */
export function ageAt(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
