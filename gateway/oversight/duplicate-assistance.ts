/**
 * The same kind of aid given twice for one need (seed 002: "避免救助遗漏或重复救助"; seed 003: "避免重复救助、多头救助和
 * 救助遗漏"). The project's reading, from the fields of assistance_records: two or more records of the same person
 * (or, when a record names no person, the same household), with the same assistance_type code, assisted_on in the
 * same calendar month, from more than one department. Records of one department repeated in a month are that
 * department's own instalments, not 多头救助, and are left out.
 */
import type { Knex } from 'knex';
import { lastDayOfPeriod } from '../calendar/periods.js';

export interface DuplicateAid {
  personId: number | null;
  householdId: number | null;
  assistanceType: string;
  month: string;
  departments: string[];
  records: number;
  totalFen: number;
}

export async function findDuplicateAid(knex: Knex, regionCode: string, throughMonth: string): Promise<DuplicateAid[]> {
  const rows: { person_id: number | null; household_id: number | null; department: string; assistance_type: string; amount_fen: number | string | null; assisted_on: string }[] =
    await knex('assistance_records as a').leftJoin('households as h', 'h.id', 'a.household_id').leftJoin('persons as p', 'p.id', 'a.person_id')
      .leftJoin('households as ph', 'ph.id', 'p.household_id')
      .where((q) => q.where('h.registered_region', 'like', `${regionCode}%`).orWhere('ph.registered_region', 'like', `${regionCode}%`))
      .andWhere('a.assisted_on', '<=', lastDayOfPeriod(throughMonth))
      .select('a.person_id', 'a.household_id', 'a.department', 'a.assistance_type', 'a.amount_fen', 'a.assisted_on');
  const groups = new Map<string, DuplicateAid>();
  for (const row of rows) {
    const month = String(row.assisted_on).slice(0, 7);
    const personId = row.person_id === null ? null : Number(row.person_id);
    const householdId = row.household_id === null ? null : Number(row.household_id);
    const key = `${personId ?? `h${householdId}`}/${row.assistance_type}/${month}`;
    const group = groups.get(key) ?? groups.set(key, { personId, householdId, assistanceType: row.assistance_type, month, departments: [], records: 0, totalFen: 0 }).get(key)!;
    if (!group.departments.includes(row.department)) group.departments.push(row.department);
    group.records += 1;
    group.totalFen += row.amount_fen === null ? 0 : Number(row.amount_fen);
  }
  return [...groups.values()].filter((g) => g.departments.length > 1).sort((a, b) => a.month.localeCompare(b.month) || a.assistanceType.localeCompare(b.assistanceType));
}
