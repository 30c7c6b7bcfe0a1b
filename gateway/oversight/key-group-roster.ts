import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { requireCapability } from '../access/role-policy.js';
import { requireTownshipWithinCounty } from '../access/township-scope.js';
import { isWithinScope } from '../access/region-scope.js';
import { daysBetween } from '../calendar/working-days.js';
import { periodicDue } from '../casework/visit-frequency.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { lastVisitsOf } from '../store/repositories/home-visits.js';
import {
  findKeyGroupEntry, headsOf, householdsByIds, insertKeyGroupEntry, keyGroupEntriesOn, lastKeyGroupChangeOf, observationFilings, openKeyGroupEntryOf,
  removedBetween, removeKeyGroupEntry, type KeyGroupEntryRow, type ObservationFiling,
} from '../store/repositories/oversight-rosters.js';
import type { KeyGroupAddition, KeyGroupMember as KeyGroupMemberView, KeyGroupRemoval, VisitPolicy } from '../../schemas/types/index.js';
import { readTogether } from '../store/reads-together.js';

/**
 * The 重点人群花名册 (seed 004 §三(一): "形成重点人群花名册，并根据事后发现或接到新的救助线索进行动态调整", visited
 * "每月不少于1次"). On it are
 * - households whose discovery case was filed 救助观察群众 (seed 004 §二(四), discovery-cases.ts), from the day the
 *   case was concluded: "经审核审批不符合现行救助条件，但确实存在实际困难，列入观察名单"; and
 * - households a township adds, with the reason (a new clue, a family the schemes do not cover yet).
 * The township takes a household off with a reason (dynamic adjustment); for a filed household that removal is
 * recorded as an entry from the filing to the removal, so the filing no longer puts it back.
 */
/** A roster line as the API answers it (schemas/), with the head's person id for the audit line. */
export type KeyGroupMember = KeyGroupMemberView & { headPersonId: number | null };

/** Who is on the roster on `asOf` within the actor's region (or one township), with their monthly visit due, soonest first. */
export async function listKeyGroup(
  knex: Knex, actor: Actor, policy: VisitPolicy, query: { asOf: string; townshipCode?: string },
): Promise<{ items: KeyGroupMember[]; headPersonIds: number[] }> {
  requireCapability(actor, 'readPersonalData', 'see the key-group roster');
  requireTownshipWithinCounty(actor, query.townshipCode, 'reads the roster');
  const members = await rosterMembers(knex, { regionCode: actor.regionCode, townshipCode: query.townshipCode, on: query.asOf });
  const ids = [...members.keys()];
  const [households, heads, lastVisits] = await readTogether(knex, () => householdsByIds(knex, ids), () => headsOf(knex, ids), () => lastVisitsOf(knex, ids, policy.countedKinds, query.asOf));
  const everyMonths = keyGroupFrequency(policy);
  const items = [...members.values()].map((member): KeyGroupMember => {
    const lastVisitOn = lastVisits.get(member.householdId) ?? null;
    // The same reading as every periodic visit (visit-frequency.ts): once in each calendar month by default.
    const nextVisitDueOn = periodicDue(policy, member.since, lastVisitOn, everyMonths);
    const late = daysBetween(nextVisitDueOn, query.asOf);
    const head = heads.get(member.householdId);
    return {
      ...member, householdNo: households.get(member.householdId)?.householdNo ?? '', headPersonId: head?.personId ?? null, headName: head?.name ?? null,
      villageCode: households.get(member.householdId)?.residenceRegion ?? member.townshipCode, lastVisitOn, nextVisitDueOn, overdue: late > 0, overdueDays: Math.max(0, late),
    };
  });
  items.sort((a, b) => (a.nextVisitDueOn < b.nextVisitDueOn ? -1 : a.nextVisitDueOn > b.nextVisitDueOn ? 1 : a.householdId - b.householdId));
  return { items, headPersonIds: items.flatMap((i) => (i.headPersonId === null ? [] : [i.headPersonId])) };
}

/**
 * A township puts a household living in it on the roster. The day lies between the household's last recorded change
 * on the roster and today, so the roster of a past day is never rewritten. A household already on it keeps its entry
 * (`created` false): a retried request, or two clerks adding the same family, leave one entry and its first reason.
 */
export async function addToKeyGroup(knex: Knex, actor: Actor, input: KeyGroupAddition, today: string): Promise<{ entry: KeyGroupEntryRow; created: boolean }> {
  requireCapability(actor, 'writeRegister', 'change the key-group roster');
  const household = (await householdsByIds(knex, [input.householdId])).get(input.householdId);
  if (!household || !isWithinScope(actor.regionCode, household.residenceRegion)) {
    throw new ProblemError('not-found', `no household ${input.householdId} living within ${actor.regionCode}`);
  }
  const on = input.on ?? today;
  const townshipCode = household.residenceRegion.slice(0, 9);
  return knex.transaction(async (trx) => {
    const open = await openKeyGroupEntryOf(trx, input.householdId, on);
    if (open) {
      await recordAudit(trx, actor, {
        action: 'key-group.add', outcome: 'ok', resourceType: 'household', resourceId: String(input.householdId), regionCode: open.townshipCode,
        detail: `already on the roster since ${open.addedOn} (entry ${open.id})`,
      });
      return { entry: open, created: false };
    }
    await checkDay(trx, input.householdId, on, today);
    const id = await insertKeyGroupEntry(trx, { householdId: input.householdId, townshipCode, addedOn: on, reason: input.reason, addedBy: actor.label });
    await recordAudit(trx, actor, {
      action: 'key-group.add', outcome: 'ok', resourceType: 'household', resourceId: String(input.householdId), regionCode: townshipCode, detail: `from ${on}: ${input.reason}`,
    });
    return { entry: (await findKeyGroupEntry(trx, id))!, created: true };
  });
}

/**
 * A township takes a household off the roster, with the reason. A household there by its 救助观察 filing gets an entry
 * from the filing's day closed on the removal's, so the record says why it left.
 */
export async function removeFromKeyGroup(knex: Knex, actor: Actor, householdId: number, input: KeyGroupRemoval, today: string): Promise<KeyGroupEntryRow> {
  requireCapability(actor, 'writeRegister', 'change the key-group roster');
  const household = (await householdsByIds(knex, [householdId])).get(householdId);
  if (!household || !isWithinScope(actor.regionCode, household.residenceRegion)) {
    throw new ProblemError('not-found', `no household ${householdId} living within ${actor.regionCode}`);
  }
  const on = input.on ?? today;
  return knex.transaction(async (trx) => {
    await checkDay(trx, householdId, on, today);
    let entry = await openKeyGroupEntryOf(trx, householdId, on);
    if (!entry) {
      const filing = (await observationFilings(trx, { regionCode: actor.regionCode, on }))
        .find((f) => f.householdId === householdId);
      if (!filing || await removedBetween(trx, householdId, filing.concludedOn, on)) throw new ProblemError('not-found', `household ${household.householdNo} is not on the key-group roster on ${on}`);
      const id = await insertKeyGroupEntry(trx, {
        householdId, townshipCode: filing.townshipCode, addedOn: filing.concludedOn, reason: `列入救助观察（主动发现案件${filing.caseId}）${filing.reason ? `：${filing.reason}` : ''}`, addedBy: 'discovery-case',
      });
      entry = (await findKeyGroupEntry(trx, id))!;
    }
    if (on < entry.addedOn) {
      throw new ProblemError('validation-failed', `${on} is before the household joined the roster (${entry.addedOn})`, [{ in: 'body', pointer: '/on', detail: `before ${entry.addedOn}` }]);
    }
    await removeKeyGroupEntry(trx, entry.id, { removedOn: on, removalReason: input.reason, removedBy: actor.label });
    await recordAudit(trx, actor, {
      action: 'key-group.remove', outcome: 'ok', resourceType: 'household', resourceId: String(householdId), regionCode: entry.townshipCode, detail: `on ${on}: ${input.reason}`,
    });
    return (await findKeyGroupEntry(trx, entry.id))!;
  });
}

type RosterMember = Omit<KeyGroupMember, 'householdNo' | 'headPersonId' | 'headName' | 'villageCode' | 'lastVisitOn' | 'nextVisitDueOn' | 'overdue' | 'overdueDays'>;

/**
 * Who is on the roster on `scope.on`, living within the region (or one township), by household: the 救助观察 filings
 * not removed since, then the townships' additions. No access checks: the callers (listKeyGroup, the visits due list)
 * make them.
 */
export async function rosterMembers(knex: Knex, scope: { regionCode: string; townshipCode?: string; on: string }): Promise<Map<number, RosterMember>> {
  const [entries, filings] = await readTogether(knex, () => keyGroupEntriesOn(knex, scope), () => observationFilings(knex, scope));
  const removedFilings = await removedAfterFiling(knex, filings, scope.on);
  const members = new Map<number, RosterMember>();
  for (const filing of filings) {
    if (members.has(filing.householdId) || removedFilings.has(filing.caseId)) continue;
    members.set(filing.householdId, {
      householdId: filing.householdId, townshipCode: filing.townshipCode, basis: 'observation', caseId: filing.caseId, entryId: null,
      since: filing.concludedOn, reason: filing.reason ?? '列入救助观察名单', addedBy: null,
    });
  }
  for (const entry of entries) {
    if (members.has(entry.householdId)) continue;
    members.set(entry.householdId, {
      householdId: entry.householdId, townshipCode: entry.townshipCode, basis: 'added', caseId: null, entryId: entry.id, since: entry.addedOn, reason: entry.reason, addedBy: entry.addedBy,
    });
  }
  return members;
}

/** The monthly frequency the visit policy gives the roster; one month when the policy says nothing (seed 004's "每月不少于1次"). */
export function keyGroupFrequency(policy: VisitPolicy): number {
  return policy.keyGroup?.frequency.everyMonths ?? 1;
}

async function checkDay(trx: Knex.Transaction, householdId: number, on: string, today: string): Promise<void> {
  if (on > today) {
    throw new ProblemError('validation-failed', `${on} is after today (${today}): record a change of the roster once it happens`, [{ in: 'body', pointer: '/on', detail: `after today (${today})` }]);
  }
  const last = await lastKeyGroupChangeOf(trx, householdId);
  if (last !== null && on < last) {
    throw new ProblemError('validation-failed', `${on} is before the household's last recorded change on the roster (${last})`, [{ in: 'body', pointer: '/on', detail: `before ${last}` }]);
  }
}

/** Filing cases whose household a township took off the roster after the filing, and has not added back by `asOf`. */
async function removedAfterFiling(knex: Knex, filings: readonly ObservationFiling[], asOf: string): Promise<Set<number>> {
  const removed = new Set<number>();
  for (const filing of filings) {
    if (await removedBetween(knex, filing.householdId, filing.concludedOn, asOf)) removed.add(filing.caseId);
  }
  return removed;
}
