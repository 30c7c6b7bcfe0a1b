/**
 * The monthly roll of a county of N households (issue 12): compileRoll over the whole county plus the payroll-roll
 * template rendered to XLSX, beside a bare SQL count and sum of the same month's 低保 and 特困 enrolments joined to
 * their households. The register is seeded once through the project's generator (seedDemoCounty: its bulk writer, ID
 * numbers with blind index and ciphertext, incomes and enrolments) into a SQLite file the two measuring processes open.
 * Usage: payroll-roll.ts seed FILE HOUSEHOLDS | roll FILE | sql FILE
 */
import { commandLineActor } from '../../gateway/access/actor.js';
import { seedDemoCounty } from '../../gateway/demo/seed-county.js';
import { yuanText } from '../../gateway/exports/money-text.js';
import { loadBenefitStandards } from '../../gateway/payroll/benefit-standards.js';
import { compileRoll } from '../../gateway/payroll/compile-roll.js';
import { renderReport } from '../../gateway/reports/produce-report.js';
import type { ReportRow } from '../../gateway/reports/report-source.js';
import { loadReportTemplates } from '../../gateway/reports/report-templates.js';
import { basicLivingCategories } from '../../gateway/store/enrolment-guard.js';
import { openMigratedStore } from '../../gateway/store/open-store.js';
import { reportCase, secondsSince } from '../case-result.js';
import { benchStoreConfig } from './bench-keys.js';

const [mode = 'roll', file = '/tmp/jiuzhu-payroll.db', householdsArg = '1000000'] = process.argv.slice(2);
const month = '2024-06';
const { store } = await openMigratedStore(benchStoreConfig({ client: 'sqlite', filename: file }));

if (mode === 'seed') {
  const start = process.hrtime.bigint();
  const result = await seedDemoCounty(store, commandLineActor('bench'), { countyCode: '640121', households: Number(householdsArg), seed: 1, asOf: '2024-06-30' });
  reportCase({ name: 'seed the county (setup, not compared)', rows: result.households, unit: 'households', seconds: secondsSince(start), detail: `${result.persons} persons, ${result.enrolments} enrolments` });
} else if (mode === 'sql') {
  const start = process.hrtime.bigint();
  const row = await store.knex('enrolments as e').join('households as h', 'h.id', 'e.household_id').join('persons as p', 'p.id', 'e.person_id')
    .where('e.region_code', 'like', '640121%').whereIn('e.category', basicLivingCategories)
    .andWhere('e.start_date', '<=', `${month}-30`).andWhere((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', `${month}-01`))
    .select(store.knex.raw('COUNT(DISTINCT e.household_id) as households, COUNT(*) as persons, SUM(COALESCE(h.monthly_income_fen, 0)) as income')).first();
  reportCase({ name: 'baseline: bare SQL count and sum of the month\'s enrolments', rows: Number(row.households), unit: 'households', seconds: secondsSince(start), detail: `${row.persons} enrolled persons` });
} else {
  const start = process.hrtime.bigint();
  const rows: ReportRow[] = [];
  let totalFen = 0;
  for await (const page of compileRoll(store.knex, { countyCode: '640121', month, book: loadBenefitStandards() })) {
    for (const line of page.lines) {
      totalFen += line.totalFen;
      rows.push({
        township: line.townshipCode, village: line.villageCode, payeeName: line.payeeName, idNumber: '', category: line.category, personsCovered: line.personsCovered,
        basicFen: line.basicFen, addOnFen: line.addOnFen, careFen: line.careFen, totalFen: line.totalFen, bankName: line.bank?.bankName ?? '', account: '', remark: line.remark ?? '',
      });
    }
  }
  const compiledAt = secondsSince(start);
  const bytes = await renderReport(loadReportTemplates().get('payroll-roll')!, { context: { region: '永宁县', period: '2024年6月', rollStatus: '未结账（预览）' }, rows, subjectPersonIds: [] }, { format: 'xlsx', documentDate: '2024-07-01' });
  reportCase({
    name: 'payroll roll: compileRoll + payroll-roll XLSX', rows: rows.length, unit: 'lines', seconds: secondsSince(start),
    detail: `compile ${compiledAt.toFixed(1)} s, render ${(secondsSince(start) - compiledAt).toFixed(1)} s; total ${yuanText(totalFen)} yuan; ${(bytes.length / 1_048_576).toFixed(1)} MB file`,
  });
}
await store.close();
