/**
 * Why one attempt to deliver failed. The message is what the queue records as `last_error`, so it says what a
 * partner's IT staff needs (status, their short reason, timeout) and never carries payload bytes.
 */
export type DeliveryFailure =
  /** The partner has no endpoint_url, or it is not http(s). */
  | 'no-endpoint'
  /** The partner answered, but not with 2xx. */
  | 'refused'
  | 'timeout'
  /** No answer at all: connection refused or reset, DNS, TLS. */
  | 'network'
  /** Preparing the payload (resealing) failed before anything was sent. */
  | 'prepare';

export class DeliveryError extends Error {
  readonly failure: DeliveryFailure;
  /** The HTTP status, when the partner answered. */
  readonly status: number | undefined;

  constructor(failure: DeliveryFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`[deliveries] ${message}`, { cause: options.cause });
    this.name = 'DeliveryError';
    this.failure = failure;
    this.status = options.status;
  }
}

/**
 * Statuses a partner uses for "try again later": timeout, too early, too many requests. Any other 4xx says the
 * package itself was refused (malformed, bad signature, unknown sender, too large): sending the same content
 * again cannot succeed, and the hours of backoff would only hide the refusal from the people who must act.
 */
const retryableClientStatuses: ReadonlySet<number> = new Set([408, 425, 429]);

/** True when the failure is a refusal that retrying cannot mend: the delivery goes to the dead letters at once. */
export function isPermanentRefusal(error: unknown): boolean {
  return error instanceof DeliveryError && error.failure === 'refused' && error.status !== undefined
    && error.status >= 400 && error.status < 500 && !retryableClientStatuses.has(error.status);
}

const idNumberPattern = /(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])/g;

/**
 * The error as it may be stored: one line, control characters out, anything shaped like a citizen ID number
 * masked (a partner's error page may echo a record back), and at most `maxLength` characters.
 */
export function describeFailure(error: unknown, maxLength = 500): string {
  let text = error instanceof Error ? error.message : String(error);
  text = withoutControlCharacters(text.replace(idNumberPattern, '[ID number]')).trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function withoutControlCharacters(text: string): string {
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f ? ' ' : character;
  }
  return out.replace(/ {2,}/g, ' ');
}
