import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { requireCapability } from '../access/role-policy.js';
import { isWithinScope, scopePrefix } from '../access/region-scope.js';
import { daysBetween, type WorkingCalendar } from '../calendar/working-days.js';
import { ProblemError } from '../errors.js';
import {
  assignmentsOn, currentEnrolmentsOf, dueCandidates, dueMembers, findAssistant, lastVisitsOf, triggerWarningsOf,
} from '../store/repositories/home-visits.js';
import type { HomeVisitDue, HomeVisitDueList, VisitPolicy } from '../../schemas/types/index.js';
import { rosterMembers } from '../oversight/key-group-roster.js';
import { governingRequirement, visitRequirements } from './visit-frequency.js';
import { policyEnrolmentCategories, policyWarningRules } from './visit-policy.js';
import { readTogether } from '../store/reads-together.js';

export interface DueListQuery {
  asOf: string;
  townshipCode?: string;
  assistantId?: number;
  overdueOnly?: boolean;
  limit: number;
}

/**
 * Households are read a page at a time and only the `limit` soonest due are kept, so memory follows the page and the
 * limit, not the register. Time still follows the region walked — every candidate's due date must be worked out to
 * know which come first — so the widest region one request walks is a county: a key wider than that names a
 * township (or an assistant, whose villages lie in one township).
 */
const pageSize = 500;

/**
 * The households that need visiting as of a date (per township, or per village assistant: the villages the
 * assistant covers that day), soonest due first. Each carries the category that sets its frequency (the strictest
 * of its categories), its last visit, next due date and whether it is overdue. Returns the household members shown
 * (the heads, by name), for the audit log.
 */
export async function listVisitsDue(
  knex: Knex, actor: Actor, policy: VisitPolicy, calendar: WorkingCalendar, query: DueListQuery,
): Promise<{ list: HomeVisitDueList; headPersonIds: number[]; headOf: ReadonlyMap<number, number> }> {
  requireCapability(actor, 'readPersonalData', 'see casework');
  if (query.townshipCode && !isWithinScope(actor.regionCode, query.townshipCode)) {
    throw new ProblemError('out-of-scope', `township ${query.townshipCode} is outside ${actor.regionCode}`);
  }
  if (query.townshipCode === undefined && query.assistantId === undefined && scopePrefix(actor.regionCode).length < 6) {
    throw new ProblemError('validation-failed', `a key for ${actor.regionCode}, wider than a county, lists visits due one township at a time: give township`,
      [{ in: 'query', parameter: 'township', detail: 'required for a key wider than a county (or give assistant)' }]);
  }
  let villageCodes: string[] | undefined;
  if (query.assistantId !== undefined) {
    const assistant = await findAssistant(knex, query.assistantId);
    if (!assistant || !isWithinScope(actor.regionCode, assistant.townshipCode)) {
      throw new ProblemError('not-found', `no village assistant ${query.assistantId} within ${actor.regionCode}`);
    }
    villageCodes = (await assignmentsOn(knex, query.asOf, { assistantIds: [assistant.id] })).map((a) => a.villageCode);
  }

  const enrolmentCategories = policyEnrolmentCategories(policy);
  const warningRules = policyWarningRules(policy);
  // Households on the 重点人群花名册 are visited monthly (seed 004) whether or not they hold any assistance.
  const roster = await rosterMembers(knex, { regionCode: actor.regionCode, townshipCode: query.townshipCode, on: query.asOf });
  const kept = new SoonestFirst(query.limit);
  let total = 0;
  let overdue = 0;
  const heads = new Map<number, number>();
  for (let afterId = 0; ; ) {
    const page = await dueCandidates(knex, {
      scopeRegionCode: actor.regionCode, townshipCode: query.townshipCode, villageCodes, asOf: query.asOf,
      enrolmentCategories, warningRules, householdIds: [...roster.keys()], afterId, limit: pageSize,
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const ids = page.map((h) => h.id);
    const [members, enrolments, warnings, lastVisits, assignments] = await readTogether(
      knex,
      () => dueMembers(knex, ids, query.asOf),
      () => currentEnrolmentsOf(knex, ids, query.asOf),
      () => triggerWarningsOf(knex, ids, warningRules, query.asOf),
      () => lastVisitsOf(knex, ids, policy.countedKinds, query.asOf),
      () => assignmentsOn(knex, query.asOf, { villageCodes: [...new Set(page.map((h) => h.residenceRegion))] }),
    );
    for (const household of page) {
      const own = members.filter((m) => m.householdId === household.id);
      const lastVisitOn = lastVisits.get(household.id) ?? null;
      const requirements = visitRequirements(policy, {
        members: own,
        enrolments: enrolments.filter((e) => e.householdId === household.id),
        warnings: warnings.filter((w) => w.householdId === household.id),
        lastVisitOn,
        keyGroupSince: roster.get(household.id)?.since,
      }, query.asOf, calendar);
      const governing = governingRequirement(requirements);
      if (!governing) continue;
      const head = own.find((m) => m.relation === '01' || m.relation === '02');
      const late = daysBetween(governing.nextDueOn, query.asOf);
      if (query.overdueOnly && late <= 0) continue;
      total += 1;
      if (late > 0) overdue += 1;
      const dropped = kept.offer({
        householdId: household.id,
        householdNo: household.householdNo,
        headName: head?.name ?? null,
        villageCode: household.residenceRegion,
        townshipCode: household.residenceRegion.slice(0, 9),
        assistants: assignments.filter((a) => a.villageCode === household.residenceRegion).map((a) => a.assistantId),
        category: { id: governing.category.id, title: governing.category.title },
        frequency: governing.category.frequency,
        categories: requirements.map((r) => r.category.id),
        dueSince: governing.since,
        lastVisitOn,
        nextDueOn: governing.nextDueOn,
        nextDueProvisional: governing.provisional,
        overdue: late > 0,
        overdueDays: Math.max(0, late),
      });
      if (head) heads.set(household.id, head.personId);
      if (dropped !== undefined) heads.delete(dropped);
    }
  }
  const shown = kept.items;
  return {
    list: { asOf: query.asOf, policy: policy.name, total, overdue, items: shown },
    headPersonIds: shown.flatMap((i) => (heads.has(i.householdId) ? [heads.get(i.householdId)!] : [])),
    headOf: heads,
  };
}

/** Soonest due first; the same day by household id, so the order is stable. */
function compareDue(a: HomeVisitDue, b: HomeVisitDue): number {
  return a.nextDueOn < b.nextDueOn ? -1 : a.nextDueOn > b.nextDueOn ? 1 : a.householdId - b.householdId;
}

/** The `limit` soonest-due items seen so far, in order: an insertion into a sorted array of at most `limit`. */
class SoonestFirst {
  readonly items: HomeVisitDue[] = [];

  constructor(private readonly limit: number) {}

  /** Keeps the item if it is among the soonest; returns the household id of the item that fell out, if any. */
  offer(item: HomeVisitDue): number | undefined {
    if (this.limit <= 0) return item.householdId;
    if (this.items.length === this.limit && compareDue(item, this.items[this.items.length - 1]!) >= 0) return item.householdId;
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareDue(this.items[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, item);
    return this.items.length > this.limit ? this.items.pop()!.householdId : undefined;
  }
}
