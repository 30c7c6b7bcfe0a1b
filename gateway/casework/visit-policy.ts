import { readFileSync } from 'node:fs';
import { projectPath } from '../project-files.js';
import { describeSchemaError, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import { isKnownCode } from '../store/reference-data/code-tables.js';
import type { VisitCategory, VisitPolicy } from '../../schemas/types/index.js';

export const defaultVisitPolicyPath = projectPath('config/visits/default.json');

export class VisitPolicyError extends Error {
  constructor(path: string, problems: string[]) {
    super(`visit policy ${path} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'VisitPolicyError';
  }
}

/**
 * Reads and checks the visit frequencies: the schema first, then what a schema cannot say — category ids are
 * unique, every business and attribute code is in its national table, and (given the rule set) every trigger rule
 * exists. A policy that fails is refused whole, naming each problem.
 */
export function loadVisitPolicy(path: string = defaultVisitPolicyPath, options: { ruleIds?: readonly string[] } = {}): VisitPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new VisitPolicyError(path, [`not readable JSON: ${(error as Error).message}`]);
  }
  const validate = schemaValidator<VisitPolicy>('visit-policy');
  if (!validate(parsed)) {
    throw new VisitPolicyError(path, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = visitPolicyProblems(parsed, options.ruleIds);
  if (problems.length > 0) throw new VisitPolicyError(path, problems);
  return parsed;
}

function visitPolicyProblems(policy: VisitPolicy, ruleIds: readonly string[] | undefined): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const category of policy.categories) {
    if (seen.has(category.id)) problems.push(`category ${category.id} appears twice`);
    seen.add(category.id);
    problems.push(...categoryProblems(category, ruleIds, policy.frequencyReading));
  }
  return problems;
}

function categoryProblems(category: VisitCategory, ruleIds: readonly string[] | undefined, reading: VisitPolicy['frequencyReading']): string[] {
  const problems: string[] = [];
  const { match, frequency } = category;
  const unknown = (table: string, codes: readonly string[] | undefined, what: string) => {
    for (const code of codes ?? []) if (!isKnownCode(table, code)) problems.push(`category ${category.id}: ${what} ${code} is not in code table ${table}`);
  };
  if ('warningRules' in match) {
    if (!('withinWorkingDays' in frequency)) problems.push(`category ${category.id} is triggered by warnings, so its frequency must be withinWorkingDays`);
    for (const rule of match.warningRules) {
      if (ruleIds && !ruleIds.includes(rule)) problems.push(`category ${category.id}: rule ${rule} is not in the rule set`);
    }
    return problems;
  }
  if (!('everyMonths' in frequency)) problems.push(`category ${category.id} follows enrolments, so its frequency must be everyMonths`);
  else if (reading !== 'months-since-last-visit' && 12 % frequency.everyMonths !== 0) {
    problems.push(`category ${category.id}: calendar periods of ${frequency.everyMonths} months do not divide the year (use 1, 2, 3, 4, 6 or 12, or frequencyReading months-since-last-visit)`);
  }
  unknown('assistance-category', match.enrolmentCategories, 'business code');
  unknown('disability-grade', match.member?.disabilityGrades, 'disability grade');
  unknown('labour-ability', match.member?.labourAbility, 'labour ability');
  unknown('health', match.member?.health, 'health code');
  return problems;
}

/** Every business code any category looks at, for the candidate query. */
export function policyEnrolmentCategories(policy: VisitPolicy): string[] {
  return [...new Set(policy.categories.flatMap((c) => ('enrolmentCategories' in c.match ? c.match.enrolmentCategories : [])))].sort();
}

/** Every comparison rule whose warnings trigger a visit. */
export function policyWarningRules(policy: VisitPolicy): string[] {
  return [...new Set(policy.categories.flatMap((c) => ('warningRules' in c.match ? c.match.warningRules : [])))].sort();
}
