/**
 * 重复救助核查表 for auditors: (a) basic-living conflicts the conflicting-enrolment rule raised (two categories at
 * once, two counties, the 金民 roster), and (b) the same kind of aid from two departments for one need in one month
 * (oversight/duplicate-assistance.ts gives the project's reading of "same kind, same need, same period").
 */
import { displayIdNumber } from '../../access/masking.js';
import { codeName } from '../../store/reference-data/code-tables.js';
import { findDuplicateAid } from '../../oversight/duplicate-assistance.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import type { Knex } from 'knex';
import { decryptAll, placeNames } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { warningStatusWords } from './warning-words.js';

export default defineReportSource({
  name: 'compliance-duplicates',
  description: 'Basic-living conflicts raised by the conflicting-enrolment rule, and the same assistance type from more than one department for one person (or household) in one month.',
  capability: 'readPersonalData',
  contextFields: { figures: 'How many rows of each kind' },
  fields: {
    kind: { type: 'text', description: '类型: 重复享受基本生活救助 (conflicting-enrolment) or 多部门同类救助' },
    township: { type: 'text', description: '乡镇（街道）' },
    village: { type: 'text', description: '村（社区）' },
    name: { type: 'text', description: '姓名' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    period: { type: 'text', description: '期间: the warning\'s period, or the month of the records' },
    detail: { type: 'text', description: '情况: the rule\'s suggested action, or the assistance type and departments' },
    amountFen: { type: 'fen', description: '金额: the records\' total, fen; empty for a rule warning' },
    status: { type: 'text', description: '处理状态: the warning\'s status; empty for records' },
  },
  async load(knex, request) {
    const month = request.period.text;
    const warnings: { id: number; person_id: number | null; subject_name: string | null; subject_cipher: string | null; region_code: string | null; household_region: string | null; period: string; status: string; outcome: string | null }[] =
      await knex('warnings as w').leftJoin('households as h', 'h.id', 'w.household_id')
        .where('w.rule_id', 'conflicting-enrolment').andWhere('w.region_code', 'like', `${request.regionCode}%`).andWhere('w.period', '<=', month)
        .orderBy(['w.period', 'w.id']).select('w.id', 'w.person_id', 'w.subject_name', 'w.subject_cipher', 'w.region_code', 'h.residence_region as household_region', 'w.period', 'w.status', 'w.outcome');
    const rosterEntries = await rosterEvidence(knex, warnings.map((w) => Number(w.id)));
    const warningIds = await decryptAll(knex, warnings.map((w) => w.subject_cipher));
    const aid = await findDuplicateAid(knex, request.regionCode, month);
    const persons: { id: number; name: string; household_id: number }[] = await knex('persons').whereIn('id', aid.flatMap((a) => (a.personId === null ? [] : [a.personId]))).select('id', 'name', 'household_id');
    const householdIds = [...aid.flatMap((a) => (a.householdId === null ? [] : [a.householdId])), ...persons.map((p) => Number(p.household_id))];
    const households: { id: number; region_code: string }[] = await knex('households').whereIn('id', householdIds).select('id', 'registered_region as region_code');
    const regionOf = new Map(households.map((h) => [Number(h.id), h.region_code]));
    const personOf = new Map(persons.map((p) => [Number(p.id), p]));
    const aidIds = await idNumbersOfPersons(knex, persons.map((p) => Number(p.id)));
    const codes = [...warnings.map((w) => w.household_region ?? w.region_code ?? ''), ...households.map((h) => h.region_code), ...[...rosterEntries.values()].map((e) => e.regionCode)]
      .flatMap((c) => [c.slice(0, 6), c.slice(0, 9), c.slice(0, 12)]);
    const names = await placeNames(knex, codes);
    const place = (code: string) => ({ township: code.length >= 9 ? names(code.slice(0, 9)) : '', village: code.length >= 12 ? names(code.slice(0, 12)) : '' });
    const rows: ReportRow[] = [
      ...warnings.map((w, index): ReportRow => ({
        kind: '重复享受基本生活救助', ...place(w.household_region ?? w.region_code ?? ''), name: w.subject_name ?? '',
        idNumber: warningIds[index] ? displayIdNumber(request.policy, warningIds[index]!) : '', period: w.period,
        detail: rosterWords(rosterEntries.get(Number(w.id)), names), amountFen: null, status: warningStatusWords(w.status, w.outcome),
      })),
      ...aid.map((a): ReportRow => {
        const person = a.personId === null ? undefined : personOf.get(a.personId);
        const householdId = person ? Number(person.household_id) : a.householdId;
        const idNumber = a.personId === null ? undefined : aidIds.get(a.personId);
        return {
          kind: '多部门同类救助', ...place(householdId === null ? '' : regionOf.get(householdId) ?? ''), name: person?.name ?? '（户）',
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '', period: a.month,
          detail: `${codeName('assistance-type', a.assistanceType) ?? a.assistanceType}：${a.departments.map((d) => codeName('department', d) ?? d).join('、')}共${a.records}条记录`, amountFen: a.totalFen, status: '',
        };
      }),
    ];
    return {
      context: { region: await regionName(knex, request.regionCode), period: request.period.label, figures: `重复享受基本生活救助${warnings.length}条，多部门同类救助${aid.length}条` },
      rows,
      subjectPersonIds: [...new Set([...warnings.flatMap((w) => (w.person_id === null ? [] : [Number(w.person_id)])), ...persons.map((p) => Number(p.id))])],
    };
  },
});

interface RosterEntry {
  category: string;
  regionCode: string;
}

/** What the 金民 roster says of each warning's person: the category and place it has them enrolled in. */
async function rosterEvidence(knex: Knex, warningIds: number[]): Promise<Map<number, RosterEntry>> {
  const rows: { warning_id: number; attributes: string | Record<string, unknown> }[] = warningIds.length === 0 ? [] : await knex('warning_evidence as e')
    .join('facts as f', 'f.id', 'e.fact_id').whereIn('e.warning_id', warningIds).andWhere('f.kind', 'jinmin-enrolment').orderBy('f.id').select('e.warning_id', 'f.attributes');
  const entries = new Map<number, RosterEntry>();
  for (const row of rows) {
    const attributes = (typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes) as { category?: string; regionCode?: string };
    if (!entries.has(Number(row.warning_id))) entries.set(Number(row.warning_id), { category: attributes.category ?? '', regionCode: attributes.regionCode ?? '' });
  }
  return entries;
}

function rosterWords(entry: RosterEntry | undefined, names: (code: string) => string): string {
  if (!entry) return '金民名册另有在保记录';
  // A place outside the register's regions has no name here: its code is shown instead.
  const codes = [entry.regionCode.slice(0, 6), entry.regionCode.slice(0, 9)].filter((c) => c.length > 0);
  const named = codes.filter((c) => names(c) !== c).map(names);
  const where = named.length > 0 ? named.join('') : entry.regionCode ? `区划代码${entry.regionCode}` : '';
  return `金民名册在保：${codeName('assistance-category', entry.category) ?? entry.category}${where ? `（${where}）` : ''}`;
}
