/**
 * The second baseline of the XLSX line (issue 15): exceljs's own streaming `WorkbookReader` reading the same file
 * from its path, every row of every sheet, each row's values turned into text as our reader hands cells on — what a
 * project that took exceljs as it comes would get. Shared strings cached (the file's strings are looked up by
 * index), styles, hyperlinks and other entries ignored.
 * exceljs 4.4.0 reads the zip front to back with unzipper and now and then loses an entry (exceljs issue #3064; see
 * adapters/kit/xlsx-reader.ts): such a read is retried, up to three times, and only the read that finished is timed,
 * so one flake does not end the whole bench. The detail says how many were retried.
 * Usage: xlsx-exceljs-read.ts FILE
 */
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import { reportCase, secondsSince } from '../case-result.js';

const [file = ''] = process.argv.slice(2);
const { version } = createRequire(import.meta.url)('exceljs/package.json') as { version: string };

/** A cell's value as text: rich text and formulas by what they show, dates as ISO days, the rest by String(). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((run) => run.text).join('');
    if ('result' in value) return value.result === undefined ? '' : String(value.result);
    if ('text' in value) return String(value.text);
  }
  return String(value);
}

async function readAll(): Promise<{ rows: number; seconds: number }> {
  const start = process.hrtime.bigint();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'ignore' });
  let rows = 0;
  let cells = 0;
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      // row.values is 1-based (index 0 is always empty), sparse where cells are missing.
      const values = row.values as ExcelJS.CellValue[];
      const texts: string[] = [];
      for (let column = 1; column < values.length; column++) texts.push(cellText(values[column]));
      cells += texts.length;
      rows += 1;
    }
  }
  if (cells === 0) throw new Error(`exceljs read no cells from ${file}`);
  return { rows, seconds: secondsSince(start) };
}

let retried = 0;
for (;;) {
  try {
    const { rows, seconds } = await readAll();
    reportCase({
      name: `baseline: exceljs ${version} streaming WorkbookReader alone, ${basename(file)}`,
      rows,
      unit: 'rows',
      seconds,
      ...(retried > 0 ? { detail: `${retried} read(s) lost a zip entry (exceljs #3064) and were retried` } : {}),
    });
    break;
  } catch (error) {
    if (++retried > 3) throw error;
    process.stderr.write(`exceljs read failed, retrying: ${String(error)}\n`);
  }
}
