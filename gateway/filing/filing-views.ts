/**
 * The filing round as the API shows it to one key: every programme it reaches a unit of, with those units only, and
 * liaison phones masked unless the key may see them. The services underneath (progress-sheets.ts, liaison-roster.ts,
 * quarterly-summaries.ts) return everything; this is where the key's region and role narrow it.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { displayPhone } from '../access/masking.js';
import { requireCapability } from '../access/role-policy.js';
import { periodsOfQuarter } from '../calendar/periods.js';
import type { FilingCompleteness, LiaisonContactView, LiaisonRoster, ProgressSheet, QuarterlySummaries } from '../../schemas/types/index.js';
import { rosterDeadline } from './filing-calendar.js';
import { unitInScope, unitsInScope } from './filing-access.js';
import type { FilingProgramme, FilingProgrammes } from './filing-programme.js';
import { liaisonRoster } from './liaison-roster.js';
import { filingCompleteness, unitProgressSheet } from './progress-sheets.js';
import { quarterlySummaries } from './quarterly-summaries.js';

/** The sheet of a unit within the key's region (404 for any other), as of `today`. */
export async function viewProgressSheet(knex: Knex, programmes: FilingProgrammes, actor: Actor, sheet: { period: string; unit: string }, today: string): Promise<ProgressSheet> {
  const { programme, unit } = unitInScope(programmes, actor, sheet.unit);
  return unitProgressSheet(knex, programme, sheet.period, unit.code, today);
}

/** Programmes whose round had begun by the month's end, with the units of them the key reaches. */
function programmesRunningIn(programmes: FilingProgrammes, actor: Actor, lastPeriod: string) {
  return unitsInScope(programmes, actor).filter(({ programme }) => programme.returns.monthlyProgress.firstPeriod.period <= lastPeriod);
}

/** Each reachable unit's completeness for the month; `notComplete` keeps only units with a task still to file (the reminder list). */
export async function viewCompleteness(
  knex: Knex,
  programmes: FilingProgrammes,
  actor: Actor,
  query: { period: string; today: string; notComplete?: boolean },
): Promise<FilingCompleteness> {
  requireCapability(actor, 'readReturns');
  const result: FilingCompleteness = { period: query.period, programmes: [] };
  for (const { programme, units } of programmesRunningIn(programmes, actor, query.period)) {
    const completeness = await filingCompleteness(knex, programme, query.period, query.today, units.map((u) => u.code));
    if (query.notComplete) completeness.units = completeness.units.filter((row) => row.tasksMissing.length > 0);
    result.programmes.push(completeness);
  }
  return result;
}

/**
 * The liaison roster of every reachable unit. A phone is shown in full to roles that see phones, to a key bound to the
 * programme's lead unit (the roster is sent to it: seed 002 "附件1请于6月5日前报送至永宁县民政局") and to a unit's own
 * key; masked (138****5678) to every other.
 */
export async function viewLiaisonRoster(knex: Knex, programmes: FilingProgrammes, actor: Actor): Promise<LiaisonRoster> {
  const policy = requireCapability(actor, 'readReturns');
  const result: LiaisonRoster = { programmes: [] };
  for (const { programme, units } of unitsInScope(programmes, actor)) {
    const rows = await liaisonRoster(knex, programme, units.map((u) => u.code));
    const deadline = rosterDeadline(programme);
    result.programmes.push({
      programme: programme.id, region: programme.region, title: programme.returns.liaisonRoster.title, ...deadline,
      units: rows.map((row) => {
        const full = policy.fullPhone || seesContactsOf(actor, programme, row.unit.code);
        const shown = (contact: LiaisonContactView | null) => (contact === null || full ? contact : { ...contact, phone: displayPhone(policy, contact.phone), phoneMasked: true });
        return { ...row, leader: shown(row.leader), staff: shown(row.staff) };
      }),
    });
  }
  return result;
}

function seesContactsOf(actor: Actor, programme: FilingProgramme, unitCode: string): boolean {
  return actor.unitCode === programme.leadUnit || actor.unitCode === unitCode;
}

/** The quarter's summaries of every reachable unit. */
export async function viewQuarterlySummaries(knex: Knex, programmes: FilingProgrammes, actor: Actor, quarter: string): Promise<QuarterlySummaries> {
  requireCapability(actor, 'readReturns');
  const result: QuarterlySummaries = { quarter, programmes: [] };
  for (const { programme, units } of programmesRunningIn(programmes, actor, periodsOfQuarter(quarter)[2])) {
    result.programmes.push(await quarterlySummaries(knex, programme, quarter, units.map((u) => u.code)));
  }
  return result;
}
