import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { displayIdNumber } from '../../access/masking.js';
import type { RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import type { Viewed } from '../../register/register-views.js';
import {
  enrolmentIdsOfApplication, findApplication, listApplications, stepsOfApplication, type ApplicationListRow, type ApplicationRow, type ApplicationStepRow,
} from '../../store/repositories/applications.js';
import { personsOfHouseholds } from '../../store/repositories/persons.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { Application, ApplicationSummary } from '../../../schemas/types/index.js';
import { canSee, requireApplicationReader } from './application-access.js';
import { deadlinesOf, procedureOf } from './application-deadlines.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { readTogether } from '../../store/reads-together.js';

/** One application with its steps, as both townships see it; out of scope looks exactly like missing. */
export async function viewApplication(
  knex: Knex,
  actor: Actor,
  applicationId: number,
  options: { settings: CaseworkSettings; today: string },
): Promise<Viewed<Application>> {
  const policy = requireApplicationReader(actor);
  const application = await findApplication(knex, applicationId);
  if (!application || !canSee(actor, application)) throw new ProblemError('not-found', `no application ${applicationId} within ${actor.regionCode}`);
  const [members, steps, enrolmentIds, regions] = await readTogether(
    knex,
    () => personsOfHouseholds(knex, [application.householdId]),
    () => stepsOfApplication(knex, application.id),
    () => enrolmentIdsOfApplication(knex, application.id),
    () => findRegions(knex, [application.acceptingRegion, application.investigatingRegion, application.registrationRegion]),
  );
  const applicant = members.find((m) => m.id === application.applicantPersonId);
  if (!applicant) throw new Error(`[applications] application ${application.id}'s applicant is not in its household`);
  const { next, overdue } = deadlinesOf(options.settings, application, options.today);
  const view: Application = {
    id: application.id,
    procedure: application.procedure,
    procedureTitle: procedureOf(options.settings, application).title,
    category: application.category,
    status: application.status,
    applicant: presentIdentity(policy, applicant.idNumber, applicant.name),
    householdId: application.householdId,
    acceptingRegion: { code: application.acceptingRegion, name: regions.get(application.acceptingRegion)?.fullName ?? '' },
    registrationRegion: { code: application.registrationRegion, name: regions.get(application.registrationRegion)?.fullName ?? '' },
    investigatingRegion: { code: application.investigatingRegion, name: regions.get(application.investigatingRegion)?.fullName ?? '' },
    acceptedOn: application.acceptedOn,
    dueOn: application.dueOn,
    dueProvisional: application.dueProvisional,
    extended: application.extended,
    reason: application.reason,
    notice: application.noticeStartsOn && application.noticeEndsOn ? { startsOn: application.noticeStartsOn, endsOn: application.noticeEndsOn } : null,
    objectedOn: application.objectedOn,
    proposedMonthlyAmountFen: application.proposedMonthlyAmountFen,
    decidedOn: application.decidedOn,
    nextStep: next,
    overdue,
    steps: steps.map((s) => ({
      step: s.step as Application['steps'][number]['step'], on: s.on, dueOn: s.dueOn, dueProvisional: s.dueProvisional, late: s.dueOn !== null && s.on > s.dueOn, reason: s.reason, actor: s.actorLabel, at: s.at,
      ...deliberationResultOf(s),
    })),
    enrolmentIds,
  };
  return { view, subjectPersonIds: [applicant.id], regionCode: application.registrationRegion };
}

function presentIdentity(policy: RolePolicy, idNumber: string, name: string): Application['applicant'] {
  return { idNumber: displayIdNumber(policy, idNumber), idNumberMasked: !policy.fullIdNumber, name };
}

export interface ApplicationListOptions {
  regionCode?: string;
  status?: ApplicationRow['status'];
  overdue?: boolean;
  asOf: string;
  afterId?: number;
  limit: number;
}

/**
 * Applications either township of which lies within the actor's region. Overdue is judged in code (deadlines count
 * working days), so with overdue=true the store is read in chunks until the page is full.
 */
export async function viewApplicationList(knex: Knex, actor: Actor, query: ApplicationListOptions, settings: CaseworkSettings): Promise<Viewed<ApplicationSummary[]>> {
  requireApplicationReader(actor);
  if (query.regionCode && !isWithinScope(actor.regionCode, query.regionCode) && !isWithinScope(query.regionCode, actor.regionCode)) {
    throw new ProblemError('out-of-scope', `${query.regionCode} is outside ${actor.regionCode}`);
  }
  const rows = await collect(knex, actor.regionCode, query, settings);
  const view = rows.map((row) => summarise(settings, row, query.asOf));
  return { view, subjectPersonIds: rows.map((r) => r.applicantPersonId) };
}

async function collect(knex: Knex, scopeRegionCode: string, query: ApplicationListOptions, settings: CaseworkSettings): Promise<ApplicationListRow[]> {
  const status = query.overdue ? 'open' : query.status;
  if (query.overdue && query.status !== undefined && query.status !== 'open') return [];
  const found: ApplicationListRow[] = [];
  let after = query.afterId;
  const chunk = query.overdue ? Math.max(query.limit, 500) : query.limit;
  for (;;) {
    const rows = await listApplications(knex, { scopeRegionCode, regionCode: query.regionCode, status, afterId: after, limit: chunk });
    for (const row of rows) {
      if (!query.overdue || deadlinesOf(settings, row, query.asOf).overdue) found.push(row);
      if (found.length === query.limit) return found;
    }
    if (rows.length < chunk) return found;
    after = rows[rows.length - 1]!.id;
  }
}

function summarise(settings: CaseworkSettings, row: ApplicationListRow, asOf: string): ApplicationSummary {
  const { next, overdue } = deadlinesOf(settings, row, asOf);
  return {
    id: row.id,
    procedure: row.procedure,
    category: row.category,
    status: row.status,
    applicantName: row.applicantName,
    acceptingRegionCode: row.acceptingRegion,
    registrationRegionCode: row.registrationRegion,
    investigatingRegionCode: row.investigatingRegion,
    acceptedOn: row.acceptedOn,
    dueOn: row.dueOn,
    dueProvisional: row.dueProvisional,
    nextStep: next,
    overdue,
  };
}

/** 民主评议's finding, kept in the step's detail. */
function deliberationResultOf(step: ApplicationStepRow): { deliberationResult?: 'qualifies' | 'does-not-qualify' } {
  if (step.step !== 'deliberated' || step.detail === null) return {};
  const { result } = JSON.parse(step.detail) as { result?: 'qualifies' | 'does-not-qualify' };
  return result ? { deliberationResult: result } : {};
}
