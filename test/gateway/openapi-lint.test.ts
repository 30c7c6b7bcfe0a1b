import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * openapi.yaml must lint clean under Redocly's `recommended` rules (redocly.yaml, with the accepted findings in
 * .redocly.lint-ignore.yaml) and Spectral's `spectral:oas` (.spectral.yaml): no error and no warning. Both linters
 * are pinned devDependencies run from node_modules/.bin, never fetched. openapi.test.ts checks the file is what the
 * routes generate, so a finding here is fixed in the route schema, then `npm run openapi`.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

/** Nothing leaves the machine: no usage telemetry, no look-up of a newer release. */
const quietRedocly = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/** stdout of a linter, whatever its exit status: both exit non-zero when they find problems. */
async function stdoutOf(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    return (await run(file, args, { cwd: root, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    if (stdout?.trim()) return stdout;
    throw new Error(`${file} ${args.join(' ')} printed nothing on stdout; stderr: ${stderr ?? ''}`, { cause: error });
  }
}

interface RedoclyReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location?: { pointer?: string }[] }[];
}

interface SpectralFinding {
  code: string;
  severity: number;
  message: string;
  path: (string | number)[];
}

const spectralSeverities = ['error', 'warning', 'info', 'hint'];

describe.concurrent('openapi.yaml lints clean', () => {
  it('under Redocly recommended: no error, no warning', async () => {
    const report = JSON.parse(await stdoutOf(bin('redocly'), ['lint', 'openapi.yaml', '--config', 'redocly.yaml', '--format=json'], quietRedocly)) as RedoclyReport;
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer ?? '?'}: ${p.message}`);
    expect(problems, problems.join('\n')).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('under spectral:oas: no finding of any severity', async () => {
    const findings = JSON.parse(await stdoutOf(bin('spectral'), ['lint', 'openapi.yaml', '--ruleset', '.spectral.yaml', '--format', 'json', '--quiet'])) as SpectralFinding[];
    const problems = findings.map((f) => `${spectralSeverities[f.severity] ?? f.severity} ${f.code} at ${f.path.join('.')}: ${f.message}`);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
