import type { Knex } from 'knex';
import { sm2Verify, type Sm2PublicKey } from '../crypto/sm2.js';
import { checkpointsInOrder, readChainEnds, type AuditCheckpoint } from '../store/repositories/audit-checkpoints.js';
import { auditEntriesInOrder, readAuditHead, type StoredAuditEntry } from '../store/repositories/audit-log.js';
import { canonicalEntryBytes, chainHash, checkpointText, genesisHash } from './chain-format.js';

export type AuditProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'forged-checkpoint';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first position the problem touches. */
  position: number;
  detail: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries found whole before the problem, if any. */
  entries: number;
  /** Checkpoints whose signature and head were checked. */
  checkpoints: number;
  lastCheckpoint: { position: number; at: string; keyId: string } | null;
  problem: AuditProblem | null;
}

/**
 * Reads the whole chain in position order, a page at a time, and stops at the first problem: each entry's
 * hash recomputed from its content and the hash before it; positions 1, 2, 3 … with none missing or twice;
 * every checkpoint signed by a trusted key and equal to the entry at its position; and the head row equal to
 * the last entry. When an entry does not match its hash, the neighbours and the rest of the log are searched
 * for where it belongs, to tell an edit from a deletion, an insertion or two entries swapped.
 */
export async function verifyAuditChain(knex: Knex, trustedKeys: readonly Sm2PublicKey[]): Promise<AuditVerification> {
  const keys = new Map(trustedKeys.map((key) => [key.fingerprint, key]));
  const head = await readAuditHead(knex);
  // Entries appended while this runs lie beyond the head read here; only those at or before it are judged.
  const upTo = head?.seq;
  const checkpoints = checkpointsInOrder(knex, { to: upTo });
  let nextCheckpoint = (await checkpoints.next()).value as AuditCheckpoint | undefined;
  let lastCheckpoint: AuditCheckpoint | undefined;
  let checked = 0;
  let entries = 0;
  let link = genesisHash;
  let linkBefore: string | undefined;
  const result = (problem: AuditProblem | null): AuditVerification => ({
    ok: problem === null, entries, checkpoints: checked,
    lastCheckpoint: lastCheckpoint ? { position: lastCheckpoint.position, at: lastCheckpoint.at, keyId: lastCheckpoint.keyId } : null, problem,
  });

  for await (const stored of auditEntriesInOrder(knex, { to: upTo })) {
    const problem = await judgeEntry(knex, stored, { expected: entries + 1, link, linkBefore });
    if (problem) return result(problem);
    entries += 1;
    linkBefore = link;
    link = stored.hash;
    while (nextCheckpoint && nextCheckpoint.position <= entries) {
      const wrong = judgeCheckpoint(nextCheckpoint, keys, stored, lastCheckpoint);
      if (wrong) return result(wrong);
      checked += 1;
      lastCheckpoint = nextCheckpoint;
      nextCheckpoint = (await checkpoints.next()).value as AuditCheckpoint | undefined;
    }
  }

  const end = entries + 1;
  if (nextCheckpoint) {
    return result({ kind: 'truncated', position: end, detail: `the checkpoint at position ${nextCheckpoint.position} signs entries the log no longer holds: it ends at ${entries}` });
  }
  if (!head) return result({ kind: 'truncated', position: end, detail: 'the head row of the audit log is missing' });
  if (head.seq > entries) return result({ kind: 'truncated', position: end, detail: `the head row counts ${head.seq} entries but the log ends at ${entries}` });
  if (head.hash !== link) return result({ kind: 'edited', position: entries, detail: 'the last entry\'s hash is not the one the head row holds' });
  // One statement, one moment: a legitimate append moves the head with its entry, and a checkpoint never signs past the head.
  const now = await readChainEnds(knex);
  const headNow = now.head?.seq ?? entries;
  if (now.lastEntry > headNow) return result({ kind: 'inserted', position: headNow + 1, detail: `entries beyond the head row (position ${headNow}), put in without moving it` });
  if (now.lastCheckpoint && now.lastCheckpoint.position > headNow) {
    return result({ kind: 'truncated', position: headNow + 1, detail: `the checkpoint at position ${now.lastCheckpoint.position} signs entries the log no longer holds: its head row says ${headNow}` });
  }
  return result(null);
}

/** Whether the entry's content, placed at `position` after `previous`, gives `hash` (its own stored hash unless given). */
function fits(stored: StoredAuditEntry, position: number, previous: string, hash = stored.hash): boolean {
  return chainHash(previous, canonicalEntryBytes({ ...stored.entry, position })) === hash;
}

async function judgeEntry(knex: Knex, stored: StoredAuditEntry, chain: { expected: number; link: string; linkBefore: string | undefined }): Promise<AuditProblem | undefined> {
  const { expected, link, linkBefore } = chain;
  const position = stored.entry.position;
  if (position > expected) {
    return { kind: 'deleted', position: expected, detail: position === expected + 1 ? `no entry at position ${expected}` : `no entries at positions ${expected}–${position - 1}` };
  }
  if (position < expected) {
    return { kind: 'inserted', position, detail: position >= 1 ? `a second entry at position ${position}` : `an entry at position ${position}, before the first` };
  }
  if (fits(stored, position, stored.prevHash)) {
    if (stored.prevHash === link) return undefined;
    return { kind: 'inserted', position, detail: 'the entry does not follow the one before it: it was put in, or the one before it was rewritten with a new hash' };
  }
  const moved = await findMoved(knex, stored, link);
  if (moved) return moved;
  if (fits(stored, position + 1, stored.prevHash)) {
    return { kind: 'deleted', position, detail: `the entry at position ${position} was deleted and the later ones moved up: the one there now belongs at ${position + 1}` };
  }
  if (linkBefore !== undefined && stored.prevHash === linkBefore && fits(stored, position - 1, linkBefore)) {
    return { kind: 'inserted', position: position - 1, detail: `the entry at position ${position - 1} was put in and the later ones moved down: the one at ${position} belongs at ${position - 1}` };
  }
  return { kind: 'edited', position, detail: 'the entry no longer matches its hash' };
}

/**
 * Looks through the rest of the log for the entry that belongs where `stored` is: read only once an entry has
 * failed, so a whole log costs one pass. Two entries swapped — their positions, or their contents — are each
 * whole in the other's place; an entry put in before the rest moved down leaves the next one fitting its place.
 */
async function findMoved(knex: Knex, stored: StoredAuditEntry, link: string): Promise<AuditProblem | undefined> {
  const position = stored.entry.position;
  for await (const other of auditEntriesInOrder(knex, { from: position + 1 })) {
    const there = other.entry.position;
    if (fits(other, position, link, stored.hash) && fits(stored, there, other.prevHash, other.hash)) {
      return { kind: 'reordered', position, detail: `the contents of the entries at positions ${position} and ${there} were swapped` };
    }
    if (other.prevHash === link && fits(other, position, link)) {
      if (fits(stored, there, stored.prevHash)) return { kind: 'reordered', position, detail: `the entries at positions ${position} and ${there} were swapped` };
      if (there === position + 1) return { kind: 'inserted', position, detail: `the entry at position ${position} was put in and the later ones moved down` };
      return { kind: 'reordered', position, detail: `the entry that belongs at position ${position} is at ${there}` };
    }
  }
  return undefined;
}

function judgeCheckpoint(checkpoint: AuditCheckpoint, keys: ReadonlyMap<string, Sm2PublicKey>, entry: StoredAuditEntry, previous: AuditCheckpoint | undefined): AuditProblem | undefined {
  const at = checkpoint.position;
  const forged = signatureProblem(checkpoint, keys);
  if (forged) return { kind: 'forged-checkpoint', position: at, detail: forged };
  if (at !== entry.entry.position) return { kind: 'forged-checkpoint', position: at, detail: `the checkpoint at position ${at} signs a position that holds no entry` };
  if (checkpoint.head !== entry.hash) {
    const from = (previous?.position ?? 0) + 1;
    return { kind: 'edited', position: from, detail: `the entries no longer hash to the head signed at position ${at}: one from ${from} to ${at} was changed and the hashes after it rewritten` };
  }
  return undefined;
}

/** Why a checkpoint's signature is not to be believed, or undefined when a trusted key made it over exactly these fields. */
export function signatureProblem(checkpoint: AuditCheckpoint, keys: ReadonlyMap<string, Sm2PublicKey>): string | undefined {
  const at = checkpoint.position;
  const key = keys.get(checkpoint.keyFingerprint);
  if (!key) return `the checkpoint at position ${at} is signed by key ${checkpoint.keyId} (${checkpoint.keyFingerprint}), which is not one of ours proven by the master key`;
  if (!sm2Verify(checkpointText(checkpoint), checkpoint.signature, key)) return `the checkpoint at position ${at} does not verify with key ${checkpoint.keyId}: its fields or its signature were changed`;
  return undefined;
}
