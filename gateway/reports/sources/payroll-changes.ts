/**
 * The month-over-month change list of the roll (发放变动清单): households added (新增), changed (调整), in their grace
 * period (渐退) or stopped (停发) against last month's closed roll, and the 补发 / 追回 lines for earlier months, each
 * with what was paid before, what is paid now, and why. It goes with the roll to whoever signs it.
 */
import type { RollChange, RollLine } from '../../payroll/roll-types.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { placeNames, readRegionRoll, rollStatusText } from './payroll-reading.js';
import { regionName } from './region-names.js';

const programmeNames = { dibao: '低保', tekun: '特困' } as const;

interface ChangeEntry {
  townshipCode: string;
  villageCode: string;
  householdNo: string;
  payeeName: string;
  programme: RollChange['programme'];
  mark: RollChange['mark'];
  forMonth: string;
  previousFen: number;
  currentFen: number;
  differenceFen: number;
  reason: string;
  /** Changes of the month before supplementary lines within one household. */
  order: number;
}

export default defineReportSource({
  name: 'payroll-changes',
  description: 'The roll\'s changes against last month (新增, 调整, 渐退, 停发) and its 补发 / 追回 lines, with previous and current amounts and the reason.',
  capability: 'readPersonalData',
  contextFields: { rollStatus: '已结账 with the closed roll\'s document SM3, or 未结账（预览）' },
  fields: {
    township: { type: 'text', description: '乡镇（街道）' },
    village: { type: 'text', description: '村（社区）' },
    householdNo: { type: 'text', description: '户编号 (the register\'s household number)' },
    payeeName: { type: 'text', description: '户主姓名 (the payee)' },
    programme: { type: 'text', description: '项目: 低保 or 特困' },
    mark: { type: 'text', description: '变动类型: 新增, 调整, 渐退, 停发, 补发 or 追回' },
    forMonth: { type: 'text', description: '所属月份: the roll\'s month, or the earlier month a 补发 / 追回 is for' },
    previousFen: { type: 'fen', description: '变动前金额: last month\'s line; for 补发 / 追回 what had been paid for that month' },
    currentFen: { type: 'fen', description: '变动后金额: this month\'s line (0 when stopped); for 补发 / 追回 what is due for that month' },
    differenceFen: { type: 'fen', description: '增减额: current − previous; the amount of a 补发 / 追回 line' },
    reason: { type: 'text', description: '变动原因' },
  },
  async load(knex, request) {
    const roll = await readRegionRoll(knex, request.regionCode, request.period);
    const entries: ChangeEntry[] = [
      ...roll.changes.map((c): ChangeEntry => ({
        townshipCode: c.townshipCode, villageCode: c.villageCode, householdNo: c.householdNo, payeeName: c.payeeName, programme: c.programme, mark: c.mark,
        forMonth: request.period.text, previousFen: c.previousFen, currentFen: c.currentFen, differenceFen: c.currentFen - c.previousFen, reason: c.reason, order: 0,
      })),
      ...roll.lines.filter(isSupplementary).map((l): ChangeEntry => ({
        townshipCode: l.townshipCode, villageCode: l.villageCode, householdNo: l.householdNo, payeeName: l.payeeName, programme: l.programme, mark: l.changeMark!,
        forMonth: l.forMonth, previousFen: l.explanation.supplementary?.paidFen ?? 0, currentFen: l.explanation.supplementary?.dueFen ?? l.totalFen,
        differenceFen: l.totalFen, reason: l.explanation.supplementary?.reason ?? l.remark ?? '', order: 1,
      })),
    ];
    entries.sort((a, b) => compare(a.villageCode, b.villageCode) || compare(a.householdNo, b.householdNo) || compare(a.programme, b.programme) || a.order - b.order || compare(a.forMonth, b.forMonth));
    const changed = new Set(roll.changes.map((c) => c.householdId));
    const names = await placeNames(knex, entries.flatMap((e) => [e.townshipCode, e.villageCode]));
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, rollStatus: rollStatusText(roll.closed) },
      rows: entries.map((e): ReportRow => ({
        township: names(e.townshipCode), village: names(e.villageCode), householdNo: e.householdNo, payeeName: e.payeeName, programme: programmeNames[e.programme],
        mark: e.mark, forMonth: e.forMonth, previousFen: e.previousFen, currentFen: e.currentFen, differenceFen: e.differenceFen, reason: e.reason,
      })),
      // 停发 households have no line this month: their payees are named by the roll they left, not here.
      subjectPersonIds: [...new Set(roll.lines.filter((l) => isSupplementary(l) || changed.has(l.householdId)).map((l) => l.payeePersonId))],
    };
  },
});

function isSupplementary(line: RollLine): boolean {
  return line.changeMark === '补发' || line.changeMark === '追回';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
