import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { Sm2PublicKey } from '../crypto/sm2.js';
import { sm2PublicKeyPem } from '../crypto/sm2-keys.js';
import { startOfDayInShanghai } from '../calendar/shanghai-date.js';
import { projectPath } from '../project-files.js';
import { checkpointsInOrder, nearestCheckpoint, type AuditCheckpoint } from '../store/repositories/audit-checkpoints.js';
import { auditEntriesInOrder } from '../store/repositories/audit-log.js';
import { canonicalEntryBytes, chainHash, checkpointText, genesisHash } from './chain-format.js';
import type { AuditCheckpointer } from './checkpoints.js';
import { signatureProblem } from './verify-chain.js';

export interface AuditExportOptions {
  /** Calendar days YYYY-MM-DD in Asia/Shanghai, both included. */
  from: string;
  to: string;
  /** Why the entries leave the office: written into README.txt, and the caller records it in the export's own audit entry. */
  purpose: string;
  outDir: string;
  /** Only checkpoints these keys signed are exported, each key beside them as PEM. */
  trustedKeys: readonly Sm2PublicKey[];
  /** Signs the head when no checkpoint covers the end of the period yet. */
  checkpointer: AuditCheckpointer;
}

export interface AuditExportResult {
  /** The exported positions: widened to the checkpoints around the period, so both ends are signed. */
  first: number;
  last: number;
  checkpoints: number;
  keys: string[];
}

const kit = (name: string) => projectPath('gateway', 'audit', 'export-kit', name);

/**
 * Writes a stretch of the chain for an outside auditor, who checks it with `sh verify.sh` (sh and openssl
 * only): entries.ndjson holds each entry's canonical bytes, one per line, exactly as hashed; hashes.txt the
 * hash of each line; checkpoints/ the signed texts and DER signatures; keys/ our public keys as PEM.
 * The stretch starts right after a checkpoint, so the hash it starts from is signed, and ends at one.
 */
export async function exportAuditChain(knex: Knex, options: AuditExportOptions): Promise<AuditExportResult> {
  const from = startOfDayInShanghai(options.from);
  const to = startOfDayInShanghai(options.to);
  if (!from || !to) throw new Error(`--from and --to take dates YYYY-MM-DD, not "${from ? options.to : options.from}"`);
  if (options.to < options.from) throw new Error(`--to ${options.to} is before --from ${options.from}`);
  const until = new Date(Date.parse(to) + 86_400_000).toISOString();
  const range = await knex('audit_log').where('at', '>=', from).andWhere('at', '<', until).min({ first: 'seq' }).max({ last: 'seq' }).first();
  if (range?.first == null) throw new Error(`no audit entries from ${options.from} to ${options.to}`);
  await createEmptyFolder(options.outDir);
  const start = await nearestCheckpoint(knex, Number(range.first) - 1, 'at-or-before');
  let end = await nearestCheckpoint(knex, Number(range.last), 'at-or-after');
  if (!end) {
    await options.checkpointer.checkpoint();
    end = await nearestCheckpoint(knex, Number(range.last), 'at-or-after');
  }
  if (!end) throw new Error(`no checkpoint covers audit entry ${range.last}, and none could be signed`);
  const first = (start?.position ?? 0) + 1;

  await mkdir(join(options.outDir, 'checkpoints'));
  await mkdir(join(options.outDir, 'keys'));
  const keys = new Map(options.trustedKeys.map((key) => [key.fingerprint, key]));
  const signers = new Set<string>();
  let checkpoints = 0;
  for await (const checkpoint of checkpointsInOrder(knex, { from: first - 1, to: end.position })) {
    await writeCheckpoint(options.outDir, checkpoint, keys);
    signers.add(checkpoint.keyFingerprint);
    checkpoints += 1;
  }
  for (const fingerprint of signers) await writeFile(join(options.outDir, 'keys', `${fingerprint}.pem`), sm2PublicKeyPem(keys.get(fingerprint)!.hex));
  await writeEntries(knex, options.outDir, { first, previous: start?.head ?? genesisHash, end });
  await writeFile(join(options.outDir, 'range.txt'), `first ${first}\nlast ${end.position}\n`);
  const fields: Record<string, string> = {
    from: options.from, to: options.to, purpose: options.purpose, first: String(first), last: String(end.position), keys: [...signers].join(' '),
  };
  const readme = (await readFile(kit('README.txt'), 'utf8')).replace(/\{(\w+)\}/g, (text, name: string) => fields[name] ?? text);
  await writeFile(join(options.outDir, 'README.txt'), readme);
  await writeFile(join(options.outDir, 'verify.sh'), await readFile(kit('verify.sh')), { mode: 0o755 });
  return { first, last: end.position, checkpoints, keys: [...signers] };
}

async function createEmptyFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new Error(`${dir} is not empty: an export goes into a new or empty folder`);
}

/** Positions padded to twelve digits, so a shell lists the files in chain order. */
function checkpointFile(outDir: string, position: number, extension: string): string {
  return join(outDir, 'checkpoints', `${String(position).padStart(12, '0')}.${extension}`);
}

async function writeCheckpoint(outDir: string, checkpoint: AuditCheckpoint, keys: ReadonlyMap<string, Sm2PublicKey>): Promise<void> {
  // What leaves must verify: a checkpoint no trusted key made would fail the auditor's check, or mislead him.
  const forged = signatureProblem(checkpoint, keys);
  if (forged) throw new Error(`${forged} (run jiuzhu audit verify)`);
  await writeFile(checkpointFile(outDir, checkpoint.position, 'txt'), checkpointText(checkpoint));
  await writeFile(checkpointFile(outDir, checkpoint.position, 'sig'), checkpoint.signature);
}

/** Streams the entries to entries.ndjson and hashes.txt, checking the chain as it goes, in constant memory. */
async function writeEntries(knex: Knex, outDir: string, chain: { first: number; previous: string; end: AuditCheckpoint }): Promise<void> {
  const entries = createWriteStream(join(outDir, 'entries.ndjson'));
  const hashes = createWriteStream(join(outDir, 'hashes.txt'));
  try {
    let previous = chain.previous;
    let position = chain.first;
    for await (const stored of auditEntriesInOrder(knex, { from: chain.first, to: chain.end.position })) {
      const bytes = canonicalEntryBytes(stored.entry);
      const hash = chainHash(previous, bytes);
      if (stored.entry.position !== position || stored.prevHash !== previous || stored.hash !== hash) {
        throw new Error(`the audit chain is broken at position ${position} (run jiuzhu audit verify)`);
      }
      await write(entries, Buffer.concat([bytes, Buffer.from('\n')]));
      await write(hashes, `${hash}\n`);
      previous = hash;
      position += 1;
    }
    if (previous !== chain.end.head) throw new Error(`the audit chain does not reach the checkpoint at position ${chain.end.position} (run jiuzhu audit verify)`);
  } finally {
    entries.end();
    hashes.end();
    await Promise.all([finished(entries), finished(hashes)]);
  }
}

async function write(stream: WriteStream, chunk: Buffer | string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}
