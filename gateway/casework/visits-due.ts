import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { isWithinScope } from '../access/region-scope.js';
import type { WorkingCalendar } from '../calendar/working-days.js';
import { ProblemError } from '../errors.js';
import {
  assignmentsOn, currentEnrolmentsOf, dueCandidates, dueMembers, findAssistant, lastVisitsOf, triggerWarningsOf,
} from '../store/repositories/home-visits.js';
import type { HomeVisitDue, HomeVisitDueList, VisitPolicy } from '../../schemas/types/index.js';
import { requireCaseworkReader } from './casework-access.js';
import { daysBetween, governingRequirement, visitRequirements } from './visit-frequency.js';
import { policyEnrolmentCategories, policyWarningRules } from './visit-policy.js';

export interface DueListQuery {
  asOf: string;
  townshipCode?: string;
  assistantId?: number;
  overdueOnly?: boolean;
  limit: number;
}

/** Households are read a page at a time, so a county's list never holds its whole register in memory at once. */
const pageSize = 500;

/**
 * The households that need visiting as of a date (per township, or per village assistant: the villages the
 * assistant covers that day), soonest due first. Each carries the category that sets its frequency (the strictest
 * of its categories), its last visit, next due date and whether it is overdue. Returns the household members shown
 * (the heads, by name), for the audit log.
 */
export async function listVisitsDue(
  knex: Knex, actor: Actor, policy: VisitPolicy, calendar: WorkingCalendar, query: DueListQuery,
): Promise<{ list: HomeVisitDueList; headPersonIds: number[] }> {
  requireCaseworkReader(actor);
  if (query.townshipCode && !isWithinScope(actor.regionCode, query.townshipCode)) {
    throw new ProblemError('out-of-scope', `township ${query.townshipCode} is outside ${actor.regionCode}`);
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
  const items: HomeVisitDue[] = [];
  const heads = new Map<number, number>();
  for (let afterId = 0; ; ) {
    const page = await dueCandidates(knex, {
      scopeRegionCode: actor.regionCode, townshipCode: query.townshipCode, villageCodes, asOf: query.asOf,
      enrolmentCategories, warningRules, afterId, limit: pageSize,
    });
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const ids = page.map((h) => h.id);
    const [members, enrolments, warnings, lastVisits, assignments] = await Promise.all([
      dueMembers(knex, ids),
      currentEnrolmentsOf(knex, ids, query.asOf),
      triggerWarningsOf(knex, ids, warningRules, query.asOf),
      lastVisitsOf(knex, ids, policy.countedKinds, query.asOf),
      assignmentsOn(knex, query.asOf, { villageCodes: [...new Set(page.map((h) => h.residenceRegion))] }),
    ]);
    for (const household of page) {
      const own = members.filter((m) => m.householdId === household.id);
      const lastVisitOn = lastVisits.get(household.id) ?? null;
      const requirements = visitRequirements(policy, {
        members: own,
        enrolments: enrolments.filter((e) => e.householdId === household.id),
        warnings: warnings.filter((w) => w.householdId === household.id),
        lastVisitOn,
      }, query.asOf, calendar);
      const governing = governingRequirement(requirements);
      if (!governing) continue;
      const head = own.find((m) => m.relation === '01' || m.relation === '02');
      const late = daysBetween(governing.nextDueOn, query.asOf);
      if (query.overdueOnly && late <= 0) continue;
      items.push({
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
    }
  }
  items.sort((a, b) => (a.nextDueOn < b.nextDueOn ? -1 : a.nextDueOn > b.nextDueOn ? 1 : a.householdId - b.householdId));
  const shown = items.slice(0, query.limit);
  return {
    list: { asOf: query.asOf, policy: policy.name, total: items.length, overdue: items.filter((i) => i.overdue).length, items: shown },
    headPersonIds: shown.flatMap((i) => (heads.has(i.householdId) ? [heads.get(i.householdId)!] : [])),
  };
}
