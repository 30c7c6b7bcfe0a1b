import type { Knex } from 'knex';
import * as register from './001-register.js';
import * as keystore from './002-keystore.js';
import * as facts from './003-facts.js';
import * as deliveries from './004-deliveries.js';
import * as monitoring from './005-monitoring.js';
import * as warningWorkflow from './006-warning-workflow.js';
import * as discoveryAndVisits from './007-discovery-and-visits.js';
import * as referralsAndApplications from './008-referrals-and-applications.js';
import * as factsIndexes from './009-facts-indexes.js';
import * as caseworkDeadlines from './010-casework-deadlines.js';
import * as factsMonthIndex from './011-facts-month-index.js';
import * as auditChain from './013-audit-chain.js';

/**
 * Migrations are imported, not discovered on disk, so they run the same under tsx, vitest and a
 * bundled build. Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Knex.Migration> = {
  '001-register': register,
  '002-keystore': keystore,
  '003-facts': facts,
  '004-deliveries': deliveries,
  '005-monitoring': monitoring,
  '006-warning-workflow': warningWorkflow,
  '007-discovery-and-visits': discoveryAndVisits,
  '008-referrals-and-applications': referralsAndApplications,
  '009-facts-indexes': factsIndexes,
  '010-casework-deadlines': caseworkDeadlines,
  '011-facts-month-index': factsMonthIndex,
  // 012 is taken by a change on another branch.
  '013-audit-chain': auditChain,
};

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};

export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}
