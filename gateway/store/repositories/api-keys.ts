import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../../../schemas/types/index.js';

export interface ApiKey {
  id: number;
  role: Role;
  regionCode: string;
  /** A liaison officer's key: the filing unit (config/filing/) it files for; null for every other key. */
  unitCode: string | null;
  label: string;
  hint: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Keys are 32 random bytes; only their SM3 digest is stored (商用密码 for everything at rest), so a copy
 * of the database yields no usable key. A salt or slow hash adds nothing for 256-bit random secrets.
 */
export function hashApiKey(secret: string): string {
  return createHash('sm3').update(secret, 'utf8').digest('hex');
}

export async function createApiKey(
  db: Knex | Knex.Transaction,
  key: { role: Role; regionCode: string; label: string; unitCode?: string | null },
): Promise<{ secret: string; apiKey: ApiKey }> {
  const secret = `jz_${randomBytes(32).toString('base64url')}`;
  const row = {
    key_hash: hashApiKey(secret),
    key_hint: `${secret.slice(0, 7)}…`,
    role: key.role,
    region_code: key.regionCode,
    unit_code: key.unitCode ?? null,
    label: key.label,
    created_at: new Date().toISOString(),
  };
  const [inserted] = await db('api_keys').insert(row).returning('id');
  return { secret, apiKey: toApiKey({ ...row, id: (inserted as { id: number }).id, revoked_at: null }) };
}

/**
 * The key whose digest matches, if active. The secret itself never meets a comparison whose time depends on it: the
 * index compares SM3 digests (timing on a digest's prefix narrows nothing of a 256-bit secret), and the row found is
 * checked again in constant time, so no future change of the lookup (a prefix search, a cache) can make it one.
 */
export async function findActiveApiKey(db: Knex, secret: string): Promise<ApiKey | undefined> {
  const digest = hashApiKey(secret);
  const row = await db('api_keys').where({ key_hash: digest }).whereNull('revoked_at').first();
  if (!row || !timingSafeEqual(Buffer.from(String(row.key_hash), 'hex'), Buffer.from(digest, 'hex'))) return undefined;
  return toApiKey(row);
}

export async function listApiKeys(db: Knex): Promise<ApiKey[]> {
  return (await db('api_keys').orderBy('id')).map(toApiKey);
}

export async function revokeApiKey(db: Knex | Knex.Transaction, id: number): Promise<boolean> {
  const updated = await db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
  return updated > 0;
}

function toApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: row.id as number,
    role: row.role as Role,
    regionCode: row.region_code as string,
    unitCode: (row.unit_code as string | null) ?? null,
    label: row.label as string,
    hint: row.key_hint as string,
    createdAt: row.created_at as string,
    revokedAt: (row.revoked_at as string | null) ?? null,
  };
}
