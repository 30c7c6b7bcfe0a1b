import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Fact, HouseholdCreate } from '../../schemas/types/index.js';
import { commandLineActor } from '../../gateway/access/actor.js';
import { genesisHash } from '../../gateway/audit/chain-format.js';
import { computeCheckCharacter } from '../../gateway/identity/id-number.js';
import { registerHousehold } from '../../gateway/register/household-intake.js';

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
      const person = await knex('persons').where('id_number', member.idNumber).first('id');
      await knex('enrolments').where('person_id', person.id).update({ end_date: member.enrolment.endDate, end_reason: 'test' });
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

/** Stores facts as one batch of `source`, as an import would; returns the batch id. */
export async function addFacts(knex: Knex, source: string, facts: FactSpec[]): Promise<number> {
  const [batch] = await knex('batches').insert({
    source, sm3: randomBytes(32).toString('hex'), file_name: `${source}.csv`, status: 'applied', received_at: new Date().toISOString(),
    rows_total: facts.length, accepted: facts.length, actor: 'test',
  }, ['id']);
  const batchId = Number(typeof batch === 'object' ? batch.id : batch);
  if (facts.length > 0) {
    await knex('facts').insert(facts.map((fact, index) => ({
      batch_id: batchId, source, kind: fact.kind, subject_id_number: fact.idNumber, subject_name: fact.name ?? null,
      occurred_on: fact.occurredOn ?? null, period: fact.period ?? null, amount_fen: fact.amountFen ?? null,
      attributes: JSON.stringify(fact.attributes ?? {}), location: `line ${index + 2}`,
    })));
  }
  return batchId;
}

/** Empties everything a monitoring test writes, children first, keeping the regions and code tables; the audit chain starts again. */
export async function clearMonitoringData(knex: Knex): Promise<void> {
  for (const table of ['warning_transitions', 'warning_evidence', 'warnings', 'comparison_matches', 'comparison_runs', 'facts', 'batch_rejects',
    'assistance_records', 'enrolment_events', 'enrolments', 'bank_accounts', 'audit_subjects', 'audit_log', 'audit_checkpoints', 'persons', 'households', 'batches']) {
    await knex(table).delete();
  }
  await knex('audit_head').update({ seq: 0, hash: genesisHash });
}
