import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuleSet } from '../../schemas/types/index.js';
import { defaultRuleSetPath, loadRuleSet, RuleSetError, thresholdVariants } from '../../gateway/engine/rule-set.js';

const dir = mkdtempSync(join(tmpdir(), 'jiuzhu-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaults = JSON.parse(readFileSync(defaultRuleSetPath, 'utf8')) as RuleSet;

function withChange(change: (set: RuleSet) => void): string {
  const set = structuredClone(defaults);
  change(set);
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(set));
  return path;
}

describe('rule sets', () => {
  it('loads the default set, every threshold marked as an example', () => {
    const { ruleSet, sm3 } = loadRuleSet();
    expect(ruleSet.rules.length).toBeGreaterThanOrEqual(15);
    expect(sm3).toMatch(/^[0-9a-f]{64}$/);
    const thresholds = ruleSet.rules.flatMap((rule) => Object.values(rule.thresholds ?? {}));
    expect(thresholds.length).toBeGreaterThan(0);
    expect(thresholds.every((t) => t?.example === true)).toBe(true);
  });

  it('marks every rule’s deadline as an example, one by one, each saying on what it rests (no seed sets one)', () => {
    const { ruleSet } = loadRuleSet();
    for (const rule of ruleSet.rules) {
      expect(rule.deadline, rule.id).toMatchObject({ example: true });
      expect(rule.deadline.basis.length, rule.id).toBeGreaterThan(20);
    }
  });

  it('refuses a rule without a deadline basis, and restating kinds the rule does not read', () => {
    const path = withChange((set) => {
      const died = set.rules.find((r) => r.id === 'recipient-died')!;
      delete (died as Partial<typeof died>).deadline;
    });
    expect(() => loadRuleSet(path)).toThrow(/deadline/);
    const restating = withChange((set) => {
      const income = set.rules.find((r) => r.id === 'recipient-income-above-threshold')!;
      if (income.match.type === 'amount') income.match.restating = ['employment', 'business-registration'];
    });
    expect(() => loadRuleSet(restating)).toThrow(/business-registration restates another amount, but does not read facts of kind business-registration/);
  });

  it('refuses a set naming each problem: unknown threshold, unknown kind, duplicate id, overrides of what does not exist', () => {
    const path = withChange((set) => {
      const income = set.rules.find((r) => r.id === 'recipient-income-above-threshold')!;
      if (income.match.type === 'amount') income.match.threshold = 'monthlyWage';
      const died = set.rules.find((r) => r.id === 'recipient-died')!;
      if (died.match.type === 'fact') died.match.kinds = ['person-death', 'person-buried'];
      set.rules.push(structuredClone(died));
      set.regions = { '640121': { thresholds: { 'no-such-rule': { x: 1 }, 'recipient-died': { limit: 2 } } } };
    });
    expect(() => loadRuleSet(path)).toThrow(RuleSetError);
    const message = (() => {
      try {
        loadRuleSet(path);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('rule recipient-income-above-threshold uses threshold monthlyWage, which it does not define');
    expect(message).toContain('rule recipient-died reads facts of kind person-buried, which is not a kind of fact');
    expect(message).toContain('rule recipient-died appears twice');
    expect(message).toContain('region 640121 sets thresholds for rule no-such-rule, which the set does not have');
    expect(message).toContain('region 640121 sets threshold limit of rule recipient-died, which it does not define');
  });

  it('refuses a set the schema refuses, before anything else', () => {
    const path = withChange((set) => {
      (set.rules[0] as { severity: string }).severity = 'urgent';
    });
    expect(() => loadRuleSet(path)).toThrow(/severity|must be equal to one of the allowed values/);
  });

  it('gives a county its own thresholds and everyone else the rule’s, in hundredths of the unit', () => {
    const path = withChange((set) => {
      set.regions = { '640121': { thresholds: { 'recipient-household-housing-above-threshold': { floorAreaPerMember: 45 } } } };
    });
    const { ruleSet } = loadRuleSet(path);
    const rule = ruleSet.rules.find((r) => r.id === 'recipient-household-housing-above-threshold')!;
    expect(thresholdVariants(ruleSet, rule)).toEqual([
      { counties: ['640121'], values: { floorAreaPerMember: 4500 } },
      { excludedCounties: ['640121'], values: { floorAreaPerMember: 6000 } },
    ]);
  });
});
