/**
 * The monthly roll of one county (月结发放册), computed from the register and the standards, a page of households at a
 * time: each household's 低保 and 特困 lines for the month, then its 补发 and 追回 for earlier closed months whose
 * payment is wrong now, and the month-over-month change list. The roll reads deaths, cremations and moves from the
 * feeds itself: a dead member is never paid for a month after the death, whatever the state of the warning about
 * it, and what was paid after it becomes a recovery line.
 */
import type { Knex } from 'knex';
import { addMonths, lastDayOfPeriod } from '../calendar/periods.js';
import { createSm3 } from '../crypto/sm3.js';
import { yuanText } from '../exports/money-text.js';
import { householdsEnrolledBetween, readRollRegisterPage, type RollHouseholdKey } from '../store/repositories/payroll-register.js';
import { closedRollsBetween, householdKeysOf, householdsOfRoll, householdsToRecheck, paidLinesOf, type ClosedRoll } from '../store/repositories/payroll-rolls.js';
import { findRegions } from '../store/repositories/regions.js';
import { BenefitInputError, calculateHouseholdBenefit, type BenefitLine, type HouseholdBenefit } from './benefit-calculation.js';
import { standardsFor, type StandardsBook, type StandardsInForce } from './benefit-standards.js';
import {
  currentHousehold, departureBefore, departureWords, enrolmentInMonth, householdMonthOf, indexRegisterPage, payeeOf, programmeOf, type RegisterIndex,
} from './household-inputs.js';
import type { HouseholdInputs, Programme, RollChange, RollLine, RollProblem } from './roll-types.js';

export interface CompileRollOptions {
  countyCode: string;
  month: string;
  book: StandardsBook;
  /** Households per page: what is held in memory at once. */
  pageSize?: number;
}

export interface CompiledPage {
  lines: RollLine[];
  changes: RollChange[];
  problems: RollProblem[];
}

const programmes: readonly Programme[] = ['dibao', 'tekun'];
const programmeKinds: Readonly<Record<Programme, ReadonlySet<BenefitLine['kind']>>> = {
  dibao: new Set(['basic', 'gradual-exit', 'add-on']),
  tekun: new Set(['tekun-basic', 'care']),
};

/**
 * The digest of every standards period in force in the county for the month (the county's file and any of its
 * townships' or villages'), recorded with a closed roll: when it differs later, a standard was changed with effect
 * from that month and every household of it is recomputed.
 */
export function standardsDigest(book: StandardsBook, countyCode: string, month: string): string {
  const inForce: unknown[] = [];
  for (const region of [...book.keys()].filter((r) => r.startsWith(countyCode)).sort()) {
    try {
      inForce.push(standardsFor(book, region, month));
    } catch {
      inForce.push({ region, none: month });
    }
  }
  return createSm3().update(JSON.stringify(inForce)).digest('hex');
}

interface Previous {
  totalFen: number;
  gradualExitMonthsAfter: number | null;
  payeeName: string;
  /** Who last month's line counted: a departure is remarked in the first month it removes someone. */
  memberIds: ReadonlySet<string>;
}

/** Compiles the roll page by page; the lines of a page are numbered after those of the pages before it. */
export async function* compileRoll(knex: Knex, options: CompileRollOptions): AsyncGenerator<CompiledPage> {
  const { countyCode, month, book } = options;
  const pageSize = options.pageSize ?? 2000;
  const first = `${month}-01`;
  const last = lastDayOfPeriod(month);
  // Fails at once, before any page, when the county has no standards for the month.
  const rules = standardsFor(book, countyCode, month).payroll;

  const window = rules.backPayMonths > 0 ? await closedRollsBetween(knex, countyCode, addMonths(month, -rules.backPayMonths), addMonths(month, -1)) : [];
  const previousRoll = (await closedRollsBetween(knex, countyCode, addMonths(month, -1), addMonths(month, -1)))[0];
  const recheck = await monthsToRecheck(knex, book, countyCode, window);

  const enrolled = await householdsEnrolledBetween(knex, countyCode, first, last);
  const seen = new Set(enrolled.map((k) => k.householdId));
  const extraIds = new Set<number>();
  for (const { ids } of recheck.values()) for (const id of ids) if (!seen.has(id)) extraIds.add(id);
  if (previousRoll) for (const id of await householdsOfRoll(knex, previousRoll.id)) if (!seen.has(id)) extraIds.add(id);
  const keys = [...enrolled, ...(await householdKeysOf(knex, [...extraIds]))].sort(rollOrder);

  const villages = await findRegions(knex, [...new Set(keys.map((k) => k.regionCode))]);
  // One lookup per village and month, not per household: standardsFor copies the period it finds.
  const inForce = new Map<string, StandardsInForce>();
  const standardsOf = (region: string, forMonth: string) => {
    const key = `${region}|${forMonth}`;
    return inForce.get(key) ?? inForce.set(key, standardsFor(book, region, forMonth)).get(key)!;
  };
  // The closed months whose paid lines a page reads: last month's, and those being rechecked.
  const priorMonths = [...new Set([...recheck.keys(), ...(previousRoll ? [previousRoll.month] : [])])];
  let lineNo = 0;
  for (let at = 0; at < keys.length; at += pageSize) {
    const pageKeys = keys.slice(at, at + pageSize);
    const ids = pageKeys.map((k) => k.householdId);
    const index = indexRegisterPage(await readRollRegisterPage(knex, ids));
    const paid = await paidLinesOf(knex, countyCode, ids, priorMonths);
    const paidByKey = new Map<string, typeof paid>();
    for (const l of paid) {
      const k = `${l.householdId}|${l.programme}|${l.forMonth}`;
      (paidByKey.get(k) ?? paidByKey.set(k, []).get(k)!).push(l);
    }
    const page: CompiledPage = { lines: [], changes: [], problems: [] };
    for (const key of pageKeys) {
      const urbanVillage = (villages.get(key.regionCode)?.urbanRural ?? '2').startsWith('1');
      const townshipCode = key.regionCode.slice(0, 9);
      const now = currentHousehold(index, key.householdId, month, rules, urbanVillage);
      const persons = index.persons.get(key.householdId) ?? [];
      const onRoll = seen.has(key.householdId);
      if (onRoll && now.problems.length > 0) {
        page.problems.push({ householdId: key.householdId, householdNo: key.householdNo, townshipCode, villageCode: key.regionCode, reason: now.problems.join('；') });
      }
      for (const programme of programmes) {
        const previousLines = previousRoll ? (paidByKey.get(`${key.householdId}|${programme}|${previousRoll.month}`) ?? []).filter((l) => l.rollMonth === previousRoll.month) : [];
        const previous: Previous | undefined = previousLines[0] && {
          totalFen: previousLines[0].totalFen, gradualExitMonthsAfter: previousLines[0].gradualExitMonthsAfter, payeeName: previousLines[0].payeeName,
          memberIds: new Set(previousLines[0].inputs.members.map((m) => m.personId)),
        };
        const standards = standardsOf(key.regionCode, month);
        let line: RollLine | undefined;
        if (onRoll && now.problems.length === 0 && now.category[programme] !== null) {
          const inputs: HouseholdInputs = { ...now.inputs, gradualExit: programme === 'dibao' ? gradualExitFrom(previous, standards) : null };
          const benefit = calculateSafely(standards, householdMonthOf(inputs, month, now.enrolledFrom[programme]), page, key, townshipCode);
          const payee = payeeOf(persons, inputs.members, programme);
          if (benefit && payee) {
            line = lineFrom({
              benefit, programme, standards, inputs, forMonth: month, key, townshipCode,
              category: now.category[programme]!, payee, account: index.page.accounts.get(payee.id),
            });
            if (line.totalFen !== 0) {
              line.changeMark = line.explanation.lines.some((l) => l.kind === 'gradual-exit') ? '渐退' : !previousRoll ? null : !previous ? '新增' : previous.totalFen !== line.totalFen ? '调整' : null;
              line.remark = remarkOf(line, now.departed, previous);
              line.lineNo = ++lineNo;
              page.lines.push(line);
              // A 渐退 household is on the change list in the month its grace period begins, not in every month of it.
              if ((line.changeMark !== null && line.changeMark !== '渐退') || (line.changeMark === '渐退' && previous?.gradualExitMonthsAfter === null)) {
                page.changes.push(changeOf(line, line.changeMark!, previous?.totalFen ?? 0, line.remark ?? ''));
              }
            } else {
              line = undefined;
            }
          }
        }
        if (!line && previous) {
          page.changes.push({
            householdId: key.householdId, householdNo: key.householdNo, payeeName: previous.payeeName, townshipCode, villageCode: key.regionCode, programme,
            mark: '停发', previousFen: previous.totalFen, currentFen: 0, reason: stopReason(index, key.householdId, month, now, programme, previous),
          });
        }
        for (const forMonth of [...recheck.keys()].sort()) {
          const { roll, ids: rechecked } = recheck.get(forMonth)!;
          if (!rechecked.has(key.householdId)) continue;
          const supplementary = supplementaryLine(index, key, townshipCode, programme, roll, standardsOf(key.regionCode, forMonth), urbanVillage, paidByKey.get(`${key.householdId}|${programme}|${forMonth}`) ?? []);
          if (supplementary) {
            supplementary.lineNo = ++lineNo;
            page.lines.push(supplementary);
          }
        }
      }
    }
    yield page;
  }
}

function rollOrder(a: RollHouseholdKey, b: RollHouseholdKey): number {
  if (a.regionCode !== b.regionCode) return a.regionCode < b.regionCode ? -1 : 1;
  return a.householdNo < b.householdNo ? -1 : a.householdNo > b.householdNo ? 1 : a.householdId - b.householdId;
}

/** Per closed month in the window, the households whose payment for it may be wrong now. */
async function monthsToRecheck(knex: Knex, book: StandardsBook, countyCode: string, window: readonly ClosedRoll[]): Promise<Map<string, Recheck>> {
  const out = new Map<string, Recheck>();
  for (const roll of window) {
    const lastDay = lastDayOfPeriod(roll.month);
    const ids = new Set(await householdsToRecheck(knex, roll, lastDay));
    if (standardsDigest(book, countyCode, roll.month) !== roll.standardsSm3) {
      for (const id of await householdsOfRoll(knex, roll.id)) ids.add(id);
      for (const k of await householdsEnrolledBetween(knex, countyCode, `${roll.month}-01`, lastDay)) ids.add(k.householdId);
    }
    if (ids.size > 0) out.set(roll.month, { roll, ids });
  }
  return out;
}

interface Recheck {
  roll: ClosedRoll;
  ids: Set<number>;
}

/** 渐退 state carried by last month's closed line: its count, or the start of a grace period after a paid month. */
function gradualExitFrom(previous: Previous | undefined, standards: StandardsInForce): HouseholdInputs['gradualExit'] {
  if (!previous || previous.totalFen <= 0) return null;
  if (previous.gradualExitMonthsAfter !== null) return { previousAmountFen: previous.totalFen, monthsRemaining: previous.gradualExitMonthsAfter };
  return { previousAmountFen: previous.totalFen, monthsRemaining: standards.gradualExit.months };
}

function calculateSafely(standards: StandardsInForce, household: ReturnType<typeof householdMonthOf>, page: CompiledPage, key: RollHouseholdKey, townshipCode: string): HouseholdBenefit | undefined {
  try {
    return calculateHouseholdBenefit(standards, household);
  } catch (error) {
    if (!(error instanceof BenefitInputError)) throw error;
    page.problems.push({ householdId: key.householdId, householdNo: key.householdNo, townshipCode, villageCode: key.regionCode, reason: error.message });
    return undefined;
  }
}

interface LineParts {
  benefit: HouseholdBenefit;
  programme: Programme;
  standards: StandardsInForce;
  inputs: HouseholdInputs;
  forMonth: string;
  key: RollHouseholdKey;
  townshipCode: string;
  category: string;
  payee: { id: number; name: string };
  account: { bankName: string; accountName: string; accountCipher: string } | undefined;
}

function lineFrom(parts: LineParts): RollLine {
  const lines = parts.benefit.lines.filter((l) => programmeKinds[parts.programme].has(l.kind));
  const sum = (kinds: readonly BenefitLine['kind'][]) => lines.filter((l) => kinds.includes(l.kind)).reduce((s, l) => s + l.amountFen, 0);
  const basicFen = sum(['basic', 'gradual-exit', 'tekun-basic']);
  const addOnFen = sum(['add-on']);
  const careFen = sum(['care']);
  const covered = parts.inputs.members.filter((m) => m.category === parts.programme).length;
  return {
    lineNo: 0, forMonth: parts.forMonth, programme: parts.programme, householdId: parts.key.householdId, householdNo: parts.key.householdNo,
    payeePersonId: parts.payee.id, payeeName: parts.payee.name, townshipCode: parts.townshipCode, villageCode: parts.key.regionCode, category: parts.category,
    personsCovered: covered, basicFen, addOnFen, careFen, totalFen: basicFen + addOnFen + careFen, changeMark: null, remark: null,
    gradualExitMonthsAfter: parts.programme === 'dibao' ? parts.benefit.gradualExitMonthsAfter : null,
    explanation: { standards: { region: parts.standards.region, effectiveFrom: parts.standards.effectiveFrom, example: parts.standards.example }, lines },
    inputs: parts.inputs,
    bank: parts.account ? { bankName: parts.account.bankName, accountName: parts.account.accountName, accountCipher: parts.account.accountCipher } : null,
  };
}

function remarkOf(line: RollLine, departed: readonly { personId: number; name: string; kind: string; date: string }[], previous: Previous | undefined): string | null {
  const parts: string[] = [];
  if (line.changeMark === '渐退') parts.push(`渐退期，剩余${line.gradualExitMonthsAfter ?? 0}个月`);
  if (line.changeMark === '调整' && previous) parts.push(`上月${yuanText(previous.totalFen)}元`);
  for (const d of departed) if (previous?.memberIds.has(String(d.personId))) parts.push(`${d.name}${departureWords[d.kind]}(${d.date})减员`);
  if (!line.bank) parts.push('无发放账户');
  return parts.length > 0 ? parts.join('；') : null;
}

function changeOf(line: RollLine, mark: RollChange['mark'], previousFen: number, reason: string): RollChange {
  return {
    householdId: line.householdId, householdNo: line.householdNo, payeeName: line.payeeName, townshipCode: line.townshipCode, villageCode: line.villageCode,
    programme: line.programme, mark, previousFen, currentFen: line.totalFen, reason,
  };
}

function stopReason(index: RegisterIndex, householdId: number, month: string, now: ReturnType<typeof currentHousehold>, programme: Programme, previous: Previous): string {
  const departedCovered = now.departed.filter((d) => {
    const enrolment = enrolmentInMonth(index.enrolments.get(d.personId), addMonths(month, -1));
    return enrolment && programmeOf(enrolment.category) === programme;
  });
  if (departedCovered.length > 0) return departedCovered.map((d) => `${d.name}${departureWords[d.kind]}(${d.date})`).join('；');
  if (now.problems.length > 0) return `暂停：${now.problems.join('；')}`;
  if (previous.gradualExitMonthsAfter === 0) return '渐退期满';
  const ended = (index.persons.get(householdId) ?? [])
    .map((p) => enrolmentInMonth(index.enrolments.get(p.id), addMonths(month, -1)))
    .find((e) => e && programmeOf(e.category) === programme && e.endDate !== null && e.endDate < `${month}-01`);
  if (ended) return `${ended.endReason ?? '终止保障'}(${ended.endDate})`;
  return '收入超过保障标准';
}

/**
 * 补发 or 追回 for an earlier closed month: what is due now for it, less what was paid for it (the month's own line
 * and any supplementary lines since, a failed bank payment counting as nothing paid). Due starts from the household
 * as the month's line recorded it, its departed members taken out and its members' enrolments as they stand now; a
 * household with no line that month (approved later with an earlier date, or held back by a problem since fixed) is
 * computed from the register.
 */
function supplementaryLine(
  index: RegisterIndex, key: RollHouseholdKey, townshipCode: string, programme: Programme, roll: ClosedRoll, standards: StandardsInForce, urbanVillage: boolean,
  paidLines: readonly (RollLine & { unpaid: boolean; rollMonth: string })[],
): RollLine | undefined {
  const forMonth = roll.month;
  const rules = standards.payroll;
  const own = paidLines.find((l) => l.rollMonth === forMonth);
  const paid = paidLines.filter((l) => !l.unpaid);
  const paidFen = { basic: sum(paid, 'basicFen'), addOn: sum(paid, 'addOnFen'), care: sum(paid, 'careFen') };
  const now = currentHousehold(index, key.householdId, forMonth, rules, urbanVillage);
  let inputs: HouseholdInputs;
  let enrolledFrom: string | null;
  let category: string | null;
  if (own) {
    const members = own.inputs.members
      .filter((m) => !departureBefore(index.facts.get(Number(m.personId)), forMonth, rules))
      .map((m) => {
        const enrolment = enrolmentInMonth(index.enrolments.get(Number(m.personId)), forMonth);
        return { ...m, category: (enrolment && programmeOf(enrolment.category)) ?? ('none' as const) };
      });
    // An income verified after the month closed, with effect from it or before, replaces the income the month used.
    const verified = (index.page.incomeChanges.get(key.householdId) ?? []).filter((c) => c.effectiveMonth <= forMonth && c.recordedAt > roll.closedAt).at(-1);
    inputs = { ...own.inputs, members, householdIncomeFen: verified?.incomeFen ?? own.inputs.householdIncomeFen };
    enrolledFrom = own.explanation.lines.length > 0 ? now.enrolledFrom[programme] : null;
    category = own.category;
  } else {
    if (now.problems.length > 0 || now.category[programme] === null) return undefined;
    inputs = now.inputs;
    enrolledFrom = now.enrolledFrom[programme];
    category = now.category[programme];
  }
  let dueLines: BenefitLine[] = [];
  if (inputs.members.some((m) => m.category === programme)) {
    try {
      dueLines = calculateHouseholdBenefit(standards, householdMonthOf(inputs, forMonth, enrolledFrom)).lines.filter((l) => programmeKinds[programme].has(l.kind));
    } catch (error) {
      if (!(error instanceof BenefitInputError)) throw error;
      return undefined;
    }
  }
  const due = {
    basic: dueLines.filter((l) => l.kind === 'basic' || l.kind === 'gradual-exit' || l.kind === 'tekun-basic').reduce((s, l) => s + l.amountFen, 0),
    addOn: dueLines.filter((l) => l.kind === 'add-on').reduce((s, l) => s + l.amountFen, 0),
    care: dueLines.filter((l) => l.kind === 'care').reduce((s, l) => s + l.amountFen, 0),
  };
  const dueFen = due.basic + due.addOn + due.care;
  const paidTotal = paidFen.basic + paidFen.addOn + paidFen.care;
  if (dueFen === paidTotal || !category) return undefined;
  const persons = index.persons.get(key.householdId) ?? [];
  const payee = own ? { id: own.payeePersonId, name: own.payeeName } : payeeOf(persons, inputs.members, programme);
  if (!payee) return undefined;
  const account = index.page.accounts.get(payee.id);
  const mark = dueFen > paidTotal ? '补发' : '追回';
  const incomeChanged = own !== undefined && inputs.householdIncomeFen !== own.inputs.householdIncomeFen;
  const reason = incomeChanged ? `核定家庭月收入自${forMonth}起为${yuanText(inputs.householdIncomeFen)}元(原${yuanText(own.inputs.householdIncomeFen)}元)` : supplementaryReason(now.departed, paid.length < paidLines.length, own === undefined, standards, own);
  return {
    lineNo: 0, forMonth, programme, householdId: key.householdId, householdNo: key.householdNo, payeePersonId: payee.id, payeeName: payee.name,
    townshipCode, villageCode: key.regionCode, category, personsCovered: inputs.members.filter((m) => m.category === programme).length,
    basicFen: due.basic - paidFen.basic, addOnFen: due.addOn - paidFen.addOn, careFen: due.care - paidFen.care, totalFen: dueFen - paidTotal,
    changeMark: mark, remark: `${forMonth}${mark}：${reason}`, gradualExitMonthsAfter: null,
    explanation: {
      standards: { region: standards.region, effectiveFrom: standards.effectiveFrom, example: standards.example },
      lines: dueLines,
      supplementary: { dueFen, paidFen: paidTotal, reason },
    },
    inputs,
    bank: account ? { bankName: account.bankName, accountName: account.accountName, accountCipher: account.accountCipher } : own?.bank ?? null,
  };
}

function supplementaryReason(departed: readonly { name: string; kind: string; date: string }[], bankFailed: boolean, noLine: boolean, standards: StandardsInForce, own: RollLine | undefined): string {
  if (departed.length > 0) return departed.map((d) => `${d.name}${departureWords[d.kind]}(${d.date})后已发放`).join('；');
  if (bankFailed) return '银行发放失败';
  if (noLine) return '审批或核定日期早于本月，当月未发放';
  if (own && own.explanation.standards.effectiveFrom !== standards.effectiveFrom) return `标准调整(自${standards.effectiveFrom}起执行)`;
  return '保障对象信息更正';
}

function sum(lines: readonly RollLine[], field: 'basicFen' | 'addOnFen' | 'careFen'): number {
  return lines.reduce((s, l) => s + l[field], 0);
}

