/**
 * Who reaches which unit of the filing round, and who may file or approve for it. Region scope works as everywhere
 * else: a township unit lies in its own division, every other unit in the programme's county, and a unit outside the
 * key's region looks like one that does not exist (404). Within reach, the role policy says for which units a key
 * files (fileReturns) and whether it approves (approveReturns).
 */
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { ProblemError } from '../errors.js';
import { unitRegion, type FilingProgramme, type FilingProgrammes, type FilingUnit, type ProgrammeUnit } from './filing-programme.js';

export function reachesUnit(actor: Actor, programme: FilingProgramme, unit: FilingUnit): boolean {
  return isWithinScope(actor.regionCode, unitRegion(programme, unit));
}

/** The unit a request names, when it exists and lies within the key's region; 404 otherwise. */
export function unitInScope(programmes: FilingProgrammes, actor: Actor, unitCode: string): ProgrammeUnit {
  const found = programmes.unit(unitCode);
  if (!found || !reachesUnit(actor, found.programme, found.unit)) throw new ProblemError('not-found', `no filing unit ${unitCode} within ${actor.regionCode}`);
  return found;
}

/** Each programme with the units of it the key reaches; programmes it reaches no unit of are left out. */
export function unitsInScope(programmes: FilingProgrammes, actor: Actor): { programme: FilingProgramme; units: FilingUnit[] }[] {
  return programmes.all
    .map((programme) => ({ programme, units: programme.units.filter((unit) => reachesUnit(actor, programme, unit)) }))
    .filter((entry) => entry.units.length > 0);
}

/** 403 unless the key may file for this unit (the unit already found within its region). */
export function requireFilingFor(actor: Actor, target: ProgrammeUnit): void {
  const reach = requireCapability(actor, 'fileReturns').fileReturns;
  const { unit } = target;
  if (reach === 'any-unit') return;
  if (reach === 'own-township') {
    if (unit.kind === 'township' && unit.regionCode === actor.regionCode) return;
    throw new ProblemError('forbidden', `a township key files for its own township's unit only, not for ${unit.name} (${unit.code})`);
  }
  if (!actor.unitCode) throw new ProblemError('forbidden', 'this liaison key is bound to no unit: a liaison officer files with a key made for the unit (jiuzhu keys create --role liaison --unit CODE)');
  if (actor.unitCode !== unit.code) throw new ProblemError('forbidden', `a liaison key files for its own unit (${actor.unitCode}) only, not for ${unit.name} (${unit.code})`);
}

/** 403 unless the key may approve and reopen the programme's sheets: its region covers the county, or it is the lead unit's. */
export function requireApprover(actor: Actor, programme: FilingProgramme): void {
  const reach = requireCapability(actor, 'approveReturns').approveReturns;
  const lead = programme.units.find((u) => u.code === programme.leadUnit)!;
  if (reach === 'programme-region' && isWithinScope(actor.regionCode, programme.region.code)) return;
  if (reach === 'bound-lead-unit' && actor.unitCode === programme.leadUnit) return;
  throw new ProblemError('forbidden', `sheets of ${programme.region.name} are approved by its lead unit ${lead.name} (${lead.code}) or an admin of the county`);
}
