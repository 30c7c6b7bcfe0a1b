/**
 * A laid-out report as CSV for people who open it in Excel or WPS and for scripts: UTF-8 with a BOM, CRLF, one header
 * row (a multi-row header's texts joined top to bottom with ·), then the body with its subtotal and total rows. Title
 * lines, padding rows and footer lines are the printed form's and are left out. Text is neutralised against formula
 * injection (csv-export.ts); numbers are written as numbers, so a negative amount stays -12.50, not '-12.50.
 */
import type { ReportColumn, ReportTemplate } from '../../schemas/types/index.js';
import { csvBom, csvField } from '../exports/csv-export.js';
import { yuanText } from '../exports/money-text.js';
import { headerPath, type LayoutItem } from './report-layout.js';
import type { ReportValue } from './report-source.js';

export function* reportCsvLines(template: ReportTemplate, items: Iterable<LayoutItem>): Generator<string> {
  yield csvBom + csvLine(template.columns.map((column) => headerPath(column).join('·')));
  for (const item of items) {
    if (item.type !== 'row') continue;
    if (item.kind === 'body') yield csvLine(item.cells.map((value, index) => csvValue(template.columns[index]!, value)));
    else if (item.kind === 'subtotal' || item.kind === 'total') {
      yield csvLine(item.cells.map((value, index) => (index === 0 ? csvField(value) : csvValue(template.columns[index]!, value))));
    }
  }
}

function csvLine(fields: readonly string[]): string {
  return `${fields.join(',')}\r\n`;
}

function csvValue(column: ReportColumn, value: ReportValue): string {
  if (value === null) return '';
  if (typeof value !== 'number') return csvField(value);
  switch (column.format) {
    case 'yuan': return yuanText(value);
    case 'percent': return `${(value * 100).toFixed(1)}%`;
    default: return String(value);
  }
}
