/**
 * 资格自测 (seed 002 task 2: "为有需求的困难群众提供……线上社会救助申办、资格自测、信息查询"): which programmes a
 * household as described may qualify for, with the reasons in words and the estimated monthly amount — from the same
 * standards (benefit-standards.ts) and the same calculation (benefit-calculation.ts) the payment roll uses, so the
 * estimate and the roll cannot drift apart. Stateless: nothing is stored, and no name or ID number is asked for.
 *
 * The rules beyond the calculation, each a reading of the national rules, not of the seeds:
 * - 低保: the 补差 the roll would pay with every member covered (per-capita income after the employment-cost deduction
 *   below the standard).
 * - 低保边缘: not 低保, and per-capita income below the edge line of the standards.
 * - 特困 (国务院《社会救助暂行办法》第十四条: 老年人、残疾人以及未满16周岁的未成年人, 无劳动能力、无生活来源、无法定赡养抚养扶养义务人
 *   或者其法定义务人无履行义务能力): a member aged 60 or more, under 16, or with a grade 1–2 disability, without labour
 *   ability, without an able supporter, whose own income is below the 特困 basic standard (our reading of 无生活来源);
 *   estimated as basic + 分散 care for their self-care ability.
 * - 刚性支出困难 (国办发〔2023〕39号: 刚性支出较大导致基本生活出现严重困难): not 低保, and per-capita income after the
 *   household's own medical and education spending below the 低保 standard — local practice, an example; it pays
 *   through the special programmes, so no monthly amount is estimated.
 */
import type { SelfCheckMember, SelfCheckProgramme, SelfCheckRequest, SelfCheckResult } from '../../schemas/types/index.js';
import { yuanText } from '../exports/money-text.js';
import { ageOn, calculateHouseholdBenefit, type MemberMonth } from './benefit-calculation.js';
import { standardsFor, type StandardsBook } from './benefit-standards.js';
import { lastDayOfPeriod } from '../calendar/periods.js';

const note = '这是按公布的救助标准所作的估算，不是审核结论：是否符合条件，以申请后经家庭经济状况核对和审核确认的结果为准。所填信息不保存。';

function yuan(fen: number): string {
  return `${yuanText(fen)}元`;
}

/** A member as the calculation takes one: employed members' incomes count, the rest is what the form says. */
function asMember(member: SelfCheckMember, index: number, category: MemberMonth['category']): MemberMonth {
  return {
    personId: String(index + 1),
    category,
    birthDate: member.birthDate,
    disabilityGrade: member.disabilityGrade ?? null,
    seriousIllness: member.seriousIllness ?? false,
    selfCareAbility: category === 'tekun' ? member.selfCareAbility ?? '1' : null,
    tekunSupport: category === 'tekun' ? 'dispersed' : null,
    employed: member.employed ?? false,
    incomeFen: member.incomeFen ?? 0,
  };
}

export function checkEligibility(book: StandardsBook, request: SelfCheckRequest, today: string): SelfCheckResult {
  const month = request.month ?? today.slice(0, 7);
  const standards = standardsFor(book, request.regionCode, month);
  const size = request.members.length;
  const incomeFen = request.householdIncomeFen ?? request.members.reduce((sum, m) => sum + (m.incomeFen ?? 0), 0);
  const standardFen = request.urban ? standards.dibao.urbanFen : standards.dibao.ruralFen;

  const dibao = calculateHouseholdBenefit(standards, {
    month, urban: request.urban, householdIncomeFen: incomeFen, members: request.members.map((m, i) => asMember(m, i, 'dibao')),
  });
  const qualifiesForDibao = dibao.totalFen > 0;
  const perCapita = (fen: number) => yuan(Math.floor(fen / size));
  const incomeUsed = dibao.income.incomeUsedFen;
  const programmes: SelfCheckProgramme[] = [];

  programmes.push({
    programme: 'dibao', name: '最低生活保障', mayQualify: qualifiesForDibao,
    reasons: [
      `家庭月收入${yuan(incomeFen)}${dibao.income.employmentDeductionFen > 0 ? `，扣除必要就业成本${yuan(dibao.income.employmentDeductionFen)}后为${yuan(incomeUsed)}` : ''}，${size}人，人均约${perCapita(incomeUsed)}`,
      `${request.urban ? '城市' : '农村'}低保标准每人每月${yuan(standardFen)}：人均收入${qualifiesForDibao ? '低于' : '不低于'}标准`,
    ],
    estimatedMonthlyFen: qualifiesForDibao ? dibao.totalFen : null,
  });

  const edge = !qualifiesForDibao && dibao.edge.isEdge;
  programmes.push({
    programme: 'dibao-edge', name: '低保边缘家庭', mayQualify: edge,
    reasons: qualifiesForDibao
      ? ['可能符合低保条件，不再认定为低保边缘家庭']
      : [`低保边缘标准为低保标准的${standards.edgeLine.perMilleOfStandard / 10}%，每人每月${yuan(dibao.edge.lineFen)}：人均收入约${perCapita(incomeUsed)}，${edge ? '低于' : '不低于'}该标准`],
    estimatedMonthlyFen: null,
  });

  const tekunBasic = request.urban ? standards.tekun.basicUrbanFen : standards.tekun.basicRuralFen;
  const monthEnd = lastDayOfPeriod(month);
  const tekunReasons: string[] = [];
  let tekunFen = 0;
  request.members.forEach((member, index) => {
    const age = ageOn(member.birthDate, monthEnd);
    const group = age >= 60 ? '老年人' : age < 16 ? '未满16周岁的未成年人' : member.disabilityGrade === '1' || member.disabilityGrade === '2' ? '重度残疾人' : null;
    if (group === null) return;
    const missing = [
      ...((member.labourAbility ?? 'full') === 'none' || age < 16 ? [] : ['有劳动能力']),
      ...(member.supporterAble ?? true ? ['有履行义务能力的法定赡养抚养扶养义务人'] : []),
      ...((member.incomeFen ?? 0) < tekunBasic ? [] : [`本人月收入${yuan(member.incomeFen ?? 0)}不低于特困基本生活标准${yuan(tekunBasic)}`]),
    ];
    if (missing.length > 0) {
      tekunReasons.push(`第${index + 1}位成员（${group}）：${missing.join('；')}`);
      return;
    }
    const one = calculateHouseholdBenefit(standards, { month, urban: request.urban, householdIncomeFen: member.incomeFen ?? 0, members: [asMember(member, index, 'tekun')] });
    tekunFen += one.totalFen;
    tekunReasons.push(`第${index + 1}位成员（${group}）无劳动能力、无生活来源、无有能力的法定义务人：基本生活${yuan(tekunBasic)}，分散供养照料护理按自理能力估算，合计${yuan(one.totalFen)}`);
  });
  programmes.push({
    programme: 'tekun', name: '特困人员救助供养', mayQualify: tekunFen > 0,
    reasons: tekunReasons.length > 0 ? tekunReasons : ['没有年满60周岁、未满16周岁或重度残疾的成员'],
    estimatedMonthlyFen: tekunFen > 0 ? tekunFen : null,
  });

  const rigidFen = request.rigidExpenditureFen ?? 0;
  const afterRigid = Math.max(0, incomeUsed - rigidFen);
  const rigid = !qualifiesForDibao && rigidFen > 0 && afterRigid < standardFen * size;
  programmes.push({
    programme: 'rigid-expenditure', name: '刚性支出困难家庭', mayQualify: rigid,
    reasons: qualifiesForDibao
      ? ['可能符合低保条件，按低保认定']
      : rigidFen === 0
        ? ['未填写医疗、教育等刚性支出']
        : [`扣除每月刚性支出${yuan(rigidFen)}后人均约${perCapita(afterRigid)}，${rigid ? '低于' : '不低于'}低保标准${yuan(standardFen)}（地方做法示例）`],
    estimatedMonthlyFen: null,
  });

  return { month, standards: { region: standards.region, regionName: standards.regionName, effectiveFrom: standards.effectiveFrom, example: standards.example }, programmes, note };
}
