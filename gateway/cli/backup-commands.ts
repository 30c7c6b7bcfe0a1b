import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { loadMasterKey } from '../keystore/master-key.js';
import { backupSqliteStore } from '../operations/sqlite-backup.js';
import { restoreSqliteStore } from '../operations/sqlite-restore.js';
import { printJson, printLine } from './output.js';

/** PostgreSQL is backed up and restored with its own tools; docs/operations.md says how. */
function refusePostgres(config: Config, what: string): asserts config is Config & { database: { client: 'sqlite'; filename: string } } {
  if (config.database.client === 'pg') {
    throw new Error(`${what} is for a SQLite store; this one is PostgreSQL (DATABASE_URL): use pg_dump --format=custom and pg_restore, as docs/operations.md ("Backup and restore") shows`);
  }
}

export function backupCommand(): Command {
  return new Command('backup')
    .description('copy the SQLite store to FILE while the gateway keeps serving (SQLite online backup); not the master key: keep that apart')
    .requiredOption('--out <file>', 'the backup file to write')
    .option('--force', 'overwrite FILE if it exists')
    .option('--json', 'print {file, bytes, pages, auditHead} as JSON')
    .action(async (options: { out: string; force?: boolean; json?: boolean }) => {
      const config = loadConfig();
      refusePostgres(config, 'jiuzhu backup');
      const result = await backupSqliteStore(config.database.filename, options.out, { force: options.force });
      if (options.json) printJson(result);
      else printLine(`${result.file}: ${result.bytes} bytes, a consistent copy of ${config.database.filename}`);
    });
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description('replace the SQLite store with a backup, after checking it (integrity, migrations, audit chain); stop the service first')
    .argument('<file>', 'a file written by jiuzhu backup')
    .option('--force', 'replace the store that exists (stop the service first: a store in use is refused)')
    .option('--json', 'print {file, target, auditEntries, checkpoints, pendingMigrations} as JSON')
    .action(async (file: string, options: { force?: boolean; json?: boolean }) => {
      const config = loadConfig();
      refusePostgres(config, 'jiuzhu restore');
      const { masterKeyHex, masterKeyFile } = config.exchange;
      // Not loadMasterKey's default of making a new key: a new key would open nothing in the backup.
      if (!masterKeyHex?.trim() && !existsSync(masterKeyFile)) {
        throw new Error(`no master key (JIUZHU_MASTER_KEY, or the file ${masterKeyFile}): put the master key that goes with the backup in place first`);
      }
      const result = await restoreSqliteStore(file, config.database.filename, { masterKey: loadMasterKey(config.exchange), force: options.force });
      if (options.json) return printJson(result);
      printLine(`${result.target}: restored from ${result.file}; audit chain whole (${result.auditEntries} entries, ${result.checkpoints} signed checkpoints)`);
      if (result.pendingMigrations.length > 0) printLine(`it lacks migration(s) ${result.pendingMigrations.join(', ')} of this release: jiuzhu serve (or jiuzhu migrate) applies them`);
    });
}
