import type { Actor } from './actor.js';
import { isWithinScope, scopePrefix } from './region-scope.js';
import { ProblemError } from '../errors.js';

/**
 * For lists that walk every household of the region asked about: a township given must lie inside the key's
 * region, and a key wider than a county must give one, so no request walks a city or a province. `reads` names the
 * list in the refusal ("reads the roster").
 */
export function requireTownshipWithinCounty(actor: Actor, townshipCode: string | undefined, reads: string): void {
  if (townshipCode !== undefined && !isWithinScope(actor.regionCode, townshipCode)) {
    throw new ProblemError('out-of-scope', `township ${townshipCode} is outside ${actor.regionCode}`);
  }
  if (townshipCode === undefined && scopePrefix(actor.regionCode).length < 6) {
    throw new ProblemError('validation-failed', `a key for ${actor.regionCode}, wider than a county, ${reads} one township at a time: give township`,
      [{ in: 'query', parameter: 'township', detail: 'required for a key wider than a county' }]);
  }
}
