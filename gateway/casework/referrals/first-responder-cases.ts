import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isHouseholdInScope, isWithinScope } from '../../access/region-scope.js';
import { findWarningInScope } from '../../engine/warning-views.js';
import { ProblemError } from '../../errors.js';
import { checkIdNumber } from '../../identity/id-number.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { findHomeVisit } from '../../store/repositories/home-visits.js';
import { findHousehold } from '../../store/repositories/households.js';
import { findPersonByIdNumber } from '../../store/repositories/persons.js';
import {
  closeReferralCaseIfClear, escalationsOfCase, insertReferral, insertReferralCase, lockReferralCase, referralsOfCase,
} from '../../store/repositories/referrals.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { ReferralCaseClose, ReferralCaseCreate } from '../../../schemas/types/index.js';
import { caseInScope } from '../discovery-cases.js';
import { checkDoneOn, fieldProblem } from '../casework-dates.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { findCaseInScope, requireCaseWriter, requireOpenCase } from './case-access.js';
import { referralDueOn } from './referral-handling.js';

/**
 * Opens a first-responder case (首问负责制, seed 003): the unit first approached owns it — "首次接到急难对象诉求的部门或单位
 * 为责任部门" — until it closes it, and refers the needs it cannot meet itself to departments. The case, its first
 * referrals and its audit line are written together.
 *
 * A case names its origin and its subject, and both must be the key's to name: the origin must be a warning,
 * discovery case or visit the key can see (anything else is not found, exactly as if it did not exist), and the
 * subject is linked to the register only when their household is within the key's region — as discovery cases
 * link theirs — so a case cannot tell a key who is registered elsewhere or under which household.
 */
export async function openCase(
  knex: Knex,
  actor: Actor,
  input: ReferralCaseCreate,
  options: { settings: CaseworkSettings; today: string },
): Promise<number> {
  requireCaseWriter(actor);
  const originId = input.origin.id ?? null;
  if ((input.origin.type === 'walk-in') !== (originId === null)) {
    throw fieldProblem('/origin/id', input.origin.type === 'walk-in' ? 'a walk-in has no origin id' : `a case from a ${input.origin.type} names its id`);
  }
  const region = (await findRegions(knex, [input.regionCode])).get(input.regionCode);
  if (!region) throw new ProblemError('unknown-region', `${input.regionCode} is not in the register`, [{ in: 'body', pointer: '/regionCode', detail: 'unknown' }]);
  if (!isWithinScope(actor.regionCode, input.regionCode)) throw new ProblemError('out-of-scope', `${input.regionCode} is outside ${actor.regionCode}`);
  if (originId !== null && input.origin.type !== 'walk-in') await requireOriginInScope(knex, actor, input.origin.type, originId);
  const checked = checkIdNumber(input.subjectIdNumber);
  if (!checked.ok) throw new ProblemError('invalid-id-number', checked.reason, [{ in: 'body', pointer: '/subjectIdNumber', detail: checked.reason }]);
  const openedOn = input.openedOn ?? options.today;
  checkDoneOn('/openedOn', openedOn, options.today);
  const referrals = (input.referrals ?? []).map((referral, index) => {
    const sentOn = referral.sentOn ?? openedOn;
    checkDoneOn(`/referrals/${index}/sentOn`, sentOn, options.today, { date: openedOn, what: 'the case was opened' });
    const urgent = referral.urgent ?? false;
    const due = referralDueOn(options.settings, { department: referral.department, urgent, sentOn }, `/referrals/${index}`);
    return { department: referral.department, need: referral.need, urgent, sentOn, dueOn: due.date, dueProvisional: due.provisional };
  });
  const linked = await linkedPerson(knex, actor, checked.idNumber);

  return knex.transaction(async (trx) => {
    const caseId = await insertReferralCase(trx, {
      originType: input.origin.type, originId, subjectIdNumber: checked.idNumber, subjectName: input.subjectName.trim(),
      personId: linked?.personId ?? null, householdId: linked?.householdId ?? null, regionCode: input.regionCode, ownerUnit: input.ownerUnit,
      summary: input.summary, openedOn,
    }, actor.label);
    for (const referral of referrals) await insertReferral(trx, { caseId, ...referral }, { label: actor.label, keyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'referral-case.create', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: input.regionCode,
      subjectPersonIds: linked ? [linked.personId] : [], detail: `${input.origin.type}${originId === null ? '' : ` ${originId}`}, ${referrals.length} referral(s)`,
    });
    return caseId;
  });
}

/** The warning, discovery case or visit a case comes from, if the key sees it; otherwise not-found, whichever it is. */
async function requireOriginInScope(knex: Knex, actor: Actor, type: 'warning' | 'discovery' | 'visit', id: number): Promise<void> {
  const missing = () => new ProblemError('not-found', `no ${type} ${id} within ${actor.regionCode}`, [{ in: 'body', pointer: '/origin/id', detail: 'not found' }]);
  const rethrowNotFound = (error: unknown): never => {
    throw error instanceof ProblemError && error.code === 'not-found' ? missing() : error;
  };
  if (type === 'warning') {
    await findWarningInScope(knex, actor, id).catch(rethrowNotFound);
  } else if (type === 'discovery') {
    await caseInScope(knex, actor, id).catch(rethrowNotFound);
  } else {
    // A visit is the key's when the visited household is (as GET /v1/visits/{id} decides).
    const visit = await findHomeVisit(knex, id);
    const household = visit ? await findHousehold(knex, visit.householdId) : undefined;
    if (!household || !isHouseholdInScope(actor.regionCode, household)) throw missing();
  }
}

/** The person in the register with this ID number, when their household is within the key's region. */
async function linkedPerson(knex: Knex, actor: Actor, idNumber: string): Promise<{ personId: number; householdId: number } | undefined> {
  const person = await findPersonByIdNumber(knex, idNumber);
  const household = person ? await findHousehold(knex, person.householdId) : undefined;
  return person && household && isHouseholdInScope(actor.regionCode, household) ? { personId: person.id, householdId: household.id } : undefined;
}

/**
 * Closes a case once every referral is done or declined and no escalation awaits the meeting. The case is locked
 * first and the close is one conditional statement over the case, its referrals and its escalations, so a referral
 * or escalation added meanwhile makes it refuse (409) rather than close over it.
 */
export async function closeCase(knex: Knex, actor: Actor, caseId: number, input: ReferralCaseClose, options: { today: string }): Promise<void> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  requireOpenCase(found);
  checkDoneOn('/on', input.on, options.today, { date: found.openedOn, what: 'the case was opened' });
  await knex.transaction(async (trx) => {
    await lockReferralCase(trx, caseId);
    if (!(await closeReferralCaseIfClear(trx, caseId, input.on, input.reason))) throw await whyNotClosable(trx, caseId);
    await recordAudit(trx, actor, {
      action: 'referral-case.close', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: found.regionCode,
      subjectPersonIds: found.personId === null ? [] : [found.personId], detail: input.reason,
    });
  });
}

/** What kept a case from closing, as the caller should hear it. */
async function whyNotClosable(trx: Knex.Transaction, caseId: number): Promise<ProblemError> {
  const now = await lockReferralCase(trx, caseId);
  if (now && now.status !== 'open') return new ProblemError('referral-transition-illegal', `case ${caseId} was closed on ${now.closedOn}`);
  const open = (await referralsOfCase(trx, caseId)).filter((r) => r.status === 'sent' || r.status === 'accepted');
  if (open.length > 0) return new ProblemError('referral-transition-illegal', `case ${caseId} still has ${open.length} referral(s) open (${open.map((r) => r.id).join(', ')})`);
  const pending = (await escalationsOfCase(trx, caseId)).filter((e) => e.status === 'pending');
  return new ProblemError('referral-transition-illegal', `case ${caseId} awaits the county meeting's decision on escalation ${pending[0]?.id ?? '(another)'}`);
}
