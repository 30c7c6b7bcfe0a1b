import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import { UncoveredYearError } from '../../calendar/working-days.js';
import { ProblemError, type FieldError } from '../../errors.js';
import { checkIdNumber } from '../../identity/id-number.js';
import { violatedConstraint } from '../../store/database-errors.js';
import {
  findApplication, insertApplicationStep, linkEnrolments, stepsOfApplication, updateApplicationIfUnchanged, type ApplicationRow, type NewApplication,
} from '../../store/repositories/applications.js';
import { recordAudit } from '../../store/repositories/audit-log.js';
import { insertEnrolment, type EnrolmentRow } from '../../store/repositories/enrolments.js';
import { findHousehold } from '../../store/repositories/households.js';
import { personsOfHouseholds } from '../../store/repositories/persons.js';
import type { ApplicationProcedure, ApplicationStepInput } from '../../../schemas/types/index.js';
import { checkDoneOn, fieldProblem } from '../casework-dates.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { canSee, requireApplicationWriter, requireStepScope } from './application-access.js';
import { deadlinesOf, procedureOf } from './application-deadlines.js';
import { extendedDueOn, noticeEndsOn } from './procedure.js';

interface PlannedChange {
  changes: Partial<NewApplication>;
  /** The deadline the step had, if it had one, and whether it was counted provisionally. */
  dueOn: string | null;
  dueProvisional: boolean;
  detail: Record<string, unknown> | null;
  enrolments: { personId: number; monthlyAmountFen: number }[];
}

/**
 * Records one step of an application: it must be the procedure's next step, done by the township whose step it
 * is, on a day not before the step before it (and, for the decision, not before the notice has run out). A step
 * done late, an objection, a deliberation, a rejection, a withdrawal and the one extension each say why. An objection
 * to the notice puts 民主评议 before the decision (seed 001: "对公示结果有异议的,户籍地负责组织民主评议"). Approval enrols
 * the covered members from the approval date (seed 001: 从作出审核确认同意决定之日起发放); the decided application is
 * then archived (档案归档). The step, its enrolments and its audit line commit together.
 */
export async function recordApplicationStep(
  knex: Knex,
  actor: Actor,
  applicationId: number,
  input: ApplicationStepInput,
  options: { settings: CaseworkSettings; today: string },
): Promise<void> {
  requireApplicationWriter(actor);
  const application = await findApplication(knex, applicationId);
  if (!application || !canSee(actor, application)) throw new ProblemError('not-found', `no application ${applicationId} within ${actor.regionCode}`);
  requireStepScope(actor, application, input.step, options.settings.limits.applications.oneCity.deliberation.by);
  const archiving = input.step === 'archived' && (application.status === 'approved' || application.status === 'rejected');
  if (application.status !== 'open' && !archiving) throw new ProblemError('application-closed', `application ${applicationId} is ${application.status}`);
  checkDoneOn('/on', input.on, options.today, { date: application.lastStepOn, what: `the application's last step (${application.lastStep})` });

  const procedure = procedureOf(options.settings, application);
  let planned: PlannedChange;
  try {
    planned = await planStep(knex, options.settings, procedure, application, input);
  } catch (error) {
    if (error instanceof UncoveredYearError) throw fieldProblem('/on', error.message);
    throw error;
  }
  const late = planned.dueOn !== null && input.on > planned.dueOn;
  if (late && input.reason === undefined) throw fieldProblem('/reason', `the step was due by ${planned.dueOn}: say why it is late`);

  try {
    await knex.transaction(async (trx) => {
      if (!(await updateApplicationIfUnchanged(trx, application, planned.changes))) {
        throw new ProblemError('application-step-out-of-order', `application ${applicationId} was changed meanwhile; read it again`);
      }
      await insertApplicationStep(trx, {
        applicationId, step: input.step, on: input.on, dueOn: planned.dueOn, dueProvisional: planned.dueProvisional, reason: input.reason ?? null, detail: planned.detail,
        actor: { label: actor.label, keyId: actor.keyId, role: actor.role },
      });
      const household = planned.enrolments.length > 0 ? await findHousehold(trx, application.householdId) : undefined;
      const enrolmentIds: number[] = [];
      for (const enrolment of planned.enrolments) {
        enrolmentIds.push(await insertEnrolment(trx, {
          personId: enrolment.personId,
          householdId: application.householdId,
          category: application.category as EnrolmentRow['category'],
          // As households registered through the API hold theirs: the village of registration, which pays (户籍地).
          regionCode: household!.registeredRegion,
          startDate: input.on,
          endDate: null,
          endReason: null,
          monthlyAmountFen: enrolment.monthlyAmountFen,
        }, actor.label));
      }
      await linkEnrolments(trx, applicationId, enrolmentIds);
      await recordAudit(trx, actor, {
        action: 'application.step', outcome: 'ok', resourceType: 'application', resourceId: String(applicationId),
        regionCode: application.registrationRegion,
        subjectPersonIds: [application.applicantPersonId, ...planned.enrolments.map((e) => e.personId)],
        detail: `${input.step} on ${input.on}${late ? ` (due ${planned.dueOn})` : ''}${input.reason ? `: ${input.reason}` : ''}`,
      });
    });
  } catch (error) {
    const constraint = violatedConstraint(error);
    if (constraint?.kind === 'trigger' && constraint.name.includes('basic-living')) {
      throw new ProblemError('enrolment-overlap', 'a covered member already holds a basic-living category from the approval date');
    }
    throw error;
  }
}

async function planStep(knex: Knex, settings: CaseworkSettings, procedure: ApplicationProcedure, application: ApplicationRow, input: ApplicationStepInput): Promise<PlannedChange> {
  const { calendar } = settings;
  if (input.proposedMonthlyAmountFen !== undefined && input.step !== 'reviewed' && input.step !== 'notice') {
    throw fieldProblem('/proposedMonthlyAmountFen', 'only the review or the notice proposes an amount');
  }
  if (input.enrolments !== undefined && input.step !== 'approved') throw fieldProblem('/enrolments', 'only an approval enrols members');
  if (input.deliberationResult !== undefined && input.step !== 'deliberated') throw fieldProblem('/deliberationResult', 'only 民主评议 (deliberated) has a result');
  const needsReason: Partial<Record<ApplicationStepInput['step'], string>> = {
    rejected: 'a rejection says why', withdrawn: 'a withdrawal says why', extended: 'an extension says why',
    objected: 'an objection says what is objected to', deliberated: '民主评议 says what it found',
  };
  if (needsReason[input.step] !== undefined && input.reason === undefined) throw fieldProblem('/reason', needsReason[input.step]!);

  const { next } = deadlinesOf(settings, application);
  if (input.step === 'withdrawn') return { changes: { status: 'withdrawn' }, dueOn: null, dueProvisional: false, detail: null, enrolments: [] };
  if (input.step === 'objected') return planObjection(procedure, application, input);
  if (input.step === 'extended') {
    if (!procedure.extension) throw new ProblemError('application-step-out-of-order', `procedure ${application.procedure} allows no extension`);
    if (application.extended) throw new ProblemError('application-step-out-of-order', `application ${application.id} was already extended once`);
    const due = extendedDueOn(calendar, procedure, { date: application.dueOn, provisional: application.dueProvisional })!;
    return {
      changes: { extended: true, dueOn: due.date, dueProvisional: due.provisional },
      dueOn: null, dueProvisional: false, detail: { previousDueOn: application.dueOn, dueOn: due.date }, enrolments: [],
    };
  }
  if (!next) throw new ProblemError('application-closed', `application ${application.id} has no step left`);
  // A rejection may come at any step (the investigation may show the household does not qualify); it is the decision.
  if (input.step === 'rejected') {
    return { changes: { status: 'rejected', decidedOn: input.on, lastStep: 'decided', lastStepOn: input.on }, dueOn: application.dueOn, dueProvisional: application.dueProvisional, detail: null, enrolments: [] };
  }
  const expected = input.step === 'approved' ? 'decided' : input.step;
  if (next.step !== expected) {
    const detail = input.step === 'forwarded' && application.acceptingRegion === application.registrationRegion
      ? 'the application was taken where the household is registered: there is nothing to forward'
      : `the next step of application ${application.id} is ${next.step}, not ${input.step}`;
    throw new ProblemError('application-step-out-of-order', detail);
  }
  if (next.notBefore !== null && input.on < next.notBefore) {
    throw new ProblemError('application-step-out-of-order', `the notice runs until ${application.noticeEndsOn}; ${next.step} can be done from ${next.notBefore}`);
  }
  const moved = { lastStep: next.step, lastStepOn: input.on };
  const deadline = { dueOn: next.dueOn, dueProvisional: next.dueProvisional };
  if (input.step === 'notice') {
    const endsOn = noticeEndsOn(calendar, procedure, input.on);
    return {
      changes: {
        ...moved, noticeStartsOn: input.on, noticeEndsOn: endsOn.date, noticeEndsProvisional: endsOn.provisional,
        ...(input.proposedMonthlyAmountFen !== undefined ? { proposedMonthlyAmountFen: input.proposedMonthlyAmountFen } : {}),
      },
      ...deadline, detail: { noticeEndsOn: endsOn.date }, enrolments: [],
    };
  }
  if (input.step === 'deliberated') {
    if (input.deliberationResult === undefined) throw fieldProblem('/deliberationResult', '民主评议 records whether the household qualifies');
    if (application.objectedOn !== null && input.on < application.objectedOn) throw fieldProblem('/on', `${input.on} is before the objection (${application.objectedOn})`);
    return { changes: moved, ...deadline, detail: { result: input.deliberationResult }, enrolments: [] };
  }
  if (input.step === 'reviewed') {
    return { changes: { ...moved, ...(input.proposedMonthlyAmountFen !== undefined ? { proposedMonthlyAmountFen: input.proposedMonthlyAmountFen } : {}) }, ...deadline, detail: null, enrolments: [] };
  }
  if (input.step === 'approved') {
    if (input.reason === undefined && (await deliberationFound(knex, application)) === 'does-not-qualify') {
      throw fieldProblem('/reason', '民主评议 found that the household does not qualify: an approval against it says why');
    }
    const enrolments = await coveredMembers(knex, procedure, application, input);
    return { changes: { status: 'approved', decidedOn: input.on, lastStep: 'decided', lastStepOn: input.on }, ...deadline, detail: null, enrolments };
  }
  return { changes: moved, ...deadline, detail: null, enrolments: [] };
}

/**
 * 对公示结果有异议: recorded while the notice runs (from the day it is posted to its last day), once, and only under a
 * procedure that has 民主评议 to answer it. It moves no step: the deliberation becomes the step before the decision.
 */
function planObjection(procedure: ApplicationProcedure, application: ApplicationRow, input: ApplicationStepInput): PlannedChange {
  if (!procedure.steps.some((s) => s.step === 'deliberated')) {
    throw new ProblemError('application-step-out-of-order', `procedure ${application.procedure} has no 民主评议 (deliberated) to answer an objection`);
  }
  if (application.lastStep !== 'notice' || application.noticeStartsOn === null || application.noticeEndsOn === null) {
    throw new ProblemError('application-step-out-of-order', `an objection answers the notice, and application ${application.id} is at ${application.lastStep}`);
  }
  if (application.objectedOn !== null) {
    throw new ProblemError('application-step-out-of-order', `an objection to application ${application.id} was recorded on ${application.objectedOn}; 民主评议 answers it`);
  }
  if (input.on > application.noticeEndsOn) throw fieldProblem('/on', `the notice ran until ${application.noticeEndsOn}; an objection after it is not an objection to the notice`);
  return { changes: { objectedOn: input.on }, dueOn: null, dueProvisional: false, detail: null, enrolments: [] };
}

/** What the 民主评议 on the application found, if one was held. */
async function deliberationFound(knex: Knex, application: ApplicationRow): Promise<string | undefined> {
  if (application.objectedOn === null) return undefined;
  const held = (await stepsOfApplication(knex, application.id)).filter((s) => s.step === 'deliberated' && s.detail !== null).at(-1);
  return held ? (JSON.parse(held.detail!) as { result?: string }).result : undefined;
}

/** The members an approval enrols: each in the applicant's household, each once; none for a procedure that enrols no one. */
async function coveredMembers(knex: Knex, procedure: ApplicationProcedure, application: ApplicationRow, input: ApplicationStepInput): Promise<PlannedChange['enrolments']> {
  if (procedure.categories.length === 0) {
    if (input.enrolments) throw fieldProblem('/enrolments', `procedure ${application.procedure} enrols no one in the register`);
    return [];
  }
  if (!input.enrolments) throw fieldProblem('/enrolments', 'an approval names the members it enrols and their monthly amounts');
  const members = new Map((await personsOfHouseholds(knex, [application.householdId])).map((p) => [p.idNumber, p.id]));
  const errors: FieldError[] = [];
  const seen = new Set<number>();
  const covered = input.enrolments.flatMap((enrolment, index) => {
    const checked = checkIdNumber(enrolment.idNumber);
    const personId = checked.ok ? members.get(checked.idNumber) : undefined;
    if (!checked.ok) errors.push({ in: 'body', pointer: `/enrolments/${index}/idNumber`, detail: checked.reason });
    else if (personId === undefined) errors.push({ in: 'body', pointer: `/enrolments/${index}/idNumber`, detail: 'not a member of the applicant’s household' });
    else if (seen.has(personId)) errors.push({ in: 'body', pointer: `/enrolments/${index}/idNumber`, detail: 'named twice' });
    if (personId === undefined || seen.has(personId)) return [];
    seen.add(personId);
    return [{ personId, monthlyAmountFen: enrolment.monthlyAmountFen }];
  });
  if (errors.length > 0) throw new ProblemError('validation-failed', `${errors.length} enrolment(s) cannot be made`, errors);
  return covered;
}
