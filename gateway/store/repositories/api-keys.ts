import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../../../schemas/types/index.js';

export interface ApiKey {
  id: number;
  role: Role;
  regionCode: string;
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
  key: { role: Role; regionCode: string; label: string },
): Promise<{ secret: string; apiKey: ApiKey }> {
  const secret = `jz_${randomBytes(32).toString('base64url')}`;
  const row = {
    key_hash: hashApiKey(secret),
    key_hint: `${secret.slice(0, 7)}…`,
    role: key.role,
    region_code: key.regionCode,
    label: key.label,
    created_at: new Date().toISOString(),
  };
  const [inserted] = await db('api_keys').insert(row).returning('id');
  return { secret, apiKey: toApiKey({ ...row, id: (inserted as { id: number }).id, revoked_at: null }) };
}

export async function findActiveApiKey(db: Knex, secret: string): Promise<ApiKey | undefined> {
  const row = await db('api_keys').where({ key_hash: hashApiKey(secret) }).whereNull('revoked_at').first();
  return row ? toApiKey(row) : undefined;
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
    label: row.label as string,
    hint: row.key_hint as string,
    createdAt: row.created_at as string,
    revokedAt: (row.revoked_at as string | null) ?? null,
  };
}
