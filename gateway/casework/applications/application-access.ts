import type { Actor } from '../../access/actor.js';
import { isWithinScope } from '../../access/region-scope.js';
import { requireCapability, type RolePolicy } from '../../access/role-policy.js';
import { ProblemError } from '../../errors.js';
import type { ApplicationRow } from '../../store/repositories/applications.js';
import type { ApplicationStepInput, ProcedureStep, TimeLimits } from '../../../schemas/types/index.js';

/** Applications name the applicant and the household: reading them is reading personal data. */
export function requireApplicationReader(actor: Actor): RolePolicy {
  return requireCapability(actor, 'readPersonalData', 'see applications, which hold personal data');
}

export function requireApplicationWriter(actor: Actor): RolePolicy {
  return requireCapability(actor, 'writeRegister', 'take or handle applications');
}

/** 北京, 天津, 上海, 重庆: their districts and counties sit under two "prefecture" codes (xx01, xx02), but the city is the municipality. */
const municipalities = new Set(['11', '12', '31', '50']);

/**
 * The area within which 一城通办 lets a township take an application, as the prefix every division code in it
 * shares: the county (6 digits), or the prefecture-level city (4 digits; 2 for a municipality).
 */
export function oneCityAreaOf(regionCode: string, area: TimeLimits['applications']['oneCityArea']): string {
  if (area === 'county') return regionCode.slice(0, 6);
  return municipalities.has(regionCode.slice(0, 2)) ? regionCode.slice(0, 2) : regionCode.slice(0, 4);
}

/** Whether a township may take an application for a household registered in `registeredRegion` (一城通办, seed 001). */
export function isWithinOneCityArea(acceptingTownship: string, registeredRegion: string, area: TimeLimits['applications']['oneCityArea']): boolean {
  return oneCityAreaOf(acceptingTownship, area) === oneCityAreaOf(registeredRegion, area);
}

/** Under 一城通办 both townships handle the application: the one that took it and the one where the household is registered. */
export function canSee(actor: Actor, application: Pick<ApplicationRow, 'acceptingRegion' | 'registrationRegion'>): boolean {
  return isWithinScope(actor.regionCode, application.acceptingRegion) || isWithinScope(actor.regionCode, application.registrationRegion);
}

/**
 * Which township does a step (seed 001): the place of residence investigates and forwards (居住地配合户籍地就近进行入户调查);
 * the place of registration reviews, posts the notice, decides and grants the extension (落实户籍地"属地"责任).
 * Either may record a withdrawal.
 */
const sideOfStep: Record<ApplicationStepInput['step'], 'accepting' | 'registration' | 'either'> = {
  investigated: 'accepting',
  forwarded: 'accepting',
  reviewed: 'registration',
  notice: 'registration',
  approved: 'registration',
  rejected: 'registration',
  extended: 'registration',
  withdrawn: 'either',
};

/** The township that owes a step of the procedure: `decided` (审核确认) is the registration township's. */
export function townshipOfStep(application: Pick<ApplicationRow, 'acceptingRegion' | 'registrationRegion'>, step: ProcedureStep['step']): string {
  const side = step === 'decided' ? 'registration' : sideOfStep[step];
  return side === 'registration' ? application.registrationRegion : application.acceptingRegion;
}

export function requireStepScope(actor: Actor, application: ApplicationRow, step: ApplicationStepInput['step']): void {
  const side = sideOfStep[step];
  const accepting = isWithinScope(actor.regionCode, application.acceptingRegion);
  const registration = isWithinScope(actor.regionCode, application.registrationRegion);
  const allowed = side === 'either' ? accepting || registration : side === 'accepting' ? accepting : registration;
  if (!allowed) {
    const township = side === 'accepting' ? application.acceptingRegion : application.registrationRegion;
    throw new ProblemError('out-of-scope', `step ${step} is done by township ${township}, outside ${actor.regionCode}`);
  }
}
