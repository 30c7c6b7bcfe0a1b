/**
 * 发放册与金民系统比对表: the month's roll against the 金民 national roster imported as facts of kind jinmin-enrolment
 * (adapters/departments/jinmin-roster.mapping.json), household by household, for the township to explain each
 * difference before the roll is closed or the roster corrected. The comparison is payroll/jinmin-reconciliation.ts.
 */
import type { Knex } from 'knex';
import { displayIdNumber } from '../../access/masking.js';
import { reconcileRollWithRoster, type DifferenceKind, type RollSide, type RosterSide } from '../../payroll/jinmin-reconciliation.js';
import { defineReportSource, type ReportRow } from '../report-source.js';
import { categoryName, decryptAll, placeNames, readRegionRoll, rollStatusText } from './payroll-reading.js';
import { regionName } from './region-names.js';
import { idNumbersOfPersons } from '../../store/repositories/persons.js';

const kindNames: Readonly<Record<DifferenceKind, string>> = {
  'roll-only': '发放册有、金民无',
  'roster-only': '金民有、发放册无',
  amount: '金额不一致',
  category: '类别不一致',
  'amount-and-category': '金额和类别不一致',
};

export default defineReportSource({
  name: 'payroll-jinmin-reconciliation',
  description: 'The month\'s roll against the 金民 roster: households paid but not enrolled there, enrolled there but not paid, and those with another amount or category.',
  capability: 'readPersonalData',
  contextFields: {
    rollStatus: '已结账 with the closed roll\'s document SM3, or 未结账（预览）',
    figures: 'How many households each side holds and how many differ',
  },
  fields: {
    kind: { type: 'text', description: '差异类型: 发放册有、金民无; 金民有、发放册无; 金额不一致; 类别不一致; 金额和类别不一致' },
    township: { type: 'text', description: '乡镇（街道）: the roll\'s, or for a roster-only household the roster\'s region' },
    village: { type: 'text', description: '村（社区）: as the township; empty when the roster gives only a township or county' },
    name: { type: 'text', description: '户主姓名: the roll\'s payee, or the roster\'s 户主' },
    idNumber: { type: 'text', description: '身份证号码, masked unless the role shows ID numbers in full' },
    rollCategory: { type: 'text', description: '发放册类别: the names of the household\'s categories on the roll' },
    rosterCategory: { type: 'text', description: '金民类别: the names of the categories the roster gives' },
    rollFen: { type: 'fen', description: '发放册金额: the month\'s regular lines (补发 / 追回 for earlier months left out), fen' },
    rosterFen: { type: 'fen', description: '金民金额: 户月保障金额, fen' },
    differenceFen: { type: 'fen', description: '差额: 发放册 − 金民, fen' },
  },
  async load(knex, request) {
    const month = request.period.text;
    const countyCode = request.regionCode.slice(0, 6);
    // The whole county's roll and roster: a household paid under one township and listed by 金民 under another is a
    // difference of both, not a roll-only row in one and a roster-only row in the other.
    const roll = await readRegionRoll(knex, countyCode, request.period);
    const regular = roll.lines.filter((l) => l.forMonth === month);
    const keys = await idKeysOf(knex, regular.map((l) => l.payeePersonId));
    const rollSide: RollSide[] = regular.flatMap((l) => {
      const subjectKey = keys.get(l.payeePersonId);
      return subjectKey ? [{ subjectKey, payeePersonId: l.payeePersonId, payeeName: l.payeeName, townshipCode: l.townshipCode, villageCode: l.villageCode, category: l.category, totalFen: l.totalFen }] : [];
    });
    const roster = await rosterOf(knex, countyCode, month);
    const differences = reconcileRollWithRoster(rollSide, roster.map((r) => r.side))
      .filter((d) => (d.roll ? d.roll.villageCode : d.roster!.regionCode).startsWith(request.regionCode));

    const cipherByKey = new Map(roster.map((r) => [r.side.subjectKey, r.cipher]));
    const idNumbers = await decryptAll(knex, differences.map((d) => cipherByKey.get(d.subjectKey) ?? null));
    const personIds = differences.flatMap((d) => (d.roll && !cipherByKey.has(d.subjectKey) ? [d.roll.payeePersonId] : []));
    const rollIdNumbers = await idNumbersOfPersons(knex, personIds);
    const places = differences.flatMap((d) => (d.roll ? [d.roll.townshipCode, d.roll.villageCode] : placesOf(d.roster!.regionCode).filter(Boolean)));
    const names = await placeNames(knex, places);
    const households = new Set(rollSide.map((l) => l.subjectKey)).size;
    return {
      context: {
        region: await regionName(knex, request.regionCode), period: request.period.label, rollStatus: rollStatusText(roll.closed),
        figures: `发放册${households}户（全县），金民${new Set(roster.map((r) => r.side.subjectKey)).size}户（全县），本表差异${differences.length}户`,
      },
      rows: differences.map((d, index): ReportRow => {
        const idNumber = idNumbers[index] ?? (d.roll ? rollIdNumbers.get(d.roll.payeePersonId) : undefined);
        const [townshipCode, villageCode] = d.roll ? [d.roll.townshipCode, d.roll.villageCode] : placesOf(d.roster!.regionCode);
        return {
          kind: kindNames[d.kind],
          township: townshipCode ? names(townshipCode) : '', village: villageCode ? names(villageCode) : '',
          name: d.roll?.payeeName ?? d.roster?.name ?? '',
          idNumber: idNumber ? displayIdNumber(request.policy, idNumber) : '',
          rollCategory: d.roll ? d.roll.categories.map(categoryName).join('、') : '',
          rosterCategory: d.roster ? d.roster.categories.map(categoryName).join('、') : '',
          rollFen: d.roll ? d.roll.totalFen : null, rosterFen: d.roster ? d.roster.amountFen : null, differenceFen: d.differenceFen,
        };
      }),
      subjectPersonIds: [...new Set(differences.flatMap((d) => (d.roll ? [d.roll.payeePersonId] : [])))],
    };
  },
});

/** The township and village codes within a roster region code of 9 or 12 digits. */
function placesOf(regionCode: string): [string, string] {
  return [regionCode.length >= 9 ? regionCode.slice(0, 9) : '', regionCode.length >= 12 ? regionCode.slice(0, 12) : ''];
}

async function idKeysOf(knex: Knex, personIds: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(personIds)];
  for (let at = 0; at < unique.length; at += 5000) {
    const rows: { id: number; id_key: string }[] = await knex('persons').whereIn('id', unique.slice(at, at + 5000)).select('id', 'id_key');
    for (const row of rows) out.set(Number(row.id), row.id_key);
  }
  return out;
}

/**
 * The roster's rows for the month within the county: by attributes.regionCode when the row gives one, else by the
 * region of the 户主's ID number (subject_region), which is where the number was issued and may be elsewhere.
 */
async function rosterOf(knex: Knex, countyCode: string, month: string): Promise<{ side: RosterSide; cipher: string }[]> {
  const rows: { batch_id: number; subject_key: string; subject_cipher: string; subject_region: string | null; subject_name: string | null; amount_fen: number | string | null; attributes: string | null }[] =
    await knex('facts').where({ kind: 'jinmin-enrolment', period: month }).whereNotNull('subject_key')
      .select('batch_id', 'subject_key', 'subject_cipher', 'subject_region', 'subject_name', 'amount_fen', 'attributes');
  const out: { side: RosterSide; cipher: string }[] = [];
  for (const row of rows) {
    const attributes = (typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes ?? {}) as Record<string, unknown>;
    const regionCode = typeof attributes.regionCode === 'string' && attributes.regionCode !== '' ? attributes.regionCode : row.subject_region ?? '';
    if (!regionCode.startsWith(countyCode)) continue;
    out.push({
      side: {
        subjectKey: row.subject_key, name: row.subject_name, regionCode, category: String(attributes.category ?? ''),
        amountFen: row.amount_fen === null ? 0 : Number(row.amount_fen), batchId: Number(row.batch_id),
      },
      cipher: row.subject_cipher,
    });
  }
  return out;
}
