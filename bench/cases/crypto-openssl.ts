/**
 * The OpenSSL baselines, measured in the same run as jiuzhu:
 * - `speed sm4-cbc|sm3 SECONDS`: `openssl speed -elapsed -evp <alg> -bytes 16384 -seconds N`, read from the
 *   "16384 bytes" column, which OpenSSL prints in 1000s of bytes per second ("129251.56k" = 129.3 MB/s).
 * - `speed sm2 SECONDS`: `openssl speed -elapsed -seconds N sm2`, read from its sign/s and verify/s columns;
 *   reports two lines, sign then verify.
 * - `enc|dec IN OUT`: `openssl enc [-d] -sm4-cbc -K … -iv …` over a file, timed around the whole process: what
 *   the bulk cipher alone costs, for comparison with sealing and opening an envelope of the same file.
 * `-elapsed` makes OpenSSL divide by wall-clock time, as every jiuzhu case does; by default it divides by user CPU
 * time, which flatters it by 5–7 % here. Peak RSS is OpenSSL's own, from GNU time, when /usr/bin/time is installed.
 * Usage: crypto-openssl.ts speed sm4-cbc|sm3|sm2 SECONDS | enc|dec IN OUT
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { reportCase, secondsSince } from '../case-result.js';

const [command = 'speed', ...args] = process.argv.slice(2);
const gnuTime = '/usr/bin/time';
// A fixed key: SM4's speed does not depend on it, and `dec` must decrypt what `enc` wrote in another process.
const key = '0123456789abcdeffedcba9876543210';
const iv = 'fedcba98765432100123456789abcdef';

/** Runs openssl to completion (spawnSync, not execFileSync, because the figures are on stderr as well as stdout). */
function openssl(opensslArgs: string[]): { stdout: string; stderr: string; seconds: number; peakRssMb?: number } {
  const measured = existsSync(gnuTime);
  const [file, fileArgs] = measured ? [gnuTime, ['-f', 'peak-rss-kb %M', 'openssl', ...opensslArgs]] : ['openssl', opensslArgs];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, fileArgs, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = secondsSince(start);
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`openssl ${opensslArgs.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  const rss = measured ? /peak-rss-kb (\d+)/.exec(result.stderr) : null;
  return { stdout: result.stdout, stderr: result.stderr, seconds, peakRssMb: rss ? Math.round(Number(rss[1]) / 1024) : undefined };
}

function find(text: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(text);
  if (!match) throw new Error(`cannot read ${what} from openssl's output:\n${text}`);
  return match;
}

/** "Doing … in 3.00s": the seconds OpenSSL divided by (wall clock, with -elapsed). */
function secondsOf(stderr: string, pattern: RegExp, what: string): number {
  return Number(find(stderr, pattern, `the duration of ${what}`)[1]);
}

if (command === 'speed' && (args[0] === 'sm4-cbc' || args[0] === 'sm3')) {
  const [algorithm, seconds = '3'] = args;
  const out = openssl(['speed', '-elapsed', '-evp', algorithm, '-bytes', '16384', '-seconds', seconds]);
  find(out.stdout, /numbers' are in 1000s of bytes per second/, 'the unit');
  const [, row, thousands] = find(out.stdout, /^type\s+16384 bytes\s*\n(\S+)\s+([\d.]+)k\s*$/m, 'the 16384-byte column');
  const megabytesPerSecond = Number(thousands) / 1000;
  const measuredSeconds = secondsOf(out.stderr, /Doing .* 16384 size blocks: \d+ .* in ([\d.]+)s/, algorithm);
  reportCase({
    name: `${algorithm === 'sm3' ? 'SM3' : 'SM4-CBC'} · openssl speed -evp ${algorithm}, 16 KiB blocks`,
    rows: megabytesPerSecond * measuredSeconds,
    unit: 'MB',
    seconds: measuredSeconds,
    peakRssMb: out.peakRssMb,
    detail: `openssl printed "${row} ${thousands}k" in 1000s of bytes/s`,
  });
} else if (command === 'speed' && args[0] === 'sm2') {
  const [, seconds = '3'] = args;
  const out = openssl(['speed', '-elapsed', '-seconds', seconds, 'sm2']);
  find(out.stdout, /sign\s+verify\s+sign\/s\s+verify\/s/, 'the column headings');
  const [, signs, verifies] = find(out.stdout, /SM2 \(CurveSM2\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)\s+([\d.]+)/, 'the SM2 row');
  const signSeconds = secondsOf(out.stderr, /CurveSM2 signs in ([\d.]+)s/, 'signing');
  const verifySeconds = secondsOf(out.stderr, /CurveSM2 verify in ([\d.]+)s/, 'verifying');
  reportCase({ name: 'SM2 sign · openssl speed sm2', rows: Number(signs) * signSeconds, unit: 'ops', seconds: signSeconds, peakRssMb: out.peakRssMb });
  reportCase({ name: 'SM2 verify · openssl speed sm2', rows: Number(verifies) * verifySeconds, unit: 'ops', seconds: verifySeconds, peakRssMb: out.peakRssMb });
} else if (command === 'enc' || command === 'dec') {
  const [input, output] = args;
  if (!input || !output) throw new Error('usage: crypto-openssl.ts enc|dec IN OUT');
  const out = openssl(['enc', ...(command === 'dec' ? ['-d'] : []), '-sm4-cbc', '-K', key, '-iv', iv, '-in', input, '-out', output]);
  // Plaintext MB either way, as the envelope cases count them.
  const plaintextBytes = statSync(command === 'enc' ? input : output).size;
  reportCase({
    name: `${command === 'enc' ? 'seal' : 'open'} · openssl enc${command === 'dec' ? ' -d' : ''} -sm4-cbc, file to file (cipher alone)`,
    rows: plaintextBytes / 1e6,
    unit: 'MB',
    seconds: out.seconds,
    peakRssMb: out.peakRssMb,
  });
} else {
  throw new Error(`usage: crypto-openssl.ts speed sm4-cbc|sm3|sm2 SECONDS | enc|dec IN OUT (got ${[command, ...args].join(' ')})`);
}
