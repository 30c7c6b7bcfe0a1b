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
    crossTownship: application.acceptingRegion !== application.registrationRegion,
    lastStep: application.lastStep as ProcedureProgress['lastStep'],
    lastStepOn: application.lastStepOn,
    noticeEndsOn: application.noticeEndsOn,
    noticeEndsProvisional: application.noticeEndsProvisional,
  };
}

/**
 * An open application's next step and whether it is overdue on `asOf`. A step is never due after the whole
 * procedure's deadline (extension included): when its own limit would run past it, the procedure's deadline is the step's.
 */
export function deadlinesOf(settings: CaseworkSettings, application: ApplicationRow, asOf?: string): { next: NextStep | null; overdue: boolean } {
  if (application.status !== 'open') return { next: null, overdue: false };
  const found = nextStepOf(settings.calendar, procedureOf(settings, application), progressOf(application));
  const next = found && found.dueOn > application.dueOn ? { ...found, dueOn: application.dueOn, dueProvisional: application.dueProvisional } : found;
  const overdue = asOf !== undefined && (asOf > application.dueOn || (next !== null && asOf > next.dueOn));
  return { next, overdue };
}
