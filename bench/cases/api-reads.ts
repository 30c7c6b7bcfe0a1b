/**
 * An authenticated, audited person read beside `/health`, over loopback (issue 10): `jiuzhu serve` runs in its own
 * process on a seeded store, and autocannon, in this one, sends requests as fast as the server answers them. Both
 * endpoints are measured against the same server in the same run, one after the other.
 * - `/health`: no key; since issue 14 it reads nothing (liveness), where it ran one `select 1` before, so the
 *   baseline is a little faster than in the figures of earlier runs.
 * - `POST /v1/lookups/person`: the key looked up by its SM3 digest, the role and region checked, the ID number's blind
 *   index computed, the person and household read, ID number, phone and account decrypted, masked by role, and an
 *   audit line appended (a transaction of its own) before the answer leaves.
 * Prints one figure per endpoint (requests/s) with the server's peak RSS. TARGET is `sqlite` (a file of its own) or
 * `pg:<schema>` (a schema made and dropped here, as the comparison benchmark's targets are).
 * Usage: api-reads.ts TARGET SECONDS CONNECTIONS
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { createApiKey } from '../../gateway/store/repositories/api-keys.js';
import { personsOfHouseholds } from '../../gateway/store/repositories/persons.js';
import { reportCase } from '../case-result.js';
import { benchMasterKeyHex } from './bench-keys.js';
import { createTarget, dropTarget, openTarget, pgUrl, targetDatabase } from './comparison-target.js';

const [where = 'sqlite', secondsArg = '10', connectionsArg = '10'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-bench-api-'));
const target = where === 'sqlite' ? `sqlite:${join(dir, 'api.db')}` : where;
const database = targetDatabase(target);
const env = {
  JIUZHU_MASTER_KEY: benchMasterKeyHex, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0',
  ...(database.client === 'sqlite' ? { JIUZHU_DB: database.filename, DATABASE_URL: '' } : { DATABASE_URL: withSearchPath(pgUrl(), database.searchPath!) }),
};

try {
  await createTarget(target);
  const store = await openTarget(target);
  let secret: string;
  let idNumbers: string[];
  try {
    await seedDemoCounty(store, commandLineActor('bench'), { countyCode: '640121', households: 2_000, seed: 1, asOf: '2024-06-30' });
    ({ secret } = await createApiKey(store.knex, { role: 'township', regionCode: '640121', label: 'bench' }));
    idNumbers = (await personsOfHouseholds(store.knex, await store.knex('households').orderBy('id').limit(200).pluck('id'))).map((p) => p.idNumber);
  } finally {
    await store.close();
  }

  const bin = fileURLToPath(new URL('../../../bin/jiuzhu.js', import.meta.url));
  const server = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let printed = '';
      server.stderr.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        const match = /listening on (http:\/\/\S+)/.exec(printed);
        if (match) resolve(match[1]!);
      });
      server.on('exit', (code) => reject(new Error(`jiuzhu serve exited (${code}): ${printed}`)));
    });
    const duration = Number(secondsArg);
    const connections = Number(connectionsArg);
    let next = 0;
    const measure = async (title: string, path: string, options: Partial<autocannon.Options> = {}) => {
      const result = await autocannon({ url: `${url}${path}`, duration, connections, ...options });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${title}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      reportCase({
        name: title, rows: result.requests.total, unit: 'requests', seconds: duration, peakRssMb: peakRssMb(server.pid!),
        detail: `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${connections} connections; peak RSS is the server's`,
      });
    };
    await measure('baseline: GET /health (no key, reads nothing)', '/health');
    await measure('POST /v1/lookups/person (key, role, region, blind index, decrypt, mask, audit line)', '/v1/lookups/person', {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      // A different person each request, so no cache anywhere answers for the database.
      setupClient: (client) => {
        client.setBody(JSON.stringify({ idNumber: idNumbers[next++ % idNumbers.length] }));
        client.on('response', () => client.setBody(JSON.stringify({ idNumber: idNumbers[next++ % idNumbers.length] })));
      },
    });
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
} finally {
  await dropTarget(target);
  rmSync(dir, { recursive: true, force: true });
}

/** The URL `jiuzhu serve` is given, its connections opened on the target's schema. */
function withSearchPath(url: string, schema: string): string {
  const withOptions = new URL(url);
  withOptions.searchParams.set('options', `-c search_path=${schema}`);
  return withOptions.toString();
}

/** The server's peak resident set (VmHWM), read from /proc while it runs. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}
