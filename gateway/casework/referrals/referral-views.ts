import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isHouseholdInScope, isWithinScope } from '../../access/region-scope.js';
import { displayIdNumber } from '../../access/masking.js';
import { ProblemError } from '../../errors.js';
import { findHousehold } from '../../store/repositories/households.js';
import type { Viewed } from '../../register/register-views.js';
import {
  escalationsOfCase, listReferrals, referralsOfCase, transitionsOfReferrals, type ReferralRow, type ReferralTransitionRow,
} from '../../store/repositories/referrals.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { Referral, ReferralCase } from '../../../schemas/types/index.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { referralDepartment } from '../time-limits.js';
import { findCaseInScope, requireCaseReader } from './case-access.js';
import { readTogether } from '../../store/reads-together.js';

/** Still with the department after its deadline. */
export function isReferralOverdue(referral: Pick<ReferralRow, 'status' | 'dueOn'>, asOf: string): boolean {
  return (referral.status === 'sent' || referral.status === 'accepted') && asOf > referral.dueOn;
}

function presentReferral(settings: CaseworkSettings, row: ReferralRow, asOf: string, transitions?: ReferralTransitionRow[]): Referral {
  return {
    id: row.id,
    caseId: row.caseId,
    regionCode: row.regionCode,
    subjectName: row.subjectName,
    department: { code: row.department, name: referralDepartment(settings.limits, row.department)?.name ?? row.department },
    need: row.need,
    urgent: row.urgent,
    sentOn: row.sentOn,
    dueOn: row.dueOn,
    dueProvisional: row.dueProvisional,
    status: row.status,
    overdue: isReferralOverdue(row, asOf),
    acceptedOn: row.acceptedOn,
    finishedOn: row.finishedOn,
    declineReason: row.declineReason,
    outcome: row.outcome,
    ...(transitions ? { transitions: transitions.map(({ referralId: _, ...t }) => t) } : {}),
  };
}

/** A case with its referrals (and their history) and escalations; the subject's ID number masked unless the role sees it in full. */
export async function viewCase(knex: Knex, actor: Actor, caseId: number, options: { settings: CaseworkSettings; today: string }): Promise<Viewed<ReferralCase>> {
  const policy = requireCaseReader(actor);
  const found = await findCaseInScope(knex, actor, caseId);
  const [referrals, escalations, regions] = await readTogether(knex, () => referralsOfCase(knex, caseId), () => escalationsOfCase(knex, caseId), () => findRegions(knex, [found.regionCode]));
  const transitions = await transitionsOfReferrals(knex, referrals.map((r) => r.id));
  // The household is named only to a key whose region holds it: a county key may link a case it owns in one
  // township to a household living in another, which that first township's key must not learn.
  const household = found.householdId === null ? undefined : await findHousehold(knex, found.householdId);
  const householdId = household && isHouseholdInScope(actor.regionCode, household) ? household.id : null;
  const view: ReferralCase = {
    id: found.id,
    origin: { type: found.originType, id: found.originId },
    subject: {
      idNumber: displayIdNumber(policy, found.subjectIdNumber),
      idNumberMasked: !policy.fullIdNumber,
      name: found.subjectName,
      householdId,
    },
    region: { code: found.regionCode, name: regions.get(found.regionCode)?.fullName ?? '' },
    ownerUnit: found.ownerUnit,
    summary: found.summary,
    openedOn: found.openedOn,
    status: found.status,
    closedOn: found.closedOn,
    closeReason: found.closeReason,
    referrals: referrals.map((r) => presentReferral(options.settings, r, options.today, transitions.filter((t) => t.referralId === r.id))),
    escalations: escalations.map(({ caseId: _, ...e }) => e),
  };
  return { view, subjectPersonIds: found.personId === null ? [] : [found.personId], regionCode: found.regionCode };
}

export interface ReferralListOptions {
  regionCode?: string;
  department?: string;
  status?: ReferralRow['status'];
  overdue?: boolean;
  asOf: string;
  afterId?: number;
  limit: number;
}

/** Referrals of cases owned within the actor's region; overdue ones when asked (still with the department after their deadline on asOf). */
export async function viewReferralList(knex: Knex, actor: Actor, query: ReferralListOptions, settings: CaseworkSettings): Promise<Viewed<Referral[]>> {
  requireCaseReader(actor);
  if (query.regionCode && !isWithinScope(actor.regionCode, query.regionCode) && !isWithinScope(query.regionCode, actor.regionCode)) {
    throw new ProblemError('out-of-scope', `${query.regionCode} is outside ${actor.regionCode}`);
  }
  const rows = await listReferrals(knex, {
    scopeRegionCode: actor.regionCode, regionCode: query.regionCode, department: query.department, status: query.status,
    overdueOn: query.overdue ? query.asOf : undefined, afterId: query.afterId, limit: query.limit,
  });
  return {
    view: rows.map((r) => presentReferral(settings, r, query.asOf)),
    subjectPersonIds: rows.flatMap((r) => (r.personId === null ? [] : [r.personId])),
  };
}
