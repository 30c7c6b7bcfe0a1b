import { Command } from 'commander';
import { auditCommand } from './cli/audit-commands.js';
import { discoveriesCommand, visitsCommand } from './cli/casework-commands.js';
import { envelopeCommand, partnersCommand, sm3Command } from './cli/exchange-commands.js';
import { deliveriesCommand } from './cli/delivery-commands.js';
import { deadlinesCommand } from './cli/deadline-commands.js';
import { demoCommand } from './cli/demo-command.js';
import { exportCommand } from './cli/export-commands.js';
import { idCommand } from './cli/id-command.js';
import { indicesCommand } from './cli/index-commands.js';
import { importCommand, sourcesCommand } from './cli/import-commands.js';
import { keysCommand } from './cli/keys-command.js';
import { economicChecksCommand, keyGroupCommand } from './cli/oversight-roster-commands.js';
import { compareCommand, rulesCommand } from './cli/monitoring-commands.js';
import { applicationsCommand, referralsCommand } from './cli/application-commands.js';
import { periodicChecksCommand } from './cli/periodic-check-commands.js';
import { applyCommandLineConventions, failAndExit } from './cli/output.js';
import { signCommand, verifyCommand } from './cli/signature-commands.js';
import { progressCommand } from './cli/progress-command.js';
import { backupCommand, restoreCommand } from './cli/backup-commands.js';
import { packageVersion } from './project-files.js';
import { serveCommand } from './cli/serve-command.js';
import { spotChecksCommand } from './cli/spot-check-commands.js';
import { payrollCommand } from './cli/payroll-command.js';
import { supervisionCommand } from './cli/supervision-commands.js';
import { reportCommand } from './cli/report-command.js';
import { statisticsCommand } from './cli/statistics-command.js';
import { migrateCommand, seedCommand } from './cli/store-commands.js';
import { warningsCommand } from './cli/warning-commands.js';

/**
 * `jiuzhu`: every command takes --help; every command that reports takes --json. Configuration comes from
 * the environment: JIUZHU_DB (SQLite file, default ./data/jiuzhu.db), DATABASE_URL (PostgreSQL, wins when
 * set), HOST, PORT, LOG_LEVEL.
 */
const program = new Command('jiuzhu')
  .description('jiuzhu (救助) — social-assistance interop gateway: the low-income register, department feeds, monitoring, reports')
  .addHelpText('after', '\nEnvironment: JIUZHU_DB (SQLite file, default ./data/jiuzhu.db), DATABASE_URL (PostgreSQL; wins when set), HOST, PORT (default 127.0.0.1:8080), LOG_LEVEL, JIUZHU_RULES (rule set file, default config/rules/default.json)')
  .version(packageVersion(), '-V, --version', 'print the version of jiuzhu')
  .showHelpAfterError()
  // Lets a command's subcommands take an option of the same name as the command's own (payroll --month, payroll submit --month).
  .enablePositionalOptions()
  .addCommand(serveCommand())
  .addCommand(migrateCommand())
  .addCommand(backupCommand())
  .addCommand(restoreCommand())
  .addCommand(seedCommand())
  .addCommand(demoCommand())
  .addCommand(keysCommand())
  .addCommand(auditCommand())
  .addCommand(sourcesCommand())
  .addCommand(importCommand())
  .addCommand(compareCommand())
  .addCommand(rulesCommand())
  .addCommand(warningsCommand())
  .addCommand(deadlinesCommand())
  .addCommand(visitsCommand())
  .addCommand(discoveriesCommand())
  .addCommand(economicChecksCommand())
  .addCommand(keyGroupCommand())
  .addCommand(referralsCommand())
  .addCommand(applicationsCommand())
  .addCommand(periodicChecksCommand())
  .addCommand(indicesCommand())
  .addCommand(statisticsCommand())
  .addCommand(reportCommand())
  .addCommand(payrollCommand())
  .addCommand(supervisionCommand())
  .addCommand(spotChecksCommand())
  .addCommand(progressCommand())
  .addCommand(exportCommand())
  .addCommand(deliveriesCommand())
  .addCommand(partnersCommand())
  .addCommand(envelopeCommand())
  .addCommand(sm3Command())
  .addCommand(signCommand())
  .addCommand(verifyCommand())
  .addCommand(idCommand());

applyCommandLineConventions(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  failAndExit(error);
}
