import { sm3Hex } from '../crypto/sm3.js';

/**
 * The bytes the audit chain hashes and signs, defined once (docs/audit-log.md). They are a published format:
 * exported entries are checked against them with `openssl` alone, and migration 013 chained the rows that
 * existed before it with them. A change makes every existing hash wrong, so it would be a new version.
 */

/** The previous hash of the first entry. */
export const genesisHash = '0'.repeat(64);

/** What one entry says, under the names of schemas/audit-entry.schema.json, plus its position in the chain. */
export interface ChainedEntry {
  position: number;
  at: string;
  actorKeyId: number | null;
  actorRole: string | null;
  actorLabel: string | null;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  regionCode: string | null;
  requestId: string | null;
  detail: string | null;
  /** Ascending, so the audit_subjects rows are covered whatever order a query returns them in. */
  subjectPersonIds: number[];
}

/** An audit_log row as the database returns it. */
export interface AuditLogRow {
  seq: number | string;
  at: string;
  actor_key_id: number | string | null;
  actor_role: string | null;
  actor_label: string | null;
  action: string;
  outcome: string;
  resource_type: string | null;
  resource_id: string | null;
  region_code: string | null;
  request_id: string | null;
  detail: string | null;
}

export function chainedEntryOf(row: AuditLogRow, subjectPersonIds: readonly number[]): ChainedEntry {
  return {
    position: Number(row.seq),
    at: row.at,
    actorKeyId: row.actor_key_id === null ? null : Number(row.actor_key_id),
    actorRole: row.actor_role,
    actorLabel: row.actor_label,
    action: row.action,
    outcome: row.outcome,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    regionCode: row.region_code,
    requestId: row.request_id,
    detail: row.detail,
    subjectPersonIds: subjectPersonIds.map(Number).sort((a, b) => a - b),
  };
}

/** audit_subjects rows grouped by entry id. */
export function subjectsByEntry(rows: readonly { audit_id: number | string; person_id: number | string }[]): Map<number, number[]> {
  const byEntry = new Map<number, number[]>();
  for (const row of rows) {
    const id = Number(row.audit_id);
    const list = byEntry.get(id);
    if (list) list.push(Number(row.person_id));
    else byEntry.set(id, [Number(row.person_id)]);
  }
  return byEntry;
}

/**
 * JSON with the keys sorted, no whitespace, UTF-8: for these values (integers, strings, null, one array of
 * integers) that is RFC 8785 (JCS), and what JSON.stringify writes once the keys are in order. Control
 * characters are escaped, so an entry is always one line of entries.ndjson.
 */
export function canonicalEntryBytes(entry: ChainedEntry): Buffer {
  const sorted = Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1)));
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

/**
 * SM3(previous hash as its 64 hex characters ‖ canonical bytes). Hex rather than the 32 raw bytes, so a POSIX
 * shell can feed `printf '%s%s' "$previous" "$line" | openssl dgst -sm3` line by line.
 */
export function chainHash(previousHash: string, canonicalBytes: Uint8Array): string {
  return sm3Hex(Buffer.concat([Buffer.from(previousHash, 'latin1'), canonicalBytes]));
}

export interface CheckpointFields {
  position: number;
  head: string;
  /** ISO 8601 instant, as stored. */
  at: string;
  keyFingerprint: string;
}

/** The text a checkpoint signs: short and line-based, so an auditor can read it and hand it to openssl as it is. */
export function checkpointText(checkpoint: CheckpointFields): string {
  return `jiuzhu audit checkpoint v1\nposition ${checkpoint.position}\nhead ${checkpoint.head}\ntime ${checkpoint.at}\nkey ${checkpoint.keyFingerprint}\n`;
}

/**
 * Strings as the database will give them back: a lone UTF-16 surrogate (a client may send one as a JSON
 * escape) becomes U+FFFD when the driver encodes it as UTF-8, so it is replaced before hashing, or the entry
 * would never verify.
 */
export function asStored(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
