import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { ProblemError } from '../../errors.js';
import { checkIdNumber } from '../../identity/id-number.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { findPersonByIdNumber } from '../../store/repositories/persons.js';
import {
  closeReferralCaseIfOpen, escalationsOfCase, insertReferral, insertReferralCase, referralsOfCase,
} from '../../store/repositories/referrals.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { ReferralCaseClose, ReferralCaseCreate } from '../../../schemas/types/index.js';
import type { CaseworkSettings } from '../applications/casework-settings.js';
import { checkDay, dateProblem, findCaseInScope, requireCaseWriter, requireOpenCase } from './case-access.js';
import { referralDueOn } from './referral-handling.js';

/**
 * Opens a first-responder case (首问负责制, seed 003): the unit first approached owns it — "首次接到急难对象诉求的部门或单位
 * 为责任部门" — until it closes it, and refers the needs it cannot meet itself to departments. The case, its first
 * referrals and its audit line are written together.
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
    throw dateProblem('/origin/id', input.origin.type === 'walk-in' ? 'a walk-in has no origin id' : `a case from a ${input.origin.type} names its id`);
  }
  const region = (await findRegions(knex, [input.regionCode])).get(input.regionCode);
  if (!region) throw new ProblemError('unknown-region', `${input.regionCode} is not in the register`, [{ in: 'body', pointer: '/regionCode', detail: 'unknown' }]);
  if (!isWithinScope(actor.regionCode, input.regionCode)) throw new ProblemError('out-of-scope', `${input.regionCode} is outside ${actor.regionCode}`);
  const checked = checkIdNumber(input.subjectIdNumber);
  if (!checked.ok) throw new ProblemError('invalid-id-number', checked.reason, [{ in: 'body', pointer: '/subjectIdNumber', detail: checked.reason }]);
  const openedOn = input.openedOn ?? options.today;
  if (openedOn > options.today) throw dateProblem('/openedOn', `${openedOn} is after today (${options.today})`);
  const referrals = (input.referrals ?? []).map((referral, index) => {
    const sentOn = referral.sentOn ?? openedOn;
    checkDay(`/referrals/${index}/sentOn`, sentOn, { date: openedOn, what: 'the case was opened' }, options.today);
    const urgent = referral.urgent ?? false;
    return { department: referral.department, need: referral.need, urgent, sentOn, dueOn: referralDueOn(options.settings, { department: referral.department, urgent, sentOn }, `/referrals/${index}`) };
  });
  const person = await findPersonByIdNumber(knex, checked.idNumber);

  return knex.transaction(async (trx) => {
    const caseId = await insertReferralCase(trx, {
      originType: input.origin.type, originId, subjectIdNumber: checked.idNumber, subjectName: input.subjectName.trim(),
      personId: person?.id ?? null, householdId: person?.householdId ?? null, regionCode: input.regionCode, ownerUnit: input.ownerUnit,
      summary: input.summary, openedOn,
    }, actor.label);
    for (const referral of referrals) await insertReferral(trx, { caseId, ...referral }, { label: actor.label, keyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'referral-case.create', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: input.regionCode,
      subjectPersonIds: person ? [person.id] : [], detail: `${input.origin.type}${originId === null ? '' : ` ${originId}`}, ${referrals.length} referral(s)`,
    });
    return caseId;
  });
}

/** Closes a case once every referral is done or declined and no escalation awaits the meeting. */
export async function closeCase(knex: Knex, actor: Actor, caseId: number, input: ReferralCaseClose, options: { today: string }): Promise<void> {
  requireCaseWriter(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  requireOpenCase(found);
  checkDay('/on', input.on, { date: found.openedOn, what: 'the case was opened' }, options.today);
  const open = (await referralsOfCase(knex, caseId)).filter((r) => r.status === 'sent' || r.status === 'accepted');
  if (open.length > 0) throw new ProblemError('referral-transition-illegal', `case ${caseId} still has ${open.length} referral(s) open (${open.map((r) => r.id).join(', ')})`);
  const pending = (await escalationsOfCase(knex, caseId)).filter((e) => e.status === 'pending');
  if (pending.length > 0) throw new ProblemError('referral-transition-illegal', `case ${caseId} awaits the county meeting's decision on escalation ${pending[0]!.id}`);
  await knex.transaction(async (trx) => {
    if (!(await closeReferralCaseIfOpen(trx, caseId, input.on, input.reason))) throw new ProblemError('referral-transition-illegal', `case ${caseId} was closed meanwhile`);
    await recordAudit(trx, actor, {
      action: 'referral-case.close', outcome: 'ok', resourceType: 'referral-case', resourceId: String(caseId), regionCode: found.regionCode,
      subjectPersonIds: found.personId === null ? [] : [found.personId], detail: input.reason,
    });
  });
}
