/**
 * Lines of closed rolls that paid for a month after a covered member's death or cremation, under the county's
 * payroll.stopAfterDeath (the same rule compile-roll.ts applies: household-inputs.ts departureBefore). Deaths are
 * read from the feeds' facts (person-death, person-cremation) matched on the blind index, as the roll does, so a
 * death reported after a roll closed is found on that roll. Open months are not listed: their roll is compiled from
 * the facts as they stand and already leaves the dead out.
 *
 * The amount to recover is what the rule says should not have been paid: the whole line when every member the line
 * covered had died by that month; when living members remain, the household is still owed a smaller amount that
 * only a recomputation gives (the 追回 line a later roll carries), so the amount is left empty and the row says so.
 */
import type { Knex } from 'knex';
import { departureBefore } from '../payroll/household-inputs.js';
import type { PayrollRules } from '../payroll/benefit-standards.js';
import { linesOfRoll, type ClosedRoll } from '../store/repositories/payroll-rolls.js';

export interface PaidAfterDeath {
  countyCode: string;
  householdId: number;
  householdNo: string;
  townshipCode: string;
  villageCode: string;
  payeePersonId: number;
  deceasedPersonId: number;
  deceasedName: string;
  deathKind: string;
  deathDate: string;
  reportedAt: string;
  monthsPaid: string[];
  paidFen: number;
  /** null when living members remain and only a recomputation gives the amount. */
  recoverFen: number | null;
  /** 追回 lines already on a later roll for those months, their total (negative) fen. */
  recoveredFen: number;
  recoveryLine: boolean;
}

interface DeathFact { personId: number; householdId: number; name: string; kind: 'person-death' | 'person-cremation'; first: string; reportedAt: string }

export async function findPaidAfterDeath(knex: Knex, rolls: readonly ClosedRoll[], rulesOf: (countyCode: string, month: string) => PayrollRules, regionCode: string): Promise<PaidAfterDeath[]> {
  const byKey = new Map<string, PaidAfterDeath>();
  for (const roll of rolls) {
    for await (const lines of linesOfRoll(knex, roll.id)) {
      const inRegion = lines.filter((l) => l.villageCode.startsWith(regionCode));
      const deaths = await deathsOfHouseholds(knex, inRegion.map((l) => l.householdId));
      for (const line of inRegion) {
        const covered = line.inputs.members.map((m) => Number(m.personId));
        for (const death of deaths.get(line.householdId) ?? []) {
          if (!covered.includes(death.personId)) continue;
          if (line.totalFen < 0) continue;
          const rules = rulesOf(roll.countyCode, line.forMonth);
          if (!departureBefore([{ personId: death.personId, kind: death.kind, first: death.first, last: death.first }], line.forMonth, rules)) continue;
          const key = `${line.householdId}/${death.personId}`;
          const row = byKey.get(key) ?? byKey.set(key, {
            countyCode: roll.countyCode, householdId: line.householdId, householdNo: line.householdNo, townshipCode: line.townshipCode, villageCode: line.villageCode,
            payeePersonId: line.payeePersonId, deceasedPersonId: death.personId, deceasedName: death.name, deathKind: death.kind, deathDate: death.first,
            reportedAt: death.reportedAt, monthsPaid: [], paidFen: 0, recoverFen: 0, recoveredFen: 0, recoveryLine: false,
          }).get(key)!;
          if (!row.monthsPaid.includes(line.forMonth)) row.monthsPaid.push(line.forMonth);
          row.paidFen += line.totalFen;
          const allDead = covered.every((id) => (deaths.get(line.householdId) ?? []).some((d) => d.personId === id
            && departureBefore([{ personId: d.personId, kind: d.kind, first: d.first, last: d.first }], line.forMonth, rules)));
          row.recoverFen = allDead && row.recoverFen !== null ? row.recoverFen + line.totalFen : null;
        }
      }
    }
  }
  const rows = [...byKey.values()];
  for (const row of rows) {
    const recoveries: { total_fen: number | string }[] = await knex('payroll_lines').where({ household_id: row.householdId }).whereIn('for_month', row.monthsPaid)
      .andWhere('change_mark', '追回').select('total_fen');
    row.recoveryLine = recoveries.length > 0;
    row.recoveredFen = recoveries.reduce((sum, r) => sum + Number(r.total_fen), 0);
    row.monthsPaid.sort();
  }
  return rows.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo) || a.deceasedPersonId - b.deceasedPersonId);
}

/** The earliest death or cremation of each member of the households, joined on the blind index as the roll does. */
async function deathsOfHouseholds(knex: Knex, householdIds: readonly number[]): Promise<Map<number, DeathFact[]>> {
  const out = new Map<number, DeathFact[]>();
  const unique = [...new Set(householdIds)];
  for (let at = 0; at < unique.length; at += 2000) {
    const rows: { person_id: number; household_id: number; name: string; kind: 'person-death' | 'person-cremation'; occurred_on: string; received_at: string }[] = await knex('facts as f')
      .join('persons as p', 'p.id_key', 'f.subject_key').join('batches as b', 'b.id', 'f.batch_id')
      .whereIn('p.household_id', unique.slice(at, at + 2000)).whereIn('f.kind', ['person-death', 'person-cremation']).whereNotNull('f.occurred_on')
      .orderBy('f.occurred_on').select('p.id as person_id', 'p.household_id', 'p.name', 'f.kind', 'f.occurred_on', 'b.received_at');
    for (const r of rows) {
      const list = out.get(Number(r.household_id)) ?? out.set(Number(r.household_id), []).get(Number(r.household_id))!;
      if (list.some((d) => d.personId === Number(r.person_id))) continue;
      list.push({ personId: Number(r.person_id), householdId: Number(r.household_id), name: r.name, kind: r.kind, first: String(r.occurred_on).slice(0, 10), reportedAt: timeText(r.received_at) });
    }
  }
  return out;
}

function timeText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
