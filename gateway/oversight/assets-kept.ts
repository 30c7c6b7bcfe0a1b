/**
 * Enrolments kept although a resolved warning found assets or income over the means-test thresholds. The warnings are
 * those of the five means-test rules (a vehicle, non-residential property, housing above the floor-area threshold, a
 * business, income above the threshold; config/rules/default.json), resolved with an outcome that leaves the register
 * as it was: only `stopped` and `benefit-adjusted` change it (engine/warning-outcomes.ts), so `no-change`, `referred`
 * and `included` keep the benefit. The warnings are those of the month asked and before, however late resolved (a
 * month's warnings are worked in the next). A warning is a row when its household had a basic-living enrolment in
 * force on the resolution date — the means test is the household's — with every such enrolment, each saying whether
 * it is still in force.
 *
 * Keeping a benefit can be right (the car was sold, the shop has closed): the report lists the decision with its
 * reason, its evidence and who took it, for the auditor to judge.
 */
import type { Knex } from 'knex';
import { basicLivingCategories } from '../store/enrolment-guard.js';
import { evidenceOfWarning, type WarningEvidenceRow } from '../store/repositories/warnings.js';
import { resolversOf } from './staff-related.js';

/** The means-test rules whose findings are assets or income over a threshold. */
export const meansTestRules = [
  'recipient-household-vehicle', 'recipient-household-non-residential-property', 'recipient-household-housing-above-threshold',
  'recipient-household-business', 'recipient-income-above-threshold',
] as const;

/** The outcomes that change the register; any other keeps the enrolment as it was. */
export const registerChangingOutcomes = ['stopped', 'benefit-adjusted'] as const;

export interface AssetsKept {
  warningId: number;
  ruleId: string;
  period: string;
  /** The member the finding is about (the owner of the vehicle, the property, the business, the wage). */
  subjectName: string | null;
  subjectCipher: string | null;
  subjectPersonId: number | null;
  measured: number | null;
  threshold: number | null;
  evidence: WarningEvidenceRow[];
  outcome: string;
  outcomeReason: string | null;
  resolvedOn: string;
  resolvedBy: string | null;
  householdNo: string;
  villageCode: string;
  /** The household's basic-living enrolments in force on the resolution date, the subject's first. */
  kept: KeptEnrolment[];
}

export interface KeptEnrolment {
  enrolmentId: number;
  personId: number;
  name: string;
  category: string;
  monthlyAmountFen: number | null;
  /** The enrolment's end date once it has ended; null while it is in force. */
  endedOn: string | null;
  endReason: string | null;
}

export async function findAssetsKept(knex: Knex, regionCode: string, month: string): Promise<AssetsKept[]> {
  const warnings: { id: number; rule_id: string; period: string; subject_name: string | null; subject_cipher: string | null; person_id: number | null; household_id: number | null;
    measured: number | string | null; threshold: number | string | null; outcome: string; outcome_reason: string | null; resolved_on: string }[] =
    await knex('warnings as w').leftJoin('persons as p', 'p.id', 'w.person_id')
      .leftJoin('households as h', 'h.id', 'w.household_id').leftJoin('households as ph', 'ph.id', 'p.household_id')
      // The registration place grants and pays (户籍地): its region, not the residence the warning went to, scopes the row.
      .where((q) => q.where('h.registered_region', 'like', `${regionCode}%`).orWhere('ph.registered_region', 'like', `${regionCode}%`))
      .whereIn('w.rule_id', meansTestRules).andWhere('w.status', 'resolved').whereNotIn('w.outcome', registerChangingOutcomes).andWhere('w.period', '<=', month)
      .orderBy('w.id').select('w.id', 'w.rule_id', 'w.period', 'w.subject_name', 'w.subject_cipher', 'w.person_id', knex.raw('COALESCE(w.household_id, p.household_id) as household_id'),
        'w.measured', 'w.threshold', 'w.outcome', 'w.outcome_reason', 'w.resolved_on');
  const withHousehold = warnings.filter((w) => w.household_id !== null);
  if (withHousehold.length === 0) return [];
  const resolvers = await resolversOf(knex, withHousehold.map((w) => Number(w.id)));
  const rows: AssetsKept[] = [];
  for (const warning of withHousehold) {
    const kept: { id: number; person_id: number; name: string; household_no: string; registered_region: string; category: string; monthly_amount_fen: number | string | null; end_date: string | null; end_reason: string | null }[] =
      await knex('enrolments as e').join('persons as p', 'p.id', 'e.person_id').join('households as h', 'h.id', 'e.household_id')
        .where('e.household_id', warning.household_id!).whereIn('e.category', basicLivingCategories).andWhere('e.region_code', 'like', `${regionCode}%`)
        .andWhere('e.start_date', '<=', warning.resolved_on).andWhere((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', warning.resolved_on))
        .orderBy('e.id').select('e.id', 'e.person_id', 'p.name', 'h.household_no', 'h.registered_region', 'e.category', 'e.monthly_amount_fen', 'e.end_date', 'e.end_reason');
    if (kept.length === 0) continue;
    const evidence = await evidenceOfWarning(knex, Number(warning.id));
    const subjectFirst = [...kept.filter((e) => Number(e.person_id) === Number(warning.person_id)), ...kept.filter((e) => Number(e.person_id) !== Number(warning.person_id))];
    rows.push({
      warningId: Number(warning.id), ruleId: warning.rule_id, period: warning.period, subjectName: warning.subject_name, subjectCipher: warning.subject_cipher,
      subjectPersonId: warning.person_id === null ? null : Number(warning.person_id), measured: numberOrNull(warning.measured), threshold: numberOrNull(warning.threshold), evidence,
      outcome: warning.outcome, outcomeReason: warning.outcome_reason, resolvedOn: warning.resolved_on, resolvedBy: resolvers.get(Number(warning.id)) ?? null,
      householdNo: kept[0]!.household_no, villageCode: kept[0]!.registered_region,
      kept: subjectFirst.map((e) => ({
        enrolmentId: Number(e.id), personId: Number(e.person_id), name: e.name, category: e.category, monthlyAmountFen: numberOrNull(e.monthly_amount_fen),
        endedOn: e.end_date, endReason: e.end_date === null ? null : e.end_reason,
      })),
    });
  }
  return rows.sort((a, b) => a.villageCode.localeCompare(b.villageCode) || a.householdNo.localeCompare(b.householdNo) || a.warningId - b.warningId);
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
