import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { activeSigningKey, keysProvenByMasterKey } from '../audit/checkpoint-keys.js';
import { createAuditCheckpointer } from '../audit/checkpoints.js';
import { exportAuditChain } from '../audit/export-chain.js';
import { verifyAuditChain, type AuditVerification } from '../audit/verify-chain.js';
import { loadConfig, type Config } from '../config.js';
import { prepareSm2PublicKey, type Sm2PublicKey } from '../crypto/sm2.js';
import { parseSm2PublicKey } from '../crypto/sm2-keys.js';
import { createExchange } from '../keystore/exchange.js';
import { loadMasterKey, MasterKeyError } from '../keystore/master-key.js';
import type { StoreConnection } from '../store/connect.js';
import { openStoreAsItIs } from '../store/open-store.js';
import { withExchange } from './open-exchange.js';
import { printJson, printLine } from './output.js';

export function auditCommand(): Command {
  const audit = new Command('audit')
    .description('the tamper-evident audit log (docs/audit-log.md): check the SM3 chain and its SM2-signed checkpoints, export a period for an outside auditor');

  audit.command('verify')
    .description('check every entry, position, checkpoint signature and the head; exit 0 when the chain is whole, 1 naming the first problem')
    .option('--public-key <file...>', 'also trust this SM2 public key (PEM), kept outside the database')
    .option('--json', 'print {ok, entries, checkpoints, lastCheckpoint, problem: {kind, position, detail} | null}')
    .action(async (options: { publicKey?: string[]; json?: boolean }) => {
      const config = loadConfig();
      const given = await Promise.all((options.publicKey ?? []).map(readTrustedKey));
      // Not openCommandStore: verify appends nothing, so it has nothing to sign when it ends; nor does it need the
      // data keys, so an auditor without the master key can run it with --public-key.
      const store = await openStoreAsItIs(config);
      let verification: AuditVerification;
      try {
        verification = await verifyAuditChain(store.knex, [...given, ...(await keysOfMasterKey(config, store, given.length > 0))]);
      } finally {
        await store.close();
      }
      if (!verification.ok) process.exitCode = 1;
      if (options.json) return printJson(verification);
      const { problem, lastCheckpoint } = verification;
      if (problem) printLine(`audit log broken at position ${problem.position} (${problem.kind}): ${problem.detail}`);
      else printLine(`audit log whole: ${verification.entries} entries, ${verification.checkpoints} signed checkpoints${lastCheckpoint ? `, the last at position ${lastCheckpoint.position} (${lastCheckpoint.at})` : ''}`);
    });

  audit.command('export')
    .description('write the entries of a period with their signed checkpoints and our public keys to a folder, with README.txt and verify.sh, so an auditor can check them with sh and openssl alone')
    .requiredOption('--from <YYYY-MM-DD>', 'first day (Asia/Shanghai)')
    .requiredOption('--to <YYYY-MM-DD>', 'last day, included')
    .requiredOption('--out <dir>', 'a new or empty folder')
    .requiredOption('--purpose <text>', 'why the entries leave the office; recorded in the export\'s own audit entry')
    .option('--json', 'print {out, first, last, checkpoints, keys}')
    .action(async (options: { from: string; to: string; out: string; purpose: string; json?: boolean }) => {
      const purpose = options.purpose.trim();
      if (!purpose) throw new Error('--purpose must say why the entries are exported');
      await withExchange(async (exchange, store, record) => {
        const result = await exportAuditChain(store.knex, {
          from: options.from, to: options.to, purpose, outDir: options.out,
          trustedKeys: (await keysProvenByMasterKey(exchange.ownKeys)).proven,
          checkpointer: createAuditCheckpointer({ knex: store.knex, signingKey: activeSigningKey(exchange.ownKeys, store.knex) }),
        });
        await record({
          action: 'audit.export', outcome: 'ok', resourceType: 'audit-log', resourceId: `${result.first}-${result.last}`,
          detail: `${options.from} to ${options.to}, entries ${result.first}–${result.last}; purpose: ${purpose}`,
        });
        if (options.json) printJson({ out: options.out, ...result });
        else printLine(`${options.out}: entries ${result.first}–${result.last}, ${result.checkpoints} checkpoints, keys ${result.keys.join(', ')}; check with: sh ${options.out}/verify.sh`);
      });
    });
  return audit;
}

async function readTrustedKey(file: string): Promise<Sm2PublicKey> {
  try {
    return prepareSm2PublicKey(parseSm2PublicKey(await readFile(file, 'utf8')));
  } catch (error) {
    throw new Error(`--public-key ${file} is not a readable SM2 public key (PEM): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Our key pairs whose sealed private keys the master key opens. Without a master key, or when it opens none of
 * them, only keys given with --public-key can be trusted — and with none given that is a setup mistake, not a
 * finding about the log.
 */
async function keysOfMasterKey(config: Config, store: StoreConnection, othersGiven: boolean): Promise<Sm2PublicKey[]> {
  const { masterKeyHex, masterKeyFile } = config.exchange;
  if (!masterKeyHex?.trim() && !existsSync(masterKeyFile)) {
    if (othersGiven) return [];
    throw new MasterKeyError(`no master key (JIUZHU_MASTER_KEY, or the file ${masterKeyFile}) to prove our signing keys with; give the key with --public-key instead`);
  }
  const { ownKeys } = createExchange({ knex: store.knex, config: config.exchange, masterKey: loadMasterKey(config.exchange) });
  const { proven, unproven } = await keysProvenByMasterKey(ownKeys);
  if (proven.length === 0 && unproven.length > 0 && !othersGiven) {
    throw new MasterKeyError(`the master key opens none of this store's SM2 key pairs (${unproven.join(', ')}): is it the one they were sealed with?`);
  }
  return proven;
}
