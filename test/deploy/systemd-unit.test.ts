import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const unitText = readFileSync(join(repo, 'deploy/jiuzhu.service'), 'utf8');
const envExample = readFileSync(join(repo, 'deploy/jiuzhu.env.example'), 'utf8');
const operations = readFileSync(join(repo, 'docs/operations.md'), 'utf8');
const installedAt = '/opt/jiuzhu/';
const workDir = mkdtempSync(join(tmpdir(), 'jiuzhu-unit-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The unit's settings as section → key → values (a key may be given more than once). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = sections[header[1]!] = {};
      continue;
    }
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!setting || !section) throw new Error(`not a unit setting: ${line}`);
    (section[setting[1]!] ??= []).push(setting[2]!);
  }
  return sections;
}

/** The variables the example sets or shows commented out, with the values it sets. */
function exampleVariables(): { names: string[]; set: Record<string, string> } {
  const names: string[] = [];
  const set: Record<string, string> = {};
  for (const line of envExample.split('\n')) {
    const match = /^(#?)([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    names.push(match[2]!);
    if (match[1] === '') set[match[2]!] = match[3]!;
  }
  return { names, set };
}

/** The variables the configuration table of docs/operations.md documents, and those it marks as for tests only. */
function documentedVariables(): { all: string[]; testsOnly: string[] } {
  const all: string[] = [];
  const testsOnly: string[] = [];
  for (const row of operations.split('\n').filter((line) => /^\| `[A-Z]/.test(line))) {
    const [names = '', , meaning = ''] = row.split('|').slice(1).map((cell) => cell.trim());
    for (const [, name] of names.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
      all.push(name!);
      if (meaning.startsWith('tests:')) testsOnly.push(name!);
    }
  }
  return { all, testsOnly };
}

const unit = parseUnit(unitText);
const service = unit.Service!;
const one = (key: string) => {
  expect(service[key], key).toHaveLength(1);
  return service[key]![0]!;
};

describe('deploy/jiuzhu.service and deploy/jiuzhu.env.example', () => {
  it('runs `jiuzhu serve` of the installed release as its own user, from its data folder, with the env file', () => {
    const execStart = one('ExecStart');
    const match = new RegExp(`^/usr/bin/node ${installedAt}(\\S+) serve$`).exec(execStart);
    expect(match, execStart).not.toBeNull();
    expect(existsSync(join(repo, match![1]!)), `${match![1]} in this checkout`).toBe(true);
    expect(one('User')).toBe('jiuzhu');
    expect(one('Group')).toBe('jiuzhu');
    expect(one('WorkingDirectory')).toBe('/var/lib/jiuzhu');
    expect(one('EnvironmentFile')).toBe('/etc/jiuzhu/jiuzhu.env');
    expect(one('Restart')).toBe('on-failure');
    expect(unit.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  it('is hardened: no new privileges, a read-only system but for the data folder where the store lies, a private /tmp', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    const writable = one('ReadWritePaths').split(/\s+/);
    const { set } = exampleVariables();
    expect(writable).toContain(dirname(set.JIUZHU_DB!));
    // The master key file lies outside the data folder, where the service can read it but not replace it.
    expect(writable.some((path) => set.JIUZHU_MASTER_KEY_FILE!.startsWith(`${path}/`))).toBe(false);
  });

  it('gives a stop more time than JIUZHU_SHUTDOWN_SECONDS and the grace after it, so systemd does not SIGKILL first', () => {
    const { set } = exampleVariables();
    const shutdownSeconds = loadConfig(set).shutdownSeconds;
    expect(shutdownSeconds).toBe(Number(set.JIUZHU_SHUTDOWN_SECONDS));
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThanOrEqual(shutdownSeconds + 5);
    expect(one('KillSignal')).toBe('SIGTERM');
  });

  it('lists every variable docs/operations.md documents for a deployment, documents every one it lists, and loads', () => {
    const { names, set } = exampleVariables();
    const { all, testsOnly } = documentedVariables();
    expect(all.length).toBeGreaterThan(10);
    expect(names.filter((name) => !all.includes(name))).toEqual([]);
    expect(all.filter((name) => !testsOnly.includes(name) && !names.includes(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(() => loadConfig(set)).not.toThrow();
  });

  it('is accepted by systemd-analyze verify with the paths of this checkout, and says so when this machine has no systemd', () => {
    const which = spawnSync('which', ['systemd-analyze'], { encoding: 'utf8' });
    if (which.status !== 0) {
      // Not a pass in disguise: the checks above hold either way, and the log says this one could not run here.
      console.warn('systemd-analyze is not installed here: deploy/jiuzhu.service was parsed and checked above, not verified by systemd');
      expect(which.status).not.toBe(0);
      return;
    }
    // verify checks that ExecStart's program exists; this checkout and this node stand in for /opt/jiuzhu and /usr/bin/node.
    const local = unitText.replaceAll(installedAt, repo.endsWith('/') ? repo : `${repo}/`).replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `);
    const copy = join(workDir, 'jiuzhu.service');
    writeFileSync(copy, local);
    const result = spawnSync(which.stdout.trim(), ['verify', '--man=no', copy], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // systemd's own reading of the hardening (0 is locked down, 10 is none): 1.4 when written; node needs W+X memory and the network.
    const security = spawnSync(which.stdout.trim(), ['security', '--offline=true', copy], { encoding: 'utf8' });
    const exposure = /Overall exposure level for jiuzhu\.service: ([0-9.]+)/.exec(security.stdout);
    expect(exposure, security.stdout + security.stderr).not.toBeNull();
    expect(Number(exposure![1])).toBeLessThanOrEqual(2);
    // A setting systemd does not know is only a warning to verify; the empty stderr above is what catches it.
    writeFileSync(copy, local.replace('NoNewPrivileges=yes', 'NoNewPrivilegez=yes'));
    const broken = spawnSync(which.stdout.trim(), ['verify', '--man=no', copy], { encoding: 'utf8' });
    expect(broken.stderr).toContain("Unknown key 'NoNewPrivilegez'");
  });
});
