/**
 * 定期核查 (seed 001 step 3.3): "户籍地应当按照相关规定,对在辖区外具有本辖区户籍的社会救助家庭经济状况进行定期核查,
 * 根据核查情况及时办理救助金增发、减发、停发手续". The registration township's list of its enrolled households living
 * elsewhere with the last check and whether one is due, and the record of a check, whose 增发 / 减发 / 停发 goes to the
 * register through changeBenefits — the path a resolved warning's benefit-adjusted and stopped take.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { changeBenefits, runningBenefits } from '../engine/benefit-changes.js';
import { ProblemError } from '../errors.js';
import type { Viewed } from '../register/register-views.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { householdsLivingElsewhere, insertHouseholdCheck, lastChecksOf } from '../store/repositories/household-checks.js';
import { findHousehold } from '../store/repositories/households.js';
import { personsOfHouseholds } from '../store/repositories/persons.js';
import type { PeriodicCheck, PeriodicCheckInput, PeriodicCheckList } from '../../schemas/types/index.js';
import { checkDoneOn, fieldProblem } from './casework-dates.js';
import type { CaseworkSettings } from './casework-settings.js';
import { addCalendarMonths } from './visit-frequency.js';
import { readTogether } from '../store/reads-together.js';

/** The township's households living outside it, each with its last check and the next one's due date. */
export async function viewPeriodicChecks(knex: Knex, actor: Actor, township: string, asOf: string, settings: CaseworkSettings): Promise<Viewed<PeriodicCheckList>> {
  requireCapability(actor, 'readPersonalData', 'see the households a township checks, which names them');
  if (!isWithinScope(actor.regionCode, township)) throw new ProblemError('out-of-scope', `township ${township} is outside ${actor.regionCode}`);
  const { everyMonths } = settings.limits.periodicChecks;
  const households = await householdsLivingElsewhere(knex, township, asOf);
  const ids = households.map((h) => h.householdId);
  const [lastChecks, members] = await readTogether(knex, () => lastChecksOf(knex, ids), () => personsOfHouseholds(knex, ids));
  const names = new Map(members.map((m) => [m.id, m.name]));
  const items = households.map((h) => {
    const lastCheck = lastChecks.get(h.householdId) ?? null;
    const dueOn = addCalendarMonths(lastCheck?.checkedOn ?? h.enrolledSince, everyMonths);
    return {
      householdId: h.householdId,
      names: h.personIds.map((id) => names.get(id) ?? ''),
      registeredRegion: h.registeredRegion,
      residenceRegion: h.residenceRegion,
      enrolledSince: h.enrolledSince,
      monthlyAmountFen: h.monthlyAmountFen,
      lastCheck,
      dueOn,
      due: asOf >= dueOn,
    };
  });
  items.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.householdId - b.householdId);
  return { view: { township, asOf, everyMonths, items }, subjectPersonIds: households.flatMap((h) => h.personIds), regionCode: township };
}

const resultWords: Record<PeriodicCheckInput['result'], string> = { unchanged: '不变', increased: '增发', decreased: '减发', stopped: '停发' };

/**
 * Records a check by the household's registration township and applies its result: 增发 and 减发 set the new monthly
 * amount (which must be higher, or lower, than each amount it replaces), 停发 ends the enrolments on the day of the
 * check, 不变 changes nothing. Only a household living outside its township of registration is checked this way, and
 * only enrolments granted within the key's region change. The check, the register change and the audit line commit together.
 */
export async function recordPeriodicCheck(knex: Knex, actor: Actor, householdId: number, input: PeriodicCheckInput, options: { today: string }): Promise<PeriodicCheck> {
  requireCapability(actor, 'writeRegister', 'record a periodic check and change benefits');
  const household = await findHousehold(knex, householdId);
  if (!household || !isWithinScope(actor.regionCode, household.registeredRegion)) throw new ProblemError('not-found', `no household ${householdId} registered within ${actor.regionCode}`);
  const registrationTownship = household.registeredRegion.slice(0, 9);
  if (household.residenceRegion.startsWith(registrationTownship)) {
    throw new ProblemError('periodic-check-not-applicable', `household ${householdId} lives in its township of registration (${registrationTownship}); the periodic check is for households living outside it`);
  }
  checkDoneOn('/checkedOn', input.checkedOn, options.today);
  const changesAmount = input.result === 'increased' || input.result === 'decreased';
  if (changesAmount && input.monthlyAmountFen === undefined) throw fieldProblem('/monthlyAmountFen', `${resultWords[input.result]} sets a new monthly amount`);
  if (!changesAmount && input.monthlyAmountFen !== undefined) throw fieldProblem('/monthlyAmountFen', `${resultWords[input.result]} sets no amount`);
  if (!changesAmount && input.effectiveMonth !== undefined) throw fieldProblem('/effectiveMonth', `${resultWords[input.result]} sets no amount`);

  const at = new Date().toISOString();
  return knex.transaction(async (trx) => {
    const change = { appliesTo: 'household' as const, subjectId: householdId, enrolmentId: input.enrolmentId };
    const source = { label: `periodic check of household ${householdId}`, stopReason: `定期核查停发：${input.reason}`, eventDetail: { periodicCheck: true } };
    const effects = input.result === 'unchanged'
      ? { endedEnrolmentIds: [], adjusted: [], personIds: (await runningBenefits(trx, actor, source, change, input.checkedOn)).map((e) => Number(e.person_id)) }
      : await changeBenefits(trx, actor, source, {
        ...change, kind: input.result === 'stopped' ? 'stop' : 'set-amount', newAmountFen: input.monthlyAmountFen, effectiveMonth: input.effectiveMonth,
      }, input.checkedOn, at);
    if (changesAmount) checkDirection(input, effects.adjusted);
    const recorded = { endedEnrolmentIds: effects.endedEnrolmentIds, adjusted: effects.adjusted };
    const id = await insertHouseholdCheck(trx, {
      householdId, registrationRegion: household.registeredRegion, residenceRegion: household.residenceRegion, checkedOn: input.checkedOn, result: input.result,
      monthlyAmountFen: input.monthlyAmountFen ?? null, reason: input.reason, effects: JSON.stringify(recorded),
    }, actor, at);
    await recordAudit(trx, actor, {
      action: 'household.periodic-check', outcome: 'ok', resourceType: 'household', resourceId: String(householdId), regionCode: registrationTownship,
      subjectPersonIds: [...new Set(effects.personIds)],
      detail: `定期核查 ${input.checkedOn}: ${resultWords[input.result]}${describeEffects(recorded)}`,
    });
    return {
      id, householdId, registrationRegion: household.registeredRegion, residenceRegion: household.residenceRegion, checkedOn: input.checkedOn, result: input.result,
      monthlyAmountFen: input.monthlyAmountFen ?? null, reason: input.reason, ...recorded, actor: actor.label, recordedAt: at,
    };
  });
}

/** 增发 raises and 减发 lowers every amount it replaces; an amount already equal changes nothing and is refused. */
function checkDirection(input: PeriodicCheckInput, adjusted: readonly { fromFen: number | null; toFen: number }[]): void {
  if (adjusted.length === 0) {
    throw new ProblemError('periodic-check-not-applicable', `the monthly amount is already ${input.monthlyAmountFen} fen: record the check as unchanged (不变)`, [{ in: 'body', pointer: '/monthlyAmountFen', detail: 'equals the current amount' }]);
  }
  const wrongWay = adjusted.filter((a) => a.fromFen !== null && (input.result === 'increased' ? a.toFen < a.fromFen : a.toFen > a.fromFen));
  if (wrongWay.length > 0) {
    throw new ProblemError('periodic-check-not-applicable', `${resultWords[input.result]} to ${input.monthlyAmountFen} fen would ${input.result === 'increased' ? 'lower' : 'raise'} an amount of ${wrongWay[0]!.fromFen} fen`, [{ in: 'body', pointer: '/result', detail: 'does not match the direction of the change' }]);
  }
}

function describeEffects(effects: { endedEnrolmentIds: number[]; adjusted: { enrolmentId: number; fromFen: number | null; toFen: number }[] }): string {
  const parts = [
    ...(effects.endedEnrolmentIds.length > 0 ? [`ended enrolments ${effects.endedEnrolmentIds.join(', ')}`] : []),
    ...effects.adjusted.map((a) => `enrolment ${a.enrolmentId} ${a.fromFen ?? 'none'} → ${a.toFen} fen`),
  ];
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}
