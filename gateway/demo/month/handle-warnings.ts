import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { defaultCaseworkSettings } from '../../casework/casework-settings.js';
import { createDiscoveryCase } from '../../casework/discovery-cases.js';
import { recordVisit } from '../../casework/home-visits.js';
import { openCase } from '../../casework/referrals/first-responder-cases.js';
import type { LoadedRuleSet } from '../../engine/rule-set.js';
import { transitionWarning } from '../../engine/warning-workflow.js';
import { ProblemError } from '../../errors.js';
import type { Store } from '../../store/connect.js';
import { isBasicLivingCategory } from '../../store/reference-data/code-tables.js';
import { findDiscoveryCaseBySource } from '../../store/repositories/discovery-cases.js';
import { findHomeVisitByClientId } from '../../store/repositories/home-visits.js';
import { findRegions } from '../../store/repositories/regions.js';
import { referralsOfCase } from '../../store/repositories/referrals.js';
import { listWarnings, transitionsOfWarning, type WarningRow } from '../../store/repositories/warnings.js';
import type { WarningTransitionRequest } from '../../../schemas/types/index.js';
import { composeGivenName, HAN_SURNAMES } from '../chinese-names.js';
import { SeededRandom } from '../seeded-random.js';
import type { PlantedCase } from './demo-month-context.js';
import { maskPerson, type MaskedPerson } from './masking.js';

/** What the demo month did about its warnings, read back from the store, so a rerun reports the same. */
export interface HandlingReport {
  transitions: { warningId: number; ruleId: string; subject: MaskedPerson; to: 'verifying' | 'resolved'; outcome: string | null; reason: string }[];
  visits: { visitId: number; householdId: number; visitedOn: string; reason: string }[];
  referrals: { caseId: number; referralId: number; department: string; dueOn: string; warningId: number; ruleId: string; subject: MaskedPerson }[];
  discoveryCases: { caseId: number; warningId: number; ruleId: string; subject: MaskedPerson }[];
  /** Steps that could not be taken, each with the reason the workflow gave. */
  notDone: string[];
}

export interface HandlingOptions {
  period: string;
  actor: Actor;
  today: string;
  seed: number;
  rules: LoadedRuleSet;
  planted: readonly PlantedCase[];
}

/**
 * Handles a share of the month's warnings the way a township and the county would, through the same workflow the
 * API uses, so the demo shows every kind of follow-up: a death verified and the benefit stopped (停保), an income
 * rise verified and the benefit halved for gradual exit (渐退), a disaster victim visited at home the day the
 * warning came and given urgent assistance (纳入救助), a student referred to the education bureau (转介), a
 * resident's hospital bills opened as an active-discovery case (信息推送发现), a vehicle still under verification, a
 * small shop verified and the benefit kept (无需处置, for compliance-assets-kept).
 * The rest stay pending, as a newcomer should find them.
 *
 * Each step looks at the store first and is taken only if it has not been: warnings move only from the status the
 * step expects, the visit carries a fixed client id (a replay writes nothing), and a warning that already has its
 * discovery or referral case gets no second one. So a second run of the month changes nothing.
 */
export async function handleShareOfWarnings(store: Store, options: HandlingOptions): Promise<HandlingReport> {
  const knex = store.knex;
  const report: HandlingReport = { transitions: [], visits: [], referrals: [], discoveryCases: [], notDone: [] };
  const warningOf = await plantedWarnings(knex, options);
  const staff = staffName(options.seed);
  const attempt = async (what: string, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      report.notDone.push(`${what}: ${error.message}`);
    }
  };

  const died = warningOf('recipient-died');
  if (died) {
    await attempt(`stop the benefit of warning ${died.id}`, async () => {
      await verify(knex, options, died, '公安户籍注销与殡葬火化记录一致，村协理员电话联系家属核实。');
      await resolve(knex, options, died, { to: 'resolved', outcome: 'stopped', appliesTo: 'person', reason: '核实已死亡，自死亡次月起停发，办理减员。' });
    });
  }

  const earner = warningOf('recipient-income-above-threshold');
  if (earner) {
    await attempt(`adjust the benefit of warning ${earner.id}`, async () => {
      await verify(knex, options, earner, '与人社就业登记、工资流水核对，月工资超过当地最低工资标准。');
      const current = await currentBasicLivingAmount(knex, earner.personId);
      if (current === null) throw new ProblemError('warning-outcome-not-applicable', `warning ${earner.id}: no current basic-living amount to halve`);
      await resolve(knex, options, earner, {
        // Halving is the demo's own choice: the seeds say only "给予一定时间的渐退期" (002 task 9), with no amount or length.
        to: 'resolved', outcome: 'benefit-adjusted', appliesTo: 'person', newAmountFen: Math.round(current / 200) * 100,
        reason: '家庭收入超过低保标准，进入渐退期，渐退期内待遇调减（演示数值）。',
      });
    });
  }

  const victim = warningOf('disaster-victim', (w) => w.householdId !== null);
  if (victim?.householdId != null) {
    const householdId = victim.householdId;
    await attempt(`visit the household of warning ${victim.id}`, async () => {
      const clientId = `demo-${options.period}-warning-${victim.id}`;
      await recordVisit(knex, options.actor, {
        visitId: clientId, householdId, visitedOn: victim.raisedOn, kind: 'home',
        visitor: { kind: 'township-staff', name: staff, unit: `${await townshipName(knex, victim)}社会救助服务站` },
        findings: '房屋受损，家中口粮和衣被受灾，已安排过渡期生活救助和急难型临时救助。', needsFound: ['linshi', 'shouzai'], hardshipFound: true,
      }, options.today);
      await verify(knex, options, victim, '乡镇工作人员当日入户查看受灾情况。');
      await resolve(knex, options, victim, { to: 'resolved', outcome: 'included', reason: '给予急难型临时救助，纳入救助。' });
    });
  }

  const student = warningOf('student-without-education-assistance');
  if (student) {
    await attempt(`refer the student of warning ${student.id}`, async () => {
      await verify(knex, options, student, '核对救助链：本学年未享受教育救助。');
      if ((await referralCaseOf(knex, student.id)) === undefined) {
        await openCase(knex, options.actor, {
          origin: { type: 'warning', id: student.id }, subjectIdNumber: student.subjectIdNumber, subjectName: student.subjectName ?? '',
          regionCode: student.regionCode ?? student.subjectIdNumber.slice(0, 6), ownerUnit: `${await townshipName(knex, student)}社会救助服务站`,
          summary: '低保家庭学生，本学年未享受教育救助，转介教育局。',
          referrals: [{ department: 'jy', need: '申请教育救助（家庭经济困难学生资助）' }],
        }, { settings: defaultCaseworkSettings(), today: options.today });
      }
      await resolve(knex, options, student, { to: 'resolved', outcome: 'referred', reason: '已转介县教育局办理教育救助。' });
    });
  }

  const patient = warningOf('non-recipient-inpatient-self-pay', (w) => w.personId === null);
  if (patient) {
    const planted = options.planted.find((c) => c.ruleId === 'non-recipient-inpatient-self-pay' && c.idNumber === patient.subjectIdNumber);
    await attempt(`open a discovery case for warning ${patient.id}`, async () => {
      if ((await findDiscoveryCaseBySource(knex, { warningId: patient.id })) === undefined) {
        await createDiscoveryCase(knex, options.actor, { warningId: patient.id, townshipCode: (planted?.regionCode ?? '').slice(0, 9) || undefined }, { today: options.today, rules: options.rules });
      }
      await verify(knex, options, patient, '医保推送大额住院自付，已转主动发现入户调查。');
    });
  }

  const vehicle = warningOf('recipient-household-vehicle');
  if (vehicle) await attempt(`verify warning ${vehicle.id}`, () => verify(knex, options, vehicle, '调取车辆登记信息，通知家庭提供购车资金来源说明。'));

  const business = warningOf('recipient-household-business');
  if (business) {
    await attempt(`keep the benefit of warning ${business.id}`, async () => {
      await verify(knex, options, business, '调取营业执照，入户查看经营场所和流水。');
      // Kept: the finding is recorded with its reason, and compliance-assets-kept shows it to the auditor.
      await resolve(knex, options, business, { to: 'resolved', outcome: 'no-change', reason: '个体小店，经营收入已计入家庭收入，核算后仍低于低保标准，继续保障。' });
    });
  }

  return readBack(knex, options, warningOf, report);
}

type WarningFinder = (ruleId: string, accept?: (warning: WarningRow) => boolean) => WarningRow | undefined;

/** The warnings the planted cases raised, by rule: the first planted case of the rule that has one (and `accept`s). */
async function plantedWarnings(knex: Knex, options: HandlingOptions): Promise<WarningFinder> {
  const rows: WarningRow[] = [];
  for (let afterId = 0; ;) {
    const page = await listWarnings(knex, { scopeRegionCode: '000000', period: options.period, today: options.today, afterId, limit: 500 });
    rows.push(...page);
    if (page.length < 500) break;
    afterId = page[page.length - 1]!.id;
  }
  return (ruleId, accept = () => true) => {
    for (const planted of options.planted.filter((c) => c.ruleId === ruleId)) {
      const warning = rows.find((w) => w.ruleId === ruleId && w.subjectIdNumber === planted.idNumber);
      if (warning && accept(warning)) return warning;
    }
    return undefined;
  };
}

/** pending → verifying, when the warning is still pending (a rerun finds it moved on and leaves it). */
async function verify(knex: Knex, options: HandlingOptions, warning: WarningRow, reason: string): Promise<void> {
  if (warning.status !== 'pending') return;
  const { warning: moved } = await transitionWarning(knex, options.actor, warning.id, { to: 'verifying', reason });
  warning.status = moved.status;
}

async function resolve(knex: Knex, options: HandlingOptions, warning: WarningRow, request: WarningTransitionRequest): Promise<void> {
  if (warning.status !== 'verifying') return;
  const { warning: moved } = await transitionWarning(knex, options.actor, warning.id, request);
  Object.assign(warning, moved);
}

/** The subject's current basic-living monthly amount, for the gradual-exit halving. */
async function currentBasicLivingAmount(knex: Knex, personId: number | null): Promise<number | null> {
  if (personId === null) return null;
  const rows = await knex('enrolments').where('person_id', personId).whereNull('end_date').select('category', 'monthly_amount_fen');
  const basic = rows.find((r) => isBasicLivingCategory(String(r.category)) && Number(r.monthly_amount_fen ?? 0) > 0);
  return basic ? Number(basic.monthly_amount_fen) : null;
}

async function townshipName(knex: Knex, warning: WarningRow): Promise<string> {
  const code = (warning.regionCode ?? '').slice(0, 9);
  return (await findRegions(knex, [code])).get(code)?.name ?? '乡镇';
}

/** The first-responder case opened from the warning, if any. */
async function referralCaseOf(knex: Knex, warningId: number): Promise<number | undefined> {
  const row = await knex('referral_cases').where({ origin_type: 'warning', origin_id: warningId }).first('id');
  return row ? Number(row.id) : undefined;
}

/** The township worker who visits: invented, the same for the same seed. */
function staffName(seed: number): string {
  const random = new SeededRandom(seed);
  return random.pickWeighted(HAN_SURNAMES) + composeGivenName(random, '2', 1988);
}

/** What the store now holds for the handled warnings: their transitions, the visit, the cases and referrals. */
async function readBack(knex: Knex, options: HandlingOptions, warningOf: WarningFinder, report: HandlingReport): Promise<HandlingReport> {
  const handled = ['recipient-died', 'recipient-income-above-threshold', 'disaster-victim', 'student-without-education-assistance', 'non-recipient-inpatient-self-pay', 'recipient-household-vehicle', 'recipient-household-business']
    .map((ruleId) => warningOf(ruleId, ruleId === 'disaster-victim' ? (w) => w.householdId !== null : ruleId === 'non-recipient-inpatient-self-pay' ? (w) => w.personId === null : undefined))
    .filter((w): w is WarningRow => w !== undefined);
  const masked = (w: WarningRow): MaskedPerson => maskPerson(w.subjectIdNumber, w.subjectName);
  for (const warning of handled) {
    for (const t of await transitionsOfWarning(knex, warning.id)) {
      report.transitions.push({ warningId: warning.id, ruleId: warning.ruleId, subject: masked(warning), to: t.to as 'verifying' | 'resolved', outcome: t.outcome ?? null, reason: t.reason ?? '' });
    }
    const discovery = await findDiscoveryCaseBySource(knex, { warningId: warning.id });
    if (discovery !== undefined) report.discoveryCases.push({ caseId: discovery, warningId: warning.id, ruleId: warning.ruleId, subject: masked(warning) });
    const caseId = await referralCaseOf(knex, warning.id);
    if (caseId !== undefined) {
      for (const referral of await referralsOfCase(knex, caseId)) {
        report.referrals.push({ caseId, referralId: referral.id, department: referral.department, dueOn: referral.dueOn, warningId: warning.id, ruleId: warning.ruleId, subject: masked(warning) });
      }
    }
    const visit = await findHomeVisitByClientId(knex, `demo-${options.period}-warning-${warning.id}`);
    if (visit) report.visits.push({ visitId: visit.id, householdId: visit.householdId, visitedOn: visit.visitedOn, reason: `${warning.ruleId} warning ${warning.id}` });
  }
  return report;
}
