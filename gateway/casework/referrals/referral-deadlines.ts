import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import type { WorkingCalendar } from '../../calendar/working-days.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { provisionalOpenReferrals, redateReferral } from '../../store/repositories/referrals.js';
import type { TimeLimits } from '../time-limits.js';
import { referralDueOn } from './referral-handling.js';

export interface CaseworkDeadlineChange {
  kind: 'application' | 'referral';
  id: number;
  from: string;
  to: string;
  /** Still provisional: the date still runs into a year the calendar does not cover. */
  provisional: boolean;
}

/**
 * Counts again, inside the caller's transaction, the due dates of referrals still with their department that were
 * counted provisionally, on a calendar that may now cover their year; each change is one audit line. A referral
 * answered or redated meanwhile is left alone.
 */
export async function recountProvisionalReferrals(trx: Knex.Transaction, actor: Actor, calendar: WorkingCalendar, limits: TimeLimits): Promise<{ examined: number; changed: CaseworkDeadlineChange[] }> {
  const referrals = await provisionalOpenReferrals(trx);
  const changed: CaseworkDeadlineChange[] = [];
  for (const referral of referrals) {
    const due = referralDueOn({ limits, calendar }, { department: referral.department, urgent: referral.urgent, sentOn: referral.sentOn });
    if (due.date === referral.dueOn && due.provisional) continue;
    if (!(await redateReferral(trx, referral, { dueOn: due.date, dueProvisional: due.provisional }))) continue;
    await recordAudit(trx, actor, {
      action: 'referral.deadline-recomputed', outcome: 'ok', resourceType: 'referral', resourceId: String(referral.id), regionCode: referral.regionCode,
      subjectPersonIds: referral.personId === null ? [] : [referral.personId],
      detail: `due ${referral.dueOn} (provisional) → ${due.date}${due.provisional ? ' (still provisional)' : ''}: sent ${referral.sentOn} to ${referral.department}` +
        `${referral.urgent ? ' (urgent)' : ''} on the calendar "${calendar.name}"`,
    });
    changed.push({ kind: 'referral', id: referral.id, from: referral.dueOn, to: due.date, provisional: due.provisional });
  }
  return { examined: referrals.length, changed };
}
