import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isHouseholdInScope } from '../access/region-scope.js';
import { displayAccountNumber, displayIdNumber, displayPhone } from '../access/masking.js';
import { requireCapability, type RolePolicy } from '../access/role-policy.js';
import { ProblemError } from '../errors.js';
import { checkIdNumber } from '../identity/id-number.js';
import { codeName } from '../store/reference-data/code-tables.js';
import { assistanceRecordsOfPerson } from '../store/repositories/assistance-records.js';
import { bankAccountsOfPersons } from '../store/repositories/bank-accounts.js';
import { enrolmentsOfPersons, type EnrolmentRow } from '../store/repositories/enrolments.js';
import { findHousehold, listHouseholds, type HouseholdListQuery, type HouseholdRow } from '../store/repositories/households.js';
import { findPersonByIdNumber, personsOfHouseholds, type PersonRow } from '../store/repositories/persons.js';
import { findRegions } from '../store/repositories/regions.js';
import type { AssistanceChain } from '../../schemas/types/index.js';
import type { BankAccount } from '../../schemas/types/index.js';
import type { Enrolment } from '../../schemas/types/index.js';
import type { Household } from '../../schemas/types/index.js';
import type { HouseholdSummary } from '../../schemas/types/index.js';
import type { Person } from '../../schemas/types/index.js';
import { readTogether } from '../store/reads-together.js';

/** What a read returns, and whose personal data it showed: the route puts those persons in the audit log. */
export interface Viewed<T> {
  view: T;
  subjectPersonIds: number[];
  regionCode?: string;
}

/** Out of scope reads look exactly like missing ones, so a key cannot probe who is registered elsewhere. */
export async function viewHousehold(knex: Knex, actor: Actor, householdId: number): Promise<Viewed<Household>> {
  const policy = requireCapability(actor, 'readPersonalData', 'see personal data');
  const household = await findHousehold(knex, householdId);
  if (!household || !isHouseholdInScope(actor.regionCode, household)) throw new ProblemError('not-found', `no household ${householdId} within ${actor.regionCode}`);
  const persons = await personsOfHouseholds(knex, [household.id]);
  const ids = persons.map((p) => p.id);
  const [enrolments, accounts, regions] = await readTogether(
    knex,
    () => enrolmentsOfPersons(knex, ids),
    () => bankAccountsOfPersons(knex, ids),
    () => findRegions(knex, [household.registeredRegion, household.residenceRegion]),
  );
  const view: Household = {
    id: household.id,
    householdNo: household.householdNo,
    registeredRegion: { code: household.registeredRegion, name: regions.get(household.registeredRegion)?.fullName ?? '' },
    residenceRegion: { code: household.residenceRegion, name: regions.get(household.residenceRegion)?.fullName ?? '' },
    address: household.address,
    monthlyIncomeFen: household.monthlyIncomeFen,
    members: persons.map((p) => presentPerson(p, policy, enrolments, accounts.get(p.id) ?? null)),
  };
  return { view, subjectPersonIds: ids, regionCode: household.registeredRegion };
}

export async function viewHouseholdList(knex: Knex, actor: Actor, query: Omit<HouseholdListQuery, 'scopeRegionCode'>): Promise<Viewed<HouseholdSummary[]>> {
  requireCapability(actor, 'readPersonalData', 'see personal data');
  const rows = await listHouseholds(knex, { ...query, scopeRegionCode: actor.regionCode });
  const ids = rows.map((r) => r.id);
  const persons = await personsOfHouseholds(knex, ids);
  const current = (await enrolmentsOfPersons(knex, persons.map((p) => p.id))).filter((e) => e.endDate === null);
  const view = rows.map((r) => ({
    id: r.id,
    householdNo: r.householdNo,
    registeredRegionCode: r.registeredRegion,
    residenceRegionCode: r.residenceRegion,
    headName: r.headName,
    memberCount: r.memberCount,
    categories: [...new Set(current.filter((e) => e.householdId === r.id).map((e) => e.category))].sort(),
  }));
  return { view, subjectPersonIds: persons.filter((p) => p.relation === '01' || p.relation === '02').map((p) => p.id) };
}

/** Where the caller put the ID number: the URL path (GET /v1/persons/{idNumber}) or the body (the lookups). */
export type IdNumberPlace = 'path' | 'body';

async function findPersonInScope(knex: Knex, actor: Actor, rawIdNumber: string, place: IdNumberPlace): Promise<{ person: PersonRow; household: HouseholdRow }> {
  const checked = checkIdNumber(rawIdNumber);
  if (!checked.ok) {
    const where = place === 'path' ? { in: 'path' as const, parameter: 'idNumber' } : { in: 'body' as const, pointer: '/idNumber' };
    throw new ProblemError('invalid-id-number', checked.reason, [{ ...where, detail: checked.reason }]);
  }
  const person = await findPersonByIdNumber(knex, checked.idNumber);
  const household = person ? await findHousehold(knex, person.householdId) : undefined;
  if (!person || !household || !isHouseholdInScope(actor.regionCode, household)) {
    throw new ProblemError('not-found', `no such person within ${actor.regionCode}`);
  }
  return { person, household };
}

export async function viewPerson(knex: Knex, actor: Actor, rawIdNumber: string, place: IdNumberPlace = 'path'): Promise<Viewed<Person>> {
  const policy = requireCapability(actor, 'readPersonalData', 'see personal data');
  const { person, household } = await findPersonInScope(knex, actor, rawIdNumber, place);
  const [enrolments, accounts] = await readTogether(knex, () => enrolmentsOfPersons(knex, [person.id]), () => bankAccountsOfPersons(knex, [person.id]));
  return {
    view: presentPerson(person, policy, enrolments, accounts.get(person.id) ?? null),
    subjectPersonIds: [person.id],
    regionCode: household.registeredRegion,
  };
}

export async function viewAssistanceChain(knex: Knex, actor: Actor, rawIdNumber: string, place: IdNumberPlace = 'path'): Promise<Viewed<AssistanceChain>> {
  const policy = requireCapability(actor, 'readPersonalData', 'see personal data');
  const { person, household } = await findPersonInScope(knex, actor, rawIdNumber, place);
  const [enrolments, records] = await readTogether(knex, () => enrolmentsOfPersons(knex, [person.id]), () => assistanceRecordsOfPerson(knex, person.id));
  const totals = new Map<string, { department: string; assistanceType: string; count: number; amountFen: number }>();
  for (const record of records) {
    const key = `${record.department}\u0000${record.assistanceType}`;
    const total = totals.get(key) ?? { department: record.department, assistanceType: record.assistanceType, count: 0, amountFen: 0 };
    total.count += 1;
    total.amountFen += record.amountFen;
    totals.set(key, total);
  }
  return {
    view: {
      idNumber: displayIdNumber(policy, person.idNumber),
      name: person.name,
      enrolments: enrolments.map(presentEnrolment),
      records,
      totals: [...totals.values()],
    },
    subjectPersonIds: [person.id],
    regionCode: household.registeredRegion,
  };
}

function coded(table: string, code: string | null): { code: string; name: string } | null {
  return code === null ? null : { code, name: codeName(table, code) ?? '' };
}

function presentEnrolment(e: EnrolmentRow): Enrolment {
  return { id: e.id, category: e.category, startDate: e.startDate, endDate: e.endDate, endReason: e.endReason, monthlyAmountFen: e.monthlyAmountFen, regionCode: e.regionCode };
}

function presentPerson(p: PersonRow, policy: RolePolicy, enrolments: readonly EnrolmentRow[], account: BankAccount | null): Person {
  return {
    idNumber: displayIdNumber(policy, p.idNumber),
    idNumberMasked: !policy.fullIdNumber,
    name: p.name,
    gender: coded('gender', p.gender)!,
    birthDate: p.birthDate,
    relation: coded('relation', p.relation)!,
    ethnicity: coded('ethnicity', p.ethnicity),
    maritalStatus: coded('marital-status', p.maritalStatus),
    health: coded('health', p.health),
    disabilityCategory: coded('disability-category', p.disabilityCategory),
    disabilityGrade: coded('disability-grade', p.disabilityGrade),
    labourAbility: coded('labour-ability', p.labourAbility),
    selfCareAbility: coded('self-care-ability', p.selfCareAbility),
    monthlyIncomeFen: p.monthlyIncomeFen,
    householdId: p.householdId,
    phone: p.phone === null ? null : displayPhone(policy, p.phone),
    phoneMasked: p.phone !== null && !policy.fullPhone,
    bankAccount: account && { ...account, accountNumber: displayAccountNumber(policy, account.accountNumber) },
    bankAccountMasked: account !== null && !policy.fullBankAccount,
    enrolments: enrolments.filter((e) => e.personId === p.id).map(presentEnrolment),
  };
}
