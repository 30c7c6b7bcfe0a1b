import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { UncoveredYearError } from '../../calendar/working-days.js';
import { ProblemError } from '../../errors.js';
import { checkIdNumber } from '../../identity/id-number.js';
import { violatedConstraint } from '../../store/database-errors.js';
import { insertApplication, insertApplicationStep } from '../../store/repositories/applications.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { findHousehold } from '../../store/repositories/households.js';
import { findPersonByIdNumber } from '../../store/repositories/persons.js';
import { findRegions } from '../../store/repositories/regions.js';
import type { ApplicationCreate, OneCityScheme } from '../../../schemas/types/index.js';
import { fieldProblem } from '../casework-dates.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { requireApplicationWriter } from './application-access.js';
import { areaPrefix, routeApplication, schemeCovering } from './one-city-scheme.js';
import { totalDueOn, type Dated } from './procedure.js';

/**
 * Takes an application (受理) in a township, for a household already in the register, and routes it to the township
 * where the household is registered (seed 001). Under 一城通办 (configured per city, from its start date) only the
 * household's residence or registration township may take it, and the residence township investigates; outside it
 * only the registration township takes it and investigates (one-city-scheme.ts). Another township is refused naming
 * the townships that may take it — but only when the household is registered or lives within the actor's region or
 * the same scheme area: anyone else is answered exactly as someone not in the register, so a township cannot use the
 * route to look people up nationwide. The whole procedure's deadline counts from the day of acceptance. Written with
 * its first step and its audit line in one transaction.
 */
export async function acceptApplication(
  knex: Knex,
  actor: Actor,
  input: ApplicationCreate,
  options: { settings: CaseworkSettings; today: string },
): Promise<number> {
  requireApplicationWriter(actor);
  const { limits, calendar } = options.settings;
  const procedure = limits.applications.procedures[input.procedure];
  if (!procedure) {
    const known = Object.keys(limits.applications.procedures).join(', ');
    throw new ProblemError('application-unknown-procedure', `no procedure ${input.procedure}; the configured ones are ${known}`, [{ in: 'body', pointer: '/procedure', detail: 'unknown' }]);
  }
  if (procedure.categories.length > 0 && (input.category === undefined || !procedure.categories.includes(input.category))) {
    throw new ProblemError('application-unknown-procedure', `procedure ${input.procedure} covers categories ${procedure.categories.join(', ')}`, [{ in: 'body', pointer: '/category', detail: input.category === undefined ? 'is required' : 'not covered by the procedure' }]);
  }
  if (procedure.categories.length === 0 && input.category !== undefined) {
    throw new ProblemError('application-unknown-procedure', `procedure ${input.procedure} enrols no one, so it takes no category`, [{ in: 'body', pointer: '/category', detail: 'not allowed' }]);
  }

  const accepting = (await findRegions(knex, [input.acceptingRegionCode])).get(input.acceptingRegionCode);
  if (!accepting || accepting.level !== 'township') {
    throw new ProblemError('unknown-region', `${input.acceptingRegionCode} is not a township in the register`, [{ in: 'body', pointer: '/acceptingRegionCode', detail: 'not a township' }]);
  }
  if (!isWithinScope(actor.regionCode, accepting.code)) {
    throw new ProblemError('out-of-scope', `township ${accepting.code} is outside ${actor.regionCode}`);
  }

  const acceptedOn = input.acceptedOn ?? options.today;
  if (acceptedOn > options.today) throw fieldProblem('/acceptedOn', `acceptance on ${acceptedOn} is after today (${options.today})`);
  const checked = checkIdNumber(input.applicantIdNumber);
  if (!checked.ok) throw new ProblemError('invalid-id-number', checked.reason, [{ in: 'body', pointer: '/applicantIdNumber', detail: checked.reason }]);
  const applicant = await findPersonByIdNumber(knex, checked.idNumber);
  const household = applicant ? await findHousehold(knex, applicant.householdId) : undefined;
  // 户籍地 and 居住地: the townships of the household's registration and residence (a 12-digit village code starts with its 9-digit township's).
  const townships = household && { registrationTownship: household.registeredRegion.slice(0, 9), residenceTownship: household.residenceRegion.slice(0, 9) };
  const route = townships && routeApplication(limits.applications.oneCity, townships, acceptedOn);
  if (!applicant || !household || !townships || !route || !route.mayAccept.includes(accepting.code)) {
    const named = townships && route && mayBeNamed(actor, accepting.code, townships, limits.applications.oneCity, acceptedOn);
    if (!route || !named) {
      // One answer for "not in the register" and "registered and living elsewhere": the difference is what must not leak.
      throw new ProblemError('not-found', `no applicant with that ID number is registered or living where township ${accepting.code} may take the application: enter the household first (POST /v1/households)`, [{ in: 'body', pointer: '/applicantIdNumber', detail: 'not in the register here' }]);
    }
    const which = route.scheme === null
      ? `only the township of registration, ${route.mayAccept[0]}, takes it (no 一城通办 scheme covers the household on ${acceptedOn})`
      : `under 一城通办 (${route.scheme}) only the household's township of residence or of registration takes it: ${route.mayAccept.join(' or ')}`;
    throw new ProblemError('application-wrong-township', `township ${accepting.code} may not take this application: ${which}`, [{ in: 'body', pointer: '/acceptingRegionCode', detail: `one of ${route.mayAccept.join(', ')}` }]);
  }

  let due: Dated;
  try {
    due = totalDueOn(calendar, procedure, acceptedOn);
  } catch (error) {
    if (error instanceof UncoveredYearError) throw fieldProblem('/acceptedOn', error.message);
    throw error;
  }

  try {
    return await insertAccepted(knex, actor, input, { due, acceptedOn, registrationRegion: townships.registrationTownship, investigatingRegion: route.investigating, acceptingRegion: accepting.code, householdId: household.id, applicantId: applicant.id });
  } catch (error) {
    const constraint = violatedConstraint(error);
    // PostgreSQL names the index; SQLite names its columns.
    if (constraint?.kind === 'unique' && (constraint.name === 'applications_one_open_per_household' || constraint.name.startsWith('applications.household_id'))) {
      throw new ProblemError('application-exists', `the household already has an open ${input.procedure} application; continue that one`);
    }
    throw error;
  }
}

/** Where and by when an accepted application goes. */
interface Routed {
  due: Dated;
  acceptedOn: string;
  acceptingRegion: string;
  registrationRegion: string;
  investigatingRegion: string;
  householdId: number;
  applicantId: number;
}

async function insertAccepted(knex: Knex, actor: Actor, input: ApplicationCreate, routed: Routed): Promise<number> {
  return knex.transaction(async (trx) => {
    const id = await insertApplication(trx, {
      procedure: input.procedure,
      category: input.category ?? null,
      householdId: routed.householdId,
      applicantPersonId: routed.applicantId,
      acceptingRegion: routed.acceptingRegion,
      registrationRegion: routed.registrationRegion,
      investigatingRegion: routed.investigatingRegion,
      acceptedOn: routed.acceptedOn,
      dueOn: routed.due.date,
      dueProvisional: routed.due.provisional,
      extended: false,
      reason: input.reason ?? null,
      status: 'open',
      lastStep: 'accepted',
      lastStepOn: routed.acceptedOn,
      noticeStartsOn: null,
      noticeEndsOn: null,
      noticeEndsProvisional: false,
      proposedMonthlyAmountFen: null,
      decidedOn: null,
      objectedOn: null,
    });
    await insertApplicationStep(trx, {
      applicationId: id, step: 'accepted', on: routed.acceptedOn, dueOn: null, dueProvisional: false, reason: input.reason ?? null, detail: null,
      actor: { label: actor.label, keyId: actor.keyId, role: actor.role },
    });
    await recordAudit(trx, actor, {
      action: 'application.create', outcome: 'ok', resourceType: 'application', resourceId: String(id),
      regionCode: routed.acceptingRegion, subjectPersonIds: [routed.applicantId], detail: `${input.procedure} routed to ${routed.registrationRegion}, investigated by ${routed.investigatingRegion}`,
    });
    return id;
  });
}

/**
 * Whether a refusal may name the townships that take the application: when the actor's region holds the household's
 * township of registration or residence, or when the accepting township lies in the same 一城通办 area as the
 * household's registration (townships of one scheme serve each other's residents, so they already see each other's).
 */
function mayBeNamed(actor: Actor, acceptingTownship: string, townships: { registrationTownship: string; residenceTownship: string }, oneCity: OneCityScheme, on: string): boolean {
  if (isWithinScope(actor.regionCode, townships.registrationTownship) || isWithinScope(actor.regionCode, townships.residenceTownship)) return true;
  const scheme = schemeCovering(oneCity, townships.registrationTownship, on);
  return scheme !== undefined && acceptingTownship.startsWith(areaPrefix(scheme.areaCode));
}
