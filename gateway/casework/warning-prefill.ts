import type { LoadedRuleSet } from '../engine/rule-set.js';
import type { WarningRow } from '../store/repositories/warnings.js';

/** What a prefill reads of the warning a case is opened from. */
type WarningSubject = Pick<WarningRow, 'ruleId' | 'period' | 'measured' | 'threshold' | 'suggestedAction' | 'referTo'>;

/**
 * What a discovery case opened from a warning (信息推送发现) starts with: the situation in words and the assistance
 * the rule points to. The mapping reads the rule's own suggested action and referral department — vocabulary, not a
 * standard — so a rule added to the set without a mapping simply suggests nothing and the township says what.
 */
const assistanceBySuggestedAction: Readonly<Record<string, readonly string[]>> = {
  /** High medical self-pay of someone outside the register: 刚性支出 → 低保 or 医疗救助 (research §3). */
  'consider-inclusion': ['dibao', 'yiliao'],
  /** 单人保 for a severely disabled adult without work. */
  'individual-insurance': ['dibao'],
  /** 急难: 临时救助 and 受灾人员救助. */
  'emergency-assistance': ['linshi', 'shouzai'],
};

/** A referral's department (code table department) → the assistance it gives (code table assistance-type). */
const assistanceByDepartment: Readonly<Record<string, readonly string[]>> = {
  jy: ['jiaoyu'], yb: ['yiliao'], wj: ['yiliao'], zj: ['zhufang'], rs: ['jiuye'], yj: ['shouzai'], cl: ['canji'], gh: ['kunnan-zhigong'],
};

export function suggestedAssistanceOf(warning: WarningSubject): string[] {
  if (warning.suggestedAction === 'refer' && warning.referTo) return [...(assistanceByDepartment[warning.referTo] ?? [])];
  return [...(assistanceBySuggestedAction[warning.suggestedAction] ?? [])];
}

/** 家庭基本情况 as far as the warning tells it: the rule, the month, and the measured amount against the threshold. */
export function situationFromWarning(warning: WarningSubject, rules: LoadedRuleSet): string {
  const rule = rules.ruleSet.rules.find((r) => r.id === warning.ruleId);
  const parts = [`数据比对预警：${rule?.title ?? warning.ruleId}（${warning.period}）`];
  if (warning.measured !== null && warning.threshold !== null && rule) {
    const units = Object.values(rule.thresholds ?? {}).map((t) => t?.unit);
    if (units.length > 0 && units.every((u) => u === 'fen')) parts.push(`金额 ${yuan(warning.measured)} 元，阈值 ${yuan(warning.threshold)} 元`);
  }
  return parts.join('；');
}

function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
