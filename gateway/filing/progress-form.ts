/**
 * The progress form a unit fills in offline (附件2 落实进度表 as a workbook): its tasks, last month's text beside each,
 * and two columns to fill — 本月落实进度 and 备注. The layout is defined once here (`progressFormLayout`) and both the
 * writer and the reader of uploads (progress-form-upload.ts) follow it, so it can move onto the report engine
 * (gateway/reports/) as one template without the reader changing.
 *
 * The seed gives the annex's title only: every column is inferred (see config/filing/<id>.json,
 * returns.monthlyProgress.columnsInferred). The title and the unit/month line are read back and must come back
 * unchanged, so a form filled for one unit or month cannot be filed for another.
 */
import type { Alignment, Borders, Style, Worksheet } from 'exceljs';
import { todayInShanghai } from '../calendar/shanghai-date.js';
import { neutraliseFormula } from '../exports/csv-export.js';
import { displayWidth } from '../exports/display-width.js';
import { setZipEntryTimes } from '../exports/zip-entry-times.js';
import type { ProgressSheet } from '../../schemas/types/index.js';
import { tasksFiledBy, unitName, type FilingProgramme } from './filing-programme.js';

export type ProgressFormField = 'number' | 'title' | 'measures' | 'leadUnits' | 'responsibleUnits' | 'previousProgress' | 'progress' | 'note';

export interface ProgressFormColumn {
  field: ProgressFormField;
  header: string;
  /** Excel column width (digits of the default font). */
  width: number;
  /** Filled in by the unit and read back on upload; every other column is the form's own and is not read. */
  editable: boolean;
}

/** The form's layout: the sheet's name, where its rows are, and its columns left to right. */
export const progressFormLayout = {
  sheetName: '落实进度',
  titleRow: 1,
  subtitleRow: 2,
  headerRow: 3,
  firstTaskRow: 4,
  columns: [
    { field: 'number', header: '序号', width: 6, editable: false },
    { field: 'title', header: '重点任务', width: 20, editable: false },
    { field: 'measures', header: '落实措施', width: 46, editable: false },
    { field: 'leadUnits', header: '牵头单位', width: 11, editable: false },
    { field: 'responsibleUnits', header: '责任单位', width: 20, editable: false },
    { field: 'previousProgress', header: '上月落实进度', width: 30, editable: false },
    { field: 'progress', header: '本月落实进度', width: 40, editable: true },
    { field: 'note', header: '备注', width: 14, editable: true },
  ] as const satisfies readonly ProgressFormColumn[],
} as const;

/** Longest texts the upload takes, as the JSON API does (schemas/progress-entry-input.schema.json). */
export const progressFormLimits = { progress: 2000, note: 500 } as const;

/** The spreadsheet letters of a 1-based column number: 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export function columnOf(field: ProgressFormField): number {
  return progressFormLayout.columns.findIndex((c) => c.field === field) + 1;
}

/** The title row: the annex's title as the seed writes it, and the return's name in the same sentence (落实进度表). */
export function progressFormTitle(programme: FilingProgramme): string {
  return `${programme.returns.monthlyProgress.title}（落实进度表）`;
}

/** The unit/month line: which unit files it, for which month, due when. Read back to match the upload to its URL. */
export function progressFormSubtitle(programme: FilingProgramme, sheet: Pick<ProgressSheet, 'period' | 'unit' | 'deadline'>): string {
  const gap = '\u3000'; // an ideographic space, as Chinese forms separate their fields
  return `填报单位：${sheet.unit.name}（${sheet.unit.code}）${gap}所属月份：${sheet.period}${gap}报送期限：${sheet.deadline.dueOn}前报送${unitName(programme, programme.leadUnit)}`;
}

/** One task row's cells by field, from the unit's sheet of the month. */
export function progressFormRows(programme: FilingProgramme, sheet: ProgressSheet): Record<ProgressFormField, string | number>[] {
  const names = (codes: readonly string[]) => codes.map((code) => unitName(programme, code)).join('、');
  const tasks = tasksFiledBy(programme, sheet.unit.code);
  return sheet.tasks.map((row) => {
    const task = tasks.find((t) => t.number === row.number)!;
    return {
      number: row.number, title: row.title, measures: task.measures, leadUnits: names(task.leadUnits), responsibleUnits: names(task.responsibleUnits),
      previousProgress: row.previousProgress ?? '', progress: row.progress ?? '', note: row.note ?? '',
    };
  });
}

const thin = { style: 'thin' } as const;
const borders: Partial<Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const wrapTop: Partial<Alignment> = { vertical: 'top', wrapText: true };
const headerStyle: Partial<Style> = {
  font: { bold: true },
  alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
  border: borders,
  protection: { locked: true },
};
const fixedStyle: Partial<Style> = { alignment: wrapTop, border: borders, numFmt: '@', protection: { locked: true } };
/** The cells a unit fills: unlocked in the protected sheet, and tinted so they are found at a glance. */
const editableStyle: Partial<Style> = {
  alignment: wrapTop, border: borders, numFmt: '@', protection: { locked: false },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF9E5' } },
};
/** Points per wrapped line of 11 pt text, and a little air. */
const lineHeight = 14;

/**
 * The unit's form for the month as an XLSX file: A4 landscape, fitted to one page wide, the title, the unit/month line
 * and the header repeated on every page, long texts wrapped. The sheet is protected without a password so that a
 * slip of the mouse cannot change a header or a task number; it guards against mistakes, not against anyone.
 */
export async function writeProgressForm(programme: FilingProgramme, sheet: ProgressSheet, options: { generatedAt: Date }): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'jiuzhu';
  workbook.lastModifiedBy = 'jiuzhu';
  // The day, not the instant, and every zip entry stamped with it: the same sheet on the same day is the same bytes.
  const day = todayInShanghai(options.generatedAt);
  workbook.created = new Date(`${day}T00:00:00+08:00`);
  workbook.modified = workbook.created;
  const layout = progressFormLayout;
  const columnCount = layout.columns.length;
  const worksheet = workbook.addWorksheet(layout.sheetName, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: layout.headerRow, topLeftCell: `A${layout.firstTaskRow}`, activeCell: `${columnLetter(columnOf('progress'))}${layout.firstTaskRow}` }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${layout.titleRow}:${layout.headerRow}`,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
  });
  worksheet.columns = layout.columns.map((column) => ({ width: column.width }));

  writeBanner(worksheet, layout.titleRow, progressFormTitle(programme), { bold: true, size: 14 }, 30, columnCount);
  writeBanner(worksheet, layout.subtitleRow, progressFormSubtitle(programme, sheet), { size: 11 }, 20, columnCount);
  const header = worksheet.getRow(layout.headerRow);
  header.height = 24;
  layout.columns.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.value = column.header;
    cell.style = headerStyle;
  });

  progressFormRows(programme, sheet).forEach((values, index) => {
    const row = worksheet.getRow(layout.firstTaskRow + index);
    let lines = 1;
    layout.columns.forEach((column, columnIndex) => {
      const cell = row.getCell(columnIndex + 1);
      const value = values[column.field];
      cell.style = column.editable ? editableStyle : fixedStyle;
      if (column.field === 'number') {
        cell.value = value;
        cell.style = { ...fixedStyle, numFmt: '0', alignment: { vertical: 'top', horizontal: 'center' } };
      } else if (value !== '') {
        cell.value = neutraliseFormula(String(value));
      }
      lines = Math.max(lines, ...String(value).split('\n').map((line) => Math.ceil(displayWidth(line) / column.width) || 1));
    });
    // Viewers do not grow a row to its wrapped text on opening; a height from the longest cell keeps every line in view.
    row.height = Math.min(lines * lineHeight + 4, 409);
  });

  await worksheet.protect('', { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  setZipEntryTimes(bytes, day);
  return bytes;
}

function writeBanner(worksheet: Worksheet, rowNumber: number, text: string, font: Style['font'], height: number, columnCount: number): void {
  const row = worksheet.getRow(rowNumber);
  row.height = height;
  const cell = row.getCell(1);
  cell.value = text;
  cell.style = { font, alignment: { horizontal: 'left', vertical: 'middle' }, protection: { locked: true } };
  worksheet.mergeCells(rowNumber, 1, rowNumber, columnCount);
}
