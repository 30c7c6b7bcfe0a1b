import { Command, Option } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { isRole, roles } from '../access/role-policy.js';
import { loadConfig } from '../config.js';
import { openMigratedStore } from '../store/open-store.js';
import { findRegions } from '../store/repositories/regions.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../store/repositories/api-keys.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { nationwide } from '../access/region-scope.js';
import { printJson, printLine } from './output.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('API keys: each has a role and a region scope; only its SM3 digest is stored');

  keys.command('create')
    .description('create a key and print it (only the key, on stdout, so scripts can capture it); it cannot be shown again')
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .requiredOption('--region <code>', `division the key sees: a county (640121), township (640121100), or ${nationwide} for all`)
    .option('--label <text>', 'who holds the key, for the audit log')
    .option('--json', 'print {id, key, role, region} as JSON')
    .action(async (options: { role: string; region: string; label?: string; json?: boolean }) => {
      if (!isRole(options.role)) throw new Error(`unknown role ${options.role}`);
      const { store } = await openMigratedStore(loadConfig().database);
      try {
        if (options.region !== nationwide && !(await findRegions(store.knex, [options.region])).has(options.region)) {
          throw new Error(`region ${options.region} is not in the register (see GET /v1/regions)`);
        }
        const actor = commandLineActor();
        const { secret, apiKey } = await store.knex.transaction(async (trx) => {
          const created = await createApiKey(trx, { role: options.role as never, regionCode: options.region, label: options.label ?? `${options.role} ${options.region}` });
          await recordAudit(trx, actor, { action: 'key.create', outcome: 'ok', resourceType: 'api-key', resourceId: String(created.apiKey.id), regionCode: options.region });
          return created;
        });
        if (options.json) printJson({ id: apiKey.id, key: secret, role: apiKey.role, region: apiKey.regionCode });
        else printLine(secret);
      } finally {
        await store.close();
      }
    });

  keys.command('list')
    .description('list keys (their hints, never the keys)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { store } = await openMigratedStore(loadConfig().database);
      try {
        const all = await listApiKeys(store.knex);
        if (options.json) printJson(all);
        else for (const k of all) printLine(`${k.id}\t${k.hint}\t${k.role}\t${k.regionCode}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.label}`);
      } finally {
        await store.close();
      }
    });

  keys.command('revoke')
    .description('revoke a key by id; it stops working at once')
    .argument('<id>', 'key id from `jiuzhu keys list`')
    .option('--json', 'print {id, revoked} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { store } = await openMigratedStore(loadConfig().database);
      try {
        const revoked = await store.knex.transaction(async (trx) => {
          const done = await revokeApiKey(trx, Number(id));
          if (done) await recordAudit(trx, commandLineActor(), { action: 'key.revoke', outcome: 'ok', resourceType: 'api-key', resourceId: id });
          return done;
        });
        if (options.json) printJson({ id: Number(id), revoked });
        else printLine(revoked ? `revoked key ${id}` : `no active key ${id}`);
        if (!revoked) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
  return keys;
}
