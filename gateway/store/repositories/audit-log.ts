import type { Knex } from 'knex';
import type { Actor } from '../../access/actor.js';
import type { AuditEntry } from '../../../schemas/types/index.js';

export interface AuditRecord {
  action: string;
  outcome: AuditEntry['outcome'];
  resourceType?: string;
  resourceId?: string;
  subjectPersonIds?: readonly number[];
  regionCode?: string;
  detail?: string;
}

/**
 * Appends one line to the audit log. Changes call it inside their own transaction, so a change and its
 * audit line commit or roll back together; reads call it before the response leaves.
 */
export async function recordAudit(db: Knex | Knex.Transaction, actor: Actor | null, record: AuditRecord): Promise<number> {
  const [row] = await db('audit_log')
    .insert({
      at: new Date().toISOString(),
      actor_key_id: actor?.keyId ?? null,
      actor_role: actor?.role ?? null,
      actor_label: actor?.label ?? null,
      action: record.action,
      resource_type: record.resourceType ?? null,
      resource_id: record.resourceId ?? null,
      region_code: record.regionCode ?? null,
      outcome: record.outcome,
      request_id: actor?.requestId ?? null,
      detail: record.detail?.slice(0, 1000) ?? null,
    })
    .returning('id');
  const id = (row as { id: number }).id;
  const subjects = [...new Set(record.subjectPersonIds ?? [])];
  for (let i = 0; i < subjects.length; i += 400) {
    await db('audit_subjects').insert(subjects.slice(i, i + 400).map((personId) => ({ audit_id: id, person_id: personId })));
  }
  return id;
}
