import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isHouseholdInScope, isWithinScope } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import type { LoadedRuleSet } from '../engine/rule-set.js';
import { findWarningInScope } from '../engine/warning-views.js';
import { ProblemError, type FieldError } from '../errors.js';
import { checkIdNumber } from '../identity/id-number.js';
import { violatedConstraint } from '../store/database-errors.js';
import { isKnownCode } from '../store/reference-data/code-tables.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import {
  findDiscoveryCase, findDiscoveryCaseBySource, insertDiscoveryCase, insertDiscoveryEvent, recordConclusion, recordInvestigation,
  type DiscoveryCaseRow, type NewDiscoveryCase,
} from '../store/repositories/discovery-cases.js';
import { findHomeVisit } from '../store/repositories/home-visits.js';
import { findHousehold } from '../store/repositories/households.js';
import { findPersonByIdNumber, personsOfHouseholds } from '../store/repositories/persons.js';
import { findRegions } from '../store/repositories/regions.js';
import type { DiscoveryCaseConclusion, DiscoveryCaseCreate, DiscoveryCaseInvestigation } from '../../schemas/types/index.js';
import { situationFromWarning, suggestedAssistanceOf } from './warning-prefill.js';

/**
 * Active discovery cases (主动发现, seed 004): opened from a warning (信息推送发现), from a home visit (走访发现) or by
 * hand (工作发现); investigated (入户调查, "三个不放过"); concluded with a result — 不符合救助条件, or 纳入救助范畴 with
 * its date — and filed as 新增救助群众 or 救助观察群众 with the reason (分类建档). Each step is one transaction with
 * its event row and its audit line, and moves the case only from the status it was read in.
 */
export interface CaseworkContext {
  /** Today in Asia/Shanghai: dates of findings may not lie after it. */
  today: string;
  rules: LoadedRuleSet;
}

/**
 * Casework holds personal data (names, family situations, findings): reading it needs the role's readPersonalData,
 * recording it the role that changes the register (township staff, the integrator behind a visiting app, the
 * administrator). Liaison officers see neither.
 */
export async function createDiscoveryCase(knex: Knex, actor: Actor, input: DiscoveryCaseCreate, context: CaseworkContext): Promise<number> {
  requireCapability(actor, 'writeRegister', 'record casework');
  if (input.warningId !== undefined && input.visitId !== undefined) {
    throw new ProblemError('casework-inconsistent', 'a case comes from a warning or from a visit, not both', [
      { in: 'body', pointer: '/visitId', detail: 'give warningId or visitId, not both' },
    ]);
  }
  const draft = input.warningId !== undefined
    ? await draftFromWarning(knex, actor, input, input.warningId, context)
    : input.visitId !== undefined
      ? await draftFromVisit(knex, actor, input, input.visitId)
      : await draftByHand(knex, actor, input);
  await checkDraft(knex, actor, draft, context.today);
  return insertCase(knex, actor, draft);
}

/** Opens a case inside a caller's transaction (a visit that found hardship); the draft must already be checked. */
export async function insertCaseInTransaction(trx: Knex.Transaction, actor: Actor, draft: NewDiscoveryCase): Promise<number> {
  const id = await insertDiscoveryCase(trx, draft, actor.label);
  await insertDiscoveryEvent(trx, { caseId: id, from: null, to: 'open', actorLabel: actor.label, actorKeyId: actor.keyId });
  await recordAudit(trx, actor, {
    action: 'discovery.create', outcome: 'ok', resourceType: 'discovery-case', resourceId: String(id), regionCode: draft.townshipCode,
    subjectPersonIds: draft.personId !== null ? [draft.personId] : [],
    detail: `method ${draft.method}${draft.warningId !== null ? `, warning ${draft.warningId}` : ''}${draft.visitId !== null ? `, visit ${draft.visitId}` : ''}`,
  });
  return id;
}

async function insertCase(knex: Knex, actor: Actor, draft: NewDiscoveryCase): Promise<number> {
  try {
    return await knex.transaction((trx) => insertCaseInTransaction(trx, actor, draft));
  } catch (error) {
    // Two requests opening a case from the same warning or visit at once: the unique index lets one through.
    if (violatedConstraint(error)?.kind === 'unique') {
      const existing = await findDiscoveryCaseBySource(knex, { warningId: draft.warningId ?? undefined, visitId: draft.visitId ?? undefined });
      throw new ProblemError('discovery-exists', `discovery case ${existing ?? '?'} was already opened from this ${draft.warningId !== null ? 'warning' : 'visit'}`);
    }
    throw error;
  }
}

async function refuseSecondCase(knex: Knex, source: { warningId?: number; visitId?: number }): Promise<void> {
  const existing = await findDiscoveryCaseBySource(knex, source);
  if (existing !== undefined) {
    throw new ProblemError('discovery-exists', `discovery case ${existing} was already opened from this ${source.warningId !== undefined ? 'warning' : 'visit'}`);
  }
}

async function draftFromWarning(knex: Knex, actor: Actor, input: DiscoveryCaseCreate, warningId: number, context: CaseworkContext): Promise<NewDiscoveryCase> {
  // The warning as its own workflow scopes it: out of scope looks like missing.
  const warning = await findWarningInScope(knex, actor, warningId);
  await refuseSecondCase(knex, { warningId });
  const township = input.townshipCode ?? (warning.regionCode !== null && warning.regionCode.length >= 9 ? warning.regionCode.slice(0, 9) : undefined);
  if (township === undefined) {
    throw new ProblemError('casework-inconsistent', 'the warning is held by a county; say which township takes the case', [
      { in: 'body', pointer: '/townshipCode', detail: 'required for a warning without a township' },
    ]);
  }
  const subject = input.subject?.idNumber !== undefined
    ? await resolveSubject(knex, actor, input.subject.idNumber, input.subject.name)
    : await linkedSubject(knex, actor, warning.subjectIdNumber, input.subject?.name ?? warning.subjectName);
  return {
    method: 'data-push',
    discovererName: input.discoverer?.name ?? '数据比对',
    discovererUnit: input.discoverer ? (input.discoverer.unit ?? null) : '民政部门动态监测',
    townshipCode: township,
    ...subject,
    familyMemberCount: await memberCount(knex, subject.householdId, input.familyMemberCount),
    familySituation: input.familySituation ?? situationFromWarning(warning, context.rules),
    suspectedAssistance: input.suspectedAssistance ?? suggestedAssistanceOf(warning),
    discoveredOn: input.discoveredOn ?? warning.raisedOn,
    warningId,
    visitId: null,
    notes: input.notes ?? null,
  };
}

async function draftFromVisit(knex: Knex, actor: Actor, input: DiscoveryCaseCreate, visitId: number): Promise<NewDiscoveryCase> {
  const visit = await findHomeVisit(knex, visitId);
  const household = visit ? await findHousehold(knex, visit.householdId) : undefined;
  if (!visit || !household || !isHouseholdInScope(actor.regionCode, household)) throw new ProblemError('not-found', `no visit ${visitId} within ${actor.regionCode}`);
  await refuseSecondCase(knex, { visitId });
  const subject = input.subject?.idNumber !== undefined
    ? await resolveSubject(knex, actor, input.subject.idNumber, input.subject.name)
    : await headOf(knex, household.id);
  return draftOfVisit(knex, {
    visit: { id: visit.id, regionCode: visit.regionCode, visitorName: visit.visitorName, visitorUnit: visit.visitorUnit, visitedOn: visit.visitedOn, findings: visit.findings, needsFound: visit.needsFound },
    subject, input,
  });
}

/** A case found on a visit: the visitor found it, in the township where the household lives, on the day of the visit. */
export async function draftOfVisit(
  db: Knex | Knex.Transaction,
  source: {
    visit: { id: number; regionCode: string; visitorName: string; visitorUnit: string | null; visitedOn: string; findings: string; needsFound: string[] };
    subject: Subject;
    input?: DiscoveryCaseCreate;
  },
): Promise<NewDiscoveryCase> {
  const { visit, subject, input } = source;
  return {
    method: 'home-visit',
    discovererName: input?.discoverer?.name ?? visit.visitorName,
    discovererUnit: input?.discoverer ? (input.discoverer.unit ?? null) : visit.visitorUnit,
    townshipCode: input?.townshipCode ?? visit.regionCode.slice(0, 9),
    ...subject,
    familyMemberCount: await memberCount(db, subject.householdId, input?.familyMemberCount),
    familySituation: input?.familySituation ?? visit.findings,
    suspectedAssistance: input?.suspectedAssistance ?? visit.needsFound,
    discoveredOn: input?.discoveredOn ?? visit.visitedOn,
    warningId: null,
    visitId: visit.id,
    notes: input?.notes ?? null,
  };
}

async function draftByHand(knex: Knex, actor: Actor, input: DiscoveryCaseCreate): Promise<NewDiscoveryCase> {
  const missing: FieldError[] = [];
  const need = (value: unknown, pointer: string) => {
    if (value === undefined) missing.push({ in: 'body', pointer, detail: 'is required for a case found by hand (工作发现)' });
  };
  need(input.discoverer, '/discoverer');
  need(input.townshipCode, '/townshipCode');
  need(input.familySituation, '/familySituation');
  need(input.suspectedAssistance, '/suspectedAssistance');
  if (input.subject?.idNumber === undefined) need(input.subject?.name, '/subject/name');
  if (missing.length > 0) throw new ProblemError('validation-failed', 'a case found by hand names who found whom, where, and what they need', missing);
  const subject = input.subject!.idNumber !== undefined
    ? await resolveSubject(knex, actor, input.subject!.idNumber, input.subject!.name)
    : { subjectIdNumber: null, subjectName: input.subject!.name!, personId: null, householdId: null };
  return {
    method: 'work',
    discovererName: input.discoverer!.name,
    discovererUnit: input.discoverer!.unit ?? null,
    townshipCode: input.townshipCode!,
    ...subject,
    familyMemberCount: await memberCount(knex, subject.householdId, input.familyMemberCount),
    familySituation: input.familySituation!,
    suspectedAssistance: input.suspectedAssistance!,
    discoveredOn: input.discoveredOn ?? '',
    warningId: null,
    visitId: null,
    notes: input.notes ?? null,
  };
}

export interface Subject {
  subjectIdNumber: string | null;
  subjectName: string;
  personId: number | null;
  householdId: number | null;
}

/**
 * The person by ID number, linked to the register when they are in it and their household is within the key's
 * region — a key must not learn through a case that someone is registered elsewhere.
 */
async function resolveSubject(knex: Knex, actor: Actor, rawIdNumber: string, name: string | undefined): Promise<Subject> {
  const checked = checkIdNumber(rawIdNumber);
  if (!checked.ok) throw new ProblemError('invalid-id-number', checked.reason, [{ in: 'body', pointer: '/subject/idNumber', detail: checked.reason }]);
  return linkedSubject(knex, actor, checked.idNumber, name ?? null);
}

async function linkedSubject(knex: Knex, actor: Actor, idNumber: string, name: string | null): Promise<Subject> {
  const person = await findPersonByIdNumber(knex, idNumber);
  const household = person ? await findHousehold(knex, person.householdId) : undefined;
  if (person && household && isHouseholdInScope(actor.regionCode, household)) {
    return { subjectIdNumber: idNumber, subjectName: name ?? person.name, personId: person.id, householdId: household.id };
  }
  return { subjectIdNumber: idNumber, subjectName: name ?? '', personId: null, householdId: null };
}

export async function headOf(db: Knex | Knex.Transaction, householdId: number): Promise<Subject> {
  const members = await personsOfHouseholds(db, [householdId]);
  const head = members.find((m) => m.relation === '01' || m.relation === '02') ?? members[0];
  if (!head) throw new ProblemError('inconsistent-household', `household ${householdId} has no members`);
  return { subjectIdNumber: head.idNumber, subjectName: head.name, personId: head.id, householdId };
}

async function memberCount(db: Knex | Knex.Transaction, householdId: number | null, given: number | undefined): Promise<number | null> {
  if (householdId === null) return given ?? null;
  return (await personsOfHouseholds(db, [householdId])).length;
}

/** What the schema cannot check: the township, the codes, the date. */
export async function checkDraft(db: Knex | Knex.Transaction, actor: Actor, draft: NewDiscoveryCase, today: string): Promise<void> {
  if (draft.discoveredOn === '') draft.discoveredOn = today;
  if (!isWithinScope(actor.regionCode, draft.townshipCode)) {
    throw new ProblemError('out-of-scope', `township ${draft.townshipCode} is outside ${actor.regionCode}`);
  }
  const regions = await findRegions(db, [draft.townshipCode]);
  if (regions.get(draft.townshipCode)?.level !== 'township') {
    throw new ProblemError('unknown-region', `${draft.townshipCode} is not a known township`, [{ in: 'body', pointer: '/townshipCode', detail: 'not a known township' }]);
  }
  if (draft.subjectName === '') {
    throw new ProblemError('validation-failed', 'the person is not in the register; give their name', [{ in: 'body', pointer: '/subject/name', detail: 'is required for a person outside the register' }]);
  }
  const errors: FieldError[] = [];
  if (draft.suspectedAssistance.length === 0) errors.push({ in: 'body', pointer: '/suspectedAssistance', detail: 'name at least one kind of assistance the family may qualify for (疑似符合救助)' });
  draft.suspectedAssistance.forEach((code, index) => {
    if (!isKnownCode('assistance-type', code)) errors.push({ in: 'body', pointer: `/suspectedAssistance/${index}`, detail: `${code} is not in code table assistance-type` });
  });
  if (errors.length > 0) throw new ProblemError('unknown-code', 'suspected assistance must be kinds of assistance in code table assistance-type', errors);
  if (draft.discoveredOn > today) {
    throw new ProblemError('casework-inconsistent', `discoveredOn ${draft.discoveredOn} is after today (${today})`, [{ in: 'body', pointer: '/discoveredOn', detail: 'lies in the future' }]);
  }
}

/** The case, if it is within the key's region; out of scope looks like missing. */
export async function caseInScope(db: Knex | Knex.Transaction, actor: Actor, id: number): Promise<DiscoveryCaseRow> {
  const found = await findDiscoveryCase(db, id);
  if (!found || !isWithinScope(actor.regionCode, found.townshipCode)) throw new ProblemError('not-found', `no discovery case ${id} within ${actor.regionCode}`);
  return found;
}

export async function investigateCase(knex: Knex, actor: Actor, id: number, input: DiscoveryCaseInvestigation, today: string): Promise<void> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  requireCapability(actor, 'writeRegister', 'record casework');
  const found = await caseInScope(knex, actor, id);
  if (found.status !== 'open') throw new ProblemError('discovery-status-conflict', `case ${id} is ${found.status}; an investigation is recorded on an open case`);
  checkDateWithin(input.investigatedOn, found.discoveredOn, today, '/investigatedOn', 'the discovery');
  await knex.transaction(async (trx) => {
    const moved = await recordInvestigation(trx, id, {
      investigatorName: input.investigator.name, investigatorUnit: input.investigator.unit ?? null, investigatedOn: input.investigatedOn, findings: input.findings,
    });
    if (!moved) throw new ProblemError('discovery-status-conflict', `case ${id} was changed meanwhile; read it again`);
    await insertDiscoveryEvent(trx, { caseId: id, from: 'open', to: 'investigating', actorLabel: actor.label, actorKeyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'discovery.investigate', outcome: 'ok', resourceType: 'discovery-case', resourceId: String(id), regionCode: found.townshipCode,
      subjectPersonIds: found.personId !== null ? [found.personId] : [], detail: `open → investigating, investigated on ${input.investigatedOn}`,
    });
  });
}

export async function concludeCase(knex: Knex, actor: Actor, id: number, input: DiscoveryCaseConclusion, today: string): Promise<void> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  requireCapability(actor, 'writeRegister', 'record casework');
  const found = await caseInScope(knex, actor, id);
  if (found.status !== 'investigating') {
    throw new ProblemError('discovery-status-conflict', `case ${id} is ${found.status}; a conclusion follows the investigation`);
  }
  const concludedOn = input.concludedOn ?? today;
  checkConclusion(input, found, concludedOn, today);
  await knex.transaction(async (trx) => {
    const moved = await recordConclusion(trx, id, {
      result: input.result, includedOn: input.includedOn ?? null, includedAssistance: input.includedAssistance ?? [], filing: input.filing,
      reason: input.reason, concludedOn, notes: input.notes ?? null,
    });
    if (!moved) throw new ProblemError('discovery-status-conflict', `case ${id} was changed meanwhile; read it again`);
    await insertDiscoveryEvent(trx, { caseId: id, from: 'investigating', to: 'concluded', actorLabel: actor.label, actorKeyId: actor.keyId });
    await recordAudit(trx, actor, {
      action: 'discovery.conclude', outcome: 'ok', resourceType: 'discovery-case', resourceId: String(id), regionCode: found.townshipCode,
      subjectPersonIds: found.personId !== null ? [found.personId] : [],
      detail: `investigating → concluded: ${input.result}${input.includedOn ? ` on ${input.includedOn}` : ''}, filed as ${input.filing}`,
    });
  });
}

/**
 * Seed 004 §二(四): 新增救助群众 are those included (newly 特困, 低保, 低收入, 临时救助, or referred to a department);
 * 救助观察群众 those found ineligible but in real hardship, with the reason they do not qualify. So an inclusion is
 * filed as newly assisted, with its date and what it was; an ineligible case as observation, or as none when no
 * hardship was found.
 */
function checkConclusion(input: DiscoveryCaseConclusion, found: DiscoveryCaseRow, concludedOn: string, today: string): void {
  const errors: FieldError[] = [];
  if (input.result === 'included') {
    if (input.filing !== 'newly-assisted') errors.push({ in: 'body', pointer: '/filing', detail: 'an included case is filed as newly-assisted (新增救助群众)' });
    if (!input.includedOn) errors.push({ in: 'body', pointer: '/includedOn', detail: '纳入救助范畴 needs the date of inclusion' });
    if (!input.includedAssistance?.length) errors.push({ in: 'body', pointer: '/includedAssistance', detail: 'say what the family was included in' });
  } else {
    if (input.filing === 'newly-assisted') errors.push({ in: 'body', pointer: '/filing', detail: 'an ineligible case is filed as observation (救助观察群众) or none' });
    if (input.includedOn) errors.push({ in: 'body', pointer: '/includedOn', detail: 'only an included case has a date of inclusion' });
    if (input.includedAssistance?.length) errors.push({ in: 'body', pointer: '/includedAssistance', detail: 'only an included case has assistance included' });
  }
  (input.includedAssistance ?? []).forEach((code, index) => {
    if (!isKnownCode('assistance-type', code)) errors.push({ in: 'body', pointer: `/includedAssistance/${index}`, detail: `${code} is not in code table assistance-type` });
  });
  if (errors.length > 0) throw new ProblemError('casework-inconsistent', 'the result and the filing do not agree', errors);
  const investigatedOn = found.investigatedOn ?? found.discoveredOn;
  checkDateWithin(concludedOn, investigatedOn, today, '/concludedOn', 'the investigation');
  if (input.includedOn) checkDateWithin(input.includedOn, found.discoveredOn, today, '/includedOn', 'the discovery');
}

function checkDateWithin(date: string, notBefore: string, today: string, pointer: string, what: string): void {
  if (date < notBefore) {
    throw new ProblemError('casework-inconsistent', `${pointer.slice(1)} ${date} is before ${what} (${notBefore})`, [{ in: 'body', pointer, detail: `before ${what}` }]);
  }
  if (date > today) {
    throw new ProblemError('casework-inconsistent', `${pointer.slice(1)} ${date} is after today (${today})`, [{ in: 'body', pointer, detail: 'lies in the future' }]);
  }
}
