import { createHash } from 'node:crypto';
import type { Actor } from '../access/actor.js';
import type { Store } from '../store/connect.js';
import { openBulkWriter, type BulkTable } from '../store/bulk/bulk-writer.js';
import { basicLivingOverlapCheck } from '../store/enrolment-guard.js';
import { factLinkLockSql, linkUnlinkedFactsSql } from '../store/fact-persons.js';
import { canonicalAccountNumber, idNumberKey } from '../store/personal-data.js';
import { appendAuditEntry } from '../store/repositories/audit-log.js';
import { loadCountyRegions } from '../store/reference-data/sync.js';
import { generateCountyHouseholds } from './generate-county.js';

/**
 * Bump when the generator's output changes for the same options, so re-seeding with the same --seed
 * after an upgrade is a new batch rather than a silent "duplicate".
 */
export const demoGeneratorVersion = 2;

export interface SeedOptions {
  countyCode: string;
  households: number;
  seed: number;
  /** The 'today' of the generated data (YYYY-MM-DD), so the same options always give the same data. */
  asOf: string;
}

export interface SeedResult {
  batchId: number;
  duplicate: boolean;
  households: number;
  persons: number;
  enrolments: number;
  assistanceRecords: number;
}

const tables: BulkTable[] = [
  { name: 'batches', keepIndexes: true, columns: ['id', 'source', 'period', 'sm3', 'file_name', 'status', 'received_at', 'rows_total', 'accepted', 'rejected', 'skipped', 'refusal', 'actor'] },
  { name: 'households', columns: ['id', 'household_no', 'registered_region', 'residence_region', 'address', 'monthly_income_fen', 'batch_id', 'created_at', 'updated_at'] },
  {
    name: 'persons',
    columns: ['id', 'household_id', 'id_key', 'id_cipher', 'phone_cipher', 'name', 'gender', 'birth_date', 'relation', 'ethnicity', 'marital_status', 'health',
      'disability_category', 'disability_grade', 'labour_ability', 'self_care_ability', 'monthly_income_fen', 'created_at', 'updated_at'],
  },
  { name: 'bank_accounts', columns: ['id', 'person_id', 'bank_name', 'account_key', 'account_cipher', 'account_name', 'updated_at'] },
  { name: 'enrolments', columns: ['id', 'person_id', 'household_id', 'category', 'region_code', 'start_date', 'end_date', 'end_reason', 'monthly_amount_fen', 'tekun_support', 'batch_id', 'created_at', 'updated_at'] },
  { name: 'assistance_records', columns: ['id', 'person_id', 'household_id', 'department', 'assistance_type', 'amount_fen', 'assisted_on', 'note', 'batch_id', 'created_at'] },
];

/**
 * Generates a demo county and loads it as one batch in one transaction. The batch is keyed by the SM3 of
 * the options, like any incoming file: seeding the same county with the same seed twice adds nothing.
 */
export async function seedDemoCounty(
  store: Store,
  actor: Actor,
  options: SeedOptions,
  onProgress?: (householdsDone: number) => void,
): Promise<SeedResult> {
  const county = loadCountyRegions(options.countyCode);
  const digest = createHash('sm3')
    .update(JSON.stringify({ generator: demoGeneratorVersion, county: options.countyCode, households: options.households, seed: options.seed, asOf: options.asOf }))
    .digest('hex');
  const existing = await store.knex('batches').where('sm3', digest).first('id', 'accepted');
  if (existing) {
    return { batchId: existing.id, duplicate: true, households: 0, persons: 0, enrolments: 0, assistanceRecords: 0 };
  }

  const now = new Date().toISOString();
  const writer = await openBulkWriter(store, tables, { rebuildWhenEmpty: true, checks: [basicLivingOverlapCheck] });
  const counts = { households: 0, persons: 0, enrolments: 0, assistanceRecords: 0 };
  let batchId: number;
  try {
    batchId = writer.nextId('batches');
    await writer.write('batches', [batchId, 'demo-seed', null, digest, `demo ${options.countyCode} ×${options.households} seed ${options.seed}`, 'applied', now, 0, 0, 0, 0, null, actor.label]);
    for (const households of inChunks(generateCountyHouseholds({ county, households: options.households, seed: options.seed, asOf: options.asOf }), 1000)) {
      // A thousand households' ID numbers, phones and accounts are encrypted in one SM4 call.
      const members = households.flatMap((household) => household.members);
      const ciphers = store.keyring.encryptMany(members.flatMap((member) => [member.idNumber, member.phone, member.bankAccount?.accountNumber ?? null]));
      let at = 0;
      for (const household of households) {
        const householdId = writer.nextId('households');
        await writer.write('households', [householdId, household.householdNo, household.registeredRegionCode, household.residenceRegionCode, household.address, household.monthlyIncomeFen, batchId, now, now]);
        for (const member of household.members) {
          const [idCipher, phoneCipher, accountCipher] = ciphers.slice(3 * at, 3 * at + 3);
          at += 1;
          const personId = writer.nextId('persons');
          await writer.write('persons', [personId, householdId, idNumberKey(store.keyring, member.idNumber), idCipher!, phoneCipher ?? null, member.name, member.gender, member.birthDate,
            member.relation, member.ethnicity, member.maritalStatus, member.health, member.disabilityCategory, member.disabilityGrade, member.labourAbility, member.selfCareAbility,
            member.monthlyIncomeFen, now, now]);
          if (member.bankAccount) {
            await writer.write('bank_accounts', [writer.nextId('bank_accounts'), personId, member.bankAccount.bankName,
              store.keyring.blindIndex('bank-account', canonicalAccountNumber(member.bankAccount.accountNumber)), accountCipher!, member.bankAccount.accountName, now]);
          }
          for (const enrolment of member.enrolments) {
            // No enrolment_events here: a seeded enrolment's history is its own dates plus its batch.
            await writer.write('enrolments', [writer.nextId('enrolments'), personId, householdId, enrolment.category, household.registeredRegionCode, enrolment.startDate,
              enrolment.endDate, enrolment.endReason, enrolment.monthlyAmountFen, tekunSupportOf(enrolment.category, member.selfCareAbility), batchId, now, now]);
            counts.enrolments += 1;
          }
          for (const record of member.assistance) {
            await writer.write('assistance_records', [writer.nextId('assistance_records'), personId, householdId, record.department, record.assistanceType, record.amountFen, record.assistedOn, null, batchId, now]);
            counts.assistanceRecords += 1;
          }
          counts.persons += 1;
        }
        counts.households += 1;
        if (onProgress && counts.households % 10_000 === 0) onProgress(counts.households);
      }
    }
    await writer.run('UPDATE batches SET rows_total = ?, accepted = ? WHERE id = ?', [counts.persons, counts.persons, batchId]);
    // Facts already received about the people just seeded point at them now (fact-persons.ts).
    const linkLock = factLinkLockSql(store.dialect);
    if (linkLock) await writer.run(linkLock, []);
    await writer.run(linkUnlinkedFactsSql, []);
    // Last before commit: from here the audit head stays locked until the load commits.
    await appendAuditEntry(writer, actor, {
      action: 'demo.seed', outcome: 'ok', resourceType: 'batch', resourceId: String(batchId), regionCode: options.countyCode,
      detail: `${counts.households} households, ${counts.persons} persons (seed ${options.seed}, as of ${options.asOf})`,
    });
    await writer.commit();
  } catch (error) {
    await writer.rollback();
    throw error;
  }
  return { batchId, duplicate: false, ...counts };
}

function* inChunks<T>(items: Iterable<T>, size: number): Iterable<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * 供养方式 of a demo 特困 enrolment: a person who cannot look after themselves (全护理) lives in an institution (集中),
 * the others at home (分散) — the usual pattern, not a rule; without a draw, so the demo's other values stay as they were.
 */
function tekunSupportOf(category: string, selfCareAbility: string | null): string | null {
  if (!['130', '131', '132'].includes(category)) return null;
  return selfCareAbility === '3' ? 'concentrated' : 'dispersed';
}
