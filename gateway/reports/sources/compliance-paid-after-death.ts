/**
 * 死亡后仍发放核查表 for auditors: households paid on a closed roll for months after a covered member's death or
 * cremation (oversight/paid-after-death.ts), with the amount to recover and whether a 追回 line already exists.
 */
import { displayIdNumber } from '../../access/masking.js';
import { findPaidAfterDeath } from '../../oversight/paid-after-death.js';
import { loadBenefitStandards, standardsFor } from '../../payroll/benefit-standards.js';
import { departureWords } from '../../payroll/household-inputs.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import { findClosedRoll, type ClosedRoll } from '../../store/repositories/payroll-rolls.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';

export default defineReportSource({
  name: 'compliance-paid-after-death',
  description: 'Households paid on a closed roll for months after a covered member\'s death or cremation, as the feeds report it: the months, the amount to recover and whether a 追回 line exists.',
  capability: 'readPersonalData',
  contextFields: { figures: 'How many persons were paid after death and the total to recover' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号' },
    name: { type: 'text', description: '死亡人员姓名' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    deathDate: { type: 'date', description: '死亡（火化）日期 as the fact gives it' },
    deathSource: { type: 'text', description: '来源: 死亡 (公安户籍注销) or 火化 (殡葬), with when the feed was received' },
    monthsPaid: { type: 'text', description: '死亡后仍发放月份 under the county\'s payroll.stopAfterDeath' },
    paidFen: { type: 'fen', description: '死亡后发放金额: the lines of those months, fen' },
    recoverFen: { type: 'fen', description: '应追回金额: the whole lines when no covered member was left alive; empty when a recomputation is needed' },
    recovery: { type: 'text', description: '追回情况: whether a 追回 line for those months is on a later roll, and its amount' },
  },
  async load(knex, request) {
    const month = request.period.text;
    const rolls = await closedRollsUpTo(knex, request.regionCode.slice(0, 6), month);
    const book = loadBenefitStandards();
    const rows = await findPaidAfterDeath(knex, rolls, (county, forMonth) => standardsFor(book, county, forMonth).payroll, request.regionCode);
    const names = await placeNames(knex, rows.flatMap((r) => [r.townshipCode, r.villageCode]));
    const idOf = await idNumbersOfPersons(knex, rows.map((r) => r.deceasedPersonId));
    const toRecover = rows.reduce((sum, r) => sum + (r.recoverFen ?? 0), 0);
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, figures: paidAfterDeathFigures(rows.length, rows.filter((r) => r.recoverFen === null).length, toRecover) },
      rows: rows.map((r): ReportRow => {
        const idNumber = idOf.get(r.deceasedPersonId);
        return {
          township: names(r.townshipCode), village: names(r.villageCode), householdNo: r.householdNo, name: r.deceasedName,
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '', deathDate: r.deathDate,
          deathSource: `${departureWords[r.deathKind]}（${r.reportedAt.slice(0, 10)}报送）`, monthsPaid: r.monthsPaid.join('、'), paidFen: r.paidFen, recoverFen: r.recoverFen,
          recovery: r.recoveryLine ? `已有追回${(-r.recoveredFen / 100).toFixed(2)}元` : r.recoverFen === null ? '未追回：户内仍有在世成员，需重算' : '未追回',
        };
      }),
      subjectPersonIds: [...new Set(rows.flatMap((r) => [r.deceasedPersonId, r.payeePersonId]))],
    };
  },
});

async function closedRollsUpTo(knex: Parameters<typeof findClosedRoll>[0], countyPrefix: string, month: string): Promise<ClosedRoll[]> {
  const rows: { county_code: string; month: string }[] = await knex('payroll_rolls').where('county_code', 'like', `${countyPrefix}%`)
    .andWhere('month', '<=', month).andWhereNot('signature', '').orderBy(['county_code', 'month']).select('county_code', 'month');
  const out: ClosedRoll[] = [];
  for (const row of rows) {
    const roll = await findClosedRoll(knex, row.county_code, row.month);
    if (roll) out.push(roll);
  }
  return out;
}

/** The subtitle's count: who is to be recovered in full, and who only after the household is recomputed. */
function paidAfterDeathFigures(persons: number, recompute: number, toRecoverFen: number): string {
  const whole = persons - recompute;
  const parts = [`死亡后仍发放${persons}人`];
  if (whole > 0) parts.push(`${whole}人应全额追回${(toRecoverFen / 100).toFixed(2)}元`);
  if (recompute > 0) parts.push(`${recompute}人户内仍有在世成员，追回金额需重算`);
  return parts.join('，');
}
