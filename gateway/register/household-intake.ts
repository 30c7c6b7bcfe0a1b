import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import { rolePolicies } from '../access/role-policy.js';
import { ProblemError, type FieldError } from '../errors.js';
import { checkIdNumber } from '../identity/id-number.js';
import { violatedConstraint } from '../store/database-errors.js';
import { codeName, isBasicLivingCategory, isKnownCode, loadCodeTables } from '../store/reference-data/code-tables.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { upsertBankAccount } from '../store/repositories/bank-accounts.js';
import { insertEnrolment } from '../store/repositories/enrolments.js';
import { householdNoExists, insertHousehold } from '../store/repositories/households.js';
import { canonicalPhone } from '../store/personal-data.js';
import { insertPerson, registeredIdNumbers } from '../store/repositories/persons.js';
import { findRegions } from '../store/repositories/regions.js';
import type { HouseholdCreate, MemberInput } from '../../schemas/types/index.js';

/** Member fields coded with a national table: field name → code table id. */
const codedMemberFields = {
  relation: 'relation',
  ethnicity: 'ethnicity',
  maritalStatus: 'marital-status',
  health: 'health',
  disabilityCategory: 'disability-category',
  disabilityGrade: 'disability-grade',
  labourAbility: 'labour-ability',
  selfCareAbility: 'self-care-ability',
} as const satisfies Partial<Record<keyof MemberInput, string>>;

/** GB/T 4761: 02 户主, or 01 本人 where the head is the only member. */
const headRelations = new Set(['01', '02']);

/**
 * Adds a household with its members, their benefit accounts and enrolments: every field is checked
 * first and all failures are reported together; then everything is written in one transaction with its
 * audit line, or nothing is.
 */
export async function registerHousehold(knex: Knex, actor: Actor, input: HouseholdCreate): Promise<number> {
  if (!rolePolicies[actor.role].writeRegister) {
    throw new ProblemError('forbidden', `role ${actor.role} cannot change the register`);
  }
  const idNumbers = canonicalIdNumbers(input.members);
  await checkRegions(knex, actor, input);
  checkMembers(input.members, idNumbers);

  try {
    return await knex.transaction(async (trx) => {
      await refuseExisting(trx, input, idNumbers);
      const householdNo = input.householdNo ?? (await newHouseholdNo(trx, input.registeredRegionCode));
      const householdId = await insertHousehold(trx, {
        householdNo,
        registeredRegion: input.registeredRegionCode,
        residenceRegion: input.residenceRegionCode,
        address: input.address,
        monthlyIncomeFen: input.monthlyIncomeFen ?? null,
      });
      const personIds: number[] = [];
      for (const [index, member] of input.members.entries()) {
        const identity = idNumbers[index]!;
        const personId = await insertPerson(trx, {
          householdId,
          idNumber: identity.idNumber,
          name: member.name.trim(),
          gender: identity.gender === 'male' ? '1' : '2',
          birthDate: identity.birthDate,
          relation: member.relation,
          ethnicity: member.ethnicity ?? null,
          maritalStatus: member.maritalStatus ?? null,
          health: member.health ?? null,
          disabilityCategory: member.disabilityCategory ?? null,
          disabilityGrade: member.disabilityGrade ?? null,
          labourAbility: member.labourAbility ?? null,
          selfCareAbility: member.selfCareAbility ?? null,
          monthlyIncomeFen: member.monthlyIncomeFen ?? null,
          phone: member.phone === undefined ? null : canonicalPhone(member.phone),
        });
        personIds.push(personId);
        if (member.bankAccount) await upsertBankAccount(trx, personId, member.bankAccount);
        for (const enrolment of member.enrolments ?? []) {
          await insertEnrolment(trx, {
            personId,
            householdId,
            category: enrolment.category,
            regionCode: input.registeredRegionCode,
            startDate: enrolment.startDate,
            endDate: enrolment.endDate ?? null,
            endReason: null,
            monthlyAmountFen: enrolment.monthlyAmountFen ?? null,
            tekunSupport: enrolment.tekunSupport ?? null,
          }, actor.label);
        }
      }
      await recordAudit(trx, actor, {
        action: 'household.create',
        outcome: 'ok',
        resourceType: 'household',
        resourceId: String(householdId),
        regionCode: input.registeredRegionCode,
        subjectPersonIds: personIds,
      });
      return householdId;
    });
  } catch (error) {
    throw asRegisterProblem(error);
  }
}

interface CanonicalIdentity {
  idNumber: string;
  gender: 'male' | 'female';
  birthDate: string;
}

function canonicalIdNumbers(members: readonly MemberInput[]): CanonicalIdentity[] {
  const errors: FieldError[] = [];
  const identities = members.map((member, index) => {
    const result = checkIdNumber(member.idNumber);
    if (!result.ok) {
      errors.push({ in: 'body', pointer: `/members/${index}/idNumber`, detail: result.reason });
      return { idNumber: '', gender: 'male' as const, birthDate: '' };
    }
    return { idNumber: result.idNumber, gender: result.gender, birthDate: result.birthDate };
  });
  if (errors.length > 0) {
    throw new ProblemError('invalid-id-number', `${errors.length} member ID number(s) are invalid`, errors);
  }
  return identities;
}

async function checkRegions(knex: Knex, actor: Actor, input: HouseholdCreate): Promise<void> {
  const fields = [
    ['registeredRegionCode', input.registeredRegionCode],
    ['residenceRegionCode', input.residenceRegionCode],
  ] as const;
  const known = await findRegions(knex, fields.map(([, code]) => code));
  const unknown: FieldError[] = [];
  for (const [field, code] of fields) {
    const region = known.get(code);
    if (!region) unknown.push({ in: 'body', pointer: `/${field}`, detail: `region ${code} is not in the register` });
    else if (region.level === 'county') unknown.push({ in: 'body', pointer: `/${field}`, detail: `${code} is a county; give the township or village` });
  }
  if (unknown.length > 0) throw new ProblemError('unknown-region', 'the household’s regions must be townships or villages in the register', unknown);
  if (!fields.some(([, code]) => isWithinScope(actor.regionCode, code))) {
    throw new ProblemError('out-of-scope', `the household is neither registered nor living within ${actor.regionCode}`);
  }
}

function checkMembers(members: readonly MemberInput[], identities: readonly CanonicalIdentity[]): void {
  const errors: FieldError[] = [];
  members.forEach((member, index) => {
    for (const [field, table] of Object.entries(codedMemberFields)) {
      const value = member[field as keyof typeof codedMemberFields];
      if (value !== undefined && !isKnownCode(table, value)) {
        errors.push({ in: 'body', pointer: `/members/${index}/${field}`, detail: `${value} is not a code of ${loadCodeTables().get(table)?.title ?? table}` });
      }
    }
  });
  if (errors.length > 0) throw new ProblemError('unknown-code', `${errors.length} coded value(s) are not in their code tables`, errors);

  const inconsistencies: FieldError[] = [];
  const heads = members.flatMap((m, i) => (headRelations.has(m.relation) ? [i] : []));
  if (heads.length !== 1) {
    inconsistencies.push({ in: 'body', pointer: '/members', detail: `a household has exactly one head (relation 02 户主 or 01 本人); found ${heads.length}` });
  }
  const seen = new Map<string, number>();
  identities.forEach((identity, index) => {
    const first = seen.get(identity.idNumber);
    if (first !== undefined) {
      inconsistencies.push({ in: 'body', pointer: `/members/${index}/idNumber`, detail: `same person as /members/${first}` });
    }
    seen.set(identity.idNumber, index);
  });
  members.forEach((member, index) => {
    if ((member.disabilityCategory === undefined) !== (member.disabilityGrade === undefined)) {
      inconsistencies.push({ in: 'body', pointer: `/members/${index}/disabilityGrade`, detail: 'disability category and grade come together' });
    }
    checkEnrolmentSpans(member, index, inconsistencies);
  });
  if (inconsistencies.length > 0) throw new ProblemError('inconsistent-household', 'the household’s members contradict each other', inconsistencies);
}

function checkEnrolmentSpans(member: MemberInput, index: number, errors: FieldError[]): void {
  const basic = (member.enrolments ?? [])
    .map((enrolment, position) => ({ enrolment, position }))
    .filter(({ enrolment }) => isBasicLivingCategory(enrolment.category));
  (member.enrolments ?? []).forEach((enrolment, position) => {
    if (enrolment.endDate !== undefined && enrolment.endDate < enrolment.startDate) {
      errors.push({ in: 'body', pointer: `/members/${index}/enrolments/${position}/endDate`, detail: 'ends before it starts' });
    }
  });
  for (let a = 0; a < basic.length; a++) {
    for (let b = a + 1; b < basic.length; b++) {
      const x = basic[a]!;
      const y = basic[b]!;
      if (x.enrolment.startDate <= (y.enrolment.endDate ?? '9999-12-31') && y.enrolment.startDate <= (x.enrolment.endDate ?? '9999-12-31')) {
        errors.push({
          in: 'body',
          pointer: `/members/${index}/enrolments/${y.position}`,
          detail: `overlaps /members/${index}/enrolments/${x.position}: a person holds one basic-living category (${codeName('assistance-category', x.enrolment.category)}) at a time`,
        });
      }
    }
  }
}

async function refuseExisting(trx: Knex.Transaction, input: HouseholdCreate, identities: readonly CanonicalIdentity[]): Promise<void> {
  if (input.householdNo && (await householdNoExists(trx, input.householdNo))) {
    throw new ProblemError('household-exists', `household ${input.householdNo} is already registered`, [{ in: 'body', pointer: '/householdNo', detail: 'already registered' }]);
  }
  const existing = await registeredIdNumbers(trx, identities.map((i) => i.idNumber));
  const errors = identities.flatMap((identity, index) =>
    existing.has(identity.idNumber) ? [{ in: 'body' as const, pointer: `/members/${index}/idNumber`, detail: 'this person is already in the register' }] : [],
  );
  if (errors.length > 0) throw new ProblemError('person-exists', `${errors.length} member(s) are already in the register`, errors);
}

/** 户编号 for households created by API: the county code, 'A', and 10 random base-32 characters. */
async function newHouseholdNo(trx: Knex.Transaction, regionCode: string): Promise<string> {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  for (;;) {
    const random = [...randomBytes(10)].map((b) => alphabet[b % 32]).join('');
    const candidate = `${regionCode.slice(0, 6)}A${random}`;
    if (!(await householdNoExists(trx, candidate))) return candidate;
  }
}

/** The database's own guards (unique keys, the enrolment trigger) catch what a concurrent writer slipped past the checks above. */
function asRegisterProblem(error: unknown): unknown {
  if (error instanceof ProblemError) return error;
  const constraint = violatedConstraint(error);
  if (constraint?.kind === 'trigger' && constraint.name.includes('basic-living')) {
    return new ProblemError('enrolment-overlap', 'a member already holds a basic-living category for part of that span');
  }
  if (constraint?.kind === 'unique' && constraint.name.includes('id_key')) {
    return new ProblemError('person-exists', 'a member was added to the register meanwhile');
  }
  if (constraint?.kind === 'unique' && constraint.name.includes('household_no')) {
    return new ProblemError('household-exists', 'the household number was taken meanwhile');
  }
  return error;
}
