/**
 * 低收入人口信息（民政→防返贫）: the low-income register as 民政局 sends it to 农业农村局 each month for the
 * 全国防止返贫监测信息系统 (seed 002, 任务 2: 农业农村局 … 和民政局按月交换数据). One XLSX per county and month, one row per
 * person, with the columns of that system's own exports where they apply (domain-data.md §2) and the code values
 * written as their Chinese names (§1.5), because the two systems number 与户主关系, 健康状况 and 劳动能力 differently.
 *
 * Size: the rows are gathered in memory, then streamed into the workbook with exceljs's `WorkbookWriter`. Measured here
 * (SQLite, 2 cores): 100,000 rows in 3.8 s with RSS rising ~370 MB, 300,000 rows in 12 s and ~580 MB. The same
 * 100,000 rows built as an in-memory exceljs workbook took ~24 s and 1.6 GB, which is why it streams. A county's
 * monthly roll is tens of thousands of people; past ~300,000 rows, page the query by person id and write to a file
 * instead of returning a Buffer. exceljs rather than SheetJS writes it because the community SheetJS writes neither
 * frozen panes nor fonts (its `write_ws_xml_sheetviews` emits only `workbookViewId`), and a clerk needs the header to
 * stay put while scrolling a county's roll.
 */
import type { Alignment, Borders, Fill, Font, PaperSize, Style } from 'exceljs';
import type { Knex } from 'knex';
import { isWithinScope } from '../../gateway/access/region-scope.js';
import { lastDayOfPeriod } from '../../gateway/calendar/periods.js';
import { neutraliseFormula } from '../../gateway/exports/csv-export.js';
import { createMemorySink } from '../../gateway/exports/memory-sink.js';
import { displayWidth } from '../../gateway/exports/display-width.js';
import { ProblemError } from '../../gateway/errors.js';
import { codeName, isBasicLivingCategory, loadCodeTables } from '../../gateway/store/reference-data/code-tables.js';
import { whereHouseholdInScope } from '../../gateway/store/repositories/households.js';
import { personsOfHouseholds, type PersonRow } from '../../gateway/store/repositories/persons.js';
import { findRegions } from '../../gateway/store/repositories/regions.js';

export interface LowIncomeRegisterExportOptions {
  /** The GB/T 2260 county code, e.g. 640121 (永宁县). */
  countyCode: string;
  /** YYYY-MM: every enrolment current on any day of this month is exported. */
  period: string;
  /** Written into the workbook's properties; defaults to now. */
  generatedAt?: Date;
}

/** One person as exported; amounts stay integer fen here and become yuan only in the sheet. */
export interface LowIncomeRegisterRow {
  /** Not a column: the register's person id, for the caller's audit line (audit_subjects) on who was sent. */
  personId: number;
  serialNo: number;
  /**
   * The period's last day, YYYY-MM-DD: the data as of the end of the month, written as the 防返贫 export writes its
   * own 数据日期 (test/fixtures/feeds/antipoverty), so the two directions of the exchange read alike.
   */
  dataDate: string;
  countyName: string;
  townshipName: string;
  villageName: string;
  householdNo: string;
  /** As registered; the sheet neutralises a leading = + - @ (the row keeps the real name). */
  name: string;
  idNumber: string;
  relation: string;
  ethnicity: string;
  health: string;
  disability: string;
  labourAbility: string;
  categoryName: string;
  categoryCode: string;
  startDate: string;
  /** '' while the enrolment is open-ended. */
  endDate: string;
  monthlyAmountFen: number | null;
  householdSize: number;
  householdMonthlyIncomeFen: number | null;
}

export interface LowIncomeRegisterExport {
  fileName: string;
  bytes: Buffer;
  rows: LowIncomeRegisterRow[];
}

type CellKind = 'text' | 'yuan' | 'count';

interface ExportColumn {
  header: string;
  kind: CellKind;
  value(row: LowIncomeRegisterRow): string | number | null;
}

/**
 * The columns, in order. Headers follow the 防返贫 exports (序号, 数据日期, 县(市、区、旗), 乡(镇), 行政村, 户编号, 姓名, 证件号码,
 * 与户主关系, 民族, 健康状况 …) so the receiving clerk's import template finds them by name. The business code has a
 * column of its own beside the category name: three code schemes for the same categories are live (§1.5), so the
 * receiver must be able to key on the 金民 code without parsing it out of a name.
 */
export const lowIncomeRegisterColumns: readonly ExportColumn[] = [
  { header: '序号', kind: 'count', value: (r) => r.serialNo },
  { header: '数据日期', kind: 'text', value: (r) => r.dataDate },
  { header: '县(市、区、旗)', kind: 'text', value: (r) => r.countyName },
  { header: '乡(镇)', kind: 'text', value: (r) => r.townshipName },
  { header: '行政村', kind: 'text', value: (r) => r.villageName },
  { header: '户编号', kind: 'text', value: (r) => r.householdNo },
  { header: '姓名', kind: 'text', value: (r) => r.name },
  { header: '证件号码', kind: 'text', value: (r) => r.idNumber },
  { header: '与户主关系', kind: 'text', value: (r) => r.relation },
  { header: '民族', kind: 'text', value: (r) => r.ethnicity },
  { header: '健康状况', kind: 'text', value: (r) => r.health },
  { header: '残疾类别/等级', kind: 'text', value: (r) => r.disability },
  { header: '劳动能力', kind: 'text', value: (r) => r.labourAbility },
  { header: '救助类别', kind: 'text', value: (r) => r.categoryName },
  { header: '救助类别代码', kind: 'text', value: (r) => r.categoryCode },
  { header: '救助开始时间', kind: 'text', value: (r) => r.startDate },
  { header: '救助结束时间', kind: 'text', value: (r) => r.endDate },
  { header: '月保障金额（元）', kind: 'yuan', value: (r) => r.monthlyAmountFen },
  { header: '家庭人口数', kind: 'count', value: (r) => r.householdSize },
  { header: '家庭月收入（元）', kind: 'yuan', value: (r) => r.householdMonthlyIncomeFen },
];

export const lowIncomeRegisterSheetName = '低收入人口';

/**
 * The 低收入人口 categories of 国办发〔2023〕39号 — 低保, 特困, 低保边缘, 刚性支出困难, 其他困难人员 — taken from the code table by
 * group so a new code in one of them is exported without a change here. 临时救助 (500) is a one-off payment, not a
 * standing category, and is left out.
 */
function lowIncomeCategories(): string[] {
  const table = loadCodeTables().get('assistance-category');
  if (!table) throw new Error('[antipoverty] The code table assistance-category is missing.');
  return table.codes.filter((c) => c.group !== 'temporary').map((c) => c.code);
}

export async function exportLowIncomeRegister(knex: Knex, options: LowIncomeRegisterExportOptions): Promise<LowIncomeRegisterExport> {
  const { countyCode, period } = options;
  const month = parsePeriod(period);
  const county = await findCounty(knex, countyCode);
  const rows = await collectRows(knex, countyCode, county.name, month);
  const title = `${county.name} ${month.year}年${month.month}月 低收入人口信息（民政→防返贫）`;
  const bytes = await writeWorkbook(rows, title, options.generatedAt ?? new Date());
  return { fileName: `低收入人口信息_${countyCode}_${month.compact}.xlsx`, bytes, rows };
}

/**
 * Yuan for a sheet cell from integer fen. Exact, not merely close: IEEE 754 division is correctly rounded, so
 * `fen / 100` is the double nearest to the decimal fen/100 — the very double Excel gets when it parses the text
 * "1234.56" — and the shortest round-trip text JavaScript (and so the writer) prints for it is that decimal again.
 * Error could only creep in by adding yuan doubles, which never happens here: sums stay in fen.
 */
export function yuanFromFen(fen: number): number {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`[antipoverty] An amount in fen must be a safe integer, got ${fen}.`);
  return fen / 100;
}

// ---------------------------------------------------------------------------------------------------------------
// The rows

interface Month {
  year: number;
  month: number;
  /** YYYYMM */
  compact: string;
  firstDay: string;
  lastDay: string;
}

function parsePeriod(period: string): Month {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) {
    throw new ProblemError('validation-failed', `the period must be a month written YYYY-MM, got "${period}"`, [
      { parameter: 'period', detail: 'must be YYYY-MM' },
    ]);
  }
  return { year: Number(match[1]), month: Number(match[2]), compact: `${match[1]}${match[2]}`, firstDay: `${period}-01`, lastDay: lastDayOfPeriod(period) };
}

async function findCounty(knex: Knex, countyCode: string): Promise<{ name: string }> {
  const region = /^\d{6}$/.test(countyCode) ? (await findRegions(knex, [countyCode])).get(countyCode) : undefined;
  if (!region || region.level !== 'county') {
    throw new ProblemError('unknown-region', `${countyCode} is not a county in the register's regions`, [
      { parameter: 'countyCode', detail: 'must be a 6-digit county code with region data' },
    ]);
  }
  return { name: region.name };
}

interface EnrolmentInPeriod {
  enrolmentId: number;
  personId: number;
  category: string;
  startDate: string;
  endDate: string | null;
  monthlyAmountFen: number | null;
  householdId: number;
  householdNo: string;
  registeredRegion: string;
  residenceRegion: string;
  householdIncomeFen: number | null;
}

/** `whereIn` lists stay well under SQLite's and PostgreSQL's bound-parameter limits. */
const idChunkSize = 5_000;

async function collectRows(knex: Knex, countyCode: string, countyName: string, month: Month): Promise<LowIncomeRegisterRow[]> {
  const enrolments: EnrolmentInPeriod[] = await knex('enrolments as e')
    .join('persons as p', 'p.id', 'e.person_id')
    .join('households', 'households.id', 'p.household_id')
    .select(
      'e.id as enrolmentId', 'e.person_id as personId', 'e.category as category', 'e.start_date as startDate',
      'e.end_date as endDate', 'e.monthly_amount_fen as monthlyAmountFen', 'households.id as householdId',
      'households.household_no as householdNo', 'households.registered_region as registeredRegion',
      'households.residence_region as residenceRegion', 'households.monthly_income_fen as householdIncomeFen',
    )
    .whereIn('e.category', lowIncomeCategories())
    .where('e.start_date', '<=', month.lastDay)
    .where((q) => q.whereNull('e.end_date').orWhere('e.end_date', '>=', month.firstDay))
    .modify((q) => whereHouseholdInScope(q, countyCode));

  const chosen = new Map<number, EnrolmentInPeriod>();
  for (const enrolment of enrolments) {
    const held = chosen.get(enrolment.personId);
    if (!held || outranks(enrolment, held, month)) chosen.set(enrolment.personId, enrolment);
  }

  const householdIds = [...new Set([...chosen.values()].map((e) => e.householdId))];
  const members = new Map<number, PersonRow[]>();
  for (let i = 0; i < householdIds.length; i += idChunkSize) {
    for (const person of await personsOfHouseholds(knex, householdIds.slice(i, i + idChunkSize))) {
      const household = members.get(person.householdId) ?? [];
      household.push(person);
      members.set(person.householdId, household);
    }
  }

  const located = [...chosen.values()].map((e) => ({ enrolment: e, regionCode: householdRegionInCounty(e, countyCode) }));
  const regionCodes = located.flatMap(({ regionCode }) => [townshipOf(regionCode), regionCode]);
  const regions = await findRegions(knex, regionCodes);
  const regionName = (code: string) => (code === '' ? '' : (regions.get(code)?.name ?? ''));

  const unordered = located.map(({ enrolment, regionCode }) => {
    const household = members.get(enrolment.householdId) ?? [];
    const person = household.find((p) => p.id === enrolment.personId);
    if (!person) throw new Error(`[antipoverty] Person ${enrolment.personId} is missing from household ${enrolment.householdId}.`);
    const row: LowIncomeRegisterRow = {
      personId: person.id,
      serialNo: 0,
      dataDate: month.lastDay,
      countyName,
      townshipName: regionName(townshipOf(regionCode)),
      villageName: regionCode.length === 12 ? regionName(regionCode) : '',
      householdNo: enrolment.householdNo,
      name: person.name,
      idNumber: person.idNumber,
      relation: named('relation', person.relation),
      ethnicity: named('ethnicity', person.ethnicity),
      health: named('health', person.health),
      disability: disabilityText(person),
      labourAbility: named('labour-ability', person.labourAbility),
      categoryName: named('assistance-category', enrolment.category),
      categoryCode: enrolment.category,
      startDate: enrolment.startDate,
      endDate: enrolment.endDate ?? '',
      monthlyAmountFen: enrolment.monthlyAmountFen,
      householdSize: household.length,
      householdMonthlyIncomeFen: enrolment.householdIncomeFen,
    };
    return { row, regionCode, relation: person.relation };
  });

  unordered.sort((a, b) =>
    compareText(a.regionCode, b.regionCode) || compareText(a.row.householdNo, b.row.householdNo) ||
    compareText(a.relation, b.relation) || a.row.personId - b.row.personId,
  );
  return unordered.map(({ row }, index) => ({ ...row, serialNo: index + 1 }));
}

/**
 * One row per person, so one enrolment stands for the month when a person had two (低保 ended mid-month and 特困
 * began, or 低保边缘 beside a 低保 that started later): the one still current at the month's end, then a basic-living
 * one (低保, 特困) over the others, then the latest start. The receiver wants the standing as of the data date.
 */
function outranks(candidate: EnrolmentInPeriod, held: EnrolmentInPeriod, month: Month): boolean {
  const currentAtEnd = (e: EnrolmentInPeriod) => (e.endDate === null || e.endDate >= month.lastDay ? 1 : 0);
  const basic = (e: EnrolmentInPeriod) => (isBasicLivingCategory(e.category) ? 1 : 0);
  return (
    currentAtEnd(candidate) - currentAtEnd(held) ||
    basic(candidate) - basic(held) ||
    compareText(candidate.startDate, held.startDate) ||
    candidate.enrolmentId - held.enrolmentId
  ) > 0;
}

/**
 * Where in the county the household is: its registration (户籍地) when that is in the county, else its residence —
 * a household registered elsewhere but living here is on this county's roll too (whereHouseholdInScope).
 */
function householdRegionInCounty(e: EnrolmentInPeriod, countyCode: string): string {
  return isWithinScope(countyCode, e.registeredRegion) ? e.registeredRegion : e.residenceRegion;
}

/** Region codes are 9 digits (township) or 12 (village) under the county (GB/T 2260 + 统计用区划代码). */
function townshipOf(regionCode: string): string {
  return regionCode.length >= 9 ? regionCode.slice(0, 9) : '';
}

/** The code's name; an unknown code is written as it is rather than dropped, so the receiver sees something to query. */
function named(tableId: string, code: string | null): string {
  if (code === null) return '';
  return codeName(tableId, code) ?? code;
}

function disabilityText(person: PersonRow): string {
  const parts = [named('disability-category', person.disabilityCategory), named('disability-grade', person.disabilityGrade)];
  return parts.filter((p) => p !== '').join('/');
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The workbook

const titleRowNumber = 1;
const headerRowNumber = 2;
const thin = { style: 'thin' } as const;
const borders: Partial<Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const headerFill: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
const titleFont: Partial<Font> = { bold: true, size: 14 };
const middle: Partial<Alignment> = { vertical: 'middle' };
const headerStyle: Partial<Style> = {
  font: { bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  fill: headerFill,
  border: borders,
};
/** One shared style object per kind of cell: the streaming writer looks styles up per cell, so fewer is faster. */
const cellStyles: Record<CellKind, Partial<Style>> = {
  text: { numFmt: '@', border: borders, alignment: middle },
  yuan: { numFmt: '0.00', border: borders, alignment: middle },
  count: { numFmt: '0', border: borders, alignment: middle },
};
/** Explicit heights, so CJK glyphs do not touch the borders where the viewer falls back to a taller font. */
const dataRowHeight = 18;

/**
 * Cell types are chosen for the receiving importer and for Excel:
 * - ID numbers, household numbers, codes and dates are text cells formatted `@`. Excel keeps only 15 significant
 *   digits of a number, so an ID number written as a number loses its last three for good; and a clerk who retypes a
 *   cell formatted `@` still gets text.
 * - Dates are `YYYY-MM-DD` text, not date serials: the 防返贫 data-quality scripts read dates and months as text
 *   (识别监测时间 YYYYMM, §2), an importer that reads raw cell values sees a serial as 45413, and text involves no
 *   epoch or time zone. It still sorts and filters correctly in Excel.
 * - Amounts are number cells formatted `0.00`, so they sum in Excel (see yuanFromFen for exactness).
 * - Every text cell passes neutraliseFormula: a name such as "=HYPERLINK(…)" must stay text when a clerk edits the
 *   cell or saves the sheet as CSV.
 */
async function writeWorkbook(rows: readonly LowIncomeRegisterRow[], title: string, generatedAt: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const sink = createMemorySink();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink.stream, useStyles: true, useSharedStrings: true });
  workbook.creator = 'jiuzhu';
  workbook.lastModifiedBy = 'jiuzhu';
  workbook.created = generatedAt;
  workbook.modified = generatedAt;

  const columnCount = lowIncomeRegisterColumns.length;
  const sheet = workbook.addWorksheet(lowIncomeRegisterSheetName, {
    // exceljs leaves out a column whose width is exactly its default of 9, and Excel would then show its own 8.43;
    // declaring 9 the sheet's default keeps such a column at 9.
    properties: { defaultColWidth: 9 },
    views: [{ state: 'frozen', xSplit: 0, ySplit: headerRowNumber, topLeftCell: 'A3', activeCell: 'A3' }],
    // Twenty columns on one page width: A3 prints at about three quarters of screen size; a printer without A3
    // shrinks it to A4 as it would have been anyway. The title and header repeat on every page.
    pageSetup: {
      paperSize: 8 as PaperSize, // A3 (OOXML paper size 8), missing from exceljs's PaperSize enum
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${titleRowNumber}:${headerRowNumber}`,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  });
  // The streaming writer puts <cols> before the first row, so the widths are settled from all rows first.
  sheet.columns = columnWidths(rows).map((width) => ({ width }));

  const titleRow = sheet.getRow(titleRowNumber);
  titleRow.height = 30;
  // Left-aligned: centred over twenty columns it would sit off the right edge of a clerk's screen.
  titleRow.getCell(1).style = { font: titleFont, alignment: { horizontal: 'left', vertical: 'middle' } };
  titleRow.getCell(1).value = neutraliseFormula(title);
  sheet.mergeCells(titleRowNumber, 1, titleRowNumber, columnCount);
  titleRow.commit();

  const headerRow = sheet.getRow(headerRowNumber);
  headerRow.height = 24;
  lowIncomeRegisterColumns.forEach((column, index) => {
    const cell = headerRow.getCell(index + 1);
    cell.style = headerStyle;
    cell.value = column.header;
  });
  headerRow.commit();
  sheet.autoFilter = { from: { row: headerRowNumber, column: 1 }, to: { row: headerRowNumber, column: columnCount } };

  rows.forEach((row, rowIndex) => {
    const sheetRow = sheet.getRow(headerRowNumber + 1 + rowIndex);
    sheetRow.height = dataRowHeight;
    lowIncomeRegisterColumns.forEach((column, index) => {
      const cell = sheetRow.getCell(index + 1);
      cell.style = cellStyles[column.kind];
      const value = column.value(row);
      if (value === null || value === '') return;
      if (column.kind === 'text') cell.value = neutraliseFormula(String(value));
      else if (column.kind === 'yuan') cell.value = yuanFromFen(Number(value));
      else cell.value = Number(value);
    });
    sheetRow.commit();
  });

  sheet.commit();
  await workbook.commit();
  return sink.bytes();
}

/** Widths from the longest header or value, in Excel's unit (display-width.ts). */
function columnWidths(rows: readonly LowIncomeRegisterRow[]): number[] {
  return lowIncomeRegisterColumns.map((column) => {
    let widest = displayWidth(column.header);
    for (const row of rows) {
      const value = column.value(row);
      if (value === null) continue;
      const text = column.kind === 'yuan' ? yuanFromFen(Number(value)).toFixed(2) : neutraliseFormula(String(value));
      widest = Math.max(widest, displayWidth(text));
    }
    return Math.min(Math.max(Math.ceil(widest) + 2, 6), 40);
  });
}
