import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The `openssl` command as the other side of interop tests: OpenSSL 3.0 is the SM2/SM3/SM4 implementation
 * provincial and vendor systems are most often checked against (research/crypto-facts.md §2.2). Each
 * workdir is its own temp directory, so parallel test files never share key or message files.
 */
export interface OpensslResult {
  status: number;
  stdout: Buffer;
  stderr: string;
}

export interface OpensslWorkdir {
  readonly dir: string;
  path(name: string): string;
  write(name: string, data: string | Uint8Array): Promise<string>;
  read(name: string): Promise<Buffer>;
  /** Runs `openssl …args` in the workdir. A non-zero exit resolves (verification failures exit 1); a missing binary rejects. */
  run(args: readonly string[]): Promise<OpensslResult>;
  /** Like `run`, but rejects with openssl's own error text unless it exits 0. */
  ok(args: readonly string[]): Promise<Buffer>;
  remove(): Promise<void>;
}

export async function createOpensslWorkdir(): Promise<OpensslWorkdir> {
  const dir = await mkdtemp(join(tmpdir(), 'jiuzhu-openssl-'));
  const path = (name: string) => join(dir, name);

  const run = (args: readonly string[]) =>
    new Promise<OpensslResult>((resolve, reject) => {
      execFile('openssl', args, { cwd: dir, encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        const status = error ? (error as NodeJS.ErrnoException & { code?: unknown }).code : 0;
        if (typeof status !== 'number') {
          reject(error ?? new Error('openssl did not report an exit status'));
          return;
        }
        resolve({ status, stdout, stderr: stderr.toString('utf8') });
      });
    });

  return {
    dir,
    path,
    async write(name, data) {
      await writeFile(path(name), data);
      return path(name);
    },
    read: (name) => readFile(path(name)),
    run,
    async ok(args) {
      const result = await run(args);
      if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
      return result.stdout;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
