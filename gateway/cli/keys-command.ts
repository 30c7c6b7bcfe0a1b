import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { commandLineActor } from '../access/actor.js';
import { isRole, roles } from '../access/role-policy.js';
import { loadConfig } from '../config.js';
import { rotateDataKey } from '../keystore/data-key-rotation.js';
import { protectedColumns } from '../store/personal-data.js';
import { findRegions } from '../store/repositories/regions.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../store/repositories/api-keys.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { isWithinScope, nationwide } from '../access/region-scope.js';
import { loadFilingProgrammes, unitRegion } from '../filing/filing-programme.js';
import { ProblemError } from '../errors.js';
import { openCommandStore } from './command-store.js';
import { note, printJson, printLine } from './output.js';
import { withExchange } from './open-exchange.js';
import { readPrivateKeyFile } from './private-key-file.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('API keys (create, revoke: a role and a region scope; only their SM3 digest is stored) and our own SM2/PGP key pairs (gen, export, import)');

  keys.command('create')
    .description('create a key and print it (only the key, on stdout, so scripts can capture it); it cannot be shown again')
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .requiredOption('--region <code>', `division the key sees: a county (640121), township (640121100), or ${nationwide} for all`)
    .option('--unit <code>', 'liaison keys: the filing unit (config/filing/) the key files for, e.g. mz or a township\'s code')
    .option('--label <text>', 'who holds the key, for the audit log')
    .option('--json', 'print {id, key, role, region, unit} as JSON')
    .action(async (options: { role: string; region: string; unit?: string; label?: string; json?: boolean }) => {
      if (!isRole(options.role)) throw new Error(`unknown role ${options.role}`);
      if (options.unit !== undefined) checkKeyUnit(options.role, options.region, options.unit);
      const { store } = await openCommandStore();
      try {
        if (options.region !== nationwide && !(await findRegions(store.knex, [options.region])).has(options.region)) {
          throw new Error(`region ${options.region} is not in the register (see GET /v1/regions)`);
        }
        const actor = commandLineActor();
        const label = options.label ?? `${options.role} ${options.region}${options.unit ? ` ${options.unit}` : ''}`;
        const { secret, apiKey } = await store.knex.transaction(async (trx) => {
          const created = await createApiKey(trx, { role: options.role as never, regionCode: options.region, unitCode: options.unit ?? null, label });
          await recordAudit(trx, actor, {
            action: 'key.create', outcome: 'ok', resourceType: 'api-key', resourceId: String(created.apiKey.id), regionCode: options.region,
            ...(options.unit ? { detail: `bound to filing unit ${options.unit}` } : {}),
          });
          return created;
        });
        if (options.json) printJson({ id: apiKey.id, key: secret, role: apiKey.role, region: apiKey.regionCode, unit: apiKey.unitCode });
        else printLine(secret);
      } finally {
        await store.close();
      }
    });

  keys.command('list')
    .description('list our key pairs and the API keys (hints only, never a key)')
    .option('--json', 'print {keyPairs, apiKeys}')
    .action(async (options: { json?: boolean }) => {
      await withExchange(async (exchange, store) => {
        const keyPairs = (await exchange.ownKeys.list()).map(({ publicKey: _p, certificate: _c, ...k }) => k);
        const apiKeys = await listApiKeys(store.knex);
        if (options.json) return printJson({ keyPairs, apiKeys });
        printLine('key pairs:');
        for (const k of keyPairs) printLine(`  ${k.id}\t${k.algorithm}\t${k.fingerprint}\t${k.status}${k.retireAfter ? ` until ${k.retireAfter}` : ''}`);
        printLine('API keys:');
        for (const k of apiKeys) printLine(`  ${k.id}\t${k.hint}\t${k.role}\t${k.regionCode}${k.unitCode ? `/${k.unitCode}` : ''}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.label}`);
      });
    });

  keys.command('gen')
    .description('generate a new key pair of ours; it signs from now on, and the one it replaces still opens envelopes for the grace period (JIUZHU_KEY_GRACE_DAYS)')
    .addOption(new Option('--algorithm <algorithm>', 'sm2 for GM/T 0010 envelopes, pgp for OpenPGP partners').choices(['sm2', 'pgp']).default('sm2'))
    .option('--json', 'print the new key as JSON')
    .action(async (options: { algorithm: 'sm2' | 'pgp'; json?: boolean }) => {
      await withExchange(async (exchange, _store, audit) => {
        const key = await exchange.ownKeys.generate(options.algorithm);
        await audit({ action: 'keypair.generate', outcome: 'ok', resourceType: 'key-pair', resourceId: key.id });
        if (options.json) printJson(key);
        else printLine(`${key.id}\t${key.algorithm}\t${key.fingerprint}\t(give partners: jiuzhu keys export ${key.id})`);
      });
    });

  keys.command('export')
    .description('print a key pair\'s certificate (SM2) or public key (PGP) for partners; --private adds the private key, for moving it to another gateway')
    .argument('<id>', 'key id from `jiuzhu keys list`')
    .option('--private', 'include the private key (logged in the audit log)')
    .option('--json', 'print {id, algorithm, publicKey, certificate, privateKey?}')
    .action(async (id: string, options: { private?: boolean; json?: boolean }) => {
      await withExchange(async (exchange, _store, audit) => {
        const key = (await exchange.ownKeys.list()).find((k) => k.id === id);
        if (!key) throw new Error(`no key pair ${id} (see jiuzhu keys list)`);
        const privateKey = options.private ? await exchange.ownKeys.privateKey(id) : undefined;
        await audit({ action: options.private ? 'keypair.export-private' : 'keypair.export', outcome: 'ok', resourceType: 'key-pair', resourceId: id });
        if (options.json) return printJson({ id, algorithm: key.algorithm, publicKey: key.publicKey, certificate: key.certificate, ...(privateKey ? { privateKey } : {}) });
        process.stdout.write(key.certificate ?? key.publicKey);
        if (key.certificate) process.stdout.write(key.publicKey);
        if (privateKey) process.stdout.write(privateKey);
      });
    });

  keys.command('import')
    .description('bring an existing SM2 key pair (PKCS#8 or SEC1 PEM, encrypted with a passphrase or not), optionally with its CA-issued certificate, under jiuzhu\'s management; it becomes the active key')
    .requiredOption('--private-key <file>', 'the private key PEM; an encrypted one (ENCRYPTED PRIVATE KEY, e.g. from `openssl pkey -aes256`) needs its passphrase')
    .option('--passphrase-file <file>', 'the passphrase of an encrypted key, on the file\'s first line; without it, a terminal is asked (never a command-line argument)')
    .option('--cert <file>', 'its certificate (PEM); default: a new self-signed one')
    .option('--json', 'print the key as JSON')
    .action(async (options: { privateKey: string; passphraseFile?: string; cert?: string; json?: boolean }) => {
      // Decrypted before the store opens, so a passphrase prompt holds no connection.
      const privateKeyPem = await readPrivateKeyFile(options.privateKey, options.passphraseFile);
      await withExchange(async (exchange, _store, audit) => {
        const key = await exchange.ownKeys.importSm2(privateKeyPem, options.cert ? await readFile(options.cert, 'utf8') : undefined);
        await audit({ action: 'keypair.import', outcome: 'ok', resourceType: 'key-pair', resourceId: key.id });
        if (options.json) printJson(key);
        else printLine(`${key.id}\t${key.algorithm}\t${key.fingerprint}`);
      });
    });

  keys.command('rotate-data-key')
    .description('make a new data key for personal fields and re-encrypt every value under the old one, in batches, while the gateway keeps serving; resumes when run again')
    .option('--batch-size <rows>', 'rows re-encrypted per transaction', positiveInteger, 1000)
    .option('--json', 'print {fromKeyIds, toKeyId, passes, reencrypted} as JSON')
    .action(async (options: { batchSize: number; json?: boolean }) => {
      const config = loadConfig();
      const { store } = await openCommandStore(config);
      try {
        const actor = commandLineActor();
        const report = await rotateDataKey({
          knex: store.knex, keyring: store.keyring, columns: protectedColumns, batchSize: options.batchSize,
          settleMs: 2 * config.exchange.dataKeyRefreshSeconds * 1000,
          onProgress: async (progress) => {
            if (progress.type === 'started') {
              await recordAudit(store.knex, actor, { action: 'data-key.rotate', outcome: 'ok', resourceType: 'data-key', resourceId: String(progress.rotation.toKeyId),
                detail: `${progress.rotation.resumed ? 'resumed' : 'started'}: from key(s) ${progress.rotation.fromKeyIds.join(', ')} to key ${progress.rotation.toKeyId}` });
              note(`jiuzhu: ${progress.rotation.resumed ? 'resuming the rotation' : 'rotating'} from data key ${progress.rotation.fromKeyIds.join(', ')} to ${progress.rotation.toKeyId}`);
            } else if (progress.type === 'pass') {
              note(`jiuzhu: pass ${progress.pass}: ${progress.found} value(s) re-encrypted`);
            } else if (progress.type === 'settling') {
              note(`jiuzhu: waiting ${Math.ceil(progress.waitMs / 1000)} s for every gateway process to take up the new key, then one more pass`);
            }
          },
        });
        await recordAudit(store.knex, actor, { action: 'data-key.retire', outcome: 'ok', resourceType: 'data-key', resourceId: report.rotation.fromKeyIds.join(','),
          detail: `after ${report.passes} pass(es): ${report.reencrypted.map((c) => `${c.table}.${c.column} ${c.rows}`).join(', ')}` });
        const summary = { fromKeyIds: report.rotation.fromKeyIds, toKeyId: report.rotation.toKeyId, passes: report.passes, reencrypted: report.reencrypted };
        if (options.json) printJson(summary);
        else printLine(`data key ${report.rotation.toKeyId} now encrypts every personal field; key(s) ${report.rotation.fromKeyIds.join(', ')} retired (kept for older backups)`);
      } finally {
        await store.close();
      }
    });

  keys.command('reveal-data-key')
    .description('print a field data key\'s two halves in hex, to decrypt one value by hand with openssl (docs/encryption-at-rest.md); audited')
    .argument('<id>', 'the data key id: the number in a ciphertext jzf1.<id>.…')
    .option('--json', 'print {id, encryptionKeyHex, authenticationKeyHex}')
    .action(async (id: string, options: { json?: boolean }) => {
      const { store } = await openCommandStore();
      try {
        const halves = store.keyring.revealFieldKey(positiveInteger(id));
        await recordAudit(store.knex, commandLineActor(), { action: 'data-key.reveal', outcome: 'ok', resourceType: 'data-key', resourceId: id });
        if (options.json) printJson({ id: Number(id), ...halves });
        else printLine(`ENC=${halves.encryptionKeyHex}\nAUTH=${halves.authenticationKeyHex}`);
      } finally {
        await store.close();
      }
    });

  keys.command('revoke')
    .description('revoke a key by id; it stops working at once')
    .argument('<id>', 'key id from `jiuzhu keys list`')
    .option('--json', 'print {id, revoked} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { store } = await openCommandStore();
      try {
        const revoked = await store.knex.transaction(async (trx) => {
          const done = await revokeApiKey(trx, Number(id));
          if (done) await recordAudit(trx, commandLineActor(), { action: 'key.revoke', outcome: 'ok', resourceType: 'api-key', resourceId: id });
          return done;
        });
        if (!revoked) throw new ProblemError('not-found', `no active API key ${id} (see jiuzhu keys list)`);
        if (options.json) printJson({ id: Number(id), revoked });
        else printLine(`revoked key ${id}`);
      } finally {
        await store.close();
      }
    });
  return keys;
}

/**
 * A key bound to a filing unit is a liaison officer's (township keys file for their township by region), and its region
 * must hold the unit, or it could never reach it.
 */
function checkKeyUnit(role: string, region: string, unitCode: string): void {
  if (role !== 'liaison') throw new Error(`--unit binds a liaison officer's key to a filing unit; a ${role} key has no unit`);
  const found = loadFilingProgrammes().unit(unitCode);
  if (!found) throw new Error(`no filing unit ${unitCode} in config/filing/ (units: ${loadFilingProgrammes().all.flatMap((p) => p.units.map((u) => u.code)).join(', ')})`);
  const where = unitRegion(found.programme, found.unit);
  if (!isWithinScope(region, where)) throw new Error(`unit ${unitCode} (${found.unit.name}) lies in ${where}, outside the key's region ${region}`);
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('must be a positive whole number');
  return parsed;
}
