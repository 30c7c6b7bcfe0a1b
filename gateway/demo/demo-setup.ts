import type { Actor } from '../access/actor.js';
import { roles } from '../access/role-policy.js';
import type { Store } from '../store/connect.js';
import { createApiKey } from '../store/repositories/api-keys.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import type { Role } from '../../schemas/types/index.js';
import { seedDemoCounty, type SeedResult } from './seed-county.js';

/** The two counties whose documents the project is built from: 永宁县 (seed 002) and 黔江区 (seed 004). */
export const demoCounties = ['640121', '500114'] as const;
export const demoHouseholdsPerCounty = 2_000;
export const demoSeed = 20_240_601;

/** Where each role's demo key is scoped: county staff in 永宁县, the township key in its 杨和镇. */
const demoKeyRegions: Record<Role, string> = {
  admin: '000000',
  integrator: '000000',
  township: '640121100',
  liaison: '640121',
  finance: '640121',
  auditor: '640121',
};

/** The demo liaison key files for, and approves as, 永宁县民政局: the lead unit of the county's filing round (config/filing/yongning.json). */
const demoKeyUnits: Partial<Record<Role, string>> = { liaison: 'mz' };

export async function isRegisterEmpty(store: Store): Promise<boolean> {
  return (await store.knex('households').first('id')) === undefined;
}

export async function seedDemoCounties(store: Store, actor: Actor, asOf: string): Promise<SeedResult[]> {
  const results: SeedResult[] = [];
  for (const countyCode of demoCounties) {
    results.push(await seedDemoCounty(store, actor, { countyCode, households: demoHouseholdsPerCounty, seed: demoSeed, asOf }));
  }
  return results;
}

/**
 * Fresh demo keys at every demo start: only key digests are stored, so the keys printed last time
 * cannot be shown again. Earlier demo keys are revoked so they do not pile up. Every revocation and
 * creation is a key operation in the audit log, as with `jiuzhu keys`.
 */
export async function issueDemoKeys(store: Store, actor: Actor): Promise<{ role: Role; regionCode: string; unitCode: string | null; secret: string }[]> {
  return store.knex.transaction(async (trx) => {
    const earlier: number[] = await trx('api_keys').where('label', 'like', 'demo %').whereNull('revoked_at').pluck('id');
    if (earlier.length > 0) {
      await trx('api_keys').whereIn('id', earlier).update({ revoked_at: new Date().toISOString() });
      for (const id of earlier) await recordAudit(trx, actor, { action: 'key.revoke', outcome: 'ok', resourceType: 'api-key', resourceId: String(id), detail: 'earlier demo key' });
    }
    const keys = [];
    for (const role of roles) {
      const regionCode = demoKeyRegions[role];
      const { secret, apiKey } = await createApiKey(trx, { role, regionCode, unitCode: demoKeyUnits[role] ?? null, label: `demo ${role}` });
      await recordAudit(trx, actor, { action: 'key.create', outcome: 'ok', resourceType: 'api-key', resourceId: String(apiKey.id), regionCode, detail: `demo ${role}` });
      keys.push({ role, regionCode, unitCode: apiKey.unitCode, secret });
    }
    return keys;
  });
}
