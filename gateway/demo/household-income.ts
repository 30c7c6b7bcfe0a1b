import { INCOME_RATIO_BY_CATEGORY, type RegisterCategory } from './household-categories.js';
import { isEarner, type MemberDraft } from './member-draft.js';
import type { SeededRandom } from './seeded-random.js';

const FEN_PER_YUAN = 100;

/**
 * Sets each member's monthly income and returns the household's. The household's income per person is drawn as a
 * share of the 低保 standard that fits its category, then split over the members who can earn, partial labour
 * ability earning half as much. Children, students, the elderly and those unable to work have no income: the
 * 城乡居民基础养老金 is among the items many places leave out of the means test (research §6, 深圳 2023).
 * Where no one can earn but the category needs income above the line, it is the head's transfer income
 * (赡养费 from children living elsewhere). Amounts are whole yuan.
 */
export function assignMonthlyIncomes(
  drafts: readonly MemberDraft[],
  category: RegisterCategory,
  dibaoStandardFen: number,
  random: SeededRandom,
): number {
  const [low, high] = INCOME_RATIO_BY_CATEGORY[category];
  const ratio = low + random.nextFloat() * (high - low);
  const earners = drafts.filter(isEarner);
  const targetYuan = Math.floor((ratio * dibaoStandardFen * drafts.length) / FEN_PER_YUAN);

  for (const draft of drafts) draft.member.monthlyIncomeFen = 0;
  if (targetYuan <= 0) return 0;

  if (earners.length === 0) {
    if (category === 'dibao') return 0;
    const head = drafts[0];
    if (!head) return 0;
    head.member.monthlyIncomeFen = targetYuan * FEN_PER_YUAN;
    return head.member.monthlyIncomeFen;
  }

  const weights = earners.map((draft) => (draft.member.labourAbility === '02' ? 0.5 : 1) * (0.6 + random.nextFloat() * 0.8));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  let assignedYuan = 0;
  earners.forEach((draft, index) => {
    const yuan = Math.floor((targetYuan * (weights[index] ?? 0)) / totalWeight);
    draft.member.monthlyIncomeFen = yuan * FEN_PER_YUAN;
    assignedYuan += yuan;
  });
  const firstEarner = earners[0];
  if (firstEarner) firstEarner.member.monthlyIncomeFen += (targetYuan - assignedYuan) * FEN_PER_YUAN;
  return targetYuan * FEN_PER_YUAN;
}
