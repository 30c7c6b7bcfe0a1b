/**
 * A template and its rows laid out as the sheet's rows, top to bottom — title lines, header rows, body rows with group
 * subtotals and the total, padding rows, footer lines — and the merged ranges between them. Both renderers write
 * from this one layout (render-xlsx.ts every row, render-csv.ts the header and the table), so the two formats cannot
 * disagree about what a report holds. It is a generator: a 100,000-row report is laid out as it is written, and only
 * the open run of each merged column is remembered.
 */
import type { ReportColumn, ReportTemplate, ReportTextRow } from '../../schemas/types/index.js';
import type { ReportData, ReportValue } from './report-source.js';

export type RowKind = 'title' | 'subtitle' | 'note' | 'header' | 'body' | 'subtotal' | 'total' | 'blank' | 'empty';

export interface LayoutRow {
  type: 'row';
  kind: RowKind;
  /** 1-based, as the sheet numbers rows. */
  number: number;
  /** One value per column; a text line (title, subtitle, note, empty) has its text in the first. */
  cells: ReportValue[];
  /** For text lines: how the text sits. */
  align?: 'left' | 'center' | 'right';
  /** Points; undefined leaves the row at the sheet's default height. */
  height?: number;
}

/** Rows and columns 1-based and inclusive, as Excel's ranges are. */
export interface LayoutMerge {
  type: 'merge';
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * No merge will start at or above this row any more: a streaming writer may write the rows out. exceljs's streaming
 * writer must still hold a merge's top-left cell when the merge is declared, and a run of repeated values is merged
 * only when it ends.
 */
export interface LayoutSettled {
  type: 'settled';
  through: number;
}

export type LayoutItem = LayoutRow | LayoutMerge | LayoutSettled;

export interface LayoutOptions {
  /** Options turned on (or off) by the caller; the rest take the template's defaults. */
  options?: Readonly<Record<string, boolean>>;
  /** YYYY-MM-DD, for {generatedOn}. */
  generatedOn: string;
}

/** How a header is seen from the top row down: its texts, one per header row it owns. */
export function headerPath(column: ReportColumn): string[] {
  return typeof column.header === 'string' ? [column.header] : column.header;
}

export function headerDepth(template: ReportTemplate): number {
  return Math.max(...template.columns.map((c) => headerPath(c).length));
}

/** Whether a template's option is on: the caller's choice, else the template's default. */
export function optionIsOn(template: ReportTemplate, chosen: Readonly<Record<string, boolean>> | undefined, name: string): boolean {
  return chosen?.[name] ?? template.options?.[name]?.default ?? false;
}

/** The placeholders every report has; a source declares any others (contextFields). */
export const standardPlaceholders = ['region', 'period', 'unit', 'generatedOn'] as const;
export const placeholderPattern = /\{([a-zA-Z]+)\}/g;

export function fillPlaceholders(text: string, data: ReportData, generatedOn: string): string {
  return text.replace(placeholderPattern, (_, name: string) => (name === 'generatedOn' ? generatedOn : data.context[name] ?? ''));
}

/** Where the header rows fall: after the title lines shown (a line whose option is off is left out). */
export function reportHeaderRows(template: ReportTemplate, chosen: Readonly<Record<string, boolean>> | undefined): { first: number; last: number } {
  const titles = template.titleRows.filter((row) => row.when === undefined || optionIsOn(template, chosen, row.when)).length;
  return { first: titles + 1, last: titles + headerDepth(template) };
}

/** Font sizes in points, by the part of the sheet; shared with the XLSX renderer, which also needs them for heights. */
export const defaultFontSizes = { title: 16, subtitle: 11, header: 10, body: 10 } as const;

export function* layOutReport(template: ReportTemplate, data: ReportData, options: LayoutOptions): Generator<LayoutItem> {
  const width = template.columns.length;
  const bodySize = template.fonts?.body?.size ?? defaultFontSizes.body;
  let number = 0;

  function* textLines(rows: readonly ReportTextRow[]): Generator<LayoutItem> {
    for (const row of rows) {
      if (row.when !== undefined && !optionIsOn(template, options.options, row.when)) continue;
      number += 1;
      const style = row.style ?? 'subtitle';
      const text = fillPlaceholders(row.text, data, options.generatedOn);
      const size = template.fonts?.[style === 'note' ? 'body' : style]?.size ?? defaultFontSizes[style === 'note' ? 'body' : style];
      yield { type: 'row', kind: style, number, cells: [text, ...Array<ReportValue>(width - 1).fill(null)], align: row.align ?? 'center', height: row.height ?? lineHeight(size) };
      if (width > 1) yield { type: 'merge', top: number, left: 1, bottom: number, right: width };
      yield { type: 'settled', through: number };
    }
  }

  yield* textLines(template.titleRows);
  yield* headerRows(template, number + 1);
  const depth = headerDepth(template);
  number += depth;
  yield { type: 'settled', through: number };

  // Body, groups and totals.
  const serialColumn = template.columns.findIndex((c) => c.field === '#');
  const totalColumns = template.columns.flatMap((c, index) => (c.total ? [index] : []));
  const labelSpan = totalColumns.length === 0 ? width : Math.max(1, totalColumns[0]!);
  const mergeColumns = template.columns.flatMap((c, index) => (c.mergeRepeated ? [index] : []));
  /** Per merged column, the run of equal values open now, and the lines of its text each of the run's rows must hold. */
  const openRuns = new Map<number, { value: ReportValue; top: number; linesPerRow: number }>();
  const grand = newTotals(width);
  let groupTotals = newTotals(width);
  let groupValue: ReportValue | undefined;
  const outerBy = template.group?.outer?.by;
  let outerTotals = newTotals(width);
  let outerValue: ReportValue | undefined;
  let serial = 0;
  let bodyRows = 0;

  function* closeRuns(): Generator<LayoutMerge> {
    for (const [column, run] of openRuns) {
      if (number > run.top) yield { type: 'merge', top: run.top, left: column + 1, bottom: number, right: column + 1 };
    }
    openRuns.clear();
  }

  function* totalRow(kind: 'subtotal' | 'total', label: string, totals: Totals): Generator<LayoutItem> {
    number += 1;
    const cells = Array<ReportValue>(width).fill(null);
    cells[0] = label;
    for (const index of totalColumns) cells[index] = template.columns[index]!.total === 'count' ? totals.rows : totals.sums[index]!;
    yield { type: 'row', kind, number, cells };
    if (labelSpan > 1) yield { type: 'merge', top: number, left: 1, bottom: number, right: labelSpan };
    yield { type: 'settled', through: number };
  }

  /**
   * How many rows from `at` on share this value of the column within the group: a merged cell's text is spread over
   * its run's rows, so a long 落实措施 beside seven units does not make each of the seven rows as tall as itself.
   */
  const runLength = (at: number, field: string, value: ReportValue): number => {
    let end = at + 1;
    const group = template.group?.by;
    while (end < data.rows.length && (data.rows[end]![field] ?? null) === value && (!group || data.rows[end]![group] === data.rows[at]![group])) end += 1;
    return end - at;
  };

  for (const [at, row] of data.rows.entries()) {
    const value = template.group ? row[template.group.by] ?? null : undefined;
    const outer = outerBy === undefined ? undefined : row[outerBy] ?? null;
    const outerChanges = outerBy !== undefined && bodyRows > 0 && outer !== outerValue;
    if (template.group && bodyRows > 0 && (value !== groupValue || outerChanges)) {
      yield* closeRuns();
      yield* totalRow('subtotal', subtotalLabel(template, groupValue), groupTotals);
      groupTotals = newTotals(width);
      if (template.group.serialRestarts) serial = 0;
    }
    if (outerChanges) {
      yield* totalRow('subtotal', outerSubtotalLabel(template, outerValue), outerTotals);
      outerTotals = newTotals(width);
    }
    groupValue = value;
    outerValue = outer;
    number += 1;
    bodyRows += 1;
    serial += 1;
    const cells = template.columns.map((column, index) => (index === serialColumn ? serial : row[column.field] ?? null));
    for (const index of totalColumns) {
      const cell = cells[index];
      if (typeof cell === 'number') {
        groupTotals.sums[index]! += cell;
        outerTotals.sums[index]! += cell;
        grand.sums[index]! += cell;
      }
    }
    groupTotals.rows += 1;
    outerTotals.rows += 1;
    grand.rows += 1;
    for (const index of mergeColumns) {
      const run = openRuns.get(index);
      if (run && run.value === cells[index]) continue;
      if (run && number - 1 > run.top) yield { type: 'merge', top: run.top, left: index + 1, bottom: number - 1, right: index + 1 };
      const column = template.columns[index]!;
      const text = cells[index];
      const lines = column.wrap && typeof text === 'string' && text !== '' ? wrappedLines(text, column.width) : 1;
      openRuns.set(index, { value: text ?? null, top: number, linesPerRow: Math.ceil(lines / runLength(at, column.field, text ?? null)) });
    }
    const merged = new Map([...openRuns].map(([index, run]) => [index, run.linesPerRow]));
    yield { type: 'row', kind: 'body', number, cells, height: bodyHeight(template.columns, cells, bodySize, merged) };
    let settled = number;
    for (const run of openRuns.values()) settled = Math.min(settled, run.top - 1);
    yield { type: 'settled', through: settled };
  }
  yield* closeRuns();
  if (template.group && bodyRows > 0) yield* totalRow('subtotal', subtotalLabel(template, groupValue), groupTotals);
  if (outerBy !== undefined && bodyRows > 0) yield* totalRow('subtotal', outerSubtotalLabel(template, outerValue), outerTotals);

  if (bodyRows === 0 && template.emptyText !== undefined) {
    number += 1;
    bodyRows += 1;
    yield { type: 'row', kind: 'empty', number, cells: [template.emptyText, ...Array<ReportValue>(width - 1).fill(null)], align: 'center' };
    if (width > 1) yield { type: 'merge', top: number, left: 1, bottom: number, right: width };
    yield { type: 'settled', through: number };
  }
  for (; bodyRows < (template.minimumBodyRows ?? 0); bodyRows += 1) {
    number += 1;
    yield { type: 'row', kind: 'blank', number, cells: Array<ReportValue>(width).fill(null), height: lineHeight(bodySize) * 1.5 };
    yield { type: 'settled', through: number };
  }
  if (template.grandTotal) yield* totalRow('total', template.grandTotal.label, grand);
  yield* textLines(template.footerRows ?? []);
}

interface Totals {
  rows: number;
  sums: number[];
}

function newTotals(width: number): Totals {
  return { rows: 0, sums: Array<number>(width).fill(0) };
}

function subtotalLabel(template: ReportTemplate, value: ReportValue | undefined): string {
  return template.group!.subtotalLabel.replace('{value}', value === null || value === undefined ? '' : String(value));
}

function outerSubtotalLabel(template: ReportTemplate, value: ReportValue | undefined): string {
  return template.group!.outer!.subtotalLabel.replace('{value}', value === null || value === undefined ? '' : String(value));
}

/**
 * The header rows: each column's texts from the top, a column with fewer texts than the deepest header merged down
 * from its last text, and adjacent columns whose texts agree down to a row merged across in that row.
 */
function* headerRows(template: ReportTemplate, first: number): Generator<LayoutItem> {
  const depth = headerDepth(template);
  const paths = template.columns.map(headerPath);
  const height = template.headerHeight;
  for (let level = 0; level < depth; level++) {
    const cells = paths.map((path, index): ReportValue => {
      if (level >= path.length) return null;
      // The second of two columns under one merged heading shows nothing; the merge carries the first's text.
      const previous = paths[index - 1];
      return previous && sharesHeading(previous, path, level) ? null : path[level]!;
    });
    yield { type: 'row', kind: 'header', number: first + level, cells, height };
  }
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index]!;
    if (path.length < depth) yield { type: 'merge', top: first + path.length - 1, left: index + 1, bottom: first + depth - 1, right: index + 1 };
  }
  for (let level = 0; level < depth; level++) {
    for (let start = 0; start < paths.length;) {
      let end = start;
      while (end + 1 < paths.length && level < paths[start]!.length && sharesHeading(paths[end]!, paths[end + 1]!, level)) end += 1;
      if (end > start) yield { type: 'merge', top: first + level, left: start + 1, bottom: first + level, right: end + 1 };
      start = end + 1;
    }
  }
}

/** Two columns share their heading at `level` when their texts agree down to it and both go deeper (a leaf is its own). */
function sharesHeading(a: readonly string[], b: readonly string[], level: number): boolean {
  if (level >= a.length - 1 || level >= b.length - 1) return false;
  for (let i = 0; i <= level; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A line of text at this font size, in points, with the leading Excel and LibreOffice give it. */
export function lineHeight(size: number): number {
  return Math.round(size * 1.5 * 4) / 4;
}

/**
 * Excel sets no height for a row of wrapped text it did not lay out itself, and LibreOffice and Excel disagree on
 * how they would: so each body row gets the height its tallest wrapped cell needs, counting CJK characters (and
 * full-width forms) as two width units and everything else as one, as Excel's column width counts them.
 */
function bodyHeight(columns: readonly ReportColumn[], cells: readonly ReportValue[], size: number, mergedLines: ReadonlyMap<number, number>): number | undefined {
  let lines = 1;
  columns.forEach((column, index) => {
    const share = mergedLines.get(index);
    if (share !== undefined) {
      lines = Math.max(lines, share);
      return;
    }
    const cell = cells[index];
    if (!column.wrap || typeof cell !== 'string' || cell === '') return;
    lines = Math.max(lines, wrappedLines(cell, column.width));
  });
  return lines === 1 ? undefined : lines * lineHeight(size);
}

export function wrappedLines(text: string, width: number): number {
  const usable = Math.max(1, width - 1);
  // Most cells fit on one line even if every character were wide: no need to measure them.
  if (text.length * 2 <= usable && !text.includes('\n')) return 1;
  let lines = 0;
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) {
      lines += Math.max(1, Math.ceil(units / usable));
      units = 0;
    } else if (code < 0xdc00 || code > 0xdfff) {
      // A low surrogate adds nothing: its high surrogate (≥ 0x2e80) already counted the character as wide.
      units += code >= 0x2e80 ? 2 : 1;
    }
  }
  return lines + Math.max(1, Math.ceil(units / usable));
}
