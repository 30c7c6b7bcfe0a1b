import { AdapterError } from '../../adapters/kit/adapter-error.js';
import { CryptoError } from '../crypto/crypto-error.js';
import { EnvelopeError } from '../crypto/envelope-errors.js';
import { problemType, ProblemError, describeProblem, type FieldError, type ProblemCode } from '../errors.js';
import { MasterKeyError } from '../keystore/master-key.js';
import { isUnreachableDatabaseError, StoreError } from '../store/store-errors.js';

/**
 * The exit statuses of every `jiuzhu` command (the table in docs/cli.md). Few on purpose, each telling a script what
 * to do next: look at the finding, fix the command line, fix where the store is, fix the keys, or report a bug.
 */
export const exitStatus = {
  ok: 0,
  /** A check or verification found a problem, or a file was refused: the command worked, the answer is no. */
  found: 1,
  /** The command line or its input is wrong. */
  usage: 2,
  /** The store is not where the configuration says, or the database cannot be reached. */
  store: 3,
  /** A key is missing or cannot be opened: the master key, a passphrase, a key file. */
  keys: 4,
  /** Anything unforeseen: a bug. JIUZHU_DEBUG=1 prints the stack. */
  internal: 5,
} as const;

/**
 * What the CLI meets that the API never does. API problems keep their own codes (gateway/errors.ts), so a script
 * reading `--json` errors sees the same `code` the API would have answered with.
 */
export const commandProblems = {
  'usage': { exit: exitStatus.usage, title: 'Not a command line jiuzhu takes' },
  'invalid-input': { exit: exitStatus.usage, title: 'The input was refused' },
  'store-missing': { exit: exitStatus.store, title: 'No jiuzhu store where the configuration points' },
  'store-unreachable': { exit: exitStatus.store, title: 'The database cannot be reached or opened' },
  'key-unavailable': { exit: exitStatus.keys, title: 'A key is missing, wrong, or cannot be opened' },
  'signature-invalid': { exit: exitStatus.found, title: 'The signature does not verify' },
  'internal-error': { exit: exitStatus.internal, title: 'Internal error' },
} as const satisfies Record<string, { exit: number; title: string }>;

export type CommandProblemCode = keyof typeof commandProblems;

/** A failure a command raises itself, with the code (and so the exit status) it should end with. */
export class CommandError extends Error {
  readonly code: CommandProblemCode;

  constructor(code: CommandProblemCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
    this.code = code;
  }
}

/** The failure as the CLI reports it: one sentence on stderr, or this object under `--json`. */
export interface CommandFailure {
  code: ProblemCode | CommandProblemCode;
  /** Only for API problem codes: the same `type` a problem+json body carries. */
  type?: string;
  title: string;
  detail: string;
  exitStatus: number;
  errors?: FieldError[];
  /** The sentence for a terminal. */
  sentence: string;
}

/** A refused file, a tampered envelope or a stored document that no longer matches is a finding, not a mistake. */
const foundProblems = new Set<ProblemCode>([
  'file-refused', 'bank-return-refused', 'stored-document-altered',
  'envelope-malformed', 'envelope-unknown-sender', 'envelope-forbidden-source', 'envelope-tampered', 'envelope-bad-signature',
  'envelope-wrong-recipient', 'envelope-stale', 'envelope-replayed',
]);

export function describeFailure(error: unknown): CommandFailure {
  const problem = asProblem(error);
  if (problem) {
    const exit = foundProblems.has(problem.code) ? exitStatus.found : problem.status >= 500 ? exitStatus.internal : exitStatus.usage;
    return {
      code: problem.code, type: problemType(problem.code), title: problem.title, detail: problem.message, exitStatus: exit,
      ...(problem.errors.length > 0 ? { errors: problem.errors } : {}), sentence: describeProblem(problem),
    };
  }
  const code = commandProblemOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  return { code, title: commandProblems[code].title, detail, exitStatus: commandProblems[code].exit, sentence: detail };
}

/** The problem an error is, or was caused by: commands wrap what they call with context, keeping the cause. */
function asProblem(error: unknown): ProblemError | undefined {
  if (error instanceof EnvelopeError) return new ProblemError(`envelope-${error.refusal}`, error.message);
  if (error instanceof AdapterError) return new ProblemError('file-refused', error.message);
  return error instanceof ProblemError ? error : undefined;
}

function commandProblemOf(error: unknown): CommandProblemCode {
  for (const link of causeChain(error)) {
    if (link instanceof CommandError) return link.code;
    if (link instanceof StoreError) return link.failure === 'missing' ? 'store-missing' : 'store-unreachable';
    if (isUnreachableDatabaseError(link)) return 'store-unreachable';
    if (link instanceof MasterKeyError || link instanceof CryptoError) return 'key-unavailable';
  }
  // Our own code throws Error with a sentence for what the user got wrong; a TypeError or the like is a bug.
  if (error instanceof TypeError || error instanceof ReferenceError || !(error instanceof Error)) return 'internal-error';
  return 'invalid-input';
}

function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let link = error; link !== undefined && link !== null && !seen.has(link); link = (link as { cause?: unknown }).cause) {
    seen.add(link);
    yield link;
  }
}
