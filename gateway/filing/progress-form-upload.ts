/**
 * A filled-in progress form (progress-form.ts) read back: with the spreadsheet reader feeds use (adapters/kit, with
 * its limits on size, expansion and cell length), then checked cell by cell against the form's layout. Rows are
 * matched by task number, not by position, so a unit may sort or drop rows. Anything that is not the form as handed
 * out — another title or unit/month line, a header changed, a column added, a task number the unit does not report
 * on or given twice — refuses the whole workbook, each problem named by its cell ("G7: …"), and nothing is filed.
 */
import { readSpreadsheetRows } from '../../adapters/kit/xlsx-reader.js';
import { AdapterError } from '../../adapters/kit/adapter-error.js';
import type { FileInput, RawRow, ReaderLimits } from '../../adapters/kit/rows.js';
import { ProblemError, type FieldError } from '../errors.js';
import type { ProgressSheet } from '../../schemas/types/index.js';
import { tasksFiledBy, type FilingProgramme } from './filing-programme.js';
import type { ProgressFiling } from './progress-filing.js';
import { columnLetter, columnOf, progressFormLayout, progressFormLimits, progressFormSubtitle, progressFormTitle } from './progress-form.js';

/** A form is a few dozen rows: anything far bigger is not one, and is refused before it is expanded. */
export const progressFormReaderLimits: Partial<ReaderLimits> = {
  maxFileBytes: 5 * 1024 ** 2,
  maxDecompressedBytes: 50 * 1024 ** 2,
  maxRows: 1_000,
};

export interface ReadProgressForm {
  filings: ProgressFiling[];
  /** Tasks whose 本月落实进度 was left empty: not filed by this upload. */
  blank: number[];
}

/** The form of `sheet` (its programme, unit and month) as filled in, or a file-refused problem naming every bad cell. */
export async function readProgressForm(input: FileInput, programme: FilingProgramme, sheet: Pick<ProgressSheet, 'period' | 'unit' | 'deadline'>): Promise<ReadProgressForm> {
  const rows = new Map<number, string[]>();
  try {
    for await (const row of readSpreadsheetRows(input, { sheet: progressFormLayout.sheetName }, progressFormReaderLimits)) rows.set(rowNumberOf(row), row.cells);
  } catch (error) {
    if (error instanceof AdapterError) throw new ProblemError('file-refused', `${error.message} Nothing was filed.`);
    throw error;
  }
  const problems: FieldError[] = [];
  const problem = (column: number, row: number, detail: string) => {
    const cell = `${columnLetter(column)}${row}`;
    problems.push({ in: 'body', cell: `${progressFormLayout.sheetName}!${cell}`, detail: `${cell}: ${detail}` });
  };
  const layout = progressFormLayout;
  const cell = (row: number, column: number) => (rows.get(row)?.[column - 1] ?? '').trim();

  for (const [row, expected] of [[layout.titleRow, progressFormTitle(programme)], [layout.subtitleRow, progressFormSubtitle(programme, sheet)]] as const) {
    if (cell(row, 1) !== expected) problem(1, row, `expected "${expected}", found "${cell(row, 1)}": this is not ${sheet.unit.name}'s form for ${sheet.period}`);
  }
  layout.columns.forEach((column, index) => {
    const found = cell(layout.headerRow, index + 1);
    if (found !== column.header) problem(index + 1, layout.headerRow, `expected the column "${column.header}", found "${found}"`);
  });
  const width = layout.columns.length;
  for (const [row, cells] of rows) {
    cells.slice(width).forEach((text, index) => {
      if (text.trim() !== '') problem(width + index + 1, row, `"${text.trim()}" is outside the form's columns (A–${columnLetter(width)})`);
    });
  }

  const own = new Set(tasksFiledBy(programme, sheet.unit.code).map((t) => t.number));
  const seen = new Map<number, number>();
  const read: ReadProgressForm = { filings: [], blank: [] };
  const [numberColumn, progressColumn, noteColumn] = [columnOf('number'), columnOf('progress'), columnOf('note')];
  for (const row of [...rows.keys()].filter((r) => r >= layout.firstTaskRow).sort((a, b) => a - b)) {
    const cells = rows.get(row)!;
    if (cells.every((text) => text.trim() === '')) continue;
    const numberText = cell(row, numberColumn);
    if (numberText === '') {
      problem(numberColumn, row, 'a row without a task number');
      continue;
    }
    const number = /^[0-9]{1,3}$/.test(numberText) ? Number(numberText) : NaN;
    if (!own.has(number)) {
      problem(numberColumn, row, `"${numberText}" is not one of ${sheet.unit.name}'s tasks (${[...own].join(', ')})`);
      continue;
    }
    if (seen.has(number)) {
      problem(numberColumn, row, `task ${number} appears again (first in row ${seen.get(number)})`);
      continue;
    }
    seen.set(number, row);
    const progress = restoredText(cell(row, progressColumn));
    const note = restoredText(cell(row, noteColumn));
    if (progress.length > progressFormLimits.progress) problem(progressColumn, row, `longer than ${progressFormLimits.progress} characters`);
    if (note.length > progressFormLimits.note) problem(noteColumn, row, `longer than ${progressFormLimits.note} characters`);
    if (progress === '') {
      if (note !== '') problem(progressColumn, row, `empty, but 备注 (${columnLetter(noteColumn)}${row}) is filled in`);
      else read.blank.push(number);
      continue;
    }
    read.filings.push({ taskNumber: number, progress, note: note === '' ? null : note });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).map((p) => p.detail).join('; ');
    throw new ProblemError('file-refused', `the workbook is not ${sheet.unit.name}'s ${sheet.period} form as handed out, and nothing was filed: ${shown}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, problems);
  }
  return read;
}

/** The row number of a spreadsheet row from its location (落实进度!A7 → 7). */
function rowNumberOf(row: RawRow): number {
  const match = /([0-9]+)$/.exec(row.location);
  if (!match) throw new Error(`[progress-form] unexpected row location ${row.location}`);
  return Number(match[1]);
}

/**
 * The text as the unit wrote it: the form neutralises a leading = + - @ with an apostrophe when it writes a text
 * (progress-form.ts), and that apostrophe is taken off again here.
 */
function restoredText(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
