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
import * as regionBoundedWrites from './012-region-bounded-writes.js';
import * as auditChain from './013-audit-chain.js';
import * as dataKeys from './014-data-keys.js';
import { personalDataAtRest, type PersonalDataMigrationContext } from './015-personal-data-at-rest.js';
import * as filingRound from './016-filing-round.js';
import * as payroll from './017-payroll.js';
import * as supervision from './018-supervision.js';
import * as spotChecks from './020-spot-checks.js';
import * as keyGroupRoster from './021-key-group-roster.js';
import * as restatingIncome from './022-restating-income.js';
import * as supervisionDocuments from './023-supervision-documents.js';
import * as oneCity from './024-one-city.js';
import * as factsAttributesJsonb from './025-facts-attributes-jsonb.js';
import * as factsTypedAttributes from './026-facts-typed-attributes.js';
import * as factsLinkedToRegister from './027-facts-linked-to-register.js';

/**
 * Migrations are imported, not discovered on disk, so they run the same under tsx, vitest and a
 * bundled build. Append new ones; never edit one that has shipped. Those that need more than the database (015
 * encrypts what a store already holds, with the master key) are made from the context migrateToLatest is given.
 */
export type MigrationContext = PersonalDataMigrationContext;

const migrationsFor = (context: MigrationContext): Record<string, Knex.Migration> => ({
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
  '012-region-bounded-writes': regionBoundedWrites,
  '013-audit-chain': auditChain,
  '014-data-keys': dataKeys,
  '015-personal-data-at-rest': personalDataAtRest(context),
  '016-filing-round': filingRound,
  '017-payroll': payroll,
  '018-supervision': supervision,
  '020-spot-checks': spotChecks,
  '021-key-group-roster': keyGroupRoster,
  '022-restating-income': restatingIncome,
  '023-supervision-documents': supervisionDocuments,
  '024-one-city': oneCity,
  '025-facts-attributes-jsonb': factsAttributesJsonb,
  '026-facts-typed-attributes': factsTypedAttributes,
  '027-facts-linked-to-register': factsLinkedToRegister,
});

function sourceFor(context: MigrationContext, upTo?: string): Knex.MigrationSource<string> {
  const migrations = migrationsFor(context);
  const names = Object.keys(migrations);
  if (upTo !== undefined && !names.includes(upTo)) throw new Error(`unknown migration ${upTo}`);
  return {
    getMigrations: async () => (upTo === undefined ? names : names.slice(0, names.indexOf(upTo) + 1)),
    getMigrationName: (name) => name,
    getMigration: async (name) => {
      const migration = migrations[name];
      if (!migration) throw new Error(`unknown migration ${name}`);
      return migration;
    },
  };
}

/** Applies every migration not applied yet — or, with `upTo`, those up to and including it (tests of a later one). */
export async function migrateToLatest(knex: Knex, context: MigrationContext = {}, upTo?: string): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource: sourceFor(context, upTo) })) as [number, string[]];
  return applied;
}

/** The migrations a store still lacks, by name: none when it is current. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list({ migrationSource: sourceFor({}) })) as [unknown[], string[]];
  return pending;
}
