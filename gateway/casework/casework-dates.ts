import { ProblemError } from '../errors.js';

/**
 * The date rules casework shares. The field checks for what a request body says: one wording for a bad field (400 with the
 * field's JSON pointer), and one rule for the day something was done — not after today, not before what it follows.
 */
export function fieldProblem(pointer: string, detail: string): ProblemError {
  return new ProblemError('validation-failed', detail, [{ in: 'body', pointer, detail }]);
}

/** A day recorded for something done: not in the future, and not before `notBefore` (what it follows) when given. */
export function checkDoneOn(pointer: string, on: string, today: string, notBefore?: { date: string; what: string }): void {
  if (on > today) throw fieldProblem(pointer, `${on} is after today (${today})`);
  if (notBefore && on < notBefore.date) throw fieldProblem(pointer, `${on} is before ${notBefore.what} (${notBefore.date})`);
}
