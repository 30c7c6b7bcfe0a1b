import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability, type RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import type { ApplicationRow } from '../../store/repositories/applications.js';
import type { ApplicationStepInput, OneCityScheme, ProcedureStep } from '../../../schemas/types/index.js';

/** Applications name the applicant and the household: reading them is reading personal data. */
export function requireApplicationReader(actor: Actor): RolePolicy {
  return requireCapability(actor, 'readPersonalData', 'see applications, which hold personal data');
}

export function requireApplicationWriter(actor: Actor): RolePolicy {
  return requireCapability(actor, 'writeRegister', 'take or handle applications');
}

type Townships = Pick<ApplicationRow, 'acceptingRegion' | 'registrationRegion' | 'investigatingRegion'>;

/** Under 一城通办 up to three townships handle the application: the one that took it, the one that investigates and the one where the household is registered. */
export function canSee(actor: Actor, application: Townships): boolean {
  return [application.acceptingRegion, application.investigatingRegion, application.registrationRegion].some((t) => isWithinScope(actor.regionCode, t));
}

/** Who organises 民主评议: the workflow's 户籍地, or the 居住地 of 办理流程更优化 (三) — configuration, since seed 001 says both. */
export type DeliberationSide = OneCityScheme['deliberation']['by'];

/**
 * Which township does a step (seed 001): the investigating township — the residence township under the scheme — starts
 * the 核对 ("居住地启动申请人家庭经济状况核对") and the investigation, and forwards the materials; the registration township
 * reviews, posts the notice, decides, archives and grants the extension (落实户籍地"属地"责任). 民主评议 is the
 * configured side's. An objection and a withdrawal may be recorded by any of the townships.
 */
const sideOfStep: Record<ApplicationStepInput['step'], 'investigating' | 'registration' | 'deliberation' | 'any'> = {
  'check-started': 'investigating',
  'investigation-started': 'investigating',
  investigated: 'investigating',
  forwarded: 'investigating',
  reviewed: 'registration',
  notice: 'registration',
  objected: 'any',
  deliberated: 'deliberation',
  approved: 'registration',
  rejected: 'registration',
  archived: 'registration',
  extended: 'registration',
  withdrawn: 'any',
};

/** The township of a side; 民主评议 by the residence is the investigating township's (outside the scheme that is the registration township). */
function townshipOfSide(application: Townships, side: 'investigating' | 'registration' | 'deliberation', deliberation: DeliberationSide): string {
  if (side === 'investigating' || (side === 'deliberation' && deliberation === 'residence')) return application.investigatingRegion;
  return application.registrationRegion;
}

/** The township that owes a step of the procedure: `decided` (审核确认) is the registration township's. */
export function townshipOfStep(application: Townships, step: ProcedureStep['step'], deliberation: DeliberationSide): string {
  const side = step === 'decided' ? 'registration' : sideOfStep[step];
  return side === 'any' ? application.registrationRegion : townshipOfSide(application, side, deliberation);
}

export function requireStepScope(actor: Actor, application: ApplicationRow, step: ApplicationStepInput['step'], deliberation: DeliberationSide): void {
  const side = sideOfStep[step];
  if (side === 'any') {
    if (canSee(actor, application)) return;
    throw new ProblemError('out-of-scope', `step ${step} is recorded by a township of the application, none of which is within ${actor.regionCode}`);
  }
  const township = townshipOfSide(application, side, deliberation);
  if (!isWithinScope(actor.regionCode, township)) {
    throw new ProblemError('out-of-scope', `step ${step} is done by township ${township}, outside ${actor.regionCode}`);
  }
}
