/**
 * CSV for people who open it in Excel or WPS: UTF-8 with a BOM (without it Excel reads Chinese as GBK garble),
 * CRLF line ends, every field quoted when needed, and cells that a spreadsheet would run as a formula
 * neutralised (CSV injection: a leading = + - @, tab or CR gets a ' in front, as OWASP recommends).
 */
const formulaStart = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return formulaStart.test(text) ? `'${text}` : text;
}

export function csvField(value: string | number | null | undefined): string {
  const text = neutraliseFormula(value === null || value === undefined ? '' : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export const csvBom = '\uFEFF';
