import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExchangeConfig } from '../config.js';

/**
 * The master key that seals our private keys in the database. JIUZHU_MASTER_KEY (64 hex digits) wins; else a
 * key file, created on first use with mode 0600. A copy of the database without it yields no private key.
 * Deployments with several gateway processes give each the same key (environment or mounted file); a
 * certified crypto module or HSM (GM/T 0028, GM/T 0018) is the step beyond this, see README.
 */
export function loadMasterKey(config: Pick<ExchangeConfig, 'masterKeyHex' | 'masterKeyFile'>, options: { create?: boolean } = { create: true }): Buffer {
  const fromEnvironment = config.masterKeyHex?.trim();
  if (fromEnvironment) return parseMasterKey(fromEnvironment, 'JIUZHU_MASTER_KEY');
  if (existsSync(config.masterKeyFile)) return parseMasterKey(readFileSync(config.masterKeyFile, 'utf8').trim(), config.masterKeyFile);
  // A store restored without its key file must not get a new key that opens none of its sealed keys.
  if (!options.create) throw new MasterKeyError(`no master key: JIUZHU_MASTER_KEY is unset and ${config.masterKeyFile} does not exist; restore the key this store was made with (JIUZHU_MASTER_KEY_FILE says where it is)`);
  mkdirSync(dirname(config.masterKeyFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(config.masterKeyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function parseMasterKey(hex: string, where: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new MasterKeyError(`${where} must hold 64 hex digits (32 bytes)`);
  return Buffer.from(hex, 'hex');
}

/** The master key is missing or unreadable: the CLI's key exit status, not an input error (docs/cli.md). */
export class MasterKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MasterKeyError';
  }
}
