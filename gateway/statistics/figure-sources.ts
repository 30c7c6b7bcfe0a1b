import type { Knex } from 'knex';
import { addDays } from '../calendar/working-days.js';
import type { MonitoringFigures } from '../../schemas/types/index.js';

export type FigureName = keyof MonitoringFigures;

/** The month being counted: dates for date columns, UTC instants for timestamp columns. */
export interface PeriodWindow {
  firstDay: string;
  lastDay: string;
  startInstant: string;
  endInstant: string;
  /** The day open warnings are judged overdue on: the month's last day, or today while the month is running. */
  overdueOn: string;
}

export interface FigureQueryContext {
  /** The region's code range (region-scope.ts prefixRange). */
  range: { low: string; high: string };
  window: PeriodWindow;
  /** How many leading digits of a region code name the division a row is counted under. */
  groupLength: number;
}

export interface FigureRow {
  region_key: string;
  value: number | string;
  outcome?: string;
}

export interface FigureSource {
  figure: FigureName;
  query(knex: Knex, context: FigureQueryContext): Promise<FigureRow[]>;
}

/** Rows of `table` whose region code lies in the range, grouped by the division they fall under. */
export function grouped(knex: Knex, table: string, regionColumn: string, context: FigureQueryContext): Knex.QueryBuilder {
  return knex(table)
    .where(regionColumn, '>=', context.range.low)
    .andWhere(regionColumn, '<', context.range.high)
    // The length is written into the SQL, not bound: PostgreSQL must see the same expression in SELECT and GROUP BY.
    .select(knex.raw(`substr(??, 1, ${Math.trunc(context.groupLength)}) as region_key`, [regionColumn]))
    .groupByRaw(`substr(??, 1, ${Math.trunc(context.groupLength)})`, [regionColumn]);
}

/** grouped(), narrowed to rows whose date column falls in the window (a month, a week, a quarter). */
export function inWindow(knex: Knex, table: string, regionColumn: string, dateColumn: string, context: FigureQueryContext): Knex.QueryBuilder {
  return grouped(knex, table, regionColumn, context).whereBetween(dateColumn, [context.window.firstDay, context.window.lastDay]);
}

/**
 * One query per figure. Warnings count under the township they were pushed to (a warning with no region
 * reached nobody and counts nowhere); enrolments under their region; assistance under the household's
 * residence; visits under the village visited; discovery cases under their township; referrals under the
 * region of the unit that owns the case.
 */
export const figureSources: FigureSource[] = [
  {
    figure: 'warningsPushed',
    query: (knex, c) => inWindow(knex, 'warnings', 'region_code', 'raised_on', c)
      .count({ value: '*' }),
  },
  {
    // Verification began when the warning first left 'pending' (to verifying, or straight to resolved).
    figure: 'warningsVerified',
    query: (knex, c) => grouped(knex, 'warning_transitions as t', 'w.region_code', c)
      .join('warnings as w', 'w.id', 't.warning_id')
      .where('t.from_status', 'pending')
      .andWhere('t.at', '>=', c.window.startInstant)
      .andWhere('t.at', '<', c.window.endInstant)
      .countDistinct({ value: 't.warning_id' }),
  },
  {
    figure: 'warningsHandled',
    query: (knex, c) => inWindow(knex, 'warnings', 'region_code', 'resolved_on', c)
      .where('status', 'resolved')
      .count({ value: '*' }),
  },
  ...([['personsWarned', 'raised_on'], ['personsHandled', 'resolved_on']] as const).map(([figure, day]): FigureSource => ({
    figure,
    // 人次, as seed 001 counts 处置排查: a person once per day, so two rules' warnings about one person handled together
    // are one 人次, and the same person handled again on another day is a second. A warning is about one person.
    query: (knex, c) => {
      const q = inWindow(knex, 'warnings', 'region_code', day, c);
      if (figure === 'personsHandled') q.where('status', 'resolved');
      return q.select(knex.raw(`COUNT(DISTINCT subject_key || ':' || CAST(${day} AS TEXT)) AS value`));
    },
  })),
  {
    figure: 'outcomes',
    query: (knex, c) => inWindow(knex, 'warnings', 'region_code', 'resolved_on', c)
      .where('status', 'resolved')
      .select('outcome')
      .groupBy('outcome')
      .count({ value: '*' }),
  },
  {
    // Open on the day judged (raised by then, not resolved by then) and past its due date on that day.
    figure: 'warningsOverdue',
    query: (knex, c) => grouped(knex, 'warnings', 'region_code', c)
      .where('raised_on', '<=', c.window.overdueOn)
      .andWhere('due_on', '<', c.window.overdueOn)
      .andWhere((q) => q.whereNull('resolved_on').orWhere('resolved_on', '>', c.window.overdueOn))
      .count({ value: '*' }),
  },
  {
    figure: 'householdsAdjusted',
    query: (knex, c) => grouped(knex, 'enrolment_events as ev', 'e.region_code', c)
      .join('enrolments as e', 'e.id', 'ev.enrolment_id')
      .whereIn('ev.kind', ['amount-changed', 'ended'])
      .andWhere('ev.at', '>=', c.window.startInstant)
      .andWhere('ev.at', '<', c.window.endInstant)
      .countDistinct({ value: 'e.household_id' }),
  },
  ...(['newlyIncludedHouseholds', 'newlyIncludedPersons'] as const).map((figure): FigureSource => ({
    figure,
    // Newly included: enrolled in the month and held no enrolment on the month's eve, so a move from 低保 to
    // 特困, or a renewal, is not a new person.
    query: (knex, c) => inWindow(knex, 'enrolments as e', 'e.region_code', 'e.start_date', c)
      .whereNotExists((q) => q.select(knex.raw('1')).from('enrolments as earlier')
        .whereRaw('earlier.person_id = e.person_id')
        .andWhere('earlier.start_date', '<', c.window.firstDay)
        .andWhere((open) => open.whereNull('earlier.end_date').orWhere('earlier.end_date', '>=', addDays(c.window.firstDay, -1))))
      .countDistinct({ value: figure === 'newlyIncludedHouseholds' ? 'e.household_id' : 'e.person_id' }),
  })),
  ...(['temporaryAssistanceCases', 'temporaryAssistanceFen'] as const).map((figure): FigureSource => ({
    figure,
    query: async (knex, c) => {
      const q = inWindow(knex, 'assistance_records as a', 'h.residence_region', 'a.assisted_on', c)
        .join('households as h', 'h.id', 'a.household_id')
        .where('a.assistance_type', 'linshi');
      return figure === 'temporaryAssistanceCases' ? q.count({ value: '*' }) : q.sum({ value: 'a.amount_fen' });
    },
  })),
  {
    figure: 'visits',
    query: (knex, c) => inWindow(knex, 'home_visits', 'region_code', 'visited_on', c)
      .count({ value: '*' }),
  },
  {
    figure: 'householdsVisited',
    query: (knex, c) => inWindow(knex, 'home_visits', 'region_code', 'visited_on', c)
      .countDistinct({ value: 'household_id' }),
  },
  {
    figure: 'problemsFound',
    query: (knex, c) => inWindow(knex, 'home_visits', 'region_code', 'visited_on', c)
      .where('hardship_found', true)
      .count({ value: '*' }),
  },
  {
    // A hardship a visit found is followed up as a discovery case opened from that visit; concluding the case,
    // whatever its result, is the problem solved. Counted under the visit's village, like the problem itself.
    figure: 'problemsSolved',
    query: (knex, c) => inWindow(knex, 'discovery_cases as d', 'v.region_code', 'd.concluded_on', c)
      .join('home_visits as v', 'v.id', 'd.visit_id')
      .where('d.status', 'concluded')
      .count({ value: '*' }),
  },
  {
    figure: 'discoveryCasesOpened',
    query: (knex, c) => inWindow(knex, 'discovery_cases', 'township_code', 'discovered_on', c)
      .count({ value: '*' }),
  },
  {
    figure: 'discoveryCasesIncluded',
    query: (knex, c) => inWindow(knex, 'discovery_cases', 'township_code', 'concluded_on', c)
      .where('result', 'included')
      .count({ value: '*' }),
  },
  {
    figure: 'referralsSent',
    query: (knex, c) => inWindow(knex, 'referrals as r', 'rc.region_code', 'r.sent_on', c)
      .join('referral_cases as rc', 'rc.id', 'r.case_id')
      .count({ value: '*' }),
  },
  {
    figure: 'referralsDone',
    query: (knex, c) => inWindow(knex, 'referrals as r', 'rc.region_code', 'r.finished_on', c)
      .join('referral_cases as rc', 'rc.id', 'r.case_id')
      .where('r.status', 'done')
      .count({ value: '*' }),
  },
];
