import type { Knex } from 'knex';

/** Heads of household (relation 01 本人 or 02 户主) by household: the one name a sampled household is shown by. */
export async function householdHeads(db: Knex | Knex.Transaction, householdIds: readonly number[]): Promise<Map<number, { personId: number; name: string }>> {
  const heads = new Map<number, { personId: number; name: string }>();
  const unique = [...new Set(householdIds)];
  for (let start = 0; start < unique.length; start += 500) {
    const rows: { id: number; household_id: number; name: string }[] = await db('persons')
      .whereIn('household_id', unique.slice(start, start + 500)).whereIn('relation', ['01', '02']).orderBy('id').select('id', 'household_id', 'name');
    for (const row of rows) if (!heads.has(Number(row.household_id))) heads.set(Number(row.household_id), { personId: Number(row.id), name: row.name });
  }
  return heads;
}

/** The heads' person ids: whom an audit line of a sample names. */
export async function headPersonIds(db: Knex | Knex.Transaction, householdIds: readonly number[]): Promise<number[]> {
  return [...(await householdHeads(db, householdIds)).values()].map((h) => h.personId);
}
