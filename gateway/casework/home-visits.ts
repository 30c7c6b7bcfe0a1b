import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isHouseholdInScope } from '../access/region-scope.js';
import { requireCapability } from '../access/role-policy.js';
import { sm3Hex } from '../crypto/sm3.js';
import { ProblemError, type FieldError } from '../errors.js';
import { checkIdNumber } from '../identity/id-number.js';
import type { Viewed } from '../register/register-views.js';
import { violatedConstraint } from '../store/database-errors.js';
import { codeName, isKnownCode } from '../store/reference-data/code-tables.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { discoveryCasesOfVisits } from '../store/repositories/discovery-cases.js';
import {
  findAssistant, findHomeVisit, findHomeVisitByClientId, insertHomeVisit, visitsOfHousehold, type HomeVisitRow,
} from '../store/repositories/home-visits.js';
import { findHousehold, type HouseholdRow } from '../store/repositories/households.js';
import { personsOfHouseholds } from '../store/repositories/persons.js';
import type { HomeVisit, HomeVisitCreate } from '../../schemas/types/index.js';
import { checkDraft, draftOfVisit, headOf, insertCaseInTransaction, type Subject } from './discovery-cases.js';

export interface RecordedVisit {
  id: number;
  /** The same visit id and body were sent before: nothing new was written. */
  replayed: boolean;
}

/**
 * Records a visit as a visiting app sends it. Apps retry on flaky village networks, so the app's own visit id makes
 * the call idempotent: the same body again answers the stored visit; a different body under the same id is refused,
 * since a silent overwrite would rewrite what a visitor reported. A visit that found hardship may open a discovery
 * case (走访发现) in the same transaction.
 */
export async function recordVisit(knex: Knex, actor: Actor, input: HomeVisitCreate, today: string): Promise<RecordedVisit> {
  requireCapability(actor, 'writeRegister', 'record casework');
  const body = normalisedBody(input);
  const digest = sm3Hex(JSON.stringify(body));
  const earlier = await replayOf(knex, actor, input.visitId, digest);
  if (earlier) return earlier;

  const household = await findHousehold(knex, input.householdId);
  if (!household || !isHouseholdInScope(actor.regionCode, household)) {
    throw new ProblemError('not-found', `no household ${input.householdId} within ${actor.regionCode}`, [{ in: 'body', pointer: '/householdId', detail: 'not found' }]);
  }
  await checkVisit(knex, household, body, today);
  const subject = body.openDiscoveryCase ? await caseSubject(knex, household, input.subjectIdNumber) : undefined;

  try {
    const id = await knex.transaction(async (trx) => {
      const visitId = await insertHomeVisit(trx, {
        clientVisitId: body.visitId, bodySm3: digest, householdId: household.id, regionCode: household.residenceRegion,
        visitorKind: body.visitor.kind, assistantId: body.visitor.assistantId ?? null, visitorName: body.visitor.name,
        visitorUnit: body.visitor.unit ?? null, visitedOn: body.visitedOn, kind: body.kind, personSeen: body.personSeen,
        findings: body.findings, needsFound: body.needsFound, needsNote: body.needsNote ?? null, hardshipFound: body.hardshipFound,
      }, { label: actor.label, keyId: actor.keyId });
      const members = await personsOfHouseholds(trx, [household.id]);
      await recordAudit(trx, actor, {
        action: 'visit.record', outcome: 'ok', resourceType: 'home-visit', resourceId: String(visitId), regionCode: household.residenceRegion,
        subjectPersonIds: members.map((m) => m.id),
        detail: `household ${household.id}, ${body.kind} on ${body.visitedOn}${body.hardshipFound ? ', hardship found' : ''}`,
      });
      if (subject) {
        const draft = await draftOfVisit(trx, {
          visit: { id: visitId, regionCode: household.residenceRegion, visitorName: body.visitor.name, visitorUnit: body.visitor.unit ?? null, visitedOn: body.visitedOn, findings: body.findings, needsFound: body.needsFound },
          subject,
        });
        await checkDraft(trx, actor, draft, today);
        await insertCaseInTransaction(trx, actor, draft);
      }
      return visitId;
    });
    return { id, replayed: false };
  } catch (error) {
    // The same visit sent twice at once: the unique visit id lets one in; the other is a replay of it.
    if (violatedConstraint(error)?.kind === 'unique') {
      const replay = await replayOf(knex, actor, input.visitId, digest);
      if (replay) return replay;
    }
    throw error;
  }
}

type NormalisedVisit = HomeVisitCreate & { personSeen: boolean; needsFound: string[]; openDiscoveryCase: boolean };

/** Defaults filled and keys in one order, so the digest of a retried body matches the first. */
function normalisedBody(input: HomeVisitCreate): NormalisedVisit {
  const filled: NormalisedVisit = {
    ...input,
    visitor: { ...input.visitor, assistantId: input.visitor.assistantId ?? null, unit: input.visitor.unit ?? null },
    personSeen: input.personSeen ?? true,
    needsFound: [...(input.needsFound ?? [])].sort(),
    openDiscoveryCase: input.openDiscoveryCase ?? false,
  };
  return sortKeys(filled) as NormalisedVisit;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

async function replayOf(knex: Knex, actor: Actor, clientVisitId: string, digest: string): Promise<RecordedVisit | undefined> {
  const existing = await findHomeVisitByClientId(knex, clientVisitId);
  if (!existing) return undefined;
  const household = await findHousehold(knex, existing.householdId);
  if (existing.bodySm3 !== digest || !household || !isHouseholdInScope(actor.regionCode, household)) {
    throw new ProblemError('visit-id-conflict', `visit id ${clientVisitId} was already used for a different visit`, [{ in: 'body', pointer: '/visitId', detail: 'already used' }]);
  }
  return { id: existing.id, replayed: true };
}

async function checkVisit(knex: Knex, household: HouseholdRow, body: NormalisedVisit, today: string): Promise<void> {
  const errors: FieldError[] = [];
  if (body.visitedOn > today) errors.push({ in: 'body', pointer: '/visitedOn', detail: `is after today (${today})` });
  const { visitor } = body;
  if (visitor.kind === 'village-assistant') {
    if (visitor.assistantId === null || visitor.assistantId === undefined) {
      errors.push({ in: 'body', pointer: '/visitor/assistantId', detail: 'a village assistant is named by their id' });
    } else {
      const assistant = await findAssistant(knex, visitor.assistantId);
      if (!assistant) errors.push({ in: 'body', pointer: '/visitor/assistantId', detail: `no village assistant ${visitor.assistantId}` });
      else if (assistant.townshipCode !== household.residenceRegion.slice(0, 9)) {
        errors.push({ in: 'body', pointer: '/visitor/assistantId', detail: `assistant ${assistant.id} works in township ${assistant.townshipCode}, not where the household lives` });
      } else if (assistant.retiredOn !== null && assistant.retiredOn < body.visitedOn) {
        errors.push({ in: 'body', pointer: '/visitor/assistantId', detail: `assistant ${assistant.id} retired on ${assistant.retiredOn}` });
      }
    }
  } else if (visitor.assistantId !== null && visitor.assistantId !== undefined) {
    errors.push({ in: 'body', pointer: '/visitor/assistantId', detail: 'only a village assistant has an assistant id' });
  }
  body.needsFound.forEach((code) => {
    if (!isKnownCode('assistance-type', code)) errors.push({ in: 'body', pointer: '/needsFound', detail: `${code} is not in code table assistance-type` });
  });
  if (body.openDiscoveryCase && !body.hardshipFound) errors.push({ in: 'body', pointer: '/openDiscoveryCase', detail: 'a discovery case is opened for a hardship found (hardshipFound)' });
  if (body.openDiscoveryCase && body.needsFound.length === 0) errors.push({ in: 'body', pointer: '/needsFound', detail: 'a discovery case names the assistance the family may qualify for' });
  if (errors.length > 0) throw new ProblemError('casework-inconsistent', 'the visit does not hold together', errors);
}

/** The member a case found on the visit is about: the one named, who must live in the household, or its head. */
async function caseSubject(knex: Knex, household: HouseholdRow, rawIdNumber: string | undefined): Promise<Subject> {
  if (rawIdNumber === undefined) return headOf(knex, household.id);
  const checked = checkIdNumber(rawIdNumber);
  if (!checked.ok) throw new ProblemError('invalid-id-number', checked.reason, [{ in: 'body', pointer: '/subjectIdNumber', detail: checked.reason }]);
  const member = (await personsOfHouseholds(knex, [household.id])).find((m) => m.idNumber === checked.idNumber);
  if (!member) {
    throw new ProblemError('casework-inconsistent', 'the person is not a member of the visited household', [{ in: 'body', pointer: '/subjectIdNumber', detail: 'not a member' }]);
  }
  return { subjectIdNumber: member.idNumber, subjectName: member.name, personId: member.id, householdId: household.id };
}

export async function viewHouseholdVisits(knex: Knex, actor: Actor, householdId: number, range: { from?: string; to?: string }): Promise<Viewed<HomeVisit[]>> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  const household = await findHousehold(knex, householdId);
  if (!household || !isHouseholdInScope(actor.regionCode, household)) throw new ProblemError('not-found', `no household ${householdId} within ${actor.regionCode}`);
  const rows = await visitsOfHousehold(knex, householdId, range);
  const cases = await discoveryCasesOfVisits(knex, rows.map((r) => r.id));
  const members = await personsOfHouseholds(knex, [householdId]);
  return { view: rows.map((row) => presentVisit(row, cases.get(row.id) ?? null)), subjectPersonIds: members.map((m) => m.id), regionCode: household.residenceRegion };
}

export async function viewVisit(knex: Knex, actor: Actor, id: number): Promise<Viewed<HomeVisit>> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  const row = await findHomeVisit(knex, id);
  const household = row ? await findHousehold(knex, row.householdId) : undefined;
  if (!row || !household || !isHouseholdInScope(actor.regionCode, household)) throw new ProblemError('not-found', `no visit ${id} within ${actor.regionCode}`);
  const cases = await discoveryCasesOfVisits(knex, [id]);
  const members = await personsOfHouseholds(knex, [household.id]);
  return { view: presentVisit(row, cases.get(id) ?? null), subjectPersonIds: members.map((m) => m.id), regionCode: household.residenceRegion };
}

function presentVisit(row: HomeVisitRow, discoveryCaseId: number | null): HomeVisit {
  return {
    id: row.id,
    visitId: row.clientVisitId,
    householdId: row.householdId,
    householdNo: row.householdNo,
    regionCode: row.regionCode,
    visitor: { kind: row.visitorKind, assistantId: row.assistantId, name: row.visitorName, unit: row.visitorUnit },
    visitedOn: row.visitedOn,
    kind: row.kind,
    personSeen: row.personSeen,
    findings: row.findings,
    needsFound: row.needsFound.map((code) => ({ code, name: codeName('assistance-type', code) ?? '' })),
    needsNote: row.needsNote,
    hardshipFound: row.hardshipFound,
    discoveryCaseId,
    recordedAt: row.recordedAt,
  };
}
