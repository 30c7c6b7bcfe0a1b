import { readFileSync } from 'node:fs';
import { sm3Hex } from '../crypto/sm3.js';
import { projectPath } from '../project-files.js';
import { describeSchemaError, loadedSchema, schemaErrorPointer, schemaValidator } from '../schema-validator.js';
import type { Rule, RuleSet } from '../../schemas/types/index.js';

export const defaultRuleSetPath = projectPath('config/rules/default.json');

export interface LoadedRuleSet {
  ruleSet: RuleSet;
  /** SM3 of the file as read: a run records which rules, exactly, it applied. */
  sm3: string;
  path: string;
}

export class RuleSetError extends Error {
  constructor(path: string, problems: string[]) {
    super(`rule set ${path} is not usable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RuleSetError';
  }
}

/**
 * Reads and checks a rule set: the schema first, then what a schema cannot say — every threshold a match names
 * exists, every fact kind exists, every region override names a rule and a threshold it has, rule ids are unique.
 * A rule set that fails is refused whole, naming each problem: a comparison never runs on half a configuration.
 */
export function loadRuleSet(path: string = defaultRuleSetPath): LoadedRuleSet {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RuleSetError(path, [`not JSON: ${(error as Error).message}`]);
  }
  const validate = schemaValidator<RuleSet>('rule-set');
  if (!validate(parsed)) {
    throw new RuleSetError(path, (validate.errors ?? []).slice(0, 10).map((e) => `${schemaErrorPointer(e)} ${describeSchemaError(e)}`));
  }
  const problems = ruleSetProblems(parsed);
  if (problems.length > 0) throw new RuleSetError(path, problems);
  return { ruleSet: parsed, sm3: sm3Hex(Buffer.from(text, 'utf8')), path };
}

function ruleSetProblems(ruleSet: RuleSet): string[] {
  const problems: string[] = [];
  const kinds = new Set((loadedSchema('fact').oneOf as { properties: { kind: { const: string } } }[]).map((v) => v.properties.kind.const));
  const seen = new Set<string>();
  for (const rule of ruleSet.rules) {
    if (seen.has(rule.id)) problems.push(`rule ${rule.id} appears twice`);
    seen.add(rule.id);
    const match = rule.match;
    const named = match.type === 'amount' ? [match.threshold, ...(match.exPoorThreshold ? [match.exPoorThreshold] : [])] : [];
    for (const name of named) if (!rule.thresholds?.[name]) problems.push(`rule ${rule.id} uses threshold ${name}, which it does not define`);
    const usedKinds = match.type === 'enrolment-conflict' ? [] : [...match.kinds, ...(match.type === 'fact' ? [...(match.with?.kinds ?? []), ...(match.without?.kinds ?? [])] : [])];
    for (const kind of usedKinds) if (!kinds.has(kind)) problems.push(`rule ${rule.id} reads facts of kind ${kind}, which is not a kind of fact`);
    if (match.type === 'amount') {
      for (const kind of match.restating ?? []) if (!match.kinds.includes(kind)) problems.push(`rule ${rule.id} says ${kind} restates another amount, but does not read facts of kind ${kind}`);
    }
    if (rule.suggestedAction === 'refer' && !rule.referTo) problems.push(`rule ${rule.id} suggests a referral but names no department (referTo)`);
  }
  for (const [region, override] of Object.entries(ruleSet.regions ?? {})) {
    for (const [ruleId, values = {}] of Object.entries(override?.thresholds ?? {})) {
      const rule = ruleSet.rules.find((r) => r.id === ruleId);
      if (!rule) {
        problems.push(`region ${region} sets thresholds for rule ${ruleId}, which the set does not have`);
        continue;
      }
      for (const name of Object.keys(values)) {
        if (!rule.thresholds?.[name]) problems.push(`region ${region} sets threshold ${name} of rule ${ruleId}, which it does not define`);
      }
    }
  }
  return problems;
}

/** The variants of a rule's thresholds: the counties that override them, each with its own, and the rest with the rule's. */
export interface ThresholdVariant {
  /** Counties (6 digits) this variant applies to; undefined: every county but those in excludedCounties. */
  counties?: string[];
  /** For the rule's own thresholds: the counties that have their own. */
  excludedCounties?: string[];
  /** Threshold name → value in hundredths of its unit (fen for money, 0.01 m² for area), as the engine compares. */
  values: Record<string, number>;
}

export function thresholdVariants(ruleSet: RuleSet, rule: Rule): ThresholdVariant[] {
  const base = scaledThresholds(rule, {});
  const overriding = Object.entries(ruleSet.regions ?? {}).flatMap(([county, override]) => {
    const values = override?.thresholds[rule.id];
    return values === undefined ? [] : [{ county, values }];
  });
  return [
    ...overriding.map(({ county, values }) => ({ counties: [county], values: scaledThresholds(rule, values) })),
    { excludedCounties: overriding.map(({ county }) => county), values: base },
  ];
}

/** Money is already in fen; an area in whole square metres becomes hundredths, so every measure is an integer. */
function scaledThresholds(rule: Rule, overrides: Record<string, number | undefined>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, threshold] of Object.entries(rule.thresholds ?? {})) {
    if (!threshold) continue;
    const value = overrides[name] ?? threshold.value;
    values[name] = threshold.unit === 'fen' ? value : value * 100;
  }
  return values;
}
