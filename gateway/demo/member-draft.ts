import type { DemoMember } from './demo-household.js';

/** A member while the household is being generated: the output record plus what later steps need to know. */
export interface MemberDraft {
  readonly member: DemoMember;
  /** Whole years at the as-of date. */
  readonly age: number;
  readonly birthDay: number;
  /** In school or college: no wage, and eligible for 教育救助. */
  readonly student: boolean;
}

/** Working-age members able to earn: 18–64 (rural people keep working past the retirement age), not in school. */
export function isEarner(draft: MemberDraft): boolean {
  const ability = draft.member.labourAbility;
  return draft.age >= 18 && draft.age <= 64 && !draft.student && (ability === '01' || ability === '02');
}
