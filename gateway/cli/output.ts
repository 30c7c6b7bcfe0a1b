import { ProblemError, describeProblem } from '../errors.js';

/** Reports go to stdout (as JSON with --json); progress and diagnostics to stderr, so pipes stay clean. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** One clear sentence and a non-zero exit; stack traces only with JIUZHU_DEBUG=1. */
export function failAndExit(error: unknown): never {
  const message = error instanceof ProblemError ? describeProblem(error) : error instanceof Error ? error.message : String(error);
  process.stderr.write(`jiuzhu: ${message}\n`);
  if (process.env.JIUZHU_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(2);
}
