/**
 * The shapes of a monthly roll (月结发放册) as the compiler produces them and the store keeps them: a line is one
 * household's money from one programme for one month, and a roll is the lines a county pays in one month.
 */
import type { BenefitLine, MemberMonth } from './benefit-calculation.js';

/** 低保 and 特困 are paid on separate lines: they have separate funds, categories and, in practice, separate rolls. */
export type Programme = 'dibao' | 'tekun';

/**
 * 备注 marks, as rolls carry them: 新增 (first month paid), 调整 (amount changed), 渐退 (grace period), 停发 (stopped,
 * on the change list only: a stopped household has no line), 补发 (an earlier month underpaid), 追回 (an earlier
 * month overpaid: a negative line, deducted from the household's payment or collected).
 */
export type ChangeMark = '新增' | '调整' | '渐退' | '停发' | '补发' | '追回';

/** What the calculation used, kept with a closed line so a later recomputation of that month starts from it. */
export interface HouseholdInputs {
  urban: boolean;
  householdIncomeFen: number;
  members: MemberMonth[];
  enrolledFrom: string | null;
  gradualExit: { previousAmountFen: number; monthsRemaining: number } | null;
}

export interface LineExplanation {
  /** The standards file and period used: region code and effectiveFrom. */
  standards: { region: string; effectiveFrom: string; example: boolean };
  /** The calculation's lines for this programme, each with its rule, standard, income and arithmetic. */
  lines: BenefitLine[];
  /** For a 补发 / 追回 line: what was due and what had been paid for the month. */
  supplementary?: { dueFen: number; paidFen: number; reason: string };
}

export interface RollLine {
  /** 1-based position in the roll: townships, villages and households in code order, supplementary lines after the household's own. */
  lineNo: number;
  /** The month the money is for: the roll's month, or an earlier one for 补发 / 追回. */
  forMonth: string;
  programme: Programme;
  householdId: number;
  householdNo: string;
  payeePersonId: number;
  payeeName: string;
  townshipCode: string;
  villageCode: string;
  /** Business code (code table assistance-category): 110/120 低保, 130/131/132 特困. */
  category: string;
  personsCovered: number;
  basicFen: number;
  addOnFen: number;
  careFen: number;
  /** basic + add-on + care; negative for 追回. */
  totalFen: number;
  changeMark: ChangeMark | null;
  remark: string | null;
  gradualExitMonthsAfter: number | null;
  explanation: LineExplanation;
  inputs: HouseholdInputs;
  /** The payee's benefit account (一卡通) as stored: the ciphertext, decrypted only by exports that show it. */
  bank: { bankName: string; accountName: string; accountCipher: string } | null;
}

/** A household on last month's roll and not on this one, or one whose amount changed: the month-over-month change list. */
export interface RollChange {
  householdId: number;
  householdNo: string;
  payeeName: string;
  townshipCode: string;
  villageCode: string;
  programme: Programme;
  mark: ChangeMark;
  previousFen: number;
  currentFen: number;
  reason: string;
}

/** A household the roll cannot pay without a guess: not paid, named here for the township to fix. */
export interface RollProblem {
  householdId: number;
  householdNo: string;
  townshipCode: string;
  villageCode: string;
  reason: string;
}

export interface RollTotals {
  households: number;
  persons: number;
  lines: number;
  totalFen: number;
  basicFen: number;
  addOnFen: number;
  careFen: number;
}

export function emptyTotals(): RollTotals {
  return { households: 0, persons: 0, lines: 0, totalFen: 0, basicFen: 0, addOnFen: 0, careFen: 0 };
}
