import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found by walking up from this module to package.json, so that data files (schemas,
 * code tables, regions) are found the same way whether the code runs from source (vitest, tsx) or from
 * the compiled dist/ that `jiuzhu` runs.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export function projectPath(...segments: string[]): string {
  return join(projectRoot, ...segments);
}

/** The version in package.json, read when asked, so `jiuzhu --version` names the release that is installed. */
export function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${projectPath('package.json')} has no version`);
  return version;
}
