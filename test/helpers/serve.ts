import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/jiuzhu.js', import.meta.url));

export interface ServingProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** What it has logged on stdout (pino JSON lines) so far. */
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Starts `jiuzhu serve` with `env` as a service manager would, and resolves once it says where it listens. It fails
 * with what the process printed when the process exits first, or when it has not listened within `startMs`: generous,
 * because on a loaded 2-core machine a test's own server starts while a dozen other test files run.
 */
export function startServe(env: Record<string, string>, startMs = 90_000): Promise<ServingProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal, at: Date.now() })),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jiuzhu serve did not listen within ${startMs} ms: ${stderr}`));
    }, startMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`jiuzhu serve exited (${code ?? signal}) before it listened: ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const listening = /listening on (http:\/\/\S+)/.exec(stderr);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, url: listening[1]!, log: () => stdout, exited });
      }
    });
    child.on('error', reject);
  });
}
