import { ProblemError } from '../../errors.js';
import type { ApplicationRow } from '../../store/repositories/applications.js';
import type { ApplicationProcedure } from '../../../schemas/types/index.js';
import type { CaseworkSettings } from '../casework-settings.js';
import { nextStepOf, type NextStep, type ProcedureProgress } from './procedure.js';

export function procedureOf(settings: CaseworkSettings, application: Pick<ApplicationRow, 'id' | 'procedure'>): ApplicationProcedure {
  const procedure = settings.limits.applications.procedures[application.procedure];
  if (!procedure) {
    throw new ProblemError('application-unknown-procedure', `application ${application.id} follows procedure ${application.procedure}, which the time-limit configuration no longer has`);
  }
  return procedure;
}

export function progressOf(application: ApplicationRow): ProcedureProgress {
  return {
    acceptedOn: application.acceptedOn,
    crossTownship: application.investigatingRegion !== application.registrationRegion,
    objected: application.objectedOn !== null,
    lastStep: application.lastStep as ProcedureProgress['lastStep'],
    lastStepOn: application.lastStepOn,
    noticeEndsOn: application.noticeEndsOn,
    noticeEndsProvisional: application.noticeEndsProvisional,
  };
}

/**
 * An open application's next step and whether it is overdue on `asOf`. A step is never due after the whole
 * procedure's deadline (extension included): when its own limit would run past it, the procedure's deadline is the step's.
 * A decided application still owes its 档案归档 (seed 001 step 3.2) when the procedure has one; that step's own limit,
 * counted from the decision, is its only deadline.
 */
export function deadlinesOf(settings: CaseworkSettings, application: ApplicationRow, asOf?: string): { next: NextStep | null; overdue: boolean } {
  if (application.status === 'withdrawn') return { next: null, overdue: false };
  if (application.status !== 'open') {
    if (application.lastStep !== 'decided') return { next: null, overdue: false };
    const archive = nextStepOf(settings.calendar, procedureOf(settings, application), progressOf(application));
    return { next: archive, overdue: archive !== null && asOf !== undefined && asOf > archive.dueOn };
  }
  const found = nextStepOf(settings.calendar, procedureOf(settings, application), progressOf(application));
  const next = found && found.dueOn > application.dueOn ? { ...found, dueOn: application.dueOn, dueProvisional: application.dueProvisional } : found;
  const overdue = asOf !== undefined && (asOf > application.dueOn || (next !== null && asOf > next.dueOn));
  return { next, overdue };
}
