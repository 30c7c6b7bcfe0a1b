import type { Knex } from 'knex';

/**
 * The only module that reads or writes persons.id_number. Everything else refers to persons by their
 * internal id, so field encryption with a blind index (planned: SM4 + HMAC-SM3) changes this file alone.
 */
export interface PersonRow {
  id: number;
  householdId: number;
  idNumber: string;
  name: string;
  gender: string;
  birthDate: string;
  relation: string;
  ethnicity: string | null;
  maritalStatus: string | null;
  health: string | null;
  disabilityCategory: string | null;
  disabilityGrade: string | null;
  labourAbility: string | null;
  selfCareAbility: string | null;
  monthlyIncomeFen: number | null;
}

export type NewPerson = Omit<PersonRow, 'id'>;

const columns: Record<keyof PersonRow, string> = {
  id: 'id',
  householdId: 'household_id',
  idNumber: 'id_number',
  name: 'name',
  gender: 'gender',
  birthDate: 'birth_date',
  relation: 'relation',
  ethnicity: 'ethnicity',
  maritalStatus: 'marital_status',
  health: 'health',
  disabilityCategory: 'disability_category',
  disabilityGrade: 'disability_grade',
  labourAbility: 'labour_ability',
  selfCareAbility: 'self_care_ability',
  monthlyIncomeFen: 'monthly_income_fen',
};

const selectList = Object.entries(columns).map(([key, column]) => `${column} as ${key}`);

/** `idNumber` must already be canonical (gateway/identity/id-number.ts). */
export async function findPersonByIdNumber(db: Knex | Knex.Transaction, idNumber: string): Promise<PersonRow | undefined> {
  return db('persons').select(selectList).where('id_number', idNumber).first();
}

export async function personsOfHouseholds(db: Knex | Knex.Transaction, householdIds: readonly number[]): Promise<PersonRow[]> {
  if (householdIds.length === 0) return [];
  return db('persons').select(selectList).whereIn('household_id', householdIds).orderBy(['household_id', 'relation', 'id']);
}

/** Of the given canonical ID numbers, those already in the register. */
export async function registeredIdNumbers(db: Knex | Knex.Transaction, idNumbers: readonly string[]): Promise<Set<string>> {
  if (idNumbers.length === 0) return new Set();
  const rows = await db('persons').select('id_number').whereIn('id_number', idNumbers);
  return new Set(rows.map((r) => r.id_number as string));
}

export async function insertPerson(trx: Knex.Transaction, person: NewPerson): Promise<number> {
  const now = new Date().toISOString();
  const row: Record<string, unknown> = { created_at: now, updated_at: now };
  for (const [key, column] of Object.entries(columns)) {
    if (key !== 'id') row[column] = person[key as keyof NewPerson];
  }
  const [inserted] = await trx('persons').insert(row).returning('id');
  return (inserted as { id: number }).id;
}

/** Column order used by the bulk loader, which writes rows directly for speed. */
export const personColumnsForBulkLoad = Object.values(columns).filter((c) => c !== 'id');
