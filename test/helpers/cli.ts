import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The exit code; null when the process was killed (by `timeoutMs` or a signal). */
  code: number | null;
}

/** Runs `jiuzhu …` as a user would, with its own environment (database, master key, party id). */
export async function runJiuzhu(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return runJiuzhuWithin(60_000, env, ...args);
}

/**
 * The same with a longer limit, for commands that do a month's work (the demo takes ~30 s alone and more than 60 s
 * on a CI machine running other suites beside it). A process still running at the limit is killed, and the
 * result says so in its stderr rather than leaving a bare null code.
 */
export async function runJiuzhuWithin(timeoutMs: number, env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, timeout: timeoutMs });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number | null; killed?: boolean; signal?: string | null };
    const killed = e.killed ? `\n(killed by ${e.signal ?? 'a signal'} after the ${timeoutMs / 1000} s limit)` : '';
    return { stdout: e.stdout, stderr: e.stderr + killed, code: e.code };
  }
}
