import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import type { WorkingCalendar } from '../../calendar/working-days.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { provisionalOpenApplications, redateApplication, type ApplicationRow } from '../../store/repositories/applications.js';
import { recountProvisionalReferrals, type CaseworkDeadlineChange } from '../referrals/referral-deadlines.js';
import { loadTimeLimits, type TimeLimits } from '../time-limits.js';
import { applicationDueOn, noticeEndsOn } from './procedure.js';

export type { CaseworkDeadlineChange };

export interface CaseworkDeadlineRecomputation {
  /** Open applications and referrals with a provisional date that were looked at. */
  examined: number;
  changed: CaseworkDeadlineChange[];
}

/**
 * Works out again the casework dates that were counted provisionally — an open application's whole deadline and
 * notice end, an open referral's due date — now that the calendar may cover their year: run after adding a year's
 * State Council notice to config/holidays, as `jiuzhu deadlines recompute` does, warnings included. Only open
 * items move: a decided application or answered referral keeps the deadline it was judged by, and so does every
 * recorded step (its `dueProvisional` says the deadline was provisional). Dates are counted with the time limits
 * in force, as an open application's next step always is. One transaction, one audit line per change.
 */
export async function recomputeProvisionalCaseworkDeadlines(
  knex: Knex,
  calendar: WorkingCalendar,
  actor: Actor,
  options: { limits?: TimeLimits } = {},
): Promise<CaseworkDeadlineRecomputation> {
  const limits = options.limits ?? loadTimeLimits();
  return knex.transaction(async (trx) => {
    const applications = await provisionalOpenApplications(trx);
    const changed: CaseworkDeadlineChange[] = [];
    for (const application of applications) {
      const change = await recountApplication(trx, actor, calendar, limits, application);
      if (change) changed.push(change);
    }
    const referrals = await recountProvisionalReferrals(trx, actor, calendar, limits);
    return { examined: applications.length + referrals.examined, changed: [...changed, ...referrals.changed] };
  });
}

async function recountApplication(
  trx: Knex.Transaction,
  actor: Actor,
  calendar: WorkingCalendar,
  limits: TimeLimits,
  application: ApplicationRow,
): Promise<CaseworkDeadlineChange | undefined> {
  const procedure = limits.applications.procedures[application.procedure];
  // A procedure gone from the configuration cannot be recounted; reading the application says so (procedureOf).
  if (!procedure) return undefined;
  const due = application.dueProvisional
    ? applicationDueOn(calendar, procedure, application.acceptedOn, application.extended)
    : { date: application.dueOn, provisional: false };
  const notice = application.noticeEndsProvisional && application.noticeStartsOn !== null
    ? noticeEndsOn(calendar, procedure, application.noticeStartsOn)
    : { date: application.noticeEndsOn, provisional: false };
  const unchanged = due.date === application.dueOn && due.provisional === application.dueProvisional &&
    notice.date === application.noticeEndsOn && notice.provisional === application.noticeEndsProvisional;
  if (unchanged) return undefined;
  const moved = await redateApplication(trx, application, {
    dueOn: due.date, dueProvisional: due.provisional, noticeEndsOn: notice.date, noticeEndsProvisional: notice.provisional,
  });
  if (!moved) return undefined;
  const noticePart = notice.date !== application.noticeEndsOn ? `; notice ends ${application.noticeEndsOn} → ${notice.date}` : '';
  await recordAudit(trx, actor, {
    action: 'application.deadline-recomputed', outcome: 'ok', resourceType: 'application', resourceId: String(application.id),
    regionCode: application.registrationRegion, subjectPersonIds: [application.applicantPersonId],
    detail: `due ${application.dueOn}${application.dueProvisional ? ' (provisional)' : ''} → ${due.date}${due.provisional ? ' (still provisional)' : ''}${noticePart}: ` +
      `${application.procedure} accepted ${application.acceptedOn}${application.extended ? ', extended once' : ''} on the calendar "${calendar.name}"`,
  });
  return { kind: 'application', id: application.id, from: application.dueOn, to: due.date, provisional: due.provisional };
}
