/**
 * The problem catalogue: every error a client can see, with a stable code, title and HTTP status.
 * API clients get these as RFC 9457 application/problem+json (`type` = urn:jiuzhu:problem:<code>);
 * CLI users get the title and detail as one sentence. A test checks this list against openapi.yaml.
 */
export const problemCatalogue = {
  'validation-failed': { status: 400, title: 'The request does not match its schema' },
  'invalid-id-number': { status: 400, title: 'Invalid citizen ID number' },
  'unknown-region': { status: 422, title: 'Unknown region code' },
  'unknown-code': { status: 422, title: 'Value not in its national code table' },
  'inconsistent-household': { status: 422, title: 'The household does not hold together' },
  'malformed-request': { status: 400, title: 'The request is not well-formed HTTP' },
  'unauthenticated': { status: 401, title: 'Missing, unknown or revoked API key' },
  'forbidden': { status: 403, title: 'The API key’s role does not allow this' },
  'out-of-scope': { status: 403, title: 'Outside the API key’s region' },
  'not-found': { status: 404, title: 'Not found' },
  'unknown-source': { status: 404, title: 'No such feed source' },
  'file-refused': { status: 422, title: 'The file was refused whole' },
  'person-exists': { status: 409, title: 'Person already in the register' },
  'household-exists': { status: 409, title: 'Household number already in the register' },
  'enrolment-overlap': { status: 409, title: 'Basic-living enrolments would overlap' },
  'envelope-malformed': { status: 400, title: 'Not a readable GM/T 0010 envelope' },
  'envelope-unknown-sender': { status: 403, title: 'The envelope’s sender is not a registered partner' },
  'envelope-forbidden-source': { status: 403, title: 'The sender may not upload to this feed' },
  'envelope-tampered': { status: 422, title: 'The envelope’s content does not match its signature' },
  'envelope-bad-signature': { status: 422, title: 'The envelope is not signed by the sender’s registered key' },
  'envelope-wrong-recipient': { status: 422, title: 'The envelope is not addressed to this gateway' },
  'envelope-stale': { status: 422, title: 'The envelope’s signing time is outside the accepted window' },
  'envelope-replayed': { status: 409, title: 'The envelope was already received' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'uri-too-long': { status: 414, title: 'A part of the URL is too long' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-many-requests': { status: 429, title: 'Too many failed authentications from this address' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  'warning-transition-illegal': { status: 409, title: 'The warning cannot move to that status from its current one' },
  'warning-changed': { status: 409, title: 'The warning was changed by someone else meanwhile; read it again' },
  'warning-outcome-not-applicable': { status: 422, title: 'The outcome cannot be applied to the warning’s subject in the register' },
  'referral-unknown-department': { status: 422, title: 'Not a department referrals go to' },
  'referral-transition-illegal': { status: 409, title: 'The referral or case cannot change that way in its current state' },
  'application-unknown-procedure': { status: 422, title: 'No such application procedure, or a category it does not cover' },
  'application-wrong-township': { status: 422, title: 'This township may not take the household’s application (一城通办: residence or registration township only)' },
  'application-exists': { status: 409, title: 'The household already has an open application under this procedure' },
  'application-step-out-of-order': { status: 409, title: 'The step does not follow the application’s procedure' },
  'application-closed': { status: 409, title: 'The application is already decided or withdrawn' },
  'periodic-check-not-applicable': { status: 422, title: 'The periodic check does not apply to this household, or its result does not match its amounts' },
  'index-standard-missing': { status: 422, title: 'The index formula has no 低保 standard for that county and period' },
  'casework-inconsistent': { status: 422, title: 'The casework record does not hold together' },
  'discovery-exists': { status: 409, title: 'A discovery case was already opened from this warning or visit' },
  'discovery-status-conflict': { status: 409, title: 'The discovery case is not in the status this step needs' },
  'visit-id-conflict': { status: 409, title: 'The visit id was already used for a different visit' },
  'unknown-report': { status: 404, title: 'No such report template' },
  'report-period-invalid': { status: 400, title: 'Not a period this report takes' },
  'filing-not-open': { status: 422, title: 'The return is not open for entry yet' },
  'filing-task-not-assigned': { status: 422, title: 'The unit does not report on that task' },
  'filing-closed': { status: 409, title: 'The return’s entry period has passed' },
  'filing-sheet-approved': { status: 409, title: 'The progress sheet is approved and locked; the lead unit must reopen it first' },
  'filing-sheet-incomplete': { status: 409, title: 'The progress sheet cannot be approved before every task is filed' },
  'filing-sheet-not-approved': { status: 409, title: 'Only an approved progress sheet can be reopened' },
  'payroll-standards-missing': { status: 422, title: 'No benefit standards cover that county and month' },
  'payroll-closed': { status: 409, title: 'The month’s roll is closed; corrections go through a later month’s 补发 or 追回' },
  'payroll-not-ready': { status: 409, title: 'The month’s roll cannot be closed yet' },
  'unknown-partner': { status: 422, title: 'No such registered partner to deliver to' },
  'bank-return-refused': { status: 422, title: 'The bank’s return file was refused whole' },
  'supervision-conflict': { status: 409, title: 'Not open to supervision that way: not overdue, already under 督办, a reason already on record, or nothing to remind of' },
  'stored-document-altered': { status: 500, title: 'A stored document no longer matches the SM3 recorded when it was issued' },
  'spot-check-superseded': { status: 409, title: 'The spot-check draw was superseded by a redraw; work on the current draw' },
  'spot-check-population-empty': { status: 422, title: 'The population to sample holds nothing for that region and period' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemCatalogue;

export interface FieldError {
  in?: 'body' | 'query' | 'path' | 'header';
  pointer?: string;
  parameter?: string;
  /** A cell of an uploaded workbook, e.g. 落实进度!C7. */
  cell?: string;
  detail: string;
}

export const problemTypePrefix = 'urn:jiuzhu:problem:';

export function problemType(code: ProblemCode): string {
  return `${problemTypePrefix}${code}`;
}

/** A failure the caller can act on. Thrown anywhere below the routes; the problem-details plugin renders it. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[];

  constructor(code: ProblemCode, detail: string, errors: FieldError[] = []) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.status = problemCatalogue[code].status;
    this.title = problemCatalogue[code].title;
    this.errors = errors;
  }
}

/** One sentence for a terminal: the title, then what exactly failed. */
export function describeProblem(error: ProblemError): string {
  const fields = error.errors.map((e) => `${e.cell ?? e.pointer ?? e.parameter ?? ''}: ${e.detail}`).join('; ');
  return `${error.title}: ${error.message}${fields ? ` (${fields})` : ''}`;
}
