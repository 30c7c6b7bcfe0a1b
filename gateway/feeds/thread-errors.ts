import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { CryptoError } from '../crypto/crypto-error.js';
import { ProblemError } from '../errors.js';

/**
 * Errors across a thread boundary. The structured clone keeps an Error's message and stack but not its class or its
 * own fields, and callers tell a refused file (AdapterError → 422 with its code) from a bug by exactly those. So an
 * error of a known class is sent as its class name and fields, and rebuilt on the other side as that class.
 */
const knownClasses = { AdapterError, CryptoError, ProblemError } as const;

export interface SentError {
  className: string;
  name: string;
  message: string;
  stack?: string;
  /** The class's own fields (code, fileName, status, title, errors …), as the structured clone can carry them. */
  fields: Record<string, unknown>;
}

export function sendableError(error: unknown): SentError {
  if (!(error instanceof Error)) return { className: 'Error', name: 'Error', message: String(error), fields: {} };
  const className = Object.keys(knownClasses).find((name) => error instanceof knownClasses[name as keyof typeof knownClasses]) ?? 'Error';
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (key !== 'cause') fields[key] = value;
  return { className, name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), fields };
}

/** The error as thrown in the other thread: the same class, code and message; its stack is the other thread's. */
export function receivedError(sent: SentError): Error {
  const known = knownClasses[sent.className as keyof typeof knownClasses] as (new (...args: never[]) => Error) | undefined;
  const error: Error = Object.create((known ?? Error).prototype) as Error;
  Object.defineProperty(error, 'message', { value: sent.message, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(error, 'stack', { value: sent.stack ?? `${sent.name}: ${sent.message}`, writable: true, configurable: true, enumerable: false });
  Object.assign(error, sent.fields);
  if (error.name !== sent.name) error.name = sent.name;
  return error;
}
