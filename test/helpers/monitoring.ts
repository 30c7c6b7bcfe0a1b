import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Fact, HouseholdCreate } from '../../schemas/types/index.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { genesisHash } from '../../gateway/audit/chain-format.js';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';
import { attributesAtRest } from '../../gateway/store/fact-attributes.js';
import { linkBatchFactsSql } from '../../gateway/store/fact-persons.js';
import { typedAttributeRecord } from '../../gateway/store/typed-attributes.js';
import { idNumberKey, keyringOf, storeIdNumbers } from '../../gateway/store/personal-data.js';
import { findPersonByIdNumber } from '../../gateway/store/repositories/persons.js';

/**
 * A valid ID number issued in `region` (6 digits) for a birth date and a sequence number, so each test person is
 * distinct and readable: idNumber('640121', '1970-03-05', 1).
 */
export function idNumber(region: string, birthDate: string, sequence: number): string {
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + computeCheckCharacter(first17);
}

export interface MemberSpec {
  idNumber: string;
  name: string;
  /** A basic-living or other enrolment, active from startDate (until endDate when given). */
  enrolment?: { category: string; startDate: string; endDate?: string };
  disabilityGrade?: string;
}

/** Registers a household living in `village` (12 digits) with the given members; the first is the head. */
export async function addHousehold(knex: Knex, village: string, members: MemberSpec[]): Promise<number> {
  const body: HouseholdCreate = {
    registeredRegionCode: village,
    residenceRegionCode: village,
    address: '测试村一组1号',
    monthlyIncomeFen: 50_000,
    members: members.map((member, index) => ({
      idNumber: member.idNumber,
      name: member.name,
      relation: index === 0 ? '02' : '30',
      ...(member.disabilityGrade ? { disabilityCategory: '4', disabilityGrade: member.disabilityGrade } : {}),
      ...(member.enrolment ? { enrolments: [{ category: member.enrolment.category, startDate: member.enrolment.startDate, monthlyAmountFen: 60_000 }] } : {}),
    })) as HouseholdCreate['members'],
  };
  const householdId = await registerHousehold(knex, commandLineActor('test'), body);
  for (const member of members) {
    if (member.enrolment?.endDate) {
      const person = await findPersonByIdNumber(knex, member.idNumber);
      await knex('enrolments').where('person_id', person!.id).update({ end_date: member.enrolment.endDate, end_reason: 'test' });
    }
  }
  return householdId;
}

export type FactSpec = Pick<Fact, 'kind' | 'attributes'> & {
  idNumber: string;
  name?: string;
  occurredOn?: string;
  period?: string;
  amountFen?: number;
};

/** Stores facts as one batch of `source`, linked to register persons, as an import would (uploaded by a nationwide key unless `regionCode`); returns the batch id. */
export async function addFacts(knex: Knex, source: string, facts: FactSpec[], regionCode = '000000'): Promise<number> {
  const [batch] = await knex('batches').insert({
    source, sm3: randomBytes(32).toString('hex'), file_name: `${source}.csv`, status: 'applied', received_at: new Date().toISOString(),
    rows_total: facts.length, accepted: facts.length, actor: 'test', region_code: regionCode,
  }, ['id']);
  const batchId = Number(typeof batch === 'object' ? batch.id : batch);
  if (facts.length > 0) {
    const keyring = keyringOf(knex);
    const subjects = storeIdNumbers(keyring, facts.map((fact) => fact.idNumber));
    // A store migrated only up to an earlier release (a migration's test) has no typed attribute columns yet.
    const typed = await knex.schema.hasColumn('facts', 'attr_code');
    await knex('facts').insert(facts.map((fact, index) => ({
      batch_id: batchId, source, kind: fact.kind, subject_key: subjects[index]!.key, subject_cipher: subjects[index]!.cipher, subject_region: subjects[index]!.regionCode,
      subject_birth_date: subjects[index]!.birthDate, subject_sex: subjects[index]!.sex, subject_name: fact.name ?? null,
      occurred_on: fact.occurredOn ?? null, period: fact.period ?? null, amount_fen: fact.amountFen ?? null,
      attributes: attributesAtRest(fact.kind, fact.attributes ?? {}, keyring), location: `line ${index + 2}`,
      ...(typed ? typedAttributeRecord(fact.kind, fact.attributes ?? {}) : {}),
    })));
    await knex.raw(linkBatchFactsSql, [batchId]);
  }
  return batchId;
}

/** Empties everything a monitoring test writes, children first, keeping the regions and code tables; the audit chain starts again. */
export async function clearMonitoringData(knex: Knex): Promise<void> {
  for (const table of ['warning_transitions', 'warning_evidence', 'warnings', 'comparison_matches', 'comparison_runs', 'facts', 'batch_rejects',
    'assistance_records', 'enrolment_events', 'enrolments', 'bank_accounts', 'audit_subjects', 'audit_log', 'audit_checkpoints', 'household_income_changes', 'persons', 'households', 'batches']) {
    await knex(table).delete();
  }
  await knex('audit_head').update({ seq: 0, hash: genesisHash });
}

/** The blind index a test store files an ID number under, to find its rows (facts.subject_key, warnings.subject_key, …). */
export function keyOf(knex: Knex, idNumber: string): string {
  return idNumberKey(keyringOf(knex), idNumber);
}

/** The id of the register person with this ID number (found by its blind index, as the gateway finds it). */
export async function personIdOf(knex: Knex, idNumber: string): Promise<number> {
  const person = await findPersonByIdNumber(knex, idNumber);
  if (!person) throw new Error(`no person ${idNumber.slice(0, 6)}… in the test store`);
  return person.id;
}

/** Rows that carry a subject ciphertext, with the ID number decrypted beside them as `subject` (tests read what the gateway shows). */
export async function withSubjects<T extends { subject_cipher: string | null }>(knex: Knex, rows: T[]): Promise<(T & { subject: string | null })[]> {
  const idNumbers = await keyringOf(knex).decryptMany(rows.map((row) => row.subject_cipher));
  return rows.map((row, index) => ({ ...row, subject: idNumbers[index] ?? null }));
}

/** A subject's columns as the store keeps them (warnings, referral and discovery cases), for tests that insert rows directly. */
export function subjectColumns(knex: Knex, idNumber: string): { subject_key: string; subject_cipher: string; subject_region: string } {
  return { subject_key: keyOf(knex, idNumber), subject_cipher: keyringOf(knex).encrypt(idNumber), subject_region: idNumber.slice(0, 6) };
}
