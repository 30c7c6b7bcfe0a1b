/**
 * 季度工作小结 (seed 002 §三(二): "每季度末报季度工作小结"): one text per unit and quarter, due on the quarter's last
 * day. The seed gives no form; the text is the unit's own. Entries are taken from the quarter's first day until the
 * programme's lock period after its last.
 */
import type { Knex } from 'knex';
import type { Actor } from '../access/actor.js';
import { periodsOfQuarter } from '../calendar/periods.js';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { ProblemError } from '../errors.js';
import { recordAudit } from '../store/repositories/audit-log.js';
import { filedByOf, listQuarterlySummaries, writeQuarterlySummary } from '../store/repositories/filing-returns.js';
import type { ProgrammeQuarterlySummaries } from '../../schemas/types/index.js';
import { summaryDeadline, timelinessOf } from './filing-calendar.js';
import { requireFilingFor } from './filing-access.js';
import { unitRegion, unitsOf, type FilingProgramme, type ProgrammeUnit } from './filing-programme.js';
import { unitRef } from './progress-sheets.js';

/** 404 for a quarter that ended before the programme's first month. */
function requireQuarter(programme: FilingProgramme, quarter: string): void {
  const first = programme.returns.monthlyProgress.firstPeriod.period;
  if (periodsOfQuarter(quarter)[2] < first) throw new ProblemError('not-found', `${programme.region.name}'s filing round begins with ${first}; ${quarter} ended before it`);
}

/** Files or replaces a unit's summary of the quarter; `changed` is false when it already said exactly this. */
export async function fileQuarterlySummary(
  knex: Knex,
  actor: Actor,
  target: ProgrammeUnit,
  quarter: string,
  summary: string,
  options: { now: Date },
): Promise<{ created: boolean; changed: boolean }> {
  requireFilingFor(actor, target);
  const { programme, unit } = target;
  requireQuarter(programme, quarter);
  const today = todayInShanghai(options.now);
  const deadline = summaryDeadline(programme, quarter);
  if (today < deadline.opensOn) throw new ProblemError('filing-not-open', `summaries of ${quarter} are taken from ${deadline.opensOn}; today is ${today}`);
  if (today > deadline.entryClosesAfter) {
    throw new ProblemError('filing-closed', `summaries of ${quarter} were taken until ${deadline.entryClosesAfter} (due ${deadline.dueOn}); today is ${today}`);
  }
  return knex.transaction(async (trx) => {
    const [before] = await listQuarterlySummaries(trx, programme.id, quarter, [unit.code]);
    if (before?.summary === summary) return { created: false, changed: false };
    await writeQuarterlySummary(trx, programme.id, { quarter, unitCode: unit.code, summary }, filedByOf(actor), options.now.toISOString());
    await recordAudit(trx, actor, {
      action: 'summary.file', outcome: 'ok', resourceType: 'quarterly-summary', resourceId: `${programme.id}/${quarter}/${unit.code}`, regionCode: unitRegion(programme, unit),
      detail: before ? `replaced the summary first filed at ${before.firstFiledAt}` : 'first filed',
    });
    return { created: !before, changed: true };
  });
}

/** The quarter's summaries of the programme's units (or those in `unitCodes`), in the programme's order, filed or not. */
export async function quarterlySummaries(knex: Knex, programme: FilingProgramme, quarter: string, unitCodes?: readonly string[]): Promise<ProgrammeQuarterlySummaries> {
  requireQuarter(programme, quarter);
  const units = unitsOf(programme, unitCodes);
  const rows = await listQuarterlySummaries(knex, programme.id, quarter, units.map((u) => u.code));
  const deadline = summaryDeadline(programme, quarter);
  return {
    programme: programme.id,
    region: programme.region,
    deadline,
    units: units.map((unit) => {
      const row = rows.find((r) => r.unitCode === unit.code);
      return {
        unit: unitRef(unit),
        summary: row?.summary ?? null,
        filing: row ? timelinessOf(row.firstFiledAt, deadline.onTimeThrough) : 'missing',
        firstFiledAt: row?.firstFiledAt ?? null,
        filedAt: row?.filedAt ?? null,
        filedBy: row?.filedBy ?? null,
      };
    }),
  };
}
