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
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof problemCatalogue;

export interface FieldError {
  in?: 'body' | 'query' | 'path' | 'header';
  pointer?: string;
  parameter?: string;
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
  const fields = error.errors.map((e) => `${e.pointer ?? e.parameter ?? ''}: ${e.detail}`).join('; ');
  return `${error.title}: ${error.message}${fields ? ` (${fields})` : ''}`;
}
