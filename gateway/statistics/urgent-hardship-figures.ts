/**
 * The weekly figures of urgent hardship (急难) casework — seed 003 asks for "健全周报信息统计和逐级报送机制", a weekly
 * statistic reported level by level, 村 → 乡镇 → 县, and gives no form. These are what jiuzhu records of 救急难 work:
 * first-responder cases (首问负责) and their referrals (转介), the county meeting's 一事一议, temporary assistance paid,
 * and the disaster warnings that call for a visit. Counted per division directly below the region, over any span of
 * days (a week, usually), each figure one grouped query as the monthly figures are (figure-sources.ts).
 */
import type { Knex } from 'knex';
import { prefixRange, scopePrefix } from '../access/region-scope.js';
import { findRegions } from '../store/repositories/regions.js';
import { grouped, inWindow, type FigureQueryContext, type FigureRow } from './figure-sources.js';
import { childCode, childCodeLength, dateWindow } from './monitoring-statistics.js';

export const urgentHardshipFigureNames = [
  'casesOpened', 'casesClosed', 'referralsSent', 'urgentReferralsSent', 'referralsDone', 'referralsOverdue',
  'escalations', 'escalationsDecided', 'temporaryAssistanceCases', 'temporaryAssistanceFen', 'disasterWarnings',
] as const;

export type UrgentHardshipFigure = (typeof urgentHardshipFigureNames)[number];
export type UrgentHardshipFigures = Record<UrgentHardshipFigure, number>;

type Query = (knex: Knex, context: FigureQueryContext) => Promise<FigureRow[]> | Knex.QueryBuilder;

const referralsOfCases = (knex: Knex, c: FigureQueryContext, dateColumn: string) =>
  inWindow(knex, 'referrals as r', 'rc.region_code', dateColumn, c).join('referral_cases as rc', 'rc.id', 'r.case_id');

/** Cases count under the region of the unit that owns them; assistance under the household's residence. */
const queries: Record<UrgentHardshipFigure, Query> = {
  casesOpened: (knex, c) => inWindow(knex, 'referral_cases', 'region_code', 'opened_on', c).count({ value: '*' }),
  casesClosed: (knex, c) => inWindow(knex, 'referral_cases', 'region_code', 'closed_on', c).where('status', 'closed').count({ value: '*' }),
  referralsSent: (knex, c) => referralsOfCases(knex, c, 'r.sent_on').count({ value: '*' }),
  urgentReferralsSent: (knex, c) => referralsOfCases(knex, c, 'r.sent_on').where('r.urgent', true).count({ value: '*' }),
  referralsDone: (knex, c) => referralsOfCases(knex, c, 'r.finished_on').where('r.status', 'done').count({ value: '*' }),
  // Still unfinished at the span's end (or today, while it runs) and past the department's time limit.
  referralsOverdue: (knex, c) => grouped(knex, 'referrals as r', 'rc.region_code', c)
    .join('referral_cases as rc', 'rc.id', 'r.case_id')
    .where('r.sent_on', '<=', c.window.overdueOn)
    .andWhere('r.due_on', '<', c.window.overdueOn)
    .andWhere((q) => q.whereIn('r.status', ['sent', 'accepted']).orWhere('r.finished_on', '>', c.window.overdueOn))
    .count({ value: '*' }),
  escalations: (knex, c) => inWindow(knex, 'case_escalations as e', 'rc.region_code', 'e.escalated_on', c)
    .join('referral_cases as rc', 'rc.id', 'e.case_id').count({ value: '*' }),
  escalationsDecided: (knex, c) => inWindow(knex, 'case_escalations as e', 'rc.region_code', 'e.meeting_on', c)
    .join('referral_cases as rc', 'rc.id', 'e.case_id').where('e.status', 'decided').count({ value: '*' }),
  temporaryAssistanceCases: (knex, c) => temporaryAssistance(knex, c).count({ value: '*' }),
  temporaryAssistanceFen: (knex, c) => temporaryAssistance(knex, c).sum({ value: 'a.amount_fen' }),
  disasterWarnings: (knex, c) => inWindow(knex, 'warnings', 'region_code', 'raised_on', c).where('rule_id', 'disaster-victim').count({ value: '*' }),
};

function temporaryAssistance(knex: Knex, c: FigureQueryContext): Knex.QueryBuilder {
  return inWindow(knex, 'assistance_records as a', 'h.residence_region', 'a.assisted_on', c)
    .join('households as h', 'h.id', 'a.household_id')
    .where('a.assistance_type', 'linshi');
}

export function emptyUrgentHardshipFigures(): UrgentHardshipFigures {
  return Object.fromEntries(urgentHardshipFigureNames.map((name) => [name, 0])) as UrgentHardshipFigures;
}

export interface UrgentHardshipDivision {
  code: string;
  name: string;
  figures: UrgentHardshipFigures;
}

export async function urgentHardshipFigures(
  knex: Knex, query: { regionCode: string; from: string; to: string; today: string },
): Promise<UrgentHardshipDivision[]> {
  const prefix = scopePrefix(query.regionCode);
  const context: FigureQueryContext = { range: prefixRange(prefix), groupLength: childCodeLength(prefix), window: dateWindow(query.from, query.to, query.today) };
  const byCode = new Map<string, UrgentHardshipFigures>();
  for (const name of urgentHardshipFigureNames) {
    for (const row of await queries[name](knex, context)) {
      const code = childCode(String(row.region_key));
      const figures = byCode.get(code) ?? emptyUrgentHardshipFigures();
      figures[name] += Number(row.value ?? 0);
      byCode.set(code, figures);
    }
  }
  // Every division below the region has a row, a quiet week included: a 周报 that leaves a township out says nothing
  // about whether it had nothing to report.
  const divisions = await knex('regions').where('parent_code', query.regionCode).pluck('code') as string[];
  for (const code of divisions) if (!byCode.has(code)) byCode.set(code, emptyUrgentHardshipFigures());
  const names = await findRegions(knex, [...byCode.keys()]);
  return [...byCode.keys()].sort().map((code) => ({ code, name: names.get(code)?.name ?? code, figures: byCode.get(code)! }));
}
