import type { Knex } from 'knex';
import { lastDayOfPeriod } from '../calendar/periods.js';
import { ProblemError } from '../errors.js';
import type { HouseholdIndices, IndexComponent, IndexDefinition, IndexMembersSource, IndexScore } from '../../schemas/types/index.js';
import { dibaoStandardFor, livingAreaOf } from './dibao-standard.js';
import type { LoadedIndexFormula } from './index-formula.js';
import { scoreComponent } from './score-component.js';
import { readTogether } from '../store/reads-together.js';
import {
  dialectOf,
  readAssistanceTotals,
  readEnrolmentTotals,
  readFactTotals,
  readHeadNames,
  readHouseholds,
  readMemberTotals,
  type HouseholdBase,
  type HouseholdSelection,
  type MemberTotals,
  type SourceQuery,
} from './source-values.js';

export interface IndicesRequest {
  period: string;
  formula: LoadedIndexFormula;
}

/**
 * Both indices of every household living in a region (code prefix; '' for all), in one pass: a fixed number of
 * grouped queries — households, members, one per facts, assistance or enrolments component — whatever the number
 * of households, then arithmetic per household. Statistics, reports and the demo call this.
 */
export async function computeIndices(knex: Knex, request: IndicesRequest & { regionPrefix: string }): Promise<HouseholdIndices[]> {
  return computeFor(knex, { regionPrefix: request.regionPrefix }, request);
}

/** Both indices of one household, by the same code path as the region-wide pass; undefined when there is no such household. */
export async function computeHouseholdIndices(knex: Knex, request: IndicesRequest & { householdId: number }): Promise<HouseholdIndices | undefined> {
  const [indices] = await computeFor(knex, { householdId: request.householdId }, request);
  return indices;
}

function allComponents(formula: LoadedIndexFormula): IndexComponent[] {
  return [...formula.formula.poverty.components, ...formula.formula.need.components];
}

async function computeFor(knex: Knex, selection: HouseholdSelection, request: IndicesRequest): Promise<HouseholdIndices[]> {
  const query: SourceQuery = { knex, dialect: dialectOf(knex), selection, period: request.period, periodEnd: lastDayOfPeriod(request.period) };
  const components = allComponents(request.formula);
  const households = await readHouseholds(query);
  if (households.length === 0) return [];

  const membersSources = components.flatMap((c) => (c.source.type === 'members' ? [c.source] : []));
  const [heads, memberTotals] = await readTogether(knex, () => readHeadNames(query), () => readMemberTotals(query, membersSources));
  const totals = new Map<IndexComponent, Map<number, number>>();
  for (const component of components) {
    const source = component.source;
    if (source.type === 'facts') totals.set(component, await readFactTotals(query, source));
    else if (source.type === 'assistance') totals.set(component, await readAssistanceTotals(query, source));
    else if (source.type === 'enrolments') totals.set(component, await readEnrolmentTotals(query, source));
  }

  const totalOf = (component: IndexComponent, household: HouseholdBase, members: MemberTotals | undefined): number | null => {
    const source = component.source;
    switch (source.type) {
      case 'household-income':
        // The assessed household income (核定) where recorded; else the members' own, if any has one.
        if (household.monthlyIncomeFen !== null) return household.monthlyIncomeFen;
        return members && members.incomesRecorded > 0 ? members.incomeFen : null;
      case 'members':
        return members?.matching[membersSources.indexOf(source as IndexMembersSource)] ?? 0;
      default:
        return totals.get(component)?.get(household.id) ?? 0;
    }
  };

  return households.map((household) => {
    const members = memberTotals.get(household.id);
    const memberCount = members?.members ?? 0;
    const standard = dibaoStandardFor(request.formula.formula, household.residenceRegion.slice(0, 6), request.period, livingAreaOf(household));
    if (!standard) {
      throw new ProblemError('index-standard-missing', `index formula ${request.formula.formula.id} has no 低保 standard for ${household.residenceRegion.slice(0, 6)} in ${request.period}`);
    }
    const score = (index: IndexDefinition): IndexScore => {
      const scored = index.components.map((component) => scoreComponent(component, totalOf(component, household, members), memberCount, standard.dibaoMonthlyFen));
      return {
        title: index.title,
        score: scored.reduce((sum, c) => sum + c.contributionHundredths, 0) / 100,
        complete: scored.every((c) => c.rawValue !== null),
        components: scored.map(({ contributionHundredths: _, ...component }) => component),
      };
    };
    return {
      householdId: household.id,
      householdNo: household.householdNo,
      residenceRegionCode: household.residenceRegion,
      headName: heads.get(household.id) ?? null,
      memberCount,
      period: request.period,
      formula: { id: request.formula.formula.id, sm3: request.formula.sm3 },
      standard,
      poverty: score(request.formula.formula.poverty),
      need: score(request.formula.formula.need),
    };
  });
}
